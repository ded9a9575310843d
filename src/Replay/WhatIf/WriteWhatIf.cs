using KernelSim.Models.Memcg;
using KernelSim.Replay.Workload;
using KernelSim.Statistics;
using KernelSim.Time;

namespace KernelSim.Replay.WhatIf;

/// <summary>
/// Predicts write latency under a proposed memory configuration by replaying a captured workload
/// through <see cref="WritePathSimulation"/>.
/// </summary>
public static class WriteWhatIf
{
    /// <summary>Predicts one proposal.</summary>
    /// <param name="workload">The captured workload.</param>
    /// <param name="costs">Calibrated costs (from the same trace).</param>
    /// <param name="capture">The capture configuration (the baseline).</param>
    /// <param name="proposal">What to change.</param>
    /// <exception cref="ArgumentException">The proposal cannot be replayed (see <see cref="ProposalProblem"/>), or the workload spans more than <see cref="MaxSpan"/>.</exception>
    public static WritePrediction Predict(WriteWorkload workload, WritePathCosts costs, CaptureConfig capture, WriteProposal proposal) =>
        Predict(workload, costs, capture, proposal, (capture ?? throw new ArgumentNullException(nameof(capture))).TracingCostPerEvent);

    /// <summary>Predicts one proposal with the captured per-call costs taken net of <paramref name="tracingCostPerEvent"/> per traced event (validation runs; see <see cref="WriteModelConstants"/>).</summary>
    internal static WritePrediction Predict(WriteWorkload workload, WritePathCosts costs, CaptureConfig capture, WriteProposal proposal, SimDuration tracingCostPerEvent)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(costs);
        ArgumentNullException.ThrowIfNull(capture);
        ArgumentNullException.ThrowIfNull(proposal);
        if (ProposalProblem(capture, proposal) is string problem)
        {
            throw new ArgumentException(problem, nameof(proposal));
        }

        long span = SpanOf(workload, out _, out _);
        if (span > MaxSpan.TotalNanoseconds)
        {
            throw new ArgumentException($"the workload spans {span / 1e9:F0} s; the write replay takes at most {MaxSpan.TotalNanoseconds / 1_000_000_000} s", nameof(workload));
        }

        MemcgConfig config = capture.ToMemcgConfig(proposal);
        costs = capture.WithHostFacts(costs);
        WriteRequest[] requests = ToRequests(workload, tracingCostPerEvent, out bool[] measured, out bool[] readMeasured);
        MarkCapturedHostFaults(requests, workload, costs.HostBackedPages);
        SimTime start = workload.Ops.Count > 0 ? workload.Ops[0].Start : SimTime.Zero;
        WorkloadFootprint footprint = proposal.AnonBytes is long anon ? capture.Footprint with { AnonBytes = anon } : capture.Footprint;

