using System.Globalization;
using System.Text;
using KernelSim.Replay.Calibration;
using KernelSim.Replay.Workload;

namespace KernelSim.CostModelExperiment;

/// <summary>
/// Trains the linear calibration (<see cref="WriteCalibrator"/>) and the learned model
/// (<see cref="LearnedCostModel"/>) on one capture and scores both on the per-write latencies of another
/// (typically the same workload under another memory limit, e.g. 128M vs 1G), each predicting from the held-out
/// capture's own per-write features.
/// </summary>
/// <remarks>
/// The linear prediction of a write is its fitted base cost, its fitted reclaim CPU cost and the waits the trace
/// measured for it (<see cref="WriteCalibration.PredictNanoseconds"/>); the learned one is the trees' output.
/// Percentiles of the predicted distribution add each model's own residual draws (<see cref="PredictionScore"/>),
/// the linear model's from its base-cost residuals. Both run from the same seed, so a comparison is reproducible.
/// </remarks>
/// <param name="TrainSource">The capture both were trained on.</param>
/// <param name="TestSource">The held-out capture.</param>
/// <param name="Calibration">The linear calibration fitted on the training capture.</param>
/// <param name="LearnedTrainingCount">Writes the learned model was trained on.</param>
/// <param name="Seed">The learned model's seed.</param>
/// <param name="Linear">The linear calibration's score on the held-out writes.</param>
/// <param name="Learned">The learned model's score on the held-out writes.</param>
public sealed record CalibrationComparison(
    string TrainSource,
    string TestSource,
    WriteCalibration Calibration,
    int LearnedTrainingCount,
    int Seed,
    PredictionScore Linear,
    PredictionScore Learned)
{
    /// <summary>The model with the lower mean absolute error per write ("linear" on a tie).</summary>
    public string Better => Learned.MeanAbsoluteError < Linear.MeanAbsoluteError ? Learned.Model : Linear.Model;

    /// <summary>The model whose predicted 99th percentile is closer to the observed one ("linear" on a tie).</summary>
    public string BetterAtP99 => Math.Abs(Learned.P99Error) < Math.Abs(Linear.P99Error) ? Learned.Model : Linear.Model;

    /// <summary>Extracts both traces and compares (see <see cref="Compare(WriteWorkload, WriteWorkload, int)"/>).</summary>
    /// <exception cref="ArgumentException">A trace has no usable writes.</exception>
    public static CalibrationComparison Compare(string trainTrace, string testTrace, int seed = LearnedCostModel.DefaultSeed) =>
        Compare(WorkloadExtractor.Extract(trainTrace), WorkloadExtractor.Extract(testTrace), seed);

    /// <summary>Fits both models on <paramref name="train"/> and scores them on the writes of <paramref name="test"/>.</summary>
    /// <exception cref="ArgumentException">A workload has no usable writes.</exception>
    public static CalibrationComparison Compare(WriteWorkload train, WriteWorkload test, int seed = LearnedCostModel.DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        WriteCalibration calibration = WriteCalibrator.Fit(train);
        LearnedCostModel learned = LearnedCostModel.Train(train, seed);
        OpRow.WritesOf(test, out List<FileOp> ops);
        if (ops.Count == 0)
        {
            throw new ArgumentException($"{test.Source} has no usable writes to predict.", nameof(test));
        }

        var observed = new double[ops.Count];
        var linear = new double[ops.Count];
        for (int i = 0; i < ops.Count; i++)
        {
            observed[i] = ops[i].Observed.TotalNanoseconds;
            linear[i] = calibration.PredictNanoseconds(ops[i]);
        }

        double[] tree = learned.PredictNanoseconds(ops);
        return new CalibrationComparison(
            train.Source,
            test.Source,
            calibration,
            learned.TrainingCount,
            seed,
            PredictionScore.Of("linear", linear, observed, calibration.BaseResiduals, (ulong)seed),
            PredictionScore.Of("learned", tree, observed, learned.TrainingResiduals, (ulong)seed));
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"trained on {Path.GetFileName(TrainSource)}, tested on {Path.GetFileName(TestSource)} (seed {Seed})"));
        sb.Append("  ").AppendLine(Linear.ToString());
        sb.Append("  ").AppendLine(Learned.ToString());
        sb.Append("  better per write (MAE): ").Append(Better).Append("; better at p99: ").AppendLine(BetterAtP99);
        return sb.ToString();
    }
}
