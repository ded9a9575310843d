using FsCheck;
using FsCheck.Fluent;
using KernelSim.Models.Memcg;
using KernelSim.Time;

namespace KernelSim.Models.Tests.Memcg;

/// <summary>Generators for write-path workloads and configurations.</summary>
internal static class MemcgArbitraries
{
    /// <summary>A workload: one thread, one or two files, sequential or random writes of 4 KiB..64 KiB, with an fsync at the end sometimes.</summary>
    public static Gen<WriteRequest[]> Workload() =>
        from n in Gen.Choose(1, 400)
        from bs in Gen.Elements(4096, 16384, 65536)
        from random in Gen.Elements(false, true)
        from fileMiB in Gen.Choose(1, 64)
        from seed in Gen.Choose(0, int.MaxValue)
        from fsync in Gen.Elements(false, true)
        select Build(n, bs, random, fileMiB, seed, fsync);

    public static Gen<long> LimitPages() => Gen.Choose(64, 20000).Select(p => (long)p);

    public static WriteRequest[] Build(int n, int bs, bool random, int fileMiB, int seed, bool fsync)
    {
        var rng = new KernelSim.Simulation.DeterministicRandom((ulong)seed);
        long fileBytes = (long)fileMiB << 20;
        long slots = Math.Max(1, fileBytes / bs);
        var list = new List<WriteRequest>(n + 1);
        for (int i = 0; i < n; i++)
        {
            long off = random ? (long)rng.NextUInt64((ulong)slots) * bs : (i % slots) * bs;
            list.Add(new WriteRequest(WriteRequestKind.Write, 1, 1, off, bs, SimDuration.FromNanoseconds(500), SimDuration.FromMicroseconds(2), 0));
        }

        if (fsync)
        {
            list.Add(new WriteRequest(WriteRequestKind.Fsync, 1, 1, 0, 0, SimDuration.Zero, SimDuration.FromMicroseconds(5), 0));
        }

        return list.ToArray();
    }
}
