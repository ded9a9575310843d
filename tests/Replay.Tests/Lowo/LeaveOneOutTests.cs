using KernelSim.Lowo;
using KernelSim.Replay.WhatIf;

namespace KernelSim.Replay.Tests.Lowo;

/// <summary>The leave-one-workload-out selection of tools/Lowo on small synthetic score tables.</summary>
public class LeaveOneOutTests
{
    // A 3 x 2 grid (tracing 0/40/80 by crossing 0/100) with the defaults at (40, 100).
    private static readonly GridPoint[] Grid = [new(0, 0), new(0, 100), new(40, 0), new(40, 100), new(80, 0), new(80, 100)];
    private static readonly GridPoint Defaults = new(40, 100);

    [Fact]
    public void Select_EachWorkloadScoredAtTheBestPointOfTheOthers_NotItsOwn()
    {
        // inside[g, w] for workloads A, B, C. A alone peaks at (0, 0); B and C together peak at (80, 0).
        int[,] inside =
        {
            { 9, 1, 1 }, // (0, 0)
            { 2, 2, 2 }, // (0, 100)
            { 3, 3, 3 }, // (40, 0)
            { 4, 4, 4 }, // (40, 100) defaults
            { 1, 8, 7 }, // (80, 0)
            { 0, 5, 5 }, // (80, 100)
        };

        Fold[] folds = LeaveOneOut.Select(Grid, inside, Defaults, 40, 100);

        // Without A: B + C = 2, 4, 6, 8, 15, 10 -> (80, 0); A is scored there (1), not at its own best (9).
        Assert.Equal(new Fold(0, 4, 15, 1), folds[0]);
        // Without B: A + C = 10, 4, 6, 8, 8, 5 -> (0, 0) with 10; within 1: only itself.
        Assert.Equal(new Fold(1, 0, 10, 1), folds[1]);
        // Without C: A + B = 10, 4, 6, 8, 9, 5 -> (0, 0) with 10; within 1 of it: (0, 0) and (80, 0).
        Assert.Equal(new Fold(2, 0, 10, 2), folds[2]);
        Assert.Equal(1, inside[folds[0].Chosen, 0]);
    }

    [Fact]
    public void Best_TiesGoToThePointNearestTheDefaultsInGridSteps_ThenLowerTracing_ThenLowerCrossing()
    {
        // Every point ties: the defaults themselves win.
        Assert.Equal(3, LeaveOneOut.Best(Grid, [5, 5, 5, 5, 5, 5], Defaults, 40, 100));
        // (0, 100) and (80, 100) are one tracing step from the defaults, (40, 0) one crossing step: all equally near, so
        // the lowest tracing cost wins, (0, 100), wherever it sits in the grid's order.
        Assert.Equal(1, LeaveOneOut.Best(Grid, [0, 7, 7, 0, 0, 7], Defaults, 40, 100));
        GridPoint[] reversed = [.. Grid.Reverse()];
        Assert.Equal(new GridPoint(0, 100), reversed[LeaveOneOut.Best(reversed, [7, 0, 0, 7, 7, 0], Defaults, 40, 100)]);
        // Distance is in steps, not nanoseconds: (0, 0) is 1 + 1 steps away, (80, 100) only 1 (although 80 ns < 100 ns).
        Assert.Equal(5, LeaveOneOut.Best(Grid, [6, 0, 0, 0, 0, 6], Defaults, 40, 100));
        // Same distance and tracing cost: the lower crossing.
        GridPoint[] two = [new(0, 200), new(0, 0)];
        Assert.Equal(1, LeaveOneOut.Best(two, [3, 3], new GridPoint(0, 100), 40, 100));
    }

    [Fact]
    public void Select_IsDeterministic_AndRejectsATableOfTheWrongShape()
    {
        int[,] inside = { { 1, 2 }, { 2, 1 }, { 1, 1 }, { 2, 2 }, { 0, 0 }, { 2, 2 } };
        Assert.Equal(LeaveOneOut.Select(Grid, inside, Defaults, 40, 100), LeaveOneOut.Select(Grid, inside, Defaults, 40, 100));
        Assert.Throws<ArgumentException>("inside", () => LeaveOneOut.Select(Grid, new int[5, 2], Defaults, 40, 100));
        Assert.Equal(4, LeaveOneOut.WithinOne([3, 2, 1, 3, 2], 3));
    }

    [Fact]
    public void Count_SortsPointsAsTheReadmeTableDoes_AndEveryListedPointFeedsTheObjective()
    {
        CorpusPoint P(string w, string op, string pct, long? predicted, bool inside, bool matters = false) =>
            new(w, w + "-memcg256M.trace.gz", "128M", op, pct, predicted, 1000, 2000, inside, matters);
        CorpusPoint[] points =
        [
            P("a", "write", "p50", 1500, inside: true, matters: true),
            P("a", "write", "p99", 9000, inside: false, matters: true),
            P("a", "write", "p99.9", 1500, inside: true),
            P("a", "fsync", "p50", null, inside: false),
            P("b", "read", "p90", 1200, inside: true),   // a new kind of prediction counts like write
            P("b", "write", "p90", 1200, inside: true),
        ];

        SortedSet<string> ops = WorkloadScore.PredictedOps(points);
        Assert.Equal(["read", "write"], ops);
        WorkloadScore[] s = WorkloadScore.Count(points, ["a", "b", "c"], ops);
        Assert.Equal(new WorkloadScore(Inside: 2, Points: 4, MainInside: 1, MainPoints: 2, MattersInside: 1, MattersPoints: 2, TailInside: 1, TailPoints: 1), s[0]);
        Assert.Equal(new WorkloadScore(2, 2, 2, 2, 0, 0, 0, 0), s[1]);
        Assert.Equal(default, s[2]);
        Assert.Throws<InvalidOperationException>(() => WorkloadScore.Count(points, ["a"], ops));
    }
}
