using KernelSim.Models;
using KernelSim.Models.Memcg;
using KernelSim.Replay.Capture;

namespace KernelSim.Replay.WhatIf;

/// <summary>
/// The configuration a trace was captured under (from its manifest, or given by the user where there
/// is none): the baseline a proposal changes.
/// </summary>
public sealed record CaptureConfig
{
    /// <summary>Memory limit in bytes; null = unlimited.</summary>
    public long? LimitBytes { get; init; }

    /// <summary>cgroup version.</summary>
    public CgroupVersion Version { get; init; } = CgroupVersion.V1;

    /// <summary>The kernel profile (release and HZ).</summary>
    public KernelProfile Kernel { get; init; } = KernelProfile.Linux6_18;

    /// <summary>MemTotal in bytes, if known.</summary>
    public long? MemTotalBytes { get; init; }

    /// <summary>vm.dirty_bytes.</summary>
    public long DirtyBytes { get; init; }

    /// <summary>vm.dirty_background_bytes.</summary>
    public long DirtyBackgroundBytes { get; init; }

    /// <summary>vm.dirty_ratio.</summary>
    public int DirtyRatio { get; init; } = 20;

    /// <summary>vm.dirty_background_ratio.</summary>
    public int DirtyBackgroundRatio { get; init; } = 10;

    /// <summary>Online CPUs of the captured host.</summary>
    public int Cpus { get; init; } = 2;

    /// <summary>vm.dirty_expire_centisecs.</summary>
    public int DirtyExpireCentisecs { get; init; } = 3000;

    /// <summary>vm.dirty_writeback_centisecs.</summary>
    public int DirtyWritebackCentisecs { get; init; } = 500;

    /// <summary>
    /// The writeback (dirty throttling) configuration with <paramref name="p"/>'s sysctls applied. A bytes
    /// setting wins over the ratio, as writing vm.dirty_bytes zeroes vm.dirty_ratio in the kernel.
    /// </summary>
    public KernelSim.Models.Writeback.WritebackConfig ToWritebackConfig(WriteProposal p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new KernelSim.Models.Writeback.WritebackConfig
        {
            Profile = Kernel,
            CgroupVersion = p.Version ?? Version,
            DirtyBytes = p.DirtyBytes ?? (p.DirtyRatio is null ? DirtyBytes : 0),
            DirtyRatio = p.DirtyRatio ?? DirtyRatio,
            DirtyBackgroundBytes = p.DirtyBackgroundBytes ?? (p.DirtyBackgroundRatio is null ? DirtyBackgroundBytes : 0),
            DirtyBackgroundRatio = p.DirtyBackgroundRatio ?? DirtyBackgroundRatio,
            DirtyExpireCentisecs = DirtyExpireCentisecs,
            DirtyWritebackCentisecs = DirtyWritebackCentisecs,
            OnlineCpus = Cpus,
        };
    }

    /// <summary>
    /// global_dirtyable_memory in pages: free plus file pages of an otherwise idle machine, taken as 95% of
    /// MemTotal (the captured machine's free memory at the time is not in the manifest); 4 GiB if unknown.
    /// </summary>
    public long DirtyablePages => (MemTotalBytes ?? (4L << 30)) / Kernel.PageSize.Value * 95 / 100;

    /// <summary>
    /// The capture host's readahead window in KiB (manifest host.block_devices[].read_ahead_kb); null when not recorded,
    /// and the model keeps the kernel's default (128 KiB).
    /// </summary>
    public int? ReadaheadKb { get; init; }

    /// <summary>What the workload charges besides its page cache (the manifest's "footprint" block; none when absent).</summary>
    public WorkloadFootprint Footprint { get; init; } = WorkloadFootprint.None;

    /// <summary>Where the values came from ("manifest x.manifest.json", "defaults").</summary>
    public string Source { get; init; } = "defaults";

    /// <summary>Reads the manifest beside <paramref name="tracePath"/>; kernel defaults where it is missing.</summary>
    public static CaptureConfig ForTrace(string tracePath)
    {
        using CaptureManifest? m = CaptureManifest.TryLoadFor(tracePath);
        if (m is null)
        {
            return new CaptureConfig();
        }

        KernelProfile kernel = m.KernelRelease is string rel
            ? KernelProfile.FromRelease(rel, m.Hz ?? 250).NearestKnown()
            : KernelProfile.Linux6_18 with { Hz = m.Hz ?? 250 };
        return new CaptureConfig
        {
            LimitBytes = m.MemoryLimitBytes,
            Version = m.CgroupVersion == 2 ? CgroupVersion.V2 : CgroupVersion.V1,
            Kernel = kernel,
            MemTotalBytes = m.GetInt64("host.mem_total_bytes"),
            DirtyBytes = SysctlValue(m, "vm.dirty_bytes") ?? 0,
            DirtyBackgroundBytes = SysctlValue(m, "vm.dirty_background_bytes") ?? 0,
            DirtyRatio = (int)(SysctlValue(m, "vm.dirty_ratio") ?? 20),
            DirtyBackgroundRatio = (int)(SysctlValue(m, "vm.dirty_background_ratio") ?? 10),
            DirtyExpireCentisecs = (int)(SysctlValue(m, "vm.dirty_expire_centisecs") ?? 3000),
            DirtyWritebackCentisecs = (int)(SysctlValue(m, "vm.dirty_writeback_centisecs") ?? 500),
            Cpus = (int)(m.GetInt64("host.cpus") ?? 2),
            ReadaheadKb = m.ReadaheadKb,
            Footprint = FootprintOf(m),
            HostBackedBytes = m.GetInt64("host.first_touch.backed_bytes") is long b and >= 0 ? b : null,
            HostFaultNsPerPage = m.GetInt64("host.first_touch.fault_ns_per_page") is long c and >= 0 and <= 10_000_000 ? c : 0,
            SyscallCrossingNs = m.GetInt64("host.syscall.crossing_ns") is long x and >= 0 and <= 1_000_000 ? x : null,
            TracingNsPerEvent = m.GetInt64("host.syscall.tracing_ns_per_event") is long t and >= 0 and <= 1_000_000 ? t : null,
            Source = "manifest " + Path.GetFileName(m.Path),
        };
    }

