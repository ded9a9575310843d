using System.Runtime.InteropServices;
using KernelSim.Time;

namespace KernelSim.Models.Writeback;

/// <summary>
/// Dirty-page throttling for one bdi (one wb), as balance_dirty_pages does it: the caller reports pages as they are
/// dirtied, put under writeback and written, and learns after each dirtying step whether the task must sleep and for
/// how long, with the records the kernel's writeback tracepoints would print.
/// </summary>
/// <remarks>
/// <para>
/// Follows mm/page-writeback.c of Linux 6.18 (6.1 where <see cref="WritebackConfig.Profile"/> says so):
/// <c>balance_dirty_pages_ratelimited_flags</c>, <c>balance_dirty_pages</c>, <c>domain_dirty_limits</c>,
/// <c>wb_position_ratio</c>, <c>__wb_update_bandwidth</c>, <c>wb_min_pause</c>/<c>wb_max_pause</c>.
/// Time is the simulation clock; jiffies are derived from it with <see cref="WritebackConfig.JiffiesEpoch"/>.
/// </para>
/// <para>
/// Typical write-path use: <see cref="OnPagesDirtied"/> for each chunk of a buffered write, sleeping the task
/// until <see cref="ThrottleDecision.WakeAt"/> when it says so; <see cref="OnWritebackStart"/>,
/// <see cref="OnWritebackEnd"/>, <see cref="OnWritepages"/> and <see cref="OnInodeWritebackEnd"/> from the
/// writeback path; <see cref="AdvanceTo"/> as simulated time passes; <see cref="SetDirtyableMemory"/>
/// when free memory or the file LRUs change; <see cref="BackgroundWritebackNeeded"/> for the flusher's loop.
/// Calls do not allocate once a task is known (a new task id adds one dictionary entry).
/// </para>
/// </remarks>
public sealed partial class DirtyThrottle
{
    private readonly WritebackConfig _config;
    private readonly BdiWriteback _wb;
    private readonly WbDomain _globalDomain = new();
    private readonly WbDomain _memcgDomain = new();
    private readonly long[] _bdpRatelimits;
    private readonly long[] _dirtyThrottleLeaks;
    private readonly Dictionary<int, TaskState> _tasks = [];
    private MemcgWbStats? _memcg;
    private long _dirtyable;
    private long _nrFileDirty;
    private long _nrWriteback;
    private long _nrDirtied;
    private long _nrWritten;
    private bool _writebackRunning;
    private bool _bandwidthWorkPending;
    private long _bandwidthWorkDue;

