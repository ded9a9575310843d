namespace KernelSim.Replay.Tests.Events;

/// <summary>Finds files of the repository from the test's output directory (tests/Replay.Tests/bin/...).</summary>
internal static class RepoPaths
{
    /// <summary>The directory holding Sim.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// traces/formats of this checkout; in a linked git worktree that has no traces/ of its own yet, the main
    /// worktree's (the .git file names the common git directory, whose parent is the main worktree).
    /// </summary>
    public static string FormatsDirectory()
    {
        string local = Path.Combine(Root, "traces", "formats");
        if (Directory.Exists(local))
        {
            return local;
        }

        string gitFile = Path.Combine(Root, ".git");
        if (File.Exists(gitFile))
        {
            string gitDir = File.ReadAllText(gitFile).Trim();
            const string Prefix = "gitdir:";
            if (gitDir.StartsWith(Prefix, StringComparison.Ordinal))
            {
                gitDir = Path.GetFullPath(gitDir[Prefix.Length..].Trim(), Root);
                string commonFile = Path.Combine(gitDir, "commondir");
                string common = File.Exists(commonFile)
                    ? Path.GetFullPath(File.ReadAllText(commonFile).Trim(), gitDir)
                    : gitDir;
                string? mainRoot = Path.GetDirectoryName(common.TrimEnd(Path.DirectorySeparatorChar));
                if (mainRoot is not null && Directory.Exists(Path.Combine(mainRoot, "traces", "formats")))
                {
                    return Path.Combine(mainRoot, "traces", "formats");
                }
            }
        }

        throw new DirectoryNotFoundException($"No traces/formats under {Root} (nor in the main worktree of its git repository).");
    }

    public static string Fixture(string name) => Path.Combine(Root, "tests", "Replay.Tests", "Events", "Fixtures", name);

    private static string FindRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Sim.sln")))
            {
                return d.FullName;
            }
        }

        throw new DirectoryNotFoundException($"Sim.sln not found above {AppContext.BaseDirectory}.");
    }
}
