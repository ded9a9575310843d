using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace KernelSim.Replay.Calibration;

/// <summary>
/// Ordinary least squares through MathNet.Numerics' thin QR decomposition, with an explicit identifiability
/// check: a feature enters the model only if enough samples vary in it, and a column QR finds (numerically)
/// dependent on the others is dropped, both with the reason recorded on the term.
/// </summary>
/// <remarks>
/// Why the check: in a single capture every write of a workload is usually the same size and adds the same
/// number of pages (fio writes 64 KiB = 16 new pages each time), so "per call" and "per page" cannot be told
/// apart; a plain solver would return an arbitrary split, or one driven by two odd writes. Standard errors are
/// the textbook σ²(XᵀX)⁻¹ = σ²R⁻¹R⁻ᵀ.
/// </remarks>
internal static class LeastSquares
{
    /// <summary>Samples that must differ from a feature's most common value (from zero without an intercept) for it to enter.</summary>
    public const int MinSupport = 30;

    private const double RankTolerance = 1e-9;

    /// <param name="response">What is fitted, with unit.</param>
    /// <param name="interceptName">The intercept's term name, or null for a model through the origin.</param>
    /// <param name="names">Feature term names.</param>
    /// <param name="columns">Feature values, one array per feature, each as long as <paramref name="y"/>.</param>
    /// <param name="y">The response.</param>
    public static LinearFit Fit(string response, string? interceptName, string[] names, double[][] columns, double[] y)
    {
        int n = y.Length;
        bool intercept = interceptName is not null;
        var reasons = new string?[names.Length];
        var keep = new List<int>();
        for (int j = 0; j < names.Length; j++)
        {
            (double reference, int differing) = Support(columns[j], intercept);
            if (differing >= MinSupport)
            {
                keep.Add(j);
                continue;
            }

            string what = intercept ? "its most common value" : "zero";
            reasons[j] = differing == 0
                ? string.Create(CultureInfo.InvariantCulture, $"every one of the {n} samples had {names[j]} = {reference:G6}")
                : string.Create(CultureInfo.InvariantCulture, $"only {differing} of {n} samples had {names[j]} different from {what} ({reference:G6}); {MinSupport} needed");
        }

        while (true)
        {
            int p = keep.Count + (intercept ? 1 : 0);
            if (p == 0 || n <= p)
            {
                string why = p == 0 ? "no feature varied in the sample" : string.Create(CultureInfo.InvariantCulture, $"{n} sample(s) for {p} coefficient(s)");
                return Unidentified(response, interceptName, names, reasons, why, n, y);
            }

            Matrix<double> x = Design(n, keep, columns, intercept);
            QR<double> qr = x.QR(QRMethod.Thin);
            double maxDiag = 0;
            for (int k = 0; k < p; k++)
            {
                maxDiag = Math.Max(maxDiag, Math.Abs(qr.R[k, k]));
            }

            int dependent = -1;
            for (int k = intercept ? 1 : 0; k < p; k++)
            {
                if (Math.Abs(qr.R[k, k]) <= RankTolerance * maxDiag)
                {
                    dependent = k - (intercept ? 1 : 0);
                    break;
                }
            }

            if (dependent >= 0)
            {
                reasons[keep[dependent]] = $"{names[keep[dependent]]} is a linear combination of the other terms in this sample";
                keep.RemoveAt(dependent);
                continue;
            }

            Vector<double> yv = Vector<double>.Build.DenseOfArray(y);
            Vector<double> beta = qr.Solve(yv);
            Vector<double> fitted = x * beta;
            double[] residuals = (yv - fitted).ToArray();
            double mean = yv.Sum() / n;
            double sse = 0;
            double sst = 0;
            for (int i = 0; i < n; i++)
            {
                sse += residuals[i] * residuals[i];
                sst += (y[i] - mean) * (y[i] - mean);
            }

            double sigma2 = sse / (n - p);
            Matrix<double> rInv = qr.R.Inverse();
            Matrix<double> cov = rInv * rInv.Transpose() * sigma2;
            var terms = new List<FitTerm>(names.Length + 1);
            if (intercept)
            {
                terms.Add(new FitTerm(interceptName!, beta[0], Math.Sqrt(cov[0, 0]), null));
            }

            for (int j = 0; j < names.Length; j++)
            {
                int k = keep.IndexOf(j);
                terms.Add(k < 0
                    ? new FitTerm(names[j], null, null, reasons[j])
                    : new FitTerm(names[j], beta[k + (intercept ? 1 : 0)], Math.Sqrt(cov[k + (intercept ? 1 : 0), k + (intercept ? 1 : 0)]), null));
            }

            Array.Sort(residuals);
            return new LinearFit(
                response,
                terms,
                intercept,
                n,
                sst > 0 ? 1 - (sse / sst) : double.NaN,
                Math.Sqrt(sigma2),
                Quantiles.OfSorted(residuals, 0.05),
                Quantiles.OfSorted(residuals, 0.95));
        }
    }

