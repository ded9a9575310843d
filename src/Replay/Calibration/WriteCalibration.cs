using System.Globalization;
using System.Text;
using KernelSim.Replay.Workload;

namespace KernelSim.Replay.Calibration;

/// <summary>
/// Hardware costs of the write path, fitted from the trace that will be replayed (DESIGN: costs are calibrated,
/// not constants): the base cost of a buffered write, the CPU cost of memcg/direct reclaim, the block device's
/// service times, and the distribution of what the base-cost fit leaves unexplained. All times in nanoseconds.
/// </summary>
/// <param name="Source">The trace(s) it was fitted from.</param>
/// <param name="BaseCost">
/// Latency of writes that met no reclaim, throttling or dirty pause, on terms <c>per_call</c> (intercept),
/// <c>per_added_page</c> (pages the write had to add to the page cache), <c>per_cached_page</c> (pages it
/// found cached) and <c>writeback_active</c> (extra cost when block writes were in flight as it started).
/// </param>
/// <param name="ReclaimCost">
/// CPU time inside the write's reclaim episodes (stall minus off-CPU time) on terms <c>per_episode</c> and
/// <c>per_scanned_page</c>, through the origin.
/// </param>
/// <param name="DeviceService">Issue-to-complete time of block write requests issued to an idle device, on terms <c>per_request</c> (intercept) and <c>per_byte</c>.</param>
/// <param name="DeviceBytesPerSecond">Bytes written per second while at least one write request was in flight (0 without block events).</param>
/// <param name="BaseResiduals">Quantiles of the base-cost residuals (observed − fitted), to reproduce the non-reclaim tail.</param>
/// <param name="BasePagesPerWrite">Mean pages written per write in the base sample: what <c>per_call</c> includes when the page terms are not identified.</param>
/// <param name="Notes">What the fit could not do and why (unidentified terms, missing event groups).</param>
public sealed record WriteCalibration(
    string Source,
    LinearFit BaseCost,
    LinearFit ReclaimCost,
    LinearFit DeviceService,
    double DeviceBytesPerSecond,
    ResidualQuantiles BaseResiduals,
    double BasePagesPerWrite,
    IReadOnlyList<string> Notes)
{
    /// <summary>Term name: fixed cost of a write call.</summary>
    public const string PerCall = "per_call";

    /// <summary>Term name: cost of each page the write added to the page cache.</summary>
    public const string PerAddedPage = "per_added_page";

    /// <summary>Term name: cost of each page the write found already cached.</summary>
    public const string PerCachedPage = "per_cached_page";

    /// <summary>Term name: extra cost of a write that starts while block writes are in flight.</summary>
    public const string WritebackActive = "writeback_active";

    /// <summary>Term name: fixed CPU cost of one reclaim episode.</summary>
    public const string PerEpisode = "per_episode";

    /// <summary>Term name: CPU cost of each page reclaim scanned.</summary>
    public const string PerScannedPage = "per_scanned_page";

    /// <summary>Term name: extra CPU cost of each scanned page reclaim could not free (dirty or under writeback: activated; mapped: kept).</summary>
    public const string PerUnreclaimedPage = "per_unreclaimed_page";

    /// <summary>Term name: fixed service time of a block write request.</summary>
    public const string PerRequest = "per_request";

    /// <summary>Term name: service time per byte of a block write request.</summary>
    public const string PerByte = "per_byte";

    /// <summary>
    /// The linear prediction of a write's latency, ns: the fitted base cost and reclaim CPU cost for its features,
    /// plus the waits the trace measured for it (off-CPU time inside reclaim, dirty pauses), which a replay's
    /// models produce themselves. Unidentified terms contribute nothing; the result is at least 0.
    /// </summary>
    public double PredictNanoseconds(in FileOp op)
    {
        double baseCost = BaseCost.Predict([op.PagesAdded, op.PagesCached, op.DeviceWritesInFlight > 0 ? 1 : 0]);
        double reclaim = op.ReclaimEpisodes > 0 ? ReclaimCost.Predict([op.ReclaimEpisodes, Math.Max(0, op.ReclaimScanned - op.ReclaimReclaimed)]) : 0;
        return Math.Max(baseCost + Math.Max(reclaim, 0) + CalibrationSample.WaitNanoseconds(op), 0);
    }

    /// <summary>A few lines a person can read: each fit, the device bandwidth, the residual quantiles and the notes.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append("calibration of ").AppendLine(Source);
        sb.Append("  base:    ").AppendLine(BaseCost.ToString());
        sb.Append("  reclaim: ").AppendLine(ReclaimCost.ToString());
        sb.Append("  device:  ").AppendLine(DeviceService.ToString());
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  device bandwidth while busy: {DeviceBytesPerSecond / 1e6:F0} MB/s; base pages per write: {BasePagesPerWrite:F2}"));
        sb.Append("  base residuals (ns): ").AppendLine(BaseResiduals.ToString());
        foreach (string n in Notes)
        {
            sb.Append("  note: ").AppendLine(n);
        }

        return sb.ToString();
    }
}
