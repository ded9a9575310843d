using System.Diagnostics;
using System.Globalization;
using KernelSim.Lowo;
using KernelSim.Replay.WhatIf;
using KernelSim.Time;

// dotnet run -c Release --project tools/Lowo -- [--corpus DIR] [--groundtruth CSV] [--tracing FROM:TO:STEP] [--crossing FROM:TO:STEP] [--out DIR]
// Without --out the report goes to stdout; with it, DIR/lowo.md and DIR/lowo-grid.csv. Progress goes to stderr.
var opts = new Dictionary<string, string>(StringComparer.Ordinal);
for (int i = 0; i < args.Length; i++)
{
    if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 == args.Length)
    {
        Console.Error.WriteLine("usage: KernelSim.Lowo [--corpus DIR] [--groundtruth CSV] [--tracing FROM:TO:STEP] [--crossing FROM:TO:STEP] [--out DIR]");
        return 1;
    }

    opts[args[i][2..]] = args[++i];
}

string repo = RepoRoot();
string corpusDir = opts.GetValueOrDefault("corpus") ?? Path.Combine(repo, "traces", "corpus");
string truth = opts.GetValueOrDefault("groundtruth") ?? Path.Combine(repo, "traces", "groundtruth", "corpus-latency.csv");
Axis tracing, crossing;
try
{
    tracing = Axis.Parse(opts.GetValueOrDefault("tracing") ?? "0:480:40", "--tracing");
    crossing = Axis.Parse(opts.GetValueOrDefault("crossing") ?? "0:1696:106", "--crossing");
}
catch (FormatException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 1;
}

WriteModelConstants defaultsConstants = WriteModelConstants.Defaults;
var defaults = new GridPoint(defaultsConstants.TracingCostPerEvent.TotalNanoseconds, defaultsConstants.SyscallCrossing.TotalNanoseconds);
var grid = new List<GridPoint>();
foreach (long t in tracing.Values())
{
    foreach (long c in crossing.Values())
    {
        grid.Add(new GridPoint(t, c));
    }
}

var clock = Stopwatch.StartNew();
CorpusValidation.LoadedCorpus corpus = CorpusValidation.Load(corpusDir, truth);
TimeSpan loadTime = clock.Elapsed;
var workloads = corpus.Captures.Select(c => c.Workload).Distinct().Order(StringComparer.Ordinal).ToList();
Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"loaded {corpus.Captures.Count} captures ({workloads.Count} workloads) in {loadTime.TotalSeconds:F1} s"));

IReadOnlyList<CorpusPoint> atDefaults = CorpusValidation.Predict(corpus, defaultsConstants);
TimeSpan oneRun = clock.Elapsed - loadTime;
SortedSet<string> predictedOps = WorkloadScore.PredictedOps(atDefaults);
WorkloadScore[] defaultScores = WorkloadScore.Count(atDefaults, workloads, predictedOps);
Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"one corpus prediction: {oneRun.TotalSeconds:F1} s; {grid.Count} grid points, about {grid.Count * oneRun.TotalMinutes:F0} min"));

var scores = new WorkloadScore[grid.Count][];
for (int g = 0; g < grid.Count; g++)
{
    var constants = new WriteModelConstants(SimDuration.FromNanoseconds(grid[g].TracingNs), SimDuration.FromNanoseconds(grid[g].CrossingNs));
    scores[g] = grid[g] == defaults ? defaultScores : WorkloadScore.Count(CorpusValidation.Predict(corpus, constants), workloads, predictedOps);
    if ((g + 1) % 10 == 0 || g + 1 == grid.Count)
    {
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{g + 1}/{grid.Count} grid points, {clock.Elapsed.TotalMinutes:F1} min"));
    }
}

var inside = new int[grid.Count, workloads.Count];
for (int g = 0; g < grid.Count; g++)
{
    for (int w = 0; w < workloads.Count; w++)
    {
        inside[g, w] = scores[g][w].Inside;
    }
}

Fold[] folds = LeaveOneOut.Select(grid, inside, defaults, tracing.Step, crossing.Step);
var run = new LowoRun(workloads, predictedOps, tracing, crossing, grid, scores, defaults, defaultScores, folds,
    CommitOf(repo), clock.Elapsed, loadTime, oneRun, Environment.ProcessorCount);
string markdown = Report.Markdown(run);
if (opts.GetValueOrDefault("out") is string outDir)
{
    Directory.CreateDirectory(outDir);
    File.WriteAllText(Path.Combine(outDir, "lowo.md"), markdown);
    File.WriteAllText(Path.Combine(outDir, "lowo-grid.csv"), Report.GridCsv(run));
    Console.Error.WriteLine($"wrote {Path.Combine(outDir, "lowo.md")} and lowo-grid.csv");
}
else
{
    Console.Write(markdown);
}

return 0;

static string RepoRoot()
{
    DirectoryInfo? dir = new(AppContext.BaseDirectory);
    while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Sim.sln")))
    {
        dir = dir.Parent;
    }

    return dir?.FullName ?? Directory.GetCurrentDirectory();
}

// The commit the run was computed on, "+ local changes" when tracked files differ from it.
static string CommitOf(string repo)
{
    try
    {
        string head = Git(repo, "rev-parse HEAD").Trim();
        return Git(repo, "status --porcelain --untracked-files=no").Length == 0 ? head : head + " + local changes";
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return "unknown (git not found)";
    }
}

static string Git(string repo, string arguments)
{
    var psi = new ProcessStartInfo("git", $"-C \"{repo}\" {arguments}") { RedirectStandardOutput = true, UseShellExecute = false };
    using Process p = Process.Start(psi)!;
    string output = p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    return output;
}
