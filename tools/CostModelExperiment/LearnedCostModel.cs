using KernelSim.Replay.Calibration;
using KernelSim.Replay.Workload;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.FastTree;

namespace KernelSim.CostModelExperiment;

/// <summary>
/// A learned cost model: gradient-boosted regression trees (ML.NET FastTree) from a write's own features in
/// the trace (bytes, pages added and cached, reclaim episodes, pages scanned and reclaimed, measured throttle,
/// reclaim off-CPU and dirty-pause time, writeback in flight, think time) to its observed latency. The
/// alternative to <see cref="WriteCalibration"/>'s linear costs, compared with it by <see cref="CalibrationComparison"/>.
/// </summary>
/// <remarks>
/// Deterministic: the <see cref="MLContext"/> is seeded and FastTree runs on one thread (its parallel histogram
/// building is the only source of run-to-run variation). Trees cannot extrapolate: a model trained where reclaim
/// never happened predicts the base cost for every write.
/// </remarks>
public sealed class LearnedCostModel
{
    /// <summary>The seed used when none is given.</summary>
    public const int DefaultSeed = 20_261_128;

    private readonly MLContext _ml;
    private readonly ITransformer _model;

    private LearnedCostModel(MLContext ml, ITransformer model, int trainingCount, int seed)
    {
        _ml = ml;
        _model = model;
        TrainingCount = trainingCount;
        Seed = seed;
    }

    /// <summary>
    /// Quantiles of the model's residuals (observed − predicted, ns) on its training writes that met no reclaim,
    /// throttling or dirty pause (the same population as <see cref="WriteCalibration.BaseResiduals"/>). In-sample,
    /// so narrower than on new data.
    /// </summary>
    public ResidualQuantiles TrainingResiduals { get; private set; } = ResidualQuantiles.Empty;

    /// <summary>The features, in the order the model reads them.</summary>
    public static IReadOnlyList<string> FeatureNames { get; } = OpRow.FeatureNames;

    /// <summary>Writes the model was trained on.</summary>
    public int TrainingCount { get; }

    /// <summary>The seed it was trained with.</summary>
    public int Seed { get; }

    /// <summary>Trains on the writes of <paramref name="workload"/> (the same selection the linear calibration uses, reclaiming writes included).</summary>
    /// <exception cref="ArgumentException">The workload has fewer than 2 usable writes.</exception>
    public static LearnedCostModel Train(WriteWorkload workload, int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(workload);
        List<OpRow> rows = OpRow.WritesOf(workload, out List<FileOp> ops);
        if (rows.Count < 2)
        {
            throw new ArgumentException($"{workload.Source} has {rows.Count} usable write(s); a learned model needs at least 2.", nameof(workload));
        }

        var ml = new MLContext(seed);
        IDataView data = ml.Data.LoadFromEnumerable(rows);
        var options = new FastTreeRegressionTrainer.Options
        {
            LabelColumnName = nameof(OpRow.LatencyMicroseconds),
            FeatureColumnName = "Features",
            NumberOfTrees = 100,
            NumberOfLeaves = 20,
            MinimumExampleCountPerLeaf = Math.Clamp(rows.Count / 200, 2, 20),
            LearningRate = 0.1,
            NumberOfThreads = 1,
            Seed = seed,
        };
        var pipeline = ml.Transforms.Concatenate("Features", [.. OpRow.FeatureNames])
            .Append(ml.Regression.Trainers.FastTree(options));
        ITransformer model = pipeline.Fit(data);
        var result = new LearnedCostModel(ml, model, rows.Count, seed);

        // Residuals of the writes that met no reclaim, throttling or dirty pause, as for the linear base cost:
        // the variation a replay adds on top of whatever its models predict.
        bool pageCache = (workload.Diagnostics.EventGroupsSeen & TracedEventGroups.PageCache) != 0;
        List<FileOp> plain = ops.FindAll(o => CalibrationSample.IsBase(o, pageCache));
        double[] fitted = result.PredictNanoseconds(plain);
        var residuals = new double[plain.Count];
        for (int i = 0; i < residuals.Length; i++)
        {
            residuals[i] = plain[i].Observed.TotalNanoseconds - fitted[i];
        }

        result.TrainingResiduals = ResidualQuantiles.FromResiduals(residuals);
        return result;
    }

    /// <summary>Predicted latency of each op, ns (at least 0).</summary>
    public double[] PredictNanoseconds(IReadOnlyList<FileOp> ops)
    {
        ArgumentNullException.ThrowIfNull(ops);
        var rows = new List<OpRow>(ops.Count);
        foreach (FileOp op in ops)
        {
            rows.Add(OpRow.From(op));
        }

        IDataView scored = _model.Transform(_ml.Data.LoadFromEnumerable(rows));
        var result = new double[ops.Count];
        int i = 0;
        foreach (float score in scored.GetColumn<float>("Score"))
        {
            result[i++] = Math.Max(score * 1_000.0, 0);
        }

        return result;
    }
}
