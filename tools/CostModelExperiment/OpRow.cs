using KernelSim.Replay.Calibration;
using KernelSim.Replay.Workload;

namespace KernelSim.CostModelExperiment;

/// <summary>One write as ML.NET sees it: features and label as floats (times in microseconds).</summary>
internal sealed class OpRow
{
    public static readonly string[] FeatureNames =
    [
        nameof(Bytes), nameof(PagesAdded), nameof(PagesCached), nameof(ReclaimEpisodes), nameof(ReclaimScanned),
        nameof(ReclaimReclaimed), nameof(ThrottleMicroseconds), nameof(ReclaimOffCpuMicroseconds),
        nameof(DirtyPauseMicroseconds), nameof(WritesInFlight), nameof(ThinkMicroseconds),
    ];

    public float Bytes { get; set; }

    public float PagesAdded { get; set; }

    public float PagesCached { get; set; }

    public float ReclaimEpisodes { get; set; }

    public float ReclaimScanned { get; set; }

    public float ReclaimReclaimed { get; set; }

    public float ThrottleMicroseconds { get; set; }

    public float ReclaimOffCpuMicroseconds { get; set; }

    public float DirtyPauseMicroseconds { get; set; }

    public float WritesInFlight { get; set; }

    public float ThinkMicroseconds { get; set; }

    public float LatencyMicroseconds { get; set; }

    public static OpRow From(in FileOp op) => new()
    {
        Bytes = op.Bytes,
        PagesAdded = op.PagesAdded,
        PagesCached = op.PagesCached,
        ReclaimEpisodes = op.ReclaimEpisodes,
        ReclaimScanned = op.ReclaimScanned,
        ReclaimReclaimed = op.ReclaimReclaimed,
        ThrottleMicroseconds = op.ThrottleStall.TotalNanoseconds / 1e3f,
        ReclaimOffCpuMicroseconds = op.ReclaimOffCpu.TotalNanoseconds / 1e3f,
        DirtyPauseMicroseconds = op.DirtyPause.TotalNanoseconds / 1e3f,
        WritesInFlight = op.DeviceWritesInFlight,
        ThinkMicroseconds = op.ThinkBefore.TotalNanoseconds / 1e3f,
        LatencyMicroseconds = op.Observed.TotalNanoseconds / 1e3f,
    };

    /// <summary>The workload's usable writes (<see cref="CalibrationSample.IsWrite"/>) as rows, and the ops themselves.</summary>
    public static List<OpRow> WritesOf(WriteWorkload workload, out List<FileOp> ops)
    {
        bool pageCache = (workload.Diagnostics.EventGroupsSeen & TracedEventGroups.PageCache) != 0;
        var rows = new List<OpRow>();
        ops = [];
        foreach (FileOp op in workload.Ops)
        {
            if (CalibrationSample.IsWrite(op, pageCache))
            {
                rows.Add(From(op));
                ops.Add(op);
            }
        }

        return rows;
    }
}
