using System.Diagnostics;
using System.Reflection;

namespace KernelSim.Notebooks.Tests;

/// <summary>
/// Once per test run: packs KernelSim.Core, .Models, .Replay, .Interactive and .Testing (the build the test run already made,
/// <c>dotnet pack --no-build</c>) into a fresh temporary feed, and points the notebooks at it with <c>KSIM_FEED</c>
/// (their first cell reads it; a user's default is artifacts/feed). NuGet caches a package version for good, so the
/// notebooks restore into a packages folder of their own (artifacts/notebook-packages, <c>NUGET_PACKAGES</c>) from
/// which every KernelSim package is removed first: version 0.1.0 is always the one just packed. Third-party packages
/// (Plotly.NET, FsCheck, ...) stay cached there between runs.
/// </summary>
public sealed class PackedFeedFixture : IDisposable
{
    private static readonly string[] Projects = ["Core", "Models", "Replay", "Interactive", "Testing"];

    public PackedFeedFixture()
    {
        RepoRoot = FindRepoRoot();
        Feed = Path.Combine(Path.GetTempPath(), "ksim-notebook-feed-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (Directory.Exists(Feed))
        {
            Directory.Delete(Feed, recursive: true);
        }

        Directory.CreateDirectory(Feed);
        string configuration = typeof(PackedFeedFixture).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var sw = Stopwatch.StartNew();
        foreach (string project in Projects)
        {
            string csproj = Path.Combine(RepoRoot, "src", project, $"KernelSim.{project}.csproj");
            Run("dotnet", ["pack", csproj, "-c", configuration, "--no-build", "--no-restore", "-o", Feed, "-p:IncludeSymbols=false"]);
        }

        PackSeconds = sw.Elapsed.TotalSeconds;
        Packages = Path.Combine(RepoRoot, "artifacts", "notebook-packages");
        Directory.CreateDirectory(Packages);
        foreach (string stale in Directory.GetDirectories(Packages, "kernelsim.*"))
        {
            Directory.Delete(stale, recursive: true);
        }

        Environment.SetEnvironmentVariable("KSIM_FEED", Feed);
        Environment.SetEnvironmentVariable("NUGET_PACKAGES", Packages);
    }

    /// <summary>The repository (the folder with Sim.sln).</summary>
    public string RepoRoot { get; }

    /// <summary>The temporary feed with the packed KernelSim packages.</summary>
    public string Feed { get; }

    /// <summary>The NuGet packages folder the notebooks restore into.</summary>
    public string Packages { get; }

    /// <summary>How long packing took (reported, not asserted).</summary>
    public double PackSeconds { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Feed, recursive: true);
        }
        catch (IOException)
        {
            // a temp folder left behind is harmless
        }
    }

    private static string FindRepoRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Sim.sln")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException($"Sim.sln not found above {AppContext.BaseDirectory}");
    }

    private static void Run(string file, IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {file}");
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        }
    }
}

[CollectionDefinition(Name)]
public sealed class NotebookCollection : ICollectionFixture<PackedFeedFixture>
{
    public const string Name = "notebooks";
}
