using System.Globalization;
using KernelSim.Replay.Workload;

namespace KernelSim.Replay.Calibration;

/// <summary>
/// Fits <see cref="WriteCalibration"/> from one workload (the trace to be replayed) or from several captures of
/// the same host pooled together.
/// </summary>
/// <remarks>
/// <para>Base cost: ordinary least squares of the latency of writes that met no reclaim, throttling or dirty
/// pause on pages added, pages found cached and "writeback active". Reclaim: least squares of the CPU time of
/// the reclaim episodes inside a write (stall minus the thread's off-CPU time there: throttle sleeps and
/// writeback waits are waits, not costs) on episodes and pages scanned but not freed. Device: least squares of the service
/// time of block write requests issued to an idle device on their bytes, and bytes per busy second.</para>
/// <para>A single capture often cannot separate a per-call from a per-page cost, because all its writes have the
/// same size: such terms are reported as not identified (see <see cref="FitTerm.NotIdentifiedBecause"/>) and
/// their share stays in <c>per_call</c>. Pooling captures of different write sizes from the same host
/// (<see cref="Fit(IReadOnlyList{WriteWorkload})"/>) identifies them.</para>
/// </remarks>
public static class WriteCalibrator
{
    private static readonly string[] BaseTerms = [WriteCalibration.PerAddedPage, WriteCalibration.PerCachedPage, WriteCalibration.WritebackActive];
    // Reclaimed pages per episode hardly vary (nr_to_reclaim = SWAP_CLUSTER_MAX), so a per-scanned-page term is
    // collinear with the episode count; what varies is how many dirty/writeback/mapped pages an episode scans
    // past, and that is the long tail.
    private static readonly string[] ReclaimTerms = [WriteCalibration.PerEpisode, WriteCalibration.PerUnreclaimedPage];
    private static readonly string[] DeviceTerms = [WriteCalibration.PerByte];

    /// <summary>Fits the costs of one workload.</summary>
    public static WriteCalibration Fit(WriteWorkload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        return Fit([workload]);
    }

    /// <summary>
    /// Fits one set of costs to several workloads pooled (captures of the same host and kernel; e.g. 4 KiB and
    /// 64 KiB writes, so that per-call and per-page costs separate).
    /// </summary>
    /// <exception cref="ArgumentException">No workloads.</exception>
    public static WriteCalibration Fit(IReadOnlyList<WriteWorkload> workloads)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        if (workloads.Count == 0)
        {
            throw new ArgumentException("At least one workload is needed.", nameof(workloads));
        }

        var notes = new List<string>();
        var added = new List<double>();
        var cached = new List<double>();
        var writeback = new List<double>();
        var baseY = new List<double>();
        var episodes = new List<double>();
        var unreclaimed = new List<double>();
        var reclaimY = new List<double>();
        var bytes = new List<double>();
        var serviceY = new List<double>();
        long deviceBytes = 0;
        long busyNs = 0;
        var sources = new List<string>();
        foreach (WriteWorkload w in workloads)
        {
            sources.Add(Path.GetFileName(w.Source));
            TracedEventGroups seen = w.Diagnostics.EventGroupsSeen;
            bool pageCache = (seen & TracedEventGroups.PageCache) != 0;
            if (!pageCache)
            {
                notes.Add($"{Path.GetFileName(w.Source)}: no mm_filemap_add_to_page_cache events, so pages added are unknown (read as 0) and pipe or terminal writes cannot be told from file writes.");
            }

            if ((seen & TracedEventGroups.Reclaim) != 0 && (seen & TracedEventGroups.Scheduler) == 0)
            {
                notes.Add($"{Path.GetFileName(w.Source)}: no sched_switch events, so reclaim CPU time is the stall minus throttle sleeps only (writeback waits count as cost).");
            }

            foreach (FileOp op in w.Ops)
            {
                if (CalibrationSample.IsBase(op, pageCache))
                {
                    added.Add(op.PagesAdded);
                    cached.Add(op.PagesCached);
                    writeback.Add(op.DeviceWritesInFlight > 0 ? 1 : 0);
                    baseY.Add(op.Observed.TotalNanoseconds);
                }
                else if (CalibrationSample.IsReclaim(op, pageCache))
                {
                    episodes.Add(op.ReclaimEpisodes);
                    unreclaimed.Add(Math.Max(0, op.ReclaimScanned - op.ReclaimReclaimed));
                    reclaimY.Add(CalibrationSample.ReclaimOnCpuNanoseconds(op));
                }
            }

            foreach (DeviceRequest r in w.Device.Requests)
            {
                // Only requests issued to an idle device: with others in flight the service time measures sharing.
                if (r.OthersInFlight == 0)
                {
                    bytes.Add(r.Bytes);
                    serviceY.Add(r.Service.TotalNanoseconds);
                }
            }

            deviceBytes += w.Device.WriteBytes;
            busyNs += w.Device.BusyTime.TotalNanoseconds;
        }

        LinearFit baseFit = LeastSquares.Fit("write latency without reclaim, ns", WriteCalibration.PerCall, BaseTerms, [[.. added], [.. cached], [.. writeback]], [.. baseY]);
        LinearFit reclaimFit = LeastSquares.Fit("reclaim CPU time inside a write, ns", null, ReclaimTerms, [[.. episodes], [.. unreclaimed]], [.. reclaimY]);
        LinearFit deviceFit = LeastSquares.Fit("service time of a block write issued to an idle device, ns", WriteCalibration.PerRequest, DeviceTerms, [[.. bytes]], [.. serviceY]);

        double[] residuals = new double[baseY.Count];
        double pages = 0;
        for (int i = 0; i < residuals.Length; i++)
        {
            residuals[i] = baseY[i] - baseFit.Predict([added[i], cached[i], writeback[i]]);
            pages += added[i] + cached[i];
        }

        double pagesPerWrite = baseY.Count > 0 ? pages / baseY.Count : 0;
        foreach (FitTerm t in baseFit.Terms)
        {
            if (!t.IsIdentified && t.Name is WriteCalibration.PerAddedPage or WriteCalibration.PerCachedPage)
            {
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{t.Name} not identified ({t.NotIdentifiedBecause}); per_call includes its share of the sample's {pagesPerWrite:F2} pages per write. Pool captures of other write sizes to separate it."));
            }
        }

        if (reclaimY.Count == 0)
        {
            notes.Add("No write reclaimed in this trace, so reclaim costs are not identified.");
        }

        if (serviceY.Count == 0)
        {
            notes.Add("No block write request was issued to an idle device and completed, so device costs are not identified.");
        }

        return new WriteCalibration(
            string.Join(" + ", sources),
            baseFit,
            reclaimFit,
            deviceFit,
            busyNs > 0 ? deviceBytes * 1e9 / busyNs : 0,
            ResidualQuantiles.FromResiduals(residuals),
            pagesPerWrite,
            notes);
    }
}