    /// <summary>
    /// Page cache the capture's host let a run add at the normal cost before new pages needed host faults (the kit's
    /// host probe, manifest host.first_touch.backed_bytes); null when the capture has no probe (no host faults modelled).
    /// </summary>
    public long? HostBackedBytes { get; init; }

    /// <summary>Cost of one host-faulted page in ns (manifest host.first_touch.fault_ns_per_page; 0 when not probed).</summary>
    public long HostFaultNsPerPage { get; init; }

    /// <summary>
    /// What an application's own timing of a call adds to the call's traced window net of its two syscall events, on the
    /// capture's host (the kit's syscall probe, manifest host.syscall.crossing_ns: entering and leaving the kernel, and the
    /// application's clock reads); null when the capture has no probe (the model's default, measured on the lab VM of
    /// the first captures, applies).
    /// </summary>
    public long? SyscallCrossingNs { get; init; }

    /// <summary>
    /// What one traced event added to a call on the capture's host (manifest host.syscall.tracing_ns_per_event); null when
    /// the capture has no probe (the model's default applies). Captured costs are taken net of it: ground truth is untraced.
    /// </summary>
    public long? TracingNsPerEvent { get; init; }

    /// <summary>The cost of one traced event the replay takes off captured costs: the host's probe, else the lab default.</summary>
    internal KernelSim.Time.SimDuration TracingCostPerEvent =>
        TracingNsPerEvent is long t ? KernelSim.Time.SimDuration.FromNanoseconds(t) : WriteReplay.TracingCostPerEvent;

    /// <summary>The costs with this capture's host facts (the first-touch probe, the syscall probe) applied.</summary>
    public KernelSim.Models.Memcg.WritePathCosts WithHostFacts(KernelSim.Models.Memcg.WritePathCosts costs)
    {
        ArgumentNullException.ThrowIfNull(costs);
        if (SyscallCrossingNs is long x)
        {
            costs = costs with { SyscallCrossing = KernelSim.Time.SimDuration.FromNanoseconds(x) };
        }

        return HostBackedBytes is long b && HostFaultNsPerPage > 0
            ? costs with { HostBackedPages = b / Kernel.PageSize.Value, HostFaultPerPage = KernelSim.Time.SimDuration.FromNanoseconds(HostFaultNsPerPage) }
            : costs;
    }

    /// <summary>The memcg configuration after applying <paramref name="p"/>.</summary>
    public MemcgConfig ToMemcgConfig(WriteProposal p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return new MemcgConfig
        {
            LimitBytes = p.Unlimited ? null : p.LimitBytes ?? LimitBytes,
            HighBytes = p.HighBytes,
            ParentLimitBytes = p.ParentLimitBytes,
            MinBytes = p.MinBytes,
            LowBytes = p.LowBytes,
            Version = p.Version ?? Version,
            Kernel = p.Kernel ?? Kernel,
            MaxFolioOrder = (p.Kernel ?? Kernel).Ext4LargeFolios ? 9 : 0,
            Cpus = Math.Clamp(Cpus, 1, 4096),
            ReadaheadPages = ReadaheadKb is int kb ? (int)Math.Min(int.MaxValue, (long)kb * 1024 / (p.Kernel ?? Kernel).PageSize.Value) : new MemcgConfig().ReadaheadPages,
        };
    }

    // The "footprint" block written by traces/capture/measure-footprint.
    private static WorkloadFootprint FootprintOf(CaptureManifest m)
    {
        if (!m.Document.RootElement.TryGetProperty("footprint", out System.Text.Json.JsonElement f) || f.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            return WorkloadFootprint.None;
        }

        double Get(string key) =>
            f.TryGetProperty(key, out System.Text.Json.JsonElement v) && v.ValueKind == System.Text.Json.JsonValueKind.Number && v.TryGetDouble(out double d) && d >= 0 ? d : 0;
        return new WorkloadFootprint
        {
            AnonBytes = (long)Get("anon_bytes"),
            HotMappedBytes = (long)Get("hot_mapped_bytes"),
            ActivatedFillBytes = (long)Get("activated_fill_bytes"),
            MappedFileBytes = (long)Get("mapped_file_bytes"),
            KmemBaseBytes = (long)Get("kmem_base_bytes"),
            KmemPerCacheByte = Get("kmem_per_cache_byte"),
        };
    }

    // sysctl keys contain dots ("vm.dirty_bytes"), so they cannot go through the dotted path lookup.
    private static long? SysctlValue(CaptureManifest m, string key) =>
        m.Document.RootElement.TryGetProperty("sysctl", out System.Text.Json.JsonElement s)
        && s.ValueKind == System.Text.Json.JsonValueKind.Object
        && s.TryGetProperty(key, out System.Text.Json.JsonElement v)
        && v.ValueKind == System.Text.Json.JsonValueKind.Number
        && v.TryGetInt64(out long n) ? n : null;
}
