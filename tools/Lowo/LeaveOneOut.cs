namespace KernelSim.Lowo;

/// <summary>One value of the two global constants (nanoseconds).</summary>
/// <param name="TracingNs">Cost per traced event taken off captured costs.</param>
/// <param name="CrossingNs">User/kernel crossing added to each write.</param>
internal readonly record struct GridPoint(long TracingNs, long CrossingNs);

/// <summary>The constants chosen without one workload.</summary>
/// <param name="HeldOut">Index of the workload left out.</param>
/// <param name="Chosen">Index of the grid point chosen on the others.</param>
/// <param name="BestOthers">The objective there: in-band points over the other workloads.</param>
/// <param name="WithinOne">Grid points whose objective on the others is at least <paramref name="BestOthers"/> - 1 (how flat the objective is).</param>
internal readonly record struct Fold(int HeldOut, int Chosen, int BestOthers, int WithinOne);

/// <summary>
/// Leave-one-workload-out selection over a table of scores: for each workload, the grid point with the most in-band
/// points over all the other workloads, which then scores the one left out. Ties go to the point nearest the
/// defaults (squared distance in grid steps on each axis), then to the lower tracing cost, then the lower crossing,
/// so the choice never depends on the order of the grid.
/// </summary>
internal static class LeaveOneOut
{
    /// <summary>One fold per workload.</summary>
    /// <param name="grid">The grid points.</param>
    /// <param name="inside">inside[g, w]: in-band points of workload w at grid point g.</param>
    /// <param name="defaults">The shipped constants (the tie-break's centre).</param>
    /// <param name="tracingStep">Grid step of the tracing cost (scales the tie-break distance).</param>
    /// <param name="crossingStep">Grid step of the crossing.</param>
    public static Fold[] Select(IReadOnlyList<GridPoint> grid, int[,] inside, GridPoint defaults, long tracingStep, long crossingStep)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(inside);
        int workloads = inside.GetLength(1);
        if (inside.GetLength(0) != grid.Count || grid.Count == 0)
        {
            throw new ArgumentException($"expected one row per grid point ({grid.Count}), got {inside.GetLength(0)}", nameof(inside));
        }

        var folds = new Fold[workloads];
        var objective = new int[grid.Count];
        for (int w = 0; w < workloads; w++)
        {
            for (int g = 0; g < grid.Count; g++)
            {
                int sum = 0;
                for (int o = 0; o < workloads; o++)
                {
                    sum += o == w ? 0 : inside[g, o];
                }

                objective[g] = sum;
            }

            int chosen = Best(grid, objective, defaults, tracingStep, crossingStep);
            folds[w] = new Fold(w, chosen, objective[chosen], WithinOne(objective, objective[chosen]));
        }

        return folds;
    }

    /// <summary>The grid point with the highest <paramref name="objective"/>, ties broken as the class says.</summary>
    public static int Best(IReadOnlyList<GridPoint> grid, int[] objective, GridPoint defaults, long tracingStep, long crossingStep)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tracingStep);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(crossingStep);
        int best = 0;
        for (int g = 1; g < grid.Count; g++)
        {
            if (objective[g] > objective[best] || (objective[g] == objective[best] && Nearer(grid[g], grid[best], defaults, tracingStep, crossingStep)))
            {
                best = g;
            }
        }

        return best;
    }

    /// <summary>How many entries of <paramref name="objective"/> are at least <paramref name="best"/> - 1.</summary>
    public static int WithinOne(int[] objective, int best)
    {
        ArgumentNullException.ThrowIfNull(objective);
        int n = 0;
        foreach (int v in objective)
        {
            n += v >= best - 1 ? 1 : 0;
        }

        return n;
    }

    private static bool Nearer(GridPoint a, GridPoint b, GridPoint defaults, long tracingStep, long crossingStep)
    {
        double da = Distance(a, defaults, tracingStep, crossingStep), db = Distance(b, defaults, tracingStep, crossingStep);
        if (da != db)
        {
            return da < db;
        }

        return a.TracingNs != b.TracingNs ? a.TracingNs < b.TracingNs : a.CrossingNs < b.CrossingNs;
    }

    private static double Distance(GridPoint p, GridPoint d, long tracingStep, long crossingStep)
    {
        double t = (p.TracingNs - d.TracingNs) / (double)tracingStep, c = (p.CrossingNs - d.CrossingNs) / (double)crossingStep;
        return (t * t) + (c * c);
    }
}
