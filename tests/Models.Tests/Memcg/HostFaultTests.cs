using KernelSim.Models.Memcg;
using KernelSim.Time;

namespace KernelSim.Models.Tests.Memcg;

/// <summary>
/// The host's share of a VM's page cache: growth past the memory the guest still has backed pays a host fault per
/// page (free page reporting, DAMON pageout; LAB-NOTES), while a cache recycled under a limit does not.
/// </summary>
public class HostFaultTests
{
    private static readonly WritePathCosts Costs = new() { HostBackedPages = 4096, HostFaultPerPage = SimDuration.FromMicroseconds(7) };

    // 64 writes of 256 KiB (64 pages each): 16 MiB, 4096 pages.
    private static WriteRequest[] Writes(int n) =>
        Enumerable.Range(0, n).Select(i => new WriteRequest(WriteRequestKind.Write, 1, 1, i * 262_144L, 262_144, SimDuration.FromMicroseconds(5), SimDuration.FromMicroseconds(30), -1)).ToArray();

    private static WritePathResult Run(WriteRequest[] w, long? limitBytes, WritePathCosts costs) =>
        new WritePathSimulation(new MemcgConfig { LimitBytes = limitBytes }, costs).Run(w, SimTime.FromSeconds(1), SimDuration.FromMilliseconds(1));

    [Fact]
    public void Unlimited_GrowthPastTheBackedReserve_EachPagePaysTheFault()
    {
        WritePathResult r = Run(Writes(128), limitBytes: null, Costs);
        // The first 64 writes fill the 4096 backed pages; each later write adds 64 host-faulted pages (448 us).
        Assert.All(r.Outcomes.Take(64), o => Assert.True(o.Latency < SimDuration.FromMicroseconds(100), o.Latency.ToString()));
        Assert.All(r.Outcomes.Skip(65), o => Assert.True(o.Latency >= SimDuration.FromMicroseconds(30 + 448), o.Latency.ToString()));
    }

    [Fact]
    public void UnderALimit_TheCacheIsRecycled_NoHostFaults()
    {
        WritePathResult limited = Run(Writes(128), limitBytes: 8L << 20, Costs);
        WritePathResult bare = Run(Writes(128), limitBytes: 8L << 20, new WritePathCosts());
        Assert.Equal(bare.Outcomes.Select(o => o.Latency), limited.Outcomes.Select(o => o.Latency));
    }

    [Fact]
    public void CapturedFaults_AreNotChargedTwice()
    {
        // A capture that already paid the faults on its later writes: replayed unlimited, they cost what they cost.
        WriteRequest[] w = Writes(128).Select((r, i) => i >= 64 ? r with { CapturedHostFaultPages = 64 } : r).ToArray();
        WritePathResult r = Run(w, limitBytes: null, Costs);
        Assert.All(r.Outcomes.Skip(65), o => Assert.True(o.Latency < SimDuration.FromMicroseconds(100), o.Latency.ToString()));
    }
}
