using BenchmarkDotNet.Attributes;
using KernelSim.Models.Signals;

namespace KernelSim.Bench;

/// <summary>Signals model speed: generate + deliver round trips, and a container stop prediction.</summary>
[MemoryDiagnoser]
public class SignalBenchmarks
{
    private const int Rounds = 10_000;
    private readonly StopProcessSpec[] _tree =
    [
        new("tini", null, [SignalNumbers.SIGTERM], [], null, true, true, true),
        new("app", "tini", [SignalNumbers.SIGTERM], [], KernelSim.Time.SimDuration.FromMilliseconds(100), false, false),
        new("worker1", "app", [], [], null, false, false),
        new("worker2", "app", [], [], null, false, false),
    ];

    /// <summary>10,000 kill + delivery round trips of a handled signal into a namespaced process.</summary>
    [Benchmark(OperationsPerInvoke = Rounds)]
    public int KillAndDeliver()
    {
        var sys = new SignalSystem();
        int host = sys.Fork(SignalSystem.InitPid).Pid;
        int init = sys.Fork(host, CloneFlags.NewPid, "cinit").Pid;
        sys.SetDisposition(init, SignalNumbers.SIGUSR1, SigAction.Handle);
        for (int i = 0; i < Rounds; i++)
        {
            sys.Kill(host, init, SignalNumbers.SIGUSR1);
            sys.RunUntilQuiet();
        }

        return sys.HandlerRuns(init, SignalNumbers.SIGUSR1);
    }

    /// <summary>One docker-stop prediction for a four-process container under tini.</summary>
    [Benchmark]
    public StopOutcome PredictStop() => ContainerStop.Predict(_tree, StopPolicy.DockerDefault);
}
