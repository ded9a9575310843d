using FsCheck;
using FsCheck.Fluent;
using KernelSim.Models.Writeback;
using KernelSim.Time;

namespace KernelSim.Models.Tests.Writeback;

/// <summary>The generators of the writeback tests (one place, as CONVENTIONS asks).</summary>
public static class WritebackArbitraries
{
    /// <summary>Domains big enough for the curve's anchors to be sharp: thresh 4096..10M pages, bg ≤ thresh/2, limit ≥ thresh.</summary>
    public static Arbitrary<DomainCase> Domain() =>
        (from thresh in Gen.Choose(4096, 10_000_000)
         from bgPermille in Gen.Choose(0, 500)
         from extraPermille in Gen.Choose(0, 1000)
         let bg = (long)thresh * bgPermille / 1000
         let limit = thresh + ((long)thresh * extraPermille / 1000)
         select new DomainCase(thresh, bg, limit)).ToArbitrary();

    /// <summary>A domain with two dirty counts in any order (for monotonicity).</summary>
    public static Arbitrary<(DomainCase Domain, long A, long B)> DomainWithTwoDirtyCounts() =>
        (from d in Domain().Generator
         from a in Gen.Choose(0, 1_000_000_000)
         from b in Gen.Choose(0, 1_000_000_000)
         let span = d.Limit + 1
         select (d, (long)a % span, (long)b % span)).ToArbitrary();

    /// <summary>Inputs of wb_min_pause/wb_max_pause: HZ, avg bandwidth, dirty and task rate limits (pages/s), wb_dirty.</summary>
    public static Arbitrary<(int Hz, long AvgBw, long DirtyRl, long TaskRl, long WbDirty)> PauseInputs() =>
        (from hz in Gen.Elements(100, 250, 300, 1000)
         from bw in Gen.Choose(1, 2_000_000)
         from rl in Gen.Choose(1, 2_000_000)
         from posPermille in Gen.Choose(0, 8000)
         from wbDirty in Gen.Choose(0, 5_000_000)
         select (hz, (long)bw, (long)rl, (long)rl * posPermille / 1000, (long)wbDirty)).ToArbitrary();

    /// <summary>A small-limit configuration and a dirtying-heavy workload that reaches throttling.</summary>
    public static Arbitrary<WorkloadCase> Workload() =>
        (from hz in Gen.Elements(100, 250, 1000)
         from v618 in Gen.Elements(true, false)
         from bytes in Gen.Elements(0L, 4L << 20, 32L << 20)
         from strict in Gen.Frequency((1, Gen.Constant(true)), (4, Gen.Constant(false)))
         from n in Gen.Choose(1, 400)
         from steps in Gen.ArrayOf(Step(), n)
         let profile = (v618 ? KernelProfile.Linux6_18 : KernelProfile.Linux6_1) with { Hz = hz }
         let config = new WritebackConfig
         {
             Profile = profile,
             CgroupVersion = CgroupVersion.V1,
             OnlineCpus = 2,
             DirtyBytes = bytes,
             DirtyBackgroundBytes = bytes / 2,
             StrictLimit = strict,
             BdiMaxRatio = strict ? 10 : 100,
         }
         select new WorkloadCase(config, 40_000, steps)).ToArbitrary();

    private static Gen<WorkloadStep> Step() =>
        from advance in Gen.Frequency((6, Gen.Choose(0, 50)), (3, Gen.Choose(50, 5000)), (1, Gen.Choose(5000, 400_000)))
        from task in Gen.Choose(1, 3)
        from cpu in Gen.Choose(0, 1)
        from dirtied in Gen.Frequency((4, Gen.Constant(16)), (2, Gen.Choose(1, 64)), (1, Gen.Choose(64, 2048)))
        from wb in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(0, 1024)))
        from done in Gen.Frequency((3, Gen.Constant(0)), (1, Gen.Choose(0, 1024)))
        select new WorkloadStep(advance, task, cpu, dirtied, wb, done);

    /// <summary>Drives a workload; returns every decision in order.</summary>
    public static List<ThrottleDecision> Run(WorkloadCase w)
    {
        var t = SimTime.FromSeconds(100);
        var throttle = new DirtyThrottle(w.Config, w.Dirtyable, t);
        var decisions = new List<ThrottleDecision>(w.Steps.Length);
        foreach (WorkloadStep s in w.Steps)
        {
            t += SimDuration.FromMicroseconds(s.AdvanceUs);
            throttle.AdvanceTo(t);
            if (s.ToWriteback > 0)
            {
                throttle.OnWritebackStart(Math.Min(s.ToWriteback, throttle.NrFileDirty));
                throttle.OnWritepages(t);
            }

            if (s.Completed > 0)
            {
                throttle.OnWritebackEnd(Math.Min(s.Completed, throttle.NrWriteback));
                throttle.OnInodeWritebackEnd(t);
            }

            ThrottleDecision d = throttle.OnPagesDirtied(t, s.Task, s.Cpu, s.Dirtied);
            decisions.Add(d);
            for (int spins = 0; d.LoopAgain && spins < 10_000; spins++)
            {
                // The flusher cleans pages while the task sleeps in the loop.
                throttle.OnWritebackStart(Math.Min(256, throttle.NrFileDirty));
                throttle.OnWritebackEnd(Math.Min(256, throttle.NrWriteback));
                t = d.WakeAt;
                d = throttle.BalanceDirtyPages(t, s.Task);
                decisions.Add(d);
            }

            if (d.Sleeps)
            {
                t = d.WakeAt;
            }
        }

        return decisions;
    }
}
