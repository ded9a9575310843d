using System.Globalization;
using System.Text;

namespace KernelSim.Replay.Events;

/// <summary>
/// The gfp_flags names vmscan tracepoints print (<c>show_gfp_flags</c>), to render a raw mask the kernel's
/// way and to parse a printed list back into its mask.
/// </summary>
/// <remarks>
/// Kernel: include/trace/events/mmflags.h <c>__def_gfpflag_names</c> with the bit numbers of
/// include/linux/gfp_types.h, as evaluated from the host's events/vmscan/mm_vmscan_wakeup_kswapd/format
/// (Linux 6.18; the bit layout moves between releases). Order matters: <c>__print_flags</c> takes the first
/// entry whose bits are all set, clears them, and prints any remainder as hex.
/// </remarks>
internal static class GfpFlagNames
{
    private static readonly (ulong Mask, string Name)[] Table =
    [
        (0x1c24ca, "GFP_TRANSHUGE"),
        (0x1c20ca, "GFP_TRANSHUGE_LIGHT"),
        (0x100cca, "GFP_HIGHUSER_MOVABLE"),
        (0x100cc2, "GFP_HIGHUSER"),
        (0x100cc0, "GFP_USER"),
        (0x400cc0, "GFP_KERNEL_ACCOUNT"),
        (0xcc0, "GFP_KERNEL"),
        (0xc40, "GFP_NOFS"),
        (0x820, "GFP_ATOMIC"),
        (0xc00, "GFP_NOIO"),
        (0x2800, "GFP_NOWAIT"),
        (0x1, "GFP_DMA"),
        (0x4, "GFP_DMA32"),
        (0xc00, "__GFP_RECLAIM"),
        (0x1, "__GFP_DMA"),
        (0x2, "__GFP_HIGHMEM"),
        (0x4, "__GFP_DMA32"),
        (0x8, "__GFP_MOVABLE"),
        (0x10, "__GFP_RECLAIMABLE"),
        (0x20, "__GFP_HIGH"),
        (0x40, "__GFP_IO"),
        (0x80, "__GFP_FS"),
        (0x100, "__GFP_ZERO"),
        (0x400, "__GFP_DIRECT_RECLAIM"),
        (0x800, "__GFP_KSWAPD_RECLAIM"),
        (0x1000, "__GFP_WRITE"),
        (0x2000, "__GFP_NOWARN"),
        (0x4000, "__GFP_RETRY_MAYFAIL"),
        (0x8000, "__GFP_NOFAIL"),
        (0x10000, "__GFP_NORETRY"),
        (0x20000, "__GFP_MEMALLOC"),
        (0x40000, "__GFP_COMP"),
        (0x80000, "__GFP_NOMEMALLOC"),
        (0x100000, "__GFP_HARDWALL"),
        (0x200000, "__GFP_THISNODE"),
        (0x400000, "__GFP_ACCOUNT"),
        (0x800000, "__GFP_ZEROTAGS"),
        (0x1000000, "__GFP_NO_OBJ_EXT"),
    ];

    /// <summary>
    /// gfp_flags=GFP_KERNEL|__GFP_COMP (printed) or gfp_flags=0xcc0 (raw); a raw mask is rendered as the kernel
    /// would print it.
    /// </summary>
    public static bool TryGet(PayloadReader r, out string flags)
    {
        flags = string.Empty;
        if (!r.TryGet("gfp_flags"u8, out ReadOnlySpan<byte> v) || v.IsEmpty)
        {
            return false;
        }

        if ((uint)(v[0] - '0') <= 9)
        {
            if (!PayloadReader.TryParseUInt64(v, out ulong mask))
            {
                return false;
            }

            flags = Format(mask);
            return true;
        }

        flags = Encoding.UTF8.GetString(v);
        return true;
    }

    /// <summary>Renders a mask as <c>show_gfp_flags</c> does ("none" for 0).</summary>
    public static string Format(ulong mask)
    {
        if (mask == 0)
        {
            return "none";
        }

        var sb = new StringBuilder();
        foreach ((ulong m, string name) in Table)
        {
            if ((mask & m) == m)
            {
                mask &= ~m;
                sb.Append(sb.Length == 0 ? "" : "|").Append(name);
                if (mask == 0)
                {
                    break;
                }
            }
        }

        if (mask != 0)
        {
            sb.Append(sb.Length == 0 ? "" : "|").Append("0x").Append(mask.ToString("x", CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>The mask of a printed list ("GFP_NOFS|__GFP_COMP", "none", or with a hex remainder); null if a name is unknown.</summary>
    public static ulong? Parse(string printed)
    {
        ReadOnlySpan<char> s = printed;
        if (s.SequenceEqual("none"))
        {
            return 0;
        }

        ulong mask = 0;
        foreach (Range part in s.Split('|'))
        {
            ReadOnlySpan<char> name = s[part];
            ulong bits = 0;
            bool found = false;
            foreach ((ulong m, string n) in Table)
            {
                if (name.SequenceEqual(n))
                {
                    bits = m;
                    found = true;
                    break;
                }
            }

            if (!found
                && !(name.StartsWith("0x", StringComparison.Ordinal)
                     && ulong.TryParse(name[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bits)))
            {
                return null;
            }

            mask |= bits;
        }

        return mask;
    }
}
