using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using KernelSim.Models.Signals;
using KernelSim.Testing.Signals;

namespace KernelSim.Models.Tests.Signals.Differential;

/// <summary>
/// Runs scenarios on the real kernel: sigscen.c, built here with gcc, under `unshare --pid --fork` (root needed).
/// The helper is C because it must fork, clone(CLONE_NEWPID), install handlers and fault without a runtime of its
/// own: a .NET process cannot fork, and its runtime installs handlers and threads of its own.
/// </summary>
internal static class KernelLab
{
    private static readonly Lazy<(string? Binary, string? Why)> Built = new(Build);

    /// <summary>Scenarios the helper can run: no OOM kills, no SIGCHLD handlers (their counts depend on scheduling);
    /// half of them send everything twice in a row, so blocked signals coalesce or queue.</summary>
    public static Gen<SignalScenario> Scenarios() =>
        from s in SignalArbitraries.Scenarios(maxProcesses: 6, maxSends: 6)
        from twice in Gen.Elements(false, true)
        select new SignalScenario(
            s.Processes.Select(p => p with { Handled = p.Handled & ~SignalNumbers.Bit(SignalNumbers.SIGCHLD) }).ToArray(),
            s.Sends.Where(x => x.Kind != ScenarioSendKind.OomKill).SelectMany(x => twice ? new[] { x, x } : new[] { x }).ToArray());

    /// <summary>Why the lab cannot run here, or null when it can.</summary>
    public static string? Unavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "differential signal tests need Linux";
        }

        if (!IsRoot())
        {
            return "differential signal tests need root (unshare --pid)";
        }

        foreach (string tool in new[] { "gcc", "unshare" })
        {
            if (Which(tool) is null)
            {
                return $"differential signal tests need {tool} on PATH";
            }
        }

        return Built.Value.Why;
    }

    public static Outcome Run(SignalScenario s)
    {
        string bin = Built.Value.Binary ?? throw new InvalidOperationException(Built.Value.Why);
        var psi = new ProcessStartInfo("unshare", ["--pid", "--fork", bin])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process p = Process.Start(psi)!;
        p.StandardInput.Write(ScenarioText.Format(s));
        p.StandardInput.Close();
        string output = p.StandardOutput.ReadToEnd();
        string err = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(30_000) || p.ExitCode != 0)
        {
            throw new InvalidOperationException($"sigscen failed ({(p.HasExited ? p.ExitCode : -1)}): {err}");
        }

        return Outcome.ParseKernel(output.Split('\n'), s.Processes.Count, s.Sends.Count);
    }

    public static string SourceDir => Path.Combine(RepoRoot, "tests", "Models.Tests", "Signals", "Differential");

    public static string RepoRoot
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "Sim.sln")))
            {
                dir = Path.GetDirectoryName(dir);
            }

            return dir ?? throw new InvalidOperationException("Sim.sln not found above the test binaries");
        }
    }

    private static (string?, string?) Build()
    {
        string outDir = Path.Combine(AppContext.BaseDirectory, "sigscen");
        Directory.CreateDirectory(outDir);
        string bin = Path.Combine(outDir, "sigscen");
        var psi = new ProcessStartInfo("gcc", ["-O1", "-Wall", "-o", bin, Path.Combine(SourceDir, "sigscen.c")]) { RedirectStandardError = true };
        using Process p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0 ? (bin, null) : (null, "gcc could not build sigscen.c: " + err);
    }

    private static bool IsRoot()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("Uid:", StringComparison.Ordinal))
            {
                string[] f = line.Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
                return f.Length > 2 && f[2] == "0";
            }
        }

        return false;
    }

    private static string? Which(string tool)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            string path = Path.Combine(dir, tool);
            if (dir.Length > 0 && File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
