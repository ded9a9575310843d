using KernelSim.Models.Memcg;
using KernelSim.Replay.Workload;
using KernelSim.Statistics;
using KernelSim.Time;

namespace KernelSim.Replay.WhatIf;

/// <summary>The workload turned into the simulation's requests: each call's captured cost net of tracing, reads, fills, truncations.</summary>
public static partial class WriteWhatIf
{
    /// <summary>The model's input for a workload; <paramref name="measured"/> marks the writes the latency distribution covers.</summary>
    internal static WriteRequest[] ToRequests(WriteWorkload workload, out bool[] measured) => ToRequests(workload, WriteReplay.TracingCostPerEvent, out measured, out _);

    /// <summary>The model's input with the reads the read latency distribution covers (<paramref name="readMeasured"/>).</summary>
    internal static WriteRequest[] ToRequests(WriteWorkload workload, out bool[] measured, out bool[] readMeasured) => ToRequests(workload, WriteReplay.TracingCostPerEvent, out measured, out readMeasured);

    /// <summary>The model's input for a workload, each call's captured cost taken net of <paramref name="tracingCostPerEvent"/> per traced event it fired.</summary>
    internal static WriteRequest[] ToRequests(WriteWorkload workload, SimDuration tracingCostPerEvent, out bool[] measured) => ToRequests(workload, tracingCostPerEvent, out measured, out _);

