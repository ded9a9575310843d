using System.Text;

namespace KernelSim.Fuzz;

/// <summary>
/// Deterministic byte mutations (one to four per input): bit flips, truncation, huge numbers, NULs, bad UTF-8,
/// duplicated and deleted chunks, and number replacement (the most effective one on text formats).
/// </summary>
internal static class Mutator
{
    private static readonly byte[][] HugeNumbers =
    [
        "9223372036854775807"u8.ToArray(), "9223372036854775808"u8.ToArray(), "-9223372036854775808"u8.ToArray(),
        "18446744073709551616"u8.ToArray(), "99999999999999999999999999999999"u8.ToArray(), "4294967296"u8.ToArray(),
        "2147483648"u8.ToArray(), "-1"u8.ToArray(), "0"u8.ToArray(), "1e309"u8.ToArray(), "-0.0"u8.ToArray(),
        "NaN"u8.ToArray(), "Infinity"u8.ToArray(), "0x7fffffffffffffff"u8.ToArray(), "9999999999.999999"u8.ToArray(),
        "1.7976931348623157e308"u8.ToArray(), "4.9e-324"u8.ToArray(), "00000000000000000000000001"u8.ToArray(),
    ];

    private static readonly byte[][] BadUtf8 =
    [
        [0xC3, 0x28], [0xFF, 0xFE], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80],
    ];

    public static byte[] Mutate(byte[] seed, Random rng)
    {
        var b = new List<byte>(seed);
        int ops = 1 + rng.Next(4);
        for (int i = 0; i < ops; i++)
        {
            Apply(b, rng);
        }

        return [.. b];
    }

    /// <summary>Mutates a string (for option values), through the same byte operations, decoded leniently.</summary>
    public static string MutateText(string seed, Random rng) => Encoding.UTF8.GetString(Mutate(Encoding.UTF8.GetBytes(seed), rng));

    private static void Apply(List<byte> b, Random rng)
    {
        int n = b.Count;
        int at = n == 0 ? 0 : rng.Next(n);
        switch (rng.Next(9))
        {
            case 0: // bit flips
                for (int k = 1 + rng.Next(8); k > 0 && n > 0; k--)
                {
                    int p = rng.Next(n);
                    b[p] ^= (byte)(1 << rng.Next(8));
                }

                break;
            case 1: // truncation
                if (n > 0)
                {
                    b.RemoveRange(at, n - at);
                }

                break;
            case 2: // a huge or odd number inserted
                b.InsertRange(at, HugeNumbers[rng.Next(HugeNumbers.Length)]);
                break;
            case 3: // NULs
                b.InsertRange(at, new byte[1 + rng.Next(4)]);
                break;
            case 4: // bad UTF-8
                b.InsertRange(at, BadUtf8[rng.Next(BadUtf8.Length)]);
                break;
            case 5: // duplicated chunk (sometimes many times: growth)
                if (n > 0)
                {
                    int len = Math.Min(n - at, 1 + rng.Next(256));
                    byte[] chunk = b.GetRange(at, len).ToArray();
                    int times = rng.Next(8) == 0 ? 1 + rng.Next(64) : 1;
                    int dest = rng.Next(n + 1);
                    for (int t = 0; t < times; t++)
                    {
                        b.InsertRange(dest, chunk);
                    }
                }

                break;
            case 6: // deleted chunk
                if (n > 0)
                {
                    b.RemoveRange(at, Math.Min(n - at, 1 + rng.Next(256)));
                }

                break;
            case 7: // a run of digits replaced by a huge number
                ReplaceNumber(b, at, rng);
                break;
            default: // one byte set to an interesting value
                if (n > 0)
                {
                    ReadOnlySpan<byte> interesting = " \n\t:=[]{}-,.\"'\\|&*!%#0"u8;
                    b[at] = rng.Next(2) == 0 ? interesting[rng.Next(interesting.Length)] : (byte)rng.Next(256);
                }

                break;
        }
    }

    private static void ReplaceNumber(List<byte> b, int from, Random rng)
    {
        for (int i = 0; i < b.Count; i++)
        {
            int p = (from + i) % b.Count;
            if (b[p] is >= (byte)'0' and <= (byte)'9')
            {
                int end = p;
                while (end < b.Count && b[end] is >= (byte)'0' and <= (byte)'9')
                {
                    end++;
                }

                b.RemoveRange(p, end - p);
                b.InsertRange(p, HugeNumbers[rng.Next(HugeNumbers.Length)]);
                return;
            }
        }
    }
}
