using System.Globalization;
using KernelSim.Time;

namespace KernelSim.Units;

/// <summary>
/// A count of kernel timer ticks for a kernel built with a given HZ (250 on the lab VMs, so a jiffy is 4 ms).
/// </summary>
public readonly record struct Jiffies
{
    private Jiffies(long count, int hz)
    {
        Count = count;
        Hz = hz;
    }

    /// <summary>The number of ticks.</summary>
    public long Count { get; }

    /// <summary>Ticks per second of the kernel (CONFIG_HZ).</summary>
    public int Hz { get; }

    /// <summary>Creates a tick count.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hz"/> is not positive.</exception>
    public static Jiffies FromCount(long count, int hz)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hz);
        return new(count, hz);
    }

    /// <summary>Converts a duration to ticks rounding up, as the kernel's <c>usecs_to_jiffies</c> does (kernel/time/time.c).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hz"/> is not positive.</exception>
    public static Jiffies FromDurationRoundedUp(SimDuration duration, int hz)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hz);
        long ns = duration.TotalNanoseconds;
        long perTick = 1_000_000_000L / hz;
        return new(checked((ns + perTick - 1) / perTick), hz);
    }

    /// <summary>The duration of these ticks.</summary>
    public SimDuration ToDuration() => SimDuration.FromJiffies(Count, Hz);

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Count} jiffies @ HZ={Hz}");
}
