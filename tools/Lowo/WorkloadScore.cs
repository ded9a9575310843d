using KernelSim.Replay.WhatIf;

namespace KernelSim.Lowo;

/// <summary>
/// One workload's corpus points at one grid point, counted as the README's corpus table counts them: "main" is
/// p50/p90/p99 of the operations the model predicts anywhere in the corpus, "matters" those main points where the
/// limit matters, "tail" p99.9 of the same operations; <see cref="Inside"/> counts every listed point in band (all
/// operations and percentiles; an operation the model does not predict is never in band), the selection objective.
/// </summary>
internal readonly record struct WorkloadScore(int Inside, int Points, int MainInside, int MainPoints, int MattersInside, int MattersPoints, int TailInside, int TailPoints)
{
    /// <summary>The sum of two scores (totals over workloads).</summary>
    public static WorkloadScore operator +(WorkloadScore a, WorkloadScore b) => new(
        a.Inside + b.Inside, a.Points + b.Points, a.MainInside + b.MainInside, a.MainPoints + b.MainPoints,
        a.MattersInside + b.MattersInside, a.MattersPoints + b.MattersPoints, a.TailInside + b.TailInside, a.TailPoints + b.TailPoints);

    /// <summary>The operations with a prediction at any point (today: write). New kinds of prediction join here.</summary>
    public static SortedSet<string> PredictedOps(IReadOnlyList<CorpusPoint> points)
    {
        var ops = new SortedSet<string>(StringComparer.Ordinal);
        foreach (CorpusPoint p in points)
        {
            if (p.PredictedNs is not null)
            {
                ops.Add(p.Op);
            }
        }

        return ops;
    }

    /// <summary>Each workload's score, in <paramref name="workloads"/> order (a workload with no points scores zero).</summary>
    public static WorkloadScore[] Count(IReadOnlyList<CorpusPoint> points, IReadOnlyList<string> workloads, IReadOnlySet<string> predictedOps)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < workloads.Count; i++)
        {
            index.Add(workloads[i], i);
        }

        var scores = new WorkloadScore[workloads.Count];
        foreach (CorpusPoint p in points)
        {
            if (!index.TryGetValue(p.Workload, out int w))
            {
                throw new InvalidOperationException($"workload {p.Workload} is not among the {workloads.Count} loaded");
            }

            int inside = p.Inside ? 1 : 0;
            bool predicted = predictedOps.Contains(p.Op);
            bool tail = p.Percentile == "p99.9";
            bool main = predicted && !tail;
            bool matters = main && p.LimitMatters;
            scores[w] += new WorkloadScore(
                inside, 1,
                main ? inside : 0, main ? 1 : 0,
                matters ? inside : 0, matters ? 1 : 0,
                predicted && tail ? inside : 0, predicted && tail ? 1 : 0);
        }

        return scores;
    }
}
