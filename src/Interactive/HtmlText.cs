using System.Globalization;
using System.Net;
using System.Text;

namespace KernelSim.Interactive;

/// <summary>Small helpers shared by the HTML renderers: units, escaping, table rows.</summary>
internal static class HtmlText
{
    /// <summary>The CSS class every KernelSim table carries (notebook tests look for it).</summary>
    public const string TableClass = "ksim-table";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Escape(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    /// <summary>A latency in the unit that keeps three significant digits readable (ns, µs, ms, s).</summary>
    public static string Duration(long ns) => Math.Abs(ns) switch
    {
        < 1_000 => ns.ToString(Inv) + " ns",
        < 1_000_000 => (ns / 1e3).ToString(ns < 100_000 ? "0.0" : "0", Inv) + " µs",
        < 1_000_000_000 => (ns / 1e6).ToString(ns < 100_000_000 ? "0.00" : "0", Inv) + " ms",
        _ => (ns / 1e9).ToString("0.00", Inv) + " s",
    };

    public static string Mib(long bytes) => (bytes / 1048576.0).ToString("0.0", Inv) + " MiB";

    public static string Number(long n) => n.ToString("N0", Inv);

    public static string Percent(double fraction) => (fraction * 100).ToString("0.0", Inv) + "%";

    public static string Signed(double fraction) => (fraction >= 0 ? "+" : string.Empty) + (fraction * 100).ToString("0", Inv) + "%";

    public static void OpenTable(StringBuilder sb, string? caption, params string[] headers)
    {
        sb.Append("<table class=\"").Append(TableClass).Append("\">");
        if (caption is not null)
        {
            sb.Append("<caption style=\"text-align:left;font-weight:bold\">").Append(Escape(caption)).Append("</caption>");
        }

        sb.Append("<thead><tr>");
        foreach (string h in headers)
        {
            sb.Append("<th>").Append(Escape(h)).Append("</th>");
        }

        sb.Append("</tr></thead><tbody>");
    }

    public static void Row(StringBuilder sb, params string[] cells)
    {
        sb.Append("<tr>");
        foreach (string c in cells)
        {
            sb.Append("<td>").Append(Escape(c)).Append("</td>");
        }

        sb.Append("</tr>");
    }

    /// <summary>A row whose cells are already HTML (for emphasis).</summary>
    public static void RawRow(StringBuilder sb, params string[] htmlCells)
    {
        sb.Append("<tr>");
        foreach (string c in htmlCells)
        {
            sb.Append("<td>").Append(c).Append("</td>");
        }

        sb.Append("</tr>");
    }

    public static void CloseTable(StringBuilder sb) => sb.Append("</tbody></table>");
}