    /// <summary>The model's input for a workload, each call's captured cost taken net of <paramref name="tracingCostPerEvent"/> per traced event it
    /// fired; <paramref name="measured"/> marks the writes the latency distribution covers, <paramref name="readMeasured"/> the reads.</summary>
    internal static WriteRequest[] ToRequests(WriteWorkload workload, SimDuration tracingCostPerEvent, out bool[] measured, out bool[] readMeasured)
    {
        var ops = workload.Ops;
        var fills = workload.CacheFills;
        var truncations = workload.Truncations;
        var requests = new WriteRequest[ops.Count + fills.Count + truncations.Count];
        measured = new bool[requests.Length];
        SimTime origin = ops.Count > 0 ? ops[0].Start : SimTime.Zero;
        var lastFill = new Dictionary<int, (long TimeNs, long NextPage)>();
        for (int j = 0; j < fills.Count; j++)
        {
            // Fills run on a pseudo-thread per workload thread, at their captured times (relative to the first op).
            CacheFill fill = fills[j];
            long t = Math.Max(fill.Time.TotalNanoseconds, origin.TotalNanoseconds);
            (long prevT, long nextPage) = lastFill.TryGetValue(fill.Pid, out var prev) ? prev : (origin.TotalNanoseconds, 0L);
            if (fill.FileKey is long fileKey)
            {
                // A workload file's data read without traced calls: its pages at their place in the file.
                requests[ops.Count + j] = new WriteRequest(
                    WriteRequestKind.CacheFill,
                    FillThread(fill.Pid),
                    fileKey,
                    fill.FirstPage * 4096,
                    fill.Pages * 4096,
                    SimDuration.FromNanoseconds(Math.Max(0, t - prevT)),
                    SimDuration.Zero,
                    0)
                { DataFill = true, FillOrder = fill.Order };
                lastFill[fill.Pid] = (t, nextPage);
                continue;
            }

            requests[ops.Count + j] = new WriteRequest(
                WriteRequestKind.CacheFill,
                FillThread(fill.Pid),
                FillThread(fill.Pid),
                nextPage * 4096,
                fill.Pages * 4096,
                SimDuration.FromNanoseconds(Math.Max(0, t - prevT)),
                SimDuration.Zero,
                0);
            lastFill[fill.Pid] = (t, nextPage + fill.Pages);
        }

        // Each file's operations in capture order (ops are in start order), for the truncations to follow.
        Dictionary<long, List<int>>? opsByFile = truncations.Count > 0 ? [] : null;
        if (opsByFile is not null)
        {
            for (int i = 0; i < ops.Count; i++)
            {
                if (!opsByFile.TryGetValue(ops[i].FileKey, out List<int>? list))
                {
                    list = [];
                    opsByFile.Add(ops[i].FileKey, list);
                }

                list.Add(i);
            }
        }

        long lastTruncation = origin.TotalNanoseconds;
        for (int j = 0; j < truncations.Count; j++)
        {
            // Truncations run on their own pseudo-thread at their captured times, each after the file's last operation
            // that began before it in the capture (a replay that runs the writer later must not drop its pages early).
            FileTruncation tr = truncations[j];
            long t = Math.Max(tr.Time.TotalNanoseconds, lastTruncation);
            requests[ops.Count + fills.Count + j] = new WriteRequest(
                WriteRequestKind.Truncate, TruncationThread, tr.FileKey, 0, 0, SimDuration.FromNanoseconds(t - lastTruncation), SimDuration.Zero, 0)
            {
                After = LastOpBefore(ops, opsByFile!, tr.FileKey, tr.Time.TotalNanoseconds),
            };
            lastTruncation = t;
        }

        bool anyPositional = false, anyPositionalRead = false;
        for (int i = 0; i < ops.Count; i++)
        {
            anyPositional |= ops[i].Kind == FileOpKind.Write && ops[i].Positional;
            anyPositionalRead |= ops[i].Kind == FileOpKind.Read && ops[i].Positional && ops[i].PageCacheFile;
        }

        readMeasured = new bool[requests.Length];
        ReadMissWaits missWaits = ReadMissWaits.From(ops, workload.Device, tracingCostPerEvent);

        // ftrace prints microseconds: an op's observed time is a difference of two truncated timestamps,
        // so short ops come out as whole microseconds (see Dequantize).
        bool microsecondClock = IsMicrosecondResolution(ops);
        bool pageCacheTraced = (workload.Diagnostics.EventGroupsSeen & TracedEventGroups.PageCache) != 0;
        var dither = new KernelSim.Simulation.DeterministicRandom(DitherSeed);
        Dictionary<long, long> modeMeans = microsecondClock ? ModeMeans(ops) : [];
        var seenThread = new HashSet<int>();
        for (int i = 0; i < ops.Count; i++)
        {
            FileOp op = ops[i];
            bool write = op.Kind == FileOpKind.Write;
            if (op.Kind == FileOpKind.Read)
            {
                SimDuration readThink = seenThread.Add(op.Pid) ? op.Start - origin : op.ThinkBefore;
                requests[i] = ReadRequest(op, readThink, pageCacheTraced, missWaits, dither, tracingCostPerEvent);
                readMeasured[i] = requests[i].Kind == WriteRequestKind.Read && (op.Positional || !anyPositionalRead);
                continue;
            }

            // A thread's first request starts when it did in the capture, relative to the first one overall;
            // later ones follow their predecessor after the captured think time (closed loop).
            SimDuration think = seenThread.Add(op.Pid) ? op.Start - origin : op.ThinkBefore;
            requests[i] = new WriteRequest(
                write ? WriteRequestKind.Write : WriteRequestKind.Fsync,
                op.Pid,
                op.FileKey,
                op.Offset,
                write ? Math.Max(op.Bytes, 0) : 0,
                think,
                write ? NetOfTracing(Dequantize(op, microsecondClock, modeMeans, dither), TracedEventsOf(op, pageCacheTraced), tracingCostPerEvent) : SyncBaseCost(op, tracingCostPerEvent),
                pageCacheTraced ? op.PagesAdded : -1,
                op.DeviceWritesInFlight > 0);
            // The latency a prediction covers: writes to the page cache (a socket's, a pipe's or a terminal's are not
            // what a memory limit changes, and latency shims and fio count files only).
            measured[i] = write && (op.Positional || !anyPositional) && (op.PageCacheFile || !pageCacheTraced);
        }

        return requests;
    }

