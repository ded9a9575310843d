using System.Numerics;
using KernelSim.Time;

namespace KernelSim.Models.Writeback;

/// <summary>
/// The configuration dirty throttling runs under: the <c>vm.dirty_*</c> sysctls, the bdi's settings, the kernel
/// profile (version, HZ, page size) and the cgroup version. Defaults are the kernel's.
/// </summary>
/// <remarks>
/// Sysctl defaults and constants mirror mm/page-writeback.c (Linux 6.18; 6.1 where <see cref="Profile"/> says so).
/// Constants that depend on HZ or the page size are properties computed from <see cref="Profile"/>.
/// </remarks>
public sealed record WritebackConfig
{
    /// <summary><c>vm_dirty_ratio</c> default, percent of dirtyable memory (mm/page-writeback.c).</summary>
    public const int DefaultDirtyRatio = 20;

    /// <summary><c>dirty_background_ratio</c> default, percent of dirtyable memory (mm/page-writeback.c).</summary>
    public const int DefaultDirtyBackgroundRatio = 10;

    /// <summary><c>vm_dirty_bytes</c> default: 0, i.e. use the ratio (mm/page-writeback.c).</summary>
    public const long DefaultDirtyBytes = 0;

    /// <summary><c>dirty_background_bytes</c> default: 0, i.e. use the ratio (mm/page-writeback.c).</summary>
    public const long DefaultDirtyBackgroundBytes = 0;

    /// <summary><c>dirty_expire_interval</c> default, centiseconds (mm/page-writeback.c).</summary>
    public const int DefaultDirtyExpireCentisecs = 3000;

    /// <summary><c>dirty_writeback_interval</c> default, centiseconds (mm/page-writeback.c).</summary>
    public const int DefaultDirtyWritebackCentisecs = 500;

    /// <summary><c>RATELIMIT_CALC_SHIFT</c>: pos_ratio is fixed point with this many fraction bits, 1.0 = 1024.</summary>
    public const int RatelimitCalcShift = 10;

    /// <summary><c>INIT_BW</c> in MB/s: the initial write bandwidth and dirty rate limit of a wb (mm/backing-dev.c).</summary>
    public const int InitBwMegabytesPerSecond = 100;

    /// <summary><c>BDI_RATIO_SCALE</c>: bdi min/max ratios are kept in 1/10000 percent since 6.5 (include/linux/backing-dev-defs.h).</summary>
    public const int BdiRatioScale = 10_000;

    /// <summary>Kernel version, HZ and page size.</summary>
    public KernelProfile Profile { get; init; } = KernelProfile.Linux6_18;

    /// <summary>cgroup hierarchy of the memory controller: v2 adds a memcg dirty domain.</summary>
    public CgroupVersion CgroupVersion { get; init; } = CgroupVersion.V2;

    /// <summary><c>vm.dirty_ratio</c>, 0..100. Ignored when <see cref="DirtyBytes"/> is set.</summary>
    public int DirtyRatio { get; init; } = DefaultDirtyRatio;

    /// <summary><c>vm.dirty_background_ratio</c>, 0..100. Ignored when <see cref="DirtyBackgroundBytes"/> is set.</summary>
    public int DirtyBackgroundRatio { get; init; } = DefaultDirtyBackgroundRatio;

    /// <summary><c>vm.dirty_bytes</c>; 0 means use <see cref="DirtyRatio"/>.</summary>
    public long DirtyBytes { get; init; } = DefaultDirtyBytes;

    /// <summary><c>vm.dirty_background_bytes</c>; 0 means use <see cref="DirtyBackgroundRatio"/>.</summary>
    public long DirtyBackgroundBytes { get; init; } = DefaultDirtyBackgroundBytes;

    /// <summary><c>vm.dirty_expire_centisecs</c> (kept for the flusher; the throttling arithmetic does not use it).</summary>
    public int DirtyExpireCentisecs { get; init; } = DefaultDirtyExpireCentisecs;

    /// <summary><c>vm.dirty_writeback_centisecs</c> (kept for the flusher; the throttling arithmetic does not use it).</summary>
    public int DirtyWritebackCentisecs { get; init; } = DefaultDirtyWritebackCentisecs;

    /// <summary><c>vm.laptop_mode</c> is non-zero: no background writeback kick below the freerun ceiling.</summary>
    public bool LaptopMode { get; init; }

    /// <summary>Online CPUs (<c>num_online_cpus</c> = <c>nr_cpu_ids</c> here): sizes <c>ratelimit_pages</c> and the per-CPU counters.</summary>
    public int OnlineCpus { get; init; } = 1;

    /// <summary>The bdi has <c>BDI_CAP_STRICTLIMIT</c> (fuse, some network filesystems): throttle on the wb's own limits.</summary>
    public bool StrictLimit { get; init; }

    /// <summary>The bdi's <c>min_ratio</c>, percent (sysfs /sys/class/bdi/*/min_ratio; default 0).</summary>
    public int BdiMinRatio { get; init; }

    /// <summary>The bdi's <c>max_ratio</c>, percent (default 100).</summary>
    public int BdiMaxRatio { get; init; } = 100;

    /// <summary>
    /// The wb's share of the domain's writeout (<c>fprop_fraction_percpu</c>), as numerator/denominator. The model
    /// keeps one bdi doing all writeout, so the default 1/1 makes <c>wb_thresh</c> the whole threshold.
    /// </summary>
    public (long Numerator, long Denominator) WritebackShare { get; init; } = (1, 1);

