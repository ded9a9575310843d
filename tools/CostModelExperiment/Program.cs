using KernelSim.CostModelExperiment;
using KernelSim.Replay.Capture;

// dotnet run -c Release --project tools/CostModelExperiment -- TRAIN.trace.gz TEST.trace.gz [SEED]
// Without arguments: every committed fio capture pair (128M <-> 1G) in both directions, from the repository's traces/.
if (args.Length is 2 or 3)
{
    int seed = args.Length == 3 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : LearnedCostModel.DefaultSeed;
    Console.Write(CalibrationComparison.Compare(args[0], args[1], seed));
    return 0;
}

if (args.Length != 0)
{
    Console.Error.WriteLine("usage: CostModelExperiment [TRAIN.trace.gz TEST.trace.gz [SEED]]");
    return 1;
}

DirectoryInfo? repo = new(AppContext.BaseDirectory);
while (repo is not null && !File.Exists(Path.Combine(repo.FullName, "Sim.sln")))
{
    repo = repo.Parent;
}

if (repo is null)
{
    Console.Error.WriteLine("Sim.sln not found above the tool; give TRAIN and TEST traces");
    return 1;
}

string traces = Path.Combine(repo.FullName, "traces");
foreach (string workload in new[] { "seq64k", "seq4k", "rand4k" })
{
    foreach ((string train, string test) in new[] { ("128M", "1G"), ("1G", "128M") })
    {
        // any compression the reader takes (the rand4k 128M capture is .trace.xz)
        Console.Write(CalibrationComparison.Compare(
            CaptureManifest.FindCaptures(traces, $"fio-{workload}-memcg{train}")[0],
            CaptureManifest.FindCaptures(traces, $"fio-{workload}-memcg{test}")[0]));
    }
}

return 0;