    /// <summary>The value most samples share (zero without an intercept) and how many samples differ from it.</summary>
    private static (double Reference, int Differing) Support(double[] column, bool intercept)
    {
        if (column.Length == 0)
        {
            return (0, 0);
        }

        if (!intercept)
        {
            int nonZero = 0;
            foreach (double v in column)
            {
                if (v != 0)
                {
                    nonZero++;
                }
            }

            return (0, nonZero);
        }

        double[] sorted = (double[])column.Clone();
        Array.Sort(sorted);
        double mode = sorted[0];
        int best = 0;
        int run = 0;
        for (int i = 0; i < sorted.Length; i++)
        {
            run = i > 0 && sorted[i] == sorted[i - 1] ? run + 1 : 1;
            if (run > best)
            {
                best = run;
                mode = sorted[i];
            }
        }

        return (mode, column.Length - best);
    }

    private static Matrix<double> Design(int n, List<int> keep, double[][] columns, bool intercept)
    {
        int offset = intercept ? 1 : 0;
        Matrix<double> x = Matrix<double>.Build.Dense(n, keep.Count + offset);
        for (int i = 0; i < n; i++)
        {
            if (intercept)
            {
                x[i, 0] = 1;
            }

            for (int k = 0; k < keep.Count; k++)
            {
                x[i, k + offset] = columns[keep[k]][i];
            }
        }

        return x;
    }

    private static LinearFit Unidentified(string response, string? interceptName, string[] names, string?[] reasons, string why, int n, double[] y)
    {
        var terms = new List<FitTerm>(names.Length + 1);
        bool intercept = interceptName is not null;
        double[] sorted = (double[])y.Clone();
        Array.Sort(sorted);
        double sd = double.NaN;
        if (intercept && n > 0)
        {
            // An intercept alone is still the sample mean.
            double mean = y.Average();
            double ss = 0;
            foreach (double v in y)
            {
                ss += (v - mean) * (v - mean);
            }

            sd = n > 1 ? Math.Sqrt(ss / (n - 1)) : double.NaN;
            terms.Add(new FitTerm(interceptName!, mean, n > 1 ? sd / Math.Sqrt(n) : null, null));
            for (int i = 0; i < sorted.Length; i++)
            {
                sorted[i] -= mean;
            }
        }
        else if (intercept)
        {
            terms.Add(new FitTerm(interceptName!, null, null, "no samples"));
        }

        for (int j = 0; j < names.Length; j++)
        {
            terms.Add(new FitTerm(names[j], null, null, reasons[j] ?? why));
        }

        return new LinearFit(
            response,
            terms,
            intercept,
            n,
            intercept && n > 0 ? 0 : double.NaN,
            sd,
            n > 0 && intercept ? Quantiles.OfSorted(sorted, 0.05) : double.NaN,
            n > 0 && intercept ? Quantiles.OfSorted(sorted, 0.95) : double.NaN);
    }
}
