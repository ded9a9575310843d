using BenchmarkDotNet.Attributes;
using KernelSim.Models;
using KernelSim.Models.Memcg;
using KernelSim.Models.Writeback;
using KernelSim.Time;

namespace KernelSim.Bench;

/// <summary>
/// balance_dirty_pages' hot path (DirtyThrottle.OnPagesDirtied with writeback starting and ending around it): time per
/// dirtied chunk and allocation (the MemoryDiagnoser column must read "-": no allocation). Moved here from the test
/// suite, where an allocation count failed once on a loaded machine (issue 17).
/// </summary>
[MemoryDiagnoser]
public class DirtyThrottleBenchmarks
{
    private const int Chunks = 100_000;
    private const int Fio = 11639;

    // The capture fio-seq64k-dirtybytes32M: 6.18, HZ=250, 2 CPUs, cgroup v1, dirty_bytes 32 MiB, background 16 MiB.
    private static readonly WritebackConfig Capture = new()
    {
        Profile = KernelProfile.Linux6_18,
        CgroupVersion = CgroupVersion.V1,
        OnlineCpus = 2,
        DirtyBytes = 32L << 20,
        DirtyBackgroundBytes = 16L << 20,
    };

    private DirtyThrottle _throttle = null!;
    private SimTime _now;

    [IterationSetup]
    public void Setup()
    {
        _now = SimTime.FromMilliseconds(1_000_000);
        _throttle = new DirtyThrottle(Capture, 1_000_000, _now);
        for (int i = 0; i < 1000; i++)
        {
            _now += SimDuration.FromMicroseconds(20);
            _throttle.OnPagesDirtied(_now, Fio, i & 1, 16);
            _throttle.OnWritebackStart(8);
            _throttle.OnWritebackEnd(8);
        }
    }

    /// <summary>100,000 chunks of 16 pages, one every 20 µs, with 12 pages written back around each.</summary>
    [Benchmark(OperationsPerInvoke = Chunks)]
    public int OnPagesDirtied()
    {
        int sleeps = 0;
        for (int i = 0; i < Chunks; i++)
        {
            _now += SimDuration.FromMicroseconds(20);
            _throttle.AdvanceTo(_now);
            ThrottleDecision d = _throttle.OnPagesDirtied(_now, Fio, i & 1, 16);
            sleeps += d.Sleeps ? 1 : 0;
            _throttle.OnWritebackStart(12);
            _throttle.OnWritepages(_now);
            _throttle.OnWritebackEnd(12);
            _throttle.OnInodeWritebackEnd(_now);
        }

        return sleeps;
    }
}