        // Samples every 10 ms, fewer over a long capture: the simulation samples through idle gaps, so the
        // interval bounds their number (about MaxSamples per captured span) whatever the gaps.
        var sampleEvery = SimDuration.FromNanoseconds(Math.Max(10_000_000L, span / MaxSamples));
        WritePathResult result = new WritePathSimulation(config, costs, capture.ToWritebackConfig(proposal), capture.DirtyablePages, footprint)
            .Run(requests, start, sampleEvery);
        return Summarize(proposal, config, costs, requests, measured, result, workload.Ops.Count) with
        {
            TracingCostPerEvent = tracingCostPerEvent,
            Reads = ReadSummary(requests, readMeasured, result),
            Fsync = SyncLatency(workload, FileOpKind.Fsync, result),
            Fdatasync = SyncLatency(workload, FileOpKind.Fdatasync, result),
        };
    }

    /// <summary>
    /// Longest workload the write replay takes, first to last operation (30 days). Simulated time is absolute
    /// nanoseconds in a long: a longer span is a corrupt timestamp in practice (one write at 2^63 ns overflowed
    /// the simulation clock; sampling every 10 ms through 292 years allocated gigabytes).
    /// </summary>
    public static readonly SimDuration MaxSpan = SimDuration.FromSeconds(30L * 24 * 3600);

    /// <summary>
    /// Most anonymous memory a proposal may give the workload: int.MaxValue 4 KiB pages (8 TiB), what the
    /// simulation charges at start.
    /// </summary>
    public const long MaxAnonBytes = (long)int.MaxValue * 4096;

    /// <summary>
    /// Why <paramref name="proposal"/> cannot be replayed on this capture, or null. A limit must be positive, and
    /// above the workload's non-reclaimable memory (its anonymous memory and base kmem, from the manifest's
    /// footprint or <see cref="WriteProposal.AnonBytes"/>): below it the kernel could only OOM-kill the workload at
    /// start, which the write replay does not model, so such proposals are refused rather than answered.
    /// </summary>
    public static string? ProposalProblem(CaptureConfig capture, WriteProposal proposal)
    {
        ArgumentNullException.ThrowIfNull(capture);
        ArgumentNullException.ThrowIfNull(proposal);
        foreach ((string name, long? v) in new[] { ("--memory-limit", proposal.LimitBytes), ("--parent-limit", proposal.ParentLimitBytes), ("--memory-high", proposal.HighBytes) })
        {
            if (v is <= 0)
            {
                return $"{name} {v}: expected a positive size";
            }
        }

        foreach ((string name, long? v) in new[] { ("--memory-min", proposal.MinBytes), ("--memory-low", proposal.LowBytes), ("--anon", proposal.AnonBytes), ("--dirty-bytes", proposal.DirtyBytes) })
        {
            if (v is < 0)
            {
                return $"{name} {v}: expected a size of 0 or more";
            }
        }

        if (proposal.AnonBytes > MaxAnonBytes)
        {
            return $"--anon {KernelSim.Units.Bytes.FromBytes(proposal.AnonBytes.Value)}: the write replay models at most 8 TiB (2^31 - 1 pages) of anonymous memory";
        }

        long anon = proposal.AnonBytes ?? capture.Footprint.AnonBytes;
        long kmem = capture.Footprint.KmemBaseBytes;
        long fixedBytes = anon + kmem;
        string source = proposal.AnonBytes is null ? "the capture's measured footprint" : "--anon";
        long? limit = proposal.Unlimited ? null : proposal.LimitBytes ?? capture.LimitBytes;
        foreach ((string name, long? l) in new[] { ("memory limit", limit), ("parent limit", proposal.ParentLimitBytes) })
        {
            if (l is long bytes && fixedBytes >= bytes)
            {
                return $"the {name} {KernelSim.Units.Bytes.FromBytes(bytes)} is not above the workload's non-reclaimable memory "
                    + $"{KernelSim.Units.Bytes.FromBytes(fixedBytes)} (anonymous {KernelSim.Units.Bytes.FromBytes(anon)} from {source} + base kmem {KernelSim.Units.Bytes.FromBytes(kmem)}): "
                    + "the kernel would OOM-kill it at start, which the write replay does not model";
            }
        }

        return null;
    }

    /// <summary>About how many usage samples a prediction keeps over the captured span (the interval grows past 10 ms for spans over 1000 s).</summary>
    public const long MaxSamples = 100_000;

    /// <summary>
    /// First and last time of the workload (operation starts and ends, cache fills, truncations), and the span
    /// between them in nanoseconds (0 for an empty workload).
    /// </summary>
    public static long SpanOf(WriteWorkload workload, out SimTime first, out SimTime last)
    {
        ArgumentNullException.ThrowIfNull(workload);
        long lo = long.MaxValue, hi = long.MinValue;
        foreach (FileOp op in workload.Ops)
        {
            lo = Math.Min(lo, op.Start.TotalNanoseconds);
            hi = Math.Max(hi, op.Start.TotalNanoseconds + Math.Min(op.Observed.TotalNanoseconds, long.MaxValue - op.Start.TotalNanoseconds));
        }

        foreach (CacheFill f in workload.CacheFills)
        {
            lo = Math.Min(lo, f.Time.TotalNanoseconds);
            hi = Math.Max(hi, f.Time.TotalNanoseconds);
        }

        foreach (FileTruncation t in workload.Truncations)
        {
            lo = Math.Min(lo, t.Time.TotalNanoseconds);
            hi = Math.Max(hi, t.Time.TotalNanoseconds);
        }

        if (lo > hi)
        {
            first = last = SimTime.Zero;
            return 0;
        }

        first = SimTime.FromNanoseconds(lo);
        last = SimTime.FromNanoseconds(hi);

        // Both are trace timestamps (non-negative), so the difference fits.
        return hi - lo;
    }

    /// <summary>
    /// Predicts several proposals in parallel (one independent simulation each). Results come back in
    /// the order of <paramref name="proposals"/> and are identical to predicting them one by one.
    /// </summary>
    public static IReadOnlyList<WritePrediction> Sweep(WriteWorkload workload, WritePathCosts costs, CaptureConfig capture, IReadOnlyList<WriteProposal> proposals, int maxDegreeOfParallelism = -1) =>
        Sweep(workload, costs, capture, proposals, (capture ?? throw new ArgumentNullException(nameof(capture))).TracingCostPerEvent, maxDegreeOfParallelism);

    /// <summary><see cref="Sweep(WriteWorkload, WritePathCosts, CaptureConfig, IReadOnlyList{WriteProposal}, int)"/> with the captured per-call costs taken net of <paramref name="tracingCostPerEvent"/> per traced event.</summary>
    internal static IReadOnlyList<WritePrediction> Sweep(WriteWorkload workload, WritePathCosts costs, CaptureConfig capture, IReadOnlyList<WriteProposal> proposals, SimDuration tracingCostPerEvent, int maxDegreeOfParallelism = -1)
    {
        ArgumentNullException.ThrowIfNull(proposals);
        var results = new WritePrediction[proposals.Count];
        Parallel.For(0, proposals.Count, new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism }, i =>
            results[i] = Predict(workload, costs, capture, proposals[i], tracingCostPerEvent));
        return results;
    }

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

    // The application's fsync (or fdatasync) calls: ops come first in the request array, in the same order.
    private static LatencyDistribution SyncLatency(WriteWorkload workload, FileOpKind kind, WritePathResult result)
    {
        var latencies = new List<long>();
        for (int i = 0; i < workload.Ops.Count; i++)
        {
            if (workload.Ops[i].Kind == kind && workload.Ops[i].Returned >= 0)
            {
                latencies.Add(result.Outcomes[i].Latency.TotalNanoseconds);
            }
        }

        return LatencyDistribution.FromNanoseconds(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(latencies));
    }

    // The application's reads of page-cache files: their latency and the bytes they returned over their span.
    private static ReadPrediction ReadSummary(WriteRequest[] requests, bool[] readMeasured, WritePathResult result)
    {
        var latencies = new List<long>();
        long bytes = 0, first = long.MaxValue, last = long.MinValue;
        for (int i = 0; i < requests.Length; i++)
        {
            if (!readMeasured[i])
            {
                continue;
            }

            WriteOutcome o = result.Outcomes[i];
            latencies.Add(o.Latency.TotalNanoseconds);
            bytes += requests[i].Bytes;
            first = Math.Min(first, o.Start.TotalNanoseconds);
            last = Math.Max(last, o.Start.TotalNanoseconds + o.Latency.TotalNanoseconds);
        }

        double seconds = last > first ? (last - first) / 1e9 : 0;
        return new ReadPrediction(
            LatencyDistribution.FromNanoseconds(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(latencies)),
            seconds > 0 ? bytes / seconds : 0,
            result.Counters.PagesRead,
            result.Counters.WorkingsetRefaults,
            result.Counters.WorkingsetActivations);
    }

    private static WritePrediction Summarize(WriteProposal proposal, MemcgConfig config, WritePathCosts costs, WriteRequest[] requests, bool[] measured, WritePathResult result, int opCount)
    {
        var latencies = new List<long>(requests.Length);
        long copy = 0, reclaim = 0, wait = 0, throttle = 0, pause = 0, high = 0, bytes = 0;
        long first = long.MaxValue, last = long.MinValue;
        for (int i = 0; i < requests.Length; i++)
        {
            if (!measured[i])
            {
                continue;
            }

            WriteOutcome o = result.Outcomes[i];
            latencies.Add(o.Latency.TotalNanoseconds);
            copy += o.Copy.TotalNanoseconds;
            reclaim += o.Reclaim.TotalNanoseconds;
            wait += o.WritebackWait.TotalNanoseconds;
            throttle += o.Throttle.TotalNanoseconds;
            pause += o.DirtyPause.TotalNanoseconds;
            high += o.HighPenalty.TotalNanoseconds;
            bytes += requests[i].Bytes;
            first = Math.Min(first, o.Start.TotalNanoseconds);
            last = Math.Max(last, o.Start.TotalNanoseconds + o.Latency.TotalNanoseconds);
        }

        double seconds = last > first ? (last - first) / 1e9 : 0;
        return new WritePrediction(
            proposal,
            config,
            LatencyDistribution.FromNanoseconds(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(latencies)),
            seconds > 0 ? bytes / seconds : 0,
            new TimeBreakdown(
                SimDuration.FromNanoseconds(copy),
                SimDuration.FromNanoseconds(reclaim),
                SimDuration.FromNanoseconds(wait),
                SimDuration.FromNanoseconds(throttle),
                SimDuration.FromNanoseconds(pause),
                SimDuration.FromNanoseconds(high)),
            result.Counters,
            result.WorkingSet,
            costs)
        {
            OpLatencyNs = OpLatencies(result, opCount),
        };
    }

    // Predicted latency of each workload operation (the first requests are the ops, in order).
    private static long[] OpLatencies(WritePathResult result, int opCount)
    {
        var ns = new long[opCount];
        for (int i = 0; i < ns.Length; i++)
        {
            ns[i] = result.Outcomes[i].Latency.TotalNanoseconds;
        }

        return ns;
    }
}
