using System.Globalization;
using System.Text;

namespace KernelSim.Interactive;

/// <summary>
/// A dependency-free inline SVG line chart (categorical or numeric x, linear or log y) for the formatters:
/// it renders in any notebook front end without JavaScript. Notebooks that want interactive charts use Plotly.NET.
/// </summary>
internal static class SvgChart
{
    private const int Width = 560;
    private const int Height = 260;
    private const int Left = 64;
    private const int Right = 16;
    private const int Top = 24;
    private const int Bottom = 40;
    private static readonly string[] Colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd"];
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>One named series of (x, y) points.</summary>
    public sealed record Series(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y);

    /// <summary>Renders the series; <paramref name="xLabels"/> (optional) names the x positions of a categorical axis.</summary>
    public static string Lines(string title, string xTitle, string yTitle, IReadOnlyList<Series> series, bool logX, bool logY, IReadOnlyList<string>? xLabels = null, Func<double, string>? yFormat = null, Func<double, string>? xFormat = null)
    {
        yFormat ??= v => v.ToString("G3", Inv);
        xFormat ??= v => v.ToString("G3", Inv);
        var xs = series.SelectMany(s => s.X).Where(v => !logX || v > 0).ToList();
        var ys = series.SelectMany(s => s.Y).Where(v => !logY || v > 0).ToList();
        var sb = new StringBuilder();
        sb.Append(Inv, $"<svg class=\"ksim-chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" style=\"font:11px sans-serif\">");
        sb.Append(Inv, $"<text x=\"{Width / 2}\" y=\"14\" text-anchor=\"middle\" style=\"font-weight:bold\">{HtmlText.Escape(title)}</text>");
        if (xs.Count == 0 || ys.Count == 0)
        {
            return sb.Append("</svg>").ToString();
        }

        double x0 = Tx(xs.Min(), logX), x1 = Tx(xs.Max(), logX);
        double y0 = Tx(ys.Min(), logY), y1 = Tx(ys.Max(), logY);
        if (!logY)
        {
            y0 = Math.Min(0, y0);
        }

        if (x1 - x0 < 1e-12)
        {
            x0 -= 1;
            x1 += 1;
        }

        if (y1 - y0 < 1e-12)
        {
            y1 = y0 + 1;
        }

        double Px(double x) => Left + ((Tx(x, logX) - x0) / (x1 - x0) * (Width - Left - Right));
        double Py(double y) => Height - Bottom - ((Tx(y, logY) - y0) / (y1 - y0) * (Height - Top - Bottom));

        // axes, y ticks (5), x ticks (labels or 5 numeric)
        sb.Append(Inv, $"<line x1=\"{Left}\" y1=\"{Height - Bottom}\" x2=\"{Width - Right}\" y2=\"{Height - Bottom}\" stroke=\"#444\"/>");
        sb.Append(Inv, $"<line x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{Height - Bottom}\" stroke=\"#444\"/>");
        foreach (double v in YTicks(y0, y1, logY))
        {
            double py = Py(v);
            sb.Append(Inv, $"<line x1=\"{Left}\" y1=\"{py:0.#}\" x2=\"{Width - Right}\" y2=\"{py:0.#}\" stroke=\"#ddd\"/>");
            sb.Append(Inv, $"<text x=\"{Left - 4}\" y=\"{py + 4:0.#}\" text-anchor=\"end\">{HtmlText.Escape(yFormat(v))}</text>");
        }

        if (xLabels is not null)
        {
            for (int i = 0; i < xLabels.Count; i++)
            {
                sb.Append(Inv, $"<text x=\"{Px(i):0.#}\" y=\"{Height - Bottom + 14}\" text-anchor=\"middle\">{HtmlText.Escape(xLabels[i])}</text>");
            }
        }
        else
        {
            for (int i = 0; i <= 4; i++)
            {
                double t = x0 + ((x1 - x0) * i / 4);
                double v = logX ? Math.Pow(10, t) : t;
                sb.Append(Inv, $"<text x=\"{Px(v):0.#}\" y=\"{Height - Bottom + 14}\" text-anchor=\"middle\">{HtmlText.Escape(xFormat(v))}</text>");
            }
        }

        sb.Append(Inv, $"<text x=\"{(Left + Width - Right) / 2}\" y=\"{Height - 6}\" text-anchor=\"middle\">{HtmlText.Escape(xTitle)}</text>");
        sb.Append(Inv, $"<text x=\"12\" y=\"{(Top + Height - Bottom) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 12 {(Top + Height - Bottom) / 2})\">{HtmlText.Escape(yTitle)}</text>");

        for (int s = 0; s < series.Count; s++)
        {
            string color = Colors[s % Colors.Length];
            var pts = new StringBuilder();
            for (int i = 0; i < series[s].X.Count; i++)
            {
                double x = series[s].X[i], y = series[s].Y[i];
                if ((logX && x <= 0) || (logY && y <= 0))
                {
                    continue;
                }

                pts.Append(Inv, $"{Px(x):0.#},{Py(y):0.#} ");
            }

            sb.Append(Inv, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{pts.ToString().TrimEnd()}\"/>");
            sb.Append(Inv, $"<text x=\"{Width - Right - 4}\" y=\"{Top + 12 + (14 * s)}\" text-anchor=\"end\" fill=\"{color}\">{HtmlText.Escape(series[s].Name)}</text>");
        }

        return sb.Append("</svg>").ToString();
    }

    /// <summary>Five even ticks; on a log axis the 1-2-5 values inside the range when there are at least three.</summary>
    private static IEnumerable<double> YTicks(double t0, double t1, bool log)
    {
        if (log)
        {
            var nice = new List<double>();
            for (int k = (int)Math.Floor(t0); k <= (int)Math.Ceiling(t1); k++)
            {
                foreach (double m in (double[])[1, 2, 5])
                {
                    double v = m * Math.Pow(10, k);
                    double t = Math.Log10(v);
                    if (t >= t0 - 1e-9 && t <= t1 + 1e-9)
                    {
                        nice.Add(v);
                    }
                }
            }

            if (nice.Count >= 3)
            {
                return nice;
            }
        }

        return Enumerable.Range(0, 5).Select(i => t0 + ((t1 - t0) * i / 4)).Select(t => log ? Math.Pow(10, t) : t);
    }

    private static double Tx(double v, bool log) => log ? Math.Log10(Math.Max(v, 1e-300)) : v;
}
