using System.Globalization;
using System.Text.RegularExpressions;
using KernelSim.Time;
using KernelSim.Units;

namespace KernelSim.Models;

/// <summary>
/// The kernel a model imitates: version (selects behaviour that changed between releases), CONFIG_HZ
/// (sets the jiffy, and with it every timeout expressed in jiffies) and the page size.
/// </summary>
/// <param name="Major">Major version (6).</param>
/// <param name="Minor">Minor version (1, 18).</param>
/// <param name="Hz">CONFIG_HZ: timer ticks per second (250 on the lab VMs).</param>
/// <param name="PageSize">Base page size.</param>
public sealed record KernelProfile(int Major, int Minor, int Hz, PageSize PageSize)
{
    /// <summary>Linux 6.1 LTS with HZ=250 and 4 KiB pages.</summary>
    public static KernelProfile Linux6_1 { get; } = new(6, 1, 250, PageSize.FourKiB);

    /// <summary>Linux 6.18 with HZ=250 and 4 KiB pages (the lab VMs).</summary>
    public static KernelProfile Linux6_18 { get; } = new(6, 18, 250, PageSize.FourKiB);

    /// <summary>The profiles models are written against, oldest first.</summary>
    public static IReadOnlyList<KernelProfile> Known { get; } = [Linux6_1, Linux6_18];

    /// <summary>
    /// ext4 makes large folios for buffered writes (sized from the write, fgf_set_order; ext4 gained large folios
    /// for regular files in 6.16). On 6.1 every page-cache folio of an ext4 file is one page.
    /// </summary>
    public bool Ext4LargeFolios => IsAtLeast(6, 16);

    /// <summary>
    /// generic_perform_write (mm/filemap.c) calls balance_dirty_pages_ratelimited at the top of each chunk, before
    /// write_begin (6.18); on 6.1 it is called after write_end, once the chunk is dirty. Only the two known profiles
    /// are distinguished: releases in between take the nearest known profile's order.
    /// </summary>
    public bool ThrottlesBeforeCopy => IsAtLeast(6, 18);

    /// <summary>One jiffy at this HZ.</summary>
    public SimDuration Jiffy => SimDuration.FromJiffies(1, Hz);

    /// <summary>A duration of <paramref name="jiffies"/> ticks.</summary>
    public SimDuration Jiffies(long jiffies) => SimDuration.FromJiffies(jiffies, Hz);

    /// <summary>True if this kernel is at least <paramref name="major"/>.<paramref name="minor"/>.</summary>
    public bool IsAtLeast(int major, int minor) => Major > major || (Major == major && Minor >= minor);

    /// <summary>
    /// The profile for a <c>uname -r</c> string ("6.18.44-fc-v657", "6.1.0-27-amd64"): the newest known
    /// profile not newer than that release, with the given HZ and page size.
    /// </summary>
    /// <exception cref="FormatException"><paramref name="release"/> does not start with MAJOR.MINOR.</exception>
    public static KernelProfile FromRelease(string release, int hz = 250, PageSize? pageSize = null)
    {
        ArgumentNullException.ThrowIfNull(release);
        Match m = Regex.Match(release, @"^\s*(\d+)\.(\d+)");
        if (!m.Success)
        {
            throw new FormatException($"'{release}' is not a kernel release: expected MAJOR.MINOR[.PATCH][-LOCAL], e.g. 6.18.44-fc-v657.");
        }

        int major = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        int minor = int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        return new KernelProfile(major, minor, hz, pageSize ?? PageSize.FourKiB);
    }

    /// <summary>The newest of <see cref="Known"/> whose behaviour this kernel has (falls back to the oldest).</summary>
    public KernelProfile NearestKnown()
    {
        KernelProfile best = Known[0];
        foreach (KernelProfile k in Known)
        {
            if (IsAtLeast(k.Major, k.Minor))
            {
                best = k;
            }
        }

        return best with { Hz = Hz, PageSize = PageSize };
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Linux {Major}.{Minor} (HZ={Hz}, page {PageSize})");
}
