using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace KernelSim.Cli.Commands;

/// <summary>
/// Writes the commands' tables: on a terminal a Spectre table fitted to its width; when standard output
/// is redirected (a pipe or a file) tab-separated values, one header line then one line per row, markup
/// removed, so <c>cut</c>, <c>awk</c>, <c>column -t</c> and spreadsheets read them. Commands call
/// <see cref="Write(Table)"/> instead of <c>AnsiConsole.Write(table)</c>.
/// </summary>
internal static class TableOutput
{
    /// <summary>Whether tables print as TSV: stdout is redirected, or KSIM_TABLES=tsv asks for it.</summary>
    public static bool Plain => Console.IsOutputRedirected || Environment.GetEnvironmentVariable("KSIM_TABLES") == "tsv";

    /// <summary>Writes <paramref name="table"/> to standard output (TSV when <see cref="Plain"/>).</summary>
    public static void Write(Table table)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (Plain)
        {
            Console.Out.Write(ToTsv(table));
            Console.Out.Flush();
            return;
        }

        Write(AnsiConsole.Console, table);
    }

    /// <summary>Writes <paramref name="table"/> to a terminal console, fitted to its width.</summary>
    internal static void Write(IAnsiConsole console, Table table)
    {
        Fit(table, console.Profile.Width);
        console.Write(table);
    }

    /// <summary>
    /// Fits a table into <paramref name="width"/> columns: when its natural width is larger, the border
    /// becomes a light one (fewer characters per column), the cell padding shrinks to one space, and cells
    /// wrap at word boundaries (numbers are never broken: a column whose cells have no spaces keeps its width
    /// and the text columns fold instead).
    /// </summary>
    internal static void Fit(Table table, int width)
    {
        if (NaturalWidth(table) <= width)
        {
            return;
        }

        table.Border(TableBorder.Simple);
        foreach (TableColumn c in table.Columns)
        {
            c.Padding(0, 0, 1, 0);
        }

        if (NaturalWidth(table) <= width)
        {
            return;
        }

        // Still too wide: the text columns wrap (Spectre wraps at spaces, and breaks a word only if it must);
        // numeric columns keep their width so no number is split across lines.
        for (int i = 0; i < table.Columns.Count; i++)
        {
            bool numeric = table.Rows.All(r => IsNumberLike(PlainText(r[i])));
            if (numeric)
            {
                table.Columns[i].NoWrap();
            }
        }
    }

    /// <summary>The table as TSV (header line, then rows; tabs and newlines in cells become spaces).</summary>
    internal static string ToTsv(Table table)
    {
        var sb = new StringBuilder();
        sb.AppendJoin('\t', table.Columns.Select(c => Cell(c.Header))).Append('\n');
        foreach (TableRow row in table.Rows)
        {
            sb.AppendJoin('\t', row.Select(Cell)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>Plain text of a renderable (markup removed, lines joined with spaces).</summary>
    internal static string PlainText(IRenderable renderable) =>
        string.Join(' ', RenderUnbounded(renderable).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string Cell(IRenderable r) => PlainText(r).Replace('\t', ' ');

    private static bool IsNumberLike(string s) => s.Length > 0 && !s.Contains(' ', StringComparison.Ordinal) && s.Any(char.IsDigit);

    private static int NaturalWidth(Table table) => RenderUnbounded(table).Split('\n').Max(l => l.TrimEnd().Length);

    // A renderable drawn without colour or a width limit, into a string.
    private static string RenderUnbounded(IRenderable renderable)
    {
        var writer = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 100_000;
        console.Write(renderable);
        return writer.ToString();
    }
}