    /// <summary>
    /// A time on the simulation clock at which a jiffy begins. Jiffies are <c>floor((t - epoch) * HZ / 1 s)</c> plus
    /// <see cref="InitialJiffies"/>; only the phase of the tick matters, so a replay sets it from the trace.
    /// </summary>
    public SimTime JiffiesEpoch { get; init; } = SimTime.Zero;

    /// <summary>The memcg inode the wb belongs to (<c>cgroup_ino</c> in the tracepoints); 1 is the root cgroup.</summary>
    public ulong WbCgroupIno { get; init; } = 1;

    /// <summary><c>INITIAL_JIFFIES</c> at HZ: jiffies start 5 minutes before wrapping 32 bits (include/linux/jiffies.h); never 0 here.</summary>
    public long InitialJiffies => unchecked((long)(uint)(-300 * Hz));

    /// <summary>CONFIG_HZ.</summary>
    public int Hz => Profile.Hz;

    /// <summary>PAGE_SIZE in bytes.</summary>
    public int PageSizeBytes => Profile.PageSize.Value;

    /// <summary>PAGE_SHIFT.</summary>
    public int PageShift => BitOperations.Log2((uint)Profile.PageSize.Value);

    /// <summary><c>MAX_PAUSE</c> = max(HZ/5, 1) jiffies: the longest single sleep in balance_dirty_pages (200 ms).</summary>
    public long MaxPause => Math.Max(Hz / 5, 1);

    /// <summary><c>BANDWIDTH_INTERVAL</c> = max(HZ/5, 1) jiffies: how often bandwidth and dirty_limit are re-estimated.</summary>
    public long BandwidthInterval => Math.Max(Hz / 5, 1);

    /// <summary><c>DIRTY_POLL_THRESH</c> = 128 KiB in pages: the smallest nr_dirtied_pause the pause logic aims for.</summary>
    public long DirtyPollThresh => 128 >> (PageShift - 10);

    /// <summary><c>INIT_BW</c> in pages per second (100 MB/s; mm/backing-dev.c).</summary>
    public long InitBw => (long)InitBwMegabytesPerSecond << (20 - PageShift);

    /// <summary><c>VM_COMPLETIONS_PERIOD_LEN</c> = 3·HZ jiffies: the writeout-fraction aging period.</summary>
    public long VmCompletionsPeriodLen => 3L * Hz;

    /// <summary><c>WB_BANDWIDTH_IDLE_JIF</c> = HZ: a wb idle this long restarts its bandwidth estimate.</summary>
    public long WbBandwidthIdleJif => Hz;

    /// <summary>The ratelimit while <c>dirty_exceeded</c>: 32 KiB in pages (balance_dirty_pages_ratelimited_flags).</summary>
    public long DirtyExceededRatelimit => 32 >> (PageShift - 10);

    /// <summary>A new task's <c>nr_dirtied_pause</c>: 128 KiB in pages (kernel/fork.c <c>copy_process</c>).</summary>
    public long InitialNrDirtiedPause => 128 >> (PageShift - 10);

    /// <summary><c>wb_stat_error()</c> = nr_cpu_ids · <c>WB_STAT_BATCH</c> (8·(1+ilog2 nr_cpu_ids)); include/linux/backing-dev.h.</summary>
    public long WbStatError => OnlineCpus * 8L * (1 + BitOperations.Log2((uint)OnlineCpus));

    /// <summary>True for the 6.18 behaviour where it differs from 6.1 (see the Writeback README).</summary>
    public bool Is618 => Profile.IsAtLeast(6, 18);

    /// <summary>Checks every setting against the range the kernel accepts.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is outside its valid range; the message names it.</exception>
    public void Validate()
    {
        Range(nameof(DirtyRatio), DirtyRatio, 0, 100);
        Range(nameof(DirtyBackgroundRatio), DirtyBackgroundRatio, 0, 100);
        Range(nameof(DirtyBytes), DirtyBytes, 0, long.MaxValue / 2);
        if (DirtyBytes != 0 && DirtyBytes < 2L * PageSizeBytes)
        {
            // dirty_bytes_min in mm/page-writeback.c: the sysctl refuses less than two pages.
            throw new ArgumentOutOfRangeException(nameof(DirtyBytes), DirtyBytes, $"{nameof(DirtyBytes)} must be 0 or at least two pages ({2 * PageSizeBytes} bytes).");
        }

        Range(nameof(DirtyBackgroundBytes), DirtyBackgroundBytes, 0, long.MaxValue / 2);
        Range(nameof(OnlineCpus), OnlineCpus, 1, 8192);
        Range(nameof(BdiMinRatio), BdiMinRatio, 0, 100);
        Range(nameof(BdiMaxRatio), BdiMaxRatio, BdiMinRatio, 100);
        Range(nameof(WritebackShare) + ".Denominator", WritebackShare.Denominator, 1, long.MaxValue / 2);
        Range(nameof(WritebackShare) + ".Numerator", WritebackShare.Numerator, 0, WritebackShare.Denominator);
        Range("Profile.Hz", Hz, 1, 100_000);
        if (PageShift < 10)
        {
            throw new ArgumentOutOfRangeException(nameof(Profile), Profile.PageSize.Value, "Page size must be at least 1 KiB for the DIRTY_POLL_THRESH arithmetic.");
        }
    }

    private static void Range(string name, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [{min}, {max}].");
        }
    }
}
