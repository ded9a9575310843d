using System.Globalization;

namespace KernelSim.Replay.WhatIf;

/// <summary>
/// A ground-truth CSV (measure-writes, measure-net): a header line naming the columns, then one row per run. Strict:
/// a missing column, a row with another number of fields or a number that does not parse is an error naming the file,
/// the line and what was expected - a run is never skipped silently.
/// </summary>
internal sealed class GroundTruthCsv
{
    private readonly string _file;
    private readonly Dictionary<string, int> _columns;

    private GroundTruthCsv(string file, Dictionary<string, int> columns, List<(int Line, string[] Fields)> rows)
    {
        _file = file;
        _columns = columns;
        Rows = rows;
    }

    /// <summary>The data rows with their 1-based line numbers (blank lines left out).</summary>
    public IReadOnlyList<(int Line, string[] Fields)> Rows { get; }

    /// <summary>Reads <paramref name="path"/>, which must have at least the <paramref name="required"/> columns.</summary>
    /// <param name="path">The CSV file.</param>
    /// <param name="what">What the file is, for errors (e.g. "a measure-net CSV").</param>
    /// <param name="required">Columns the caller reads.</param>
    public static GroundTruthCsv Read(string path, string what, params string[] required)
    {
        var rows = new List<(int, string[])>();
        Dictionary<string, int>? columns = null;
        int n = 0, width = 0;
        foreach (string raw in File.ReadLines(path))
        {
            n++;
            string line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            string[] f = line.Split(',');
            if (columns is null)
            {
                columns = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int i = 0; i < f.Length; i++)
                {
                    columns.TryAdd(f[i].Trim(), i);
                }

                foreach (string c in required)
                {
                    if (!columns.ContainsKey(c))
                    {
                        throw new InvalidDataException($"{path}: line {n}: no column '{c}' in the header (expected {what} with columns {string.Join(", ", required)})");
                    }
                }

                width = f.Length;
                continue;
            }

            if (f.Length != width)
            {
                throw new InvalidDataException($"{path}: line {n}: {f.Length} fields, the header has {width}");
            }

            rows.Add((n, f));
        }

        if (columns is null)
        {
            throw new InvalidDataException($"{path}: empty (expected {what}: a header line with columns {string.Join(", ", required)}, then one row per run)");
        }

        return new GroundTruthCsv(path, columns, rows);
    }

    /// <summary>The text of <paramref name="column"/> in a row.</summary>
    public string Text((int Line, string[] Fields) row, string column) => row.Fields[_columns[column]];

    /// <summary>The integer in <paramref name="column"/> of a row.</summary>
    public long Int64((int Line, string[] Fields) row, string column)
    {
        string s = Text(row, column);
        return long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long v)
            ? v
            : throw new InvalidDataException($"{_file}: line {row.Line}: column '{column}' is '{s}', expected an integer");
    }

    /// <summary>The number in <paramref name="column"/> of a row (invariant culture).</summary>
    public double Number((int Line, string[] Fields) row, string column)
    {
        string s = Text(row, column);
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v)
            ? v
            : throw new InvalidDataException($"{_file}: line {row.Line}: column '{column}' is '{s}', expected a number");
    }
}