    /// <summary>Creates the throttle for one bdi.</summary>
    /// <param name="config">Sysctls, bdi settings, profile.</param>
    /// <param name="dirtyablePages"><c>global_dirtyable_memory()</c> now (see <see cref="PageWriteback.GlobalDirtyableMemory"/>).</param>
    /// <param name="start">The simulation time the bdi starts at (its bandwidth estimate and dirty_limit stamps).</param>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting or <paramref name="dirtyablePages"/> is out of range.</exception>
    public DirtyThrottle(WritebackConfig config, long dirtyablePages, SimTime start)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dirtyablePages);
        _config = config;
        _dirtyable = dirtyablePages;
        long j = JiffiesAt(start);
        _wb = new BdiWriteback(config, j);
        _globalDomain.DirtyLimitTstamp = j;
        _memcgDomain.DirtyLimitTstamp = j;
        _bdpRatelimits = new long[config.OnlineCpus];
        _dirtyThrottleLeaks = new long[config.OnlineCpus];
        WritebackSetRatelimit();
    }

    /// <summary>The configuration.</summary>
    public WritebackConfig Config => _config;

    /// <summary><c>ratelimit_pages</c>: pages a CPU may dirty between forced checks.</summary>
    public long RatelimitPages { get; private set; }

    /// <summary><c>global_wb_domain.dirty_limit</c>, pages.</summary>
    public long GlobalDirtyLimit => _globalDomain.DirtyLimit;

    /// <summary>The wb's bandwidth estimates and rate limits, pages/s.</summary>
    public WbBandwidthState Bandwidth =>
        new(_wb.WriteBandwidth, _wb.AvgWriteBandwidth, _wb.DirtyRatelimit, _wb.BalancedDirtyRatelimit);

    /// <summary>The wb's <c>dirty_exceeded</c> flag.</summary>
    public bool DirtyExceeded => _wb.DirtyExceeded;

    /// <summary>NR_FILE_DIRTY, pages.</summary>
    public long NrFileDirty => _nrFileDirty;

    /// <summary>NR_WRITEBACK, pages.</summary>
    public long NrWriteback => _nrWriteback;

    /// <summary>NR_DIRTIED, pages ever dirtied.</summary>
    public long NrDirtied => _nrDirtied;

    /// <summary>NR_WRITTEN, pages ever written.</summary>
    public long NrWritten => _nrWritten;

    /// <summary>The dirtyable memory the global domain uses, pages.</summary>
    public long DirtyableMemory => _dirtyable;

    /// <summary>
    /// True when the flusher should keep writing in the background: global dirty (without writeback) above
    /// bg_thresh, or the wb above its share of it.
    /// </summary>
    /// <remarks>mm/page-writeback.c <c>wb_over_bg_thresh</c> (global domain; plus the memcg domain on v2).</remarks>
    public bool BackgroundWritebackNeeded
    {
        get
        {
            DirtyThresholds g = PageWriteback.DomainDirtyLimits(_config, _dirtyable, null, false, _globalDomain.DirtyLimit);
            if (_nrFileDirty > g.BgThresh)
            {
                return true;
            }

            long wbBg = PageWriteback.WbCalcThresh(_config, g.BgThresh, _nrFileDirty);
            if (_wb.Reclaimable > wbBg)
            {
                return true;
            }

            if (_config.CgroupVersion == CgroupVersion.V2 && _memcg is MemcgWbStats s)
            {
                long mAvail = PageWriteback.MdtcCalcAvail(s.FilePages, s.Headroom, s.Dirty, _dirtyable, _nrFileDirty);
                DirtyThresholds m = PageWriteback.DomainDirtyLimits(_config, mAvail, _dirtyable, false, _globalDomain.DirtyLimit);
                return s.Dirty > m.BgThresh || _wb.Reclaimable > PageWriteback.WbCalcThresh(_config, m.BgThresh, s.Dirty);
            }

            return false;
        }
    }

    /// <summary>The jiffies value at <paramref name="time"/>.</summary>
    public long JiffiesAt(SimTime time)
    {
        long ns = checked(time.TotalNanoseconds - _config.JiffiesEpoch.TotalNanoseconds);
        Int128 scaled = (Int128)ns * _config.Hz;
        Int128 q = scaled / 1_000_000_000;
        if (scaled % 1_000_000_000 < 0)
        {
            q--;
        }

        return checked(_config.InitialJiffies + (long)q);
    }

    /// <summary>The first instant of jiffy <paramref name="jiffies"/> (a tick boundary).</summary>
    public SimTime TimeOfJiffies(long jiffies)
    {
        Int128 ticks = jiffies - _config.InitialJiffies;
        Int128 scaled = ticks * 1_000_000_000;
        Int128 ns = scaled / _config.Hz;
        if (scaled % _config.Hz > 0)
        {
            ns++;
        }

        return SimTime.FromNanoseconds(checked(_config.JiffiesEpoch.TotalNanoseconds + (long)ns));
    }

    /// <summary>A task's bookkeeping (a new task's defaults if it never dirtied anything).</summary>
    public TaskDirtyState GetTask(int taskId) =>
        _tasks.TryGetValue(taskId, out TaskState t)
            ? new TaskDirtyState(t.NrDirtied, t.NrDirtiedPause, t.DirtyPausedWhen)
            : new TaskDirtyState(0, _config.InitialNrDirtiedPause, 0);

    /// <summary>Marks a task real-time or deadline (its thresholds get the RT boost), or not.</summary>
    public void SetTaskRealtime(int taskId, bool realtime) => TaskRef(taskId).Realtime = realtime;

    /// <summary>Sets the dirtyable memory (<c>global_dirtyable_memory()</c>), pages.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="pages"/> is not positive.</exception>
    public void SetDirtyableMemory(long pages)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pages);
        _dirtyable = pages;
    }

    /// <summary>
    /// <c>writeback_set_ratelimit</c>: what a write to a vm.dirty_* sysctl or a CPU hotplug does — dirty_limit jumps
    /// to the current threshold and ratelimit_pages becomes thresh / (CPUs · 32), at least 16. Runs at construction.
    /// </summary>
    public void WritebackSetRatelimit()
    {
        DirtyThresholds g = PageWriteback.DomainDirtyLimits(_config, _dirtyable, null, false, _globalDomain.DirtyLimit);
        _globalDomain.DirtyLimit = g.Thresh;
        RatelimitPages = Math.Max(g.Thresh / (_config.OnlineCpus * 32L), 16);
    }

    /// <summary>Sets the memcg the wb belongs to (cgroup v2), or null for the root; ignored on cgroup v1.</summary>
    public void SetMemcgStats(MemcgWbStats? stats) => _memcg = stats;

    /// <summary>Whether the flusher is running for this wb (<c>writeback_in_progress</c>).</summary>
    public void SetWritebackRunning(bool running) => _writebackRunning = running;

    /// <summary>Overwrites the global counters with observed values (replay).</summary>
    public void SyncGlobalCounts(long nrFileDirty, long nrWriteback, long nrDirtied, long nrWritten)
    {
        _nrFileDirty = Math.Max(nrFileDirty, 0);
        _nrWriteback = Math.Max(nrWriteback, 0);
        _nrDirtied = Math.Max(nrDirtied, 0);
        _nrWritten = Math.Max(nrWritten, 0);
    }

    /// <summary>Overwrites the wb's counters (WB_RECLAIMABLE, WB_WRITEBACK, WB_DIRTIED, WB_WRITTEN) with observed values (replay).</summary>
    public void SyncWbCounts(long reclaimable, long writeback, long dirtied, long written)
    {
        _wb.Reclaimable = Math.Max(reclaimable, 0);
        _wb.Writeback = Math.Max(writeback, 0);
        _wb.Dirtied = Math.Max(dirtied, 0);
        _wb.Written = Math.Max(written, 0);
    }

    /// <summary>Overwrites the wb's bandwidth estimates and rate limits (replay: from a bdi_dirty_ratelimit record).</summary>
    public void RestoreBandwidth(WbBandwidthState state)
    {
        _wb.WriteBandwidth = Math.Max(state.WriteBandwidth, 0);
        _wb.AvgWriteBandwidth = Math.Max(state.AvgWriteBandwidth, 1);
        _wb.DirtyRatelimit = Math.Max(state.DirtyRatelimit, 1);
        _wb.BalancedDirtyRatelimit = Math.Max(state.BalancedDirtyRatelimit, 0);
    }

    /// <summary>Overwrites <c>global_wb_domain.dirty_limit</c> (replay: from a global_dirty_state record).</summary>
    public void SetGlobalDirtyLimit(long pages) => _globalDomain.DirtyLimit = Math.Max(pages, 0);

    /// <summary>
    /// One chunk of a buffered write: the task dirties <paramref name="pages"/> pages on <paramref name="cpu"/> and
    /// passes the ratelimit check. On 6.18 the check comes first and the chunk is dirtied after it (after the pause,
    /// if any); on 6.1 the chunk is dirtied first. <see cref="BalanceDirtyPagesRatelimited"/> and
    /// <see cref="AccountDirtied"/> in the profile's order.
    /// </summary>
    /// <remarks>
    /// mm/filemap.c <c>generic_perform_write</c>: 6.18 calls balance_dirty_pages_ratelimited before
    /// <c>write_begin</c> of each chunk (a chunk is up to the mapping's largest folio); 6.1 after <c>write_end</c> of
    /// each page.
    /// </remarks>
    public ThrottleDecision OnPagesDirtied(SimTime now, int taskId, int cpu, int pages)
    {
        if (_config.Is618)
        {
            ThrottleDecision d = BalanceDirtyPagesRatelimited(now, taskId, cpu);
            AccountDirtied(taskId, cpu, pages);
            return d;
        }

        AccountDirtied(taskId, cpu, pages);
        return BalanceDirtyPagesRatelimited(now, taskId, cpu);
    }

    /// <summary>
    /// Pages dirtied on <paramref name="cpu"/> by tasks this model does not follow (kernel threads, other
    /// processes): they only advance the CPU's <c>bdp_ratelimits</c>, which forces the next check there.
    /// </summary>
    public void ChargeCpuDirtied(int cpu, long pages)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pages);
        CheckCpu(cpu);
        _bdpRatelimits[cpu] += pages;
    }

    /// <summary>
    /// Accounts newly dirtied pages: NR_FILE_DIRTY, NR_DIRTIED, the wb's counters, the task's nr_dirtied and the
    /// CPU's bdp_ratelimits all grow by <paramref name="pages"/>.
    /// </summary>
    /// <remarks>mm/page-writeback.c <c>folio_account_dirtied</c>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="cpu"/> or <paramref name="pages"/> is out of range.</exception>
    public void AccountDirtied(int taskId, int cpu, int pages)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pages);
        CheckCpu(cpu);
        _nrFileDirty += pages;
        _nrDirtied += pages;
        _wb.Reclaimable += pages;
        _wb.Dirtied += pages;
        TaskRef(taskId).NrDirtied += pages;
        _bdpRatelimits[cpu] += pages;
    }

    /// <summary>
    /// The gate in front of balance_dirty_pages: the task checks once it has dirtied nr_dirtied_pause pages (32 KiB
    /// while dirty_exceeded), or when its CPU has dirtied ratelimit_pages since the last check; pages left by exited
    /// tasks on this CPU are charged to it first.
    /// </summary>
    /// <remarks>mm/page-writeback.c <c>balance_dirty_pages_ratelimited_flags</c>.</remarks>
    public ThrottleDecision BalanceDirtyPagesRatelimited(SimTime now, int taskId, int cpu)
    {
        CheckCpu(cpu);
        RunDueWork(JiffiesAt(now));
        ref TaskState task = ref TaskRef(taskId);
        long ratelimit = task.NrDirtiedPause;
        if (_wb.DirtyExceeded)
        {
            ratelimit = Math.Min(ratelimit, _config.DirtyExceededRatelimit);
        }

        ref long p = ref _bdpRatelimits[cpu];
        if (task.NrDirtied >= ratelimit)
        {
            p = 0;
        }
        else if (p >= RatelimitPages)
        {
            p = 0;
            ratelimit = 0;
        }

        ref long leaks = ref _dirtyThrottleLeaks[cpu];
        if (leaks > 0 && task.NrDirtied < ratelimit)
        {
            long take = Math.Min(leaks, ratelimit - task.NrDirtied);
            leaks -= take;
            task.NrDirtied += take;
        }

        return task.NrDirtied >= ratelimit
            ? Balance(now, ref task)
            : new ThrottleDecision(ThrottleOutcome.NotChecked, SimDuration.Zero, now, false, false, null, null, null, null);
    }

    /// <summary>
    /// One pass of balance_dirty_pages for the task with its current nr_dirtied, as if the gate had opened; after a
    /// decision with <see cref="ThrottleDecision.LoopAgain"/>, the next pass of the same call.
    /// </summary>
    /// <remarks>mm/page-writeback.c <c>balance_dirty_pages</c> (one iteration of its loop).</remarks>
    public ThrottleDecision BalanceDirtyPages(SimTime now, int taskId)
    {
        RunDueWork(JiffiesAt(now));
        return Balance(now, ref TaskRef(taskId));
    }

    /// <summary>
    /// An inode of the wb has no pages under writeback any more (<c>wb_inode_writeback_end</c>): unless one is
    /// already pending, queue the bandwidth update work BANDWIDTH_INTERVAL later. It runs
    /// <c>wb_update_bandwidth</c> whatever the age of the last estimate, on the tick after the timeout (the timer
    /// wheel rounds level-0 expiries up), and is run by the first call at or after that time.
    /// </summary>
    /// <remarks>mm/page-writeback.c <c>wb_inode_writeback_end</c>, mm/backing-dev.c <c>wb_update_bandwidth_workfn</c>.</remarks>
    public void OnInodeWritebackEnd(SimTime now)
    {
        long j = JiffiesAt(now);
        RunDueWork(j);
        if (!_bandwidthWorkPending)
        {
            _bandwidthWorkPending = true;
            _bandwidthWorkDue = j + _config.BandwidthInterval + 1;
        }
    }

    /// <summary>Lets simulated time pass: runs a queued bandwidth update that is due by <paramref name="now"/>.</summary>
    public void AdvanceTo(SimTime now) => RunDueWork(JiffiesAt(now));

    /// <summary>Pages go from dirty to writeback (<c>folio_start_writeback</c>).</summary>
    public void OnWritebackStart(long pages)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pages);
        long global = Math.Min(pages, _nrFileDirty);
        _nrFileDirty -= global;
        _nrWriteback += pages;
        long wb = Math.Min(pages, _wb.Reclaimable);
        _wb.Reclaimable -= wb;
        _wb.Writeback += pages;
    }

    /// <summary>Writeback of pages completed: they are clean and counted as written (<c>__folio_end_writeback</c>, <c>wb_writeout_add</c>).</summary>
    public void OnWritebackEnd(long pages)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(pages);
        _nrWriteback -= Math.Min(pages, _nrWriteback);
        _nrWritten += pages;
        _wb.Writeback -= Math.Min(pages, _wb.Writeback);
        _wb.Written += pages;
    }

    /// <summary>
    /// The writeback path submitted pages (<c>do_writepages</c>): restart the bandwidth estimate after an idle
    /// spell, and re-estimate the write bandwidth if the last estimate is older than BANDWIDTH_INTERVAL (this path
    /// never touches dirty_ratelimit).
    /// </summary>
    /// <param name="now">Time of the submission.</param>
    /// <param name="inodesUnderWriteback">Some inode of the wb is already under writeback.</param>
    /// <returns>True when the write bandwidth was re-estimated.</returns>
    /// <remarks>mm/page-writeback.c <c>do_writepages</c>, <c>wb_bandwidth_estimate_start</c>, <c>wb_update_bandwidth</c>.</remarks>
    public bool OnWritepages(SimTime now, bool inodesUnderWriteback = false)
    {
        long j = JiffiesAt(now);
        RunDueWork(j);
        _wb.BandwidthEstimateStart(j, inodesUnderWriteback);
        if (!_wb.BandwidthStale(j))
        {
            return false;
        }

        DirtyThrottleControl none = default;
        _wb.UpdateBandwidth(j, none, _globalDomain, false, none, _memcgDomain, updateRatelimit: false);
        return true;
    }

    /// <summary>
    /// A task exits: the pages it dirtied since its last check are left on its CPU for the next dirtier there
    /// (<c>dirty_throttle_leaks</c>, kernel/exit.c).
    /// </summary>
    public void OnTaskExit(int taskId, int cpu)
    {
        CheckCpu(cpu);
        if (_tasks.Remove(taskId, out TaskState t) && t.NrDirtied > 0)
        {
            _dirtyThrottleLeaks[cpu] += t.NrDirtied;
        }
    }

    private struct TaskState
    {
        public long NrDirtied;
        public long NrDirtiedPause;
        public long DirtyPausedWhen;
        public long LoopStart;
        public bool InLoop;
        public bool Realtime;
    }
}