    // The index of the last operation on a file that began before a moment (-1: none).
    private static int LastOpBefore(IReadOnlyList<FileOp> ops, Dictionary<long, List<int>> opsByFile, long fileKey, long timeNs)
    {
        if (!opsByFile.TryGetValue(fileKey, out List<int>? list))
        {
            return -1;
        }

        int lo = 0, hi = list.Count - 1, found = -1;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) / 2);
            if (ops[list[mid]].Start.TotalNanoseconds < timeNs)
            {
                found = list[mid];
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    // An fsync's own cost: the call without the wait for the data it wrote back (the simulation writes back and waits for
    // what is dirty in the replay instead), keeping its CPU, the journal commit and the cache flush.
    private static SimDuration SyncBaseCost(in FileOp op, SimDuration tracingCostPerEvent) =>
        NetOfTracing(SimDuration.FromNanoseconds(Math.Max(0, op.BaseCost.TotalNanoseconds - op.SyncDataWait.TotalNanoseconds)), 2, tracingCostPerEvent);

    // A read of a page-cache file is replayed (hits copy, misses read through readahead and wait for the device); a read of
    // anything else (a socket, a pipe, a file never seen adding a page) keeps its captured time.
    private static WriteRequest ReadRequest(in FileOp op, SimDuration think, bool pageCacheTraced, ReadMissWaits missWaits, KernelSim.Simulation.DeterministicRandom rng, SimDuration tracingCostPerEvent)
    {
        if (!op.PageCacheFile || !pageCacheTraced || op.Returned < 0)
        {
            return new WriteRequest(WriteRequestKind.Other, op.Pid, op.FileKey, op.Offset, 0, think, NetOfTracing(op.Observed, 2, tracingCostPerEvent), 0);
        }

        // Its own CPU time: without reclaim and, when it read from the device, without the wait for it. Traced events on
        // the thread: enter and exit, one per folio added, and for a miss the block issue and the switch away.
        bool miss = op.PagesAdded > 0;
        long own = op.BaseCost.TotalNanoseconds - (miss ? op.CallOffCpu.TotalNanoseconds : 0);
        int events = 2 + (int)Math.Min(op.FoliosAdded, 64) + (miss ? 2 : 0);
        SimDuration wait = miss && op.CallOffCpu.TotalNanoseconds > 0 ? missWaits.Net(op.CallOffCpu) : missWaits.Draw(rng);
        return new WriteRequest(
            WriteRequestKind.Read,
            op.Pid,
            op.FileKey,
            op.Offset,
            Math.Max(0, op.Returned),
            think,
            NetOfTracing(SimDuration.FromNanoseconds(Math.Max(0, own)), events, tracingCostPerEvent),
            op.PagesAdded)
        {
            CapturedMiss = miss,
            MissWait = wait,
            RandomAccess = op.RandomAccess,
        };
    }

    // The capture itself paid host faults on the page cache it grew past the host's backed reserve: mark them per
    // write (the trace's pages added, less what the write's own reclaim freed, against the same reserve), so a replay
    // charges only the difference.
    private static void MarkCapturedHostFaults(WriteRequest[] requests, WriteWorkload workload, long backedPages)
    {
        if (backedPages == long.MaxValue)
        {
            return;
        }

        long cache = 0, highWater = 0;
        for (int i = 0; i < workload.Ops.Count; i++)
        {
            FileOp op = workload.Ops[i];
            cache = Math.Max(0, cache + op.PagesAdded - op.ReclaimReclaimed);
            if (cache <= highWater)
            {
                continue;
            }

            long faults = Math.Max(0, cache - Math.Max(highWater, backedPages));
            highWater = cache;
            if (faults > 0)
            {
                requests[i] = requests[i] with { CapturedHostFaultPages = (int)Math.Min(faults, int.MaxValue) };
            }
        }
    }

    /// <summary>Seed of the microsecond dither (fixed: replays are deterministic).</summary>
    public const ulong DitherSeed = 0x4B53494D;

    private static bool IsMicrosecondResolution(IReadOnlyList<FileOp> ops)
    {
        int n = Math.Min(ops.Count, 2000);
        for (int i = 0; i < n; i++)
        {
            if (ops[i].Start.TotalNanoseconds % 1000 != 0 || ops[i].Observed.TotalNanoseconds % 1000 != 0)
            {
                return false;
            }
        }

        return n > 0;
    }

    // De-quantise a microsecond-clock base cost: an op within the quantisation noise (1 us) of the mean of its
    // size class takes that mean (the truncation noise averages out there, the real spread is below 1 us); the
    // others (the real tail) keep their value with a +-0.5 us dither.
    private static SimDuration Dequantize(in FileOp op, bool microsecondClock, Dictionary<long, long> modeMeans, KernelSim.Simulation.DeterministicRandom rng)
    {
        SimDuration cost = op.BaseCost;
        if (!microsecondClock)
        {
            return cost;
        }

        double u = rng.NextDouble();
        if (op.Kind == FileOpKind.Write && modeMeans.TryGetValue(op.Bytes, out long mean) && Math.Abs(cost.TotalNanoseconds - mean) <= 1000)
        {
            return SimDuration.FromNanoseconds(mean);
        }

        return SimDuration.FromNanoseconds(Math.Max(0, cost.TotalNanoseconds + (long)((u - 0.5) * 1000)));
    }

    // Mean base cost of each write size, over the writes within 1 us of that size's median (the mode).
    private static Dictionary<long, long> ModeMeans(IReadOnlyList<FileOp> ops)
    {
        var bySize = new Dictionary<long, List<long>>();
        foreach (FileOp op in ops)
        {
            if (op.Kind == FileOpKind.Write && op.ReclaimEpisodes == 0)
            {
                if (!bySize.TryGetValue(op.Bytes, out List<long>? list))
                {
                    list = [];
                    bySize.Add(op.Bytes, list);
                }

                list.Add(op.BaseCost.TotalNanoseconds);
            }
        }

        var means = new Dictionary<long, long>();
        foreach ((long size, List<long> list) in bySize)
        {
            if (list.Count < 100)
            {
                continue;
            }

            list.Sort();
            long median = list[list.Count / 2];
            long sum = 0, n = 0;
            foreach (long v in list)
            {
                if (Math.Abs(v - median) <= 1000)
                {
                    sum += v;
                    n++;
                }
            }

            means[size] = sum / n;
        }

        return means;
    }

    /// <summary>
    /// The trace events an operation fires itself, as the replay nets them off its cost: sys_enter and sys_exit, and for
    /// a write that added pages one mm_filemap_add_to_page_cache (when page-cache events were traced).
    /// </summary>
    internal static int TracedEventsOf(in FileOp op, bool pageCacheTraced) =>
        op.Kind == FileOpKind.Write && pageCacheTraced ? 2 + (op.PagesAdded > 0 ? 1 : 0) : 2;

    /// <summary>
    /// True when the replay predicts this operation's latency (<see cref="WritePrediction.OpLatencyNs"/>): writes to the
    /// page cache, reads of page-cache files (replayed through the page cache and readahead) and fsync/fdatasync (their
    /// data writeback simulated); not a write or read of a socket, pipe or terminal, whose observed cost, net of tracing,
    /// is kept.
    /// </summary>
    internal static bool Predicts(in FileOp op, bool pageCacheTraced) => op.Kind switch
    {
        FileOpKind.Write => op.PageCacheFile || !pageCacheTraced,
        FileOpKind.Read => op.PageCacheFile && pageCacheTraced && op.Returned >= 0,
        _ => true,
    };

    // Ground truth is untraced: take the events this op fired while traced off its own cost.
    private static SimDuration NetOfTracing(SimDuration cost, int events, SimDuration perEvent) =>
        SimDuration.FromNanoseconds(Math.Max(0, cost.TotalNanoseconds - (events * perEvent.TotalNanoseconds)));

    private const int TruncationThread = int.MinValue;

    // A thread id no real thread has: fills of thread p run on pseudo-thread -(p + 1).
    private static int FillThread(int pid) => -(pid + 1);
}
