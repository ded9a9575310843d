using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace KernelSim.Units;

/// <summary>
/// A byte count. Parses the sizes users write for cgroup limits and sysctls: "256M", "1G", "64k",
/// "4096", with optional "B"/"iB" ("1GiB"). Suffixes are binary (K = 1024), as the kernel's
/// <c>memparse</c> (lib/cmdline.c) reads them when a limit is written to a cgroup file.
/// </summary>
public readonly record struct Bytes : IComparable<Bytes>
{
    private Bytes(long value) => Value = value;

    /// <summary>Zero bytes.</summary>
    public static Bytes Zero => default;

    /// <summary>The count of bytes.</summary>
    public long Value { get; }

    /// <summary>Creates a byte count.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is negative.</exception>
    public static Bytes FromBytes(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        return new(value);
    }

    /// <summary>Creates a byte count from KiB.</summary>
    public static Bytes FromKibibytes(long kib) => FromBytes(checked(kib * 1024L));

    /// <summary>Creates a byte count from MiB.</summary>
    public static Bytes FromMebibytes(long mib) => FromBytes(checked(mib * 1024L * 1024L));

    /// <summary>Creates a byte count from GiB.</summary>
    public static Bytes FromGibibytes(long gib) => FromBytes(checked(gib * 1024L * 1024L * 1024L));

    /// <summary>Whole pages of <paramref name="pageSize"/> bytes, rounded down as the kernel rounds a written limit.</summary>
    public Pages ToPagesRoundedDown(PageSize pageSize) => Pages.FromCount(Value / pageSize.Value, pageSize);

    /// <summary>Pages of <paramref name="pageSize"/> bytes needed to hold this many bytes (rounded up).</summary>
    public Pages ToPagesRoundedUp(PageSize pageSize) =>
        Pages.FromCount(checked((Value + pageSize.Value - 1) / pageSize.Value), pageSize);

    /// <summary>Adds two byte counts.</summary>
    public static Bytes operator +(Bytes left, Bytes right) => new(checked(left.Value + right.Value));

    /// <summary>Subtracts two byte counts; the result must not be negative.</summary>
    public static Bytes operator -(Bytes left, Bytes right) => FromBytes(checked(left.Value - right.Value));

    /// <summary>Adds two byte counts (named alternative to the operator).</summary>
    public Bytes Add(Bytes other) => this + other;

    /// <summary>Subtracts a byte count (named alternative to the operator).</summary>
    public Bytes Subtract(Bytes other) => this - other;

    /// <inheritdoc />
    public int CompareTo(Bytes other) => Value.CompareTo(other.Value);

    /// <summary>Orders byte counts.</summary>
    public static bool operator <(Bytes left, Bytes right) => left.Value < right.Value;

    /// <summary>Orders byte counts.</summary>
    public static bool operator >(Bytes left, Bytes right) => left.Value > right.Value;

    /// <summary>Orders byte counts.</summary>
    public static bool operator <=(Bytes left, Bytes right) => left.Value <= right.Value;

    /// <summary>Orders byte counts.</summary>
    public static bool operator >=(Bytes left, Bytes right) => left.Value >= right.Value;

    /// <summary>Parses a size such as "256M", "1G", "64k", "1GiB" or "4096".</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not a size; the message says what is accepted.</exception>
    public static Bytes Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (TryParse(text, out Bytes result))
        {
            return result;
        }

        throw new FormatException(
            $"'{text}' is not a size: expected a non-negative integer with an optional binary suffix K, M, G, T, P or E (e.g. 4096, 64k, 256M, 1G, 1GiB).");
    }

    /// <summary>Tries to parse a size such as "256M"; returns false instead of throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Bytes result)
    {
        result = default;
        if (text is null)
        {
            return false;
        }

        ReadOnlySpan<char> s = text.AsSpan().Trim();
        if (s.EndsWith("iB", StringComparison.Ordinal))
        {
            s = s[..^2];
        }
        else if (s.Length > 1 && (s[^1] == 'B' || s[^1] == 'b') && char.IsLetter(s[^2]))
        {
            s = s[..^1];
        }
        else if (s.Length > 1 && s[^1] == 'B' && char.IsDigit(s[^2]))
        {
            s = s[..^1];
        }

        if (s.IsEmpty)
        {
            return false;
        }

        int shift = char.ToUpperInvariant(s[^1]) switch
        {
            'K' => 10,
            'M' => 20,
            'G' => 30,
            'T' => 40,
            'P' => 50,
            'E' => 60,
            _ => 0,
        };
        if (shift != 0)
        {
            s = s[..^1];
        }

        if (s.IsEmpty || !long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
        {
            return false;
        }

        if (shift != 0 && n > long.MaxValue >> shift)
        {
            return false;
        }

        result = new(n << shift);
        return true;
    }

    /// <summary>Formats with the largest binary unit that divides the value exactly ("256M", "1G", "4095").</summary>
    public override string ToString()
    {
        ReadOnlySpan<char> suffixes = "KMGTPE";
        long v = Value;
        int i = -1;
        while (v != 0 && v % 1024 == 0 && i < suffixes.Length - 1)
        {
            v /= 1024;
            i++;
        }

        return i < 0
            ? v.ToString(CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{v}{suffixes[i]}");
    }
}
