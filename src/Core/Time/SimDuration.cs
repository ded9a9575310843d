using System.Globalization;

namespace KernelSim.Time;

/// <summary>
/// A signed span of simulation time in integer nanoseconds.
/// </summary>
public readonly record struct SimDuration : IComparable<SimDuration>
{
    private SimDuration(long nanoseconds) => TotalNanoseconds = nanoseconds;

    /// <summary>No time.</summary>
    public static SimDuration Zero => default;

    /// <summary>The span in nanoseconds.</summary>
    public long TotalNanoseconds { get; }

    /// <summary>The span in whole microseconds (truncated toward zero).</summary>
    public long TotalMicroseconds => TotalNanoseconds / 1_000L;

    /// <summary>The span in whole milliseconds (truncated toward zero).</summary>
    public long TotalMilliseconds => TotalNanoseconds / 1_000_000L;

    /// <summary>Creates a span from nanoseconds.</summary>
    public static SimDuration FromNanoseconds(long nanoseconds) => new(nanoseconds);

    /// <summary>Creates a span from microseconds.</summary>
    public static SimDuration FromMicroseconds(long microseconds) => new(checked(microseconds * 1_000L));

    /// <summary>Creates a span from milliseconds.</summary>
    public static SimDuration FromMilliseconds(long milliseconds) => new(checked(milliseconds * 1_000_000L));

    /// <summary>Creates a span from whole seconds.</summary>
    public static SimDuration FromSeconds(long seconds) => new(checked(seconds * 1_000_000_000L));

    /// <summary>Creates a span of <paramref name="jiffies"/> ticks of a kernel built with <paramref name="hz"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="hz"/> is not positive.</exception>
    public static SimDuration FromJiffies(long jiffies, int hz)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hz);
        return new(checked(jiffies * 1_000_000_000L / hz));
    }

    /// <summary>Adds two spans.</summary>
    public static SimDuration operator +(SimDuration left, SimDuration right) =>
        new(checked(left.TotalNanoseconds + right.TotalNanoseconds));

    /// <summary>Subtracts two spans.</summary>
    public static SimDuration operator -(SimDuration left, SimDuration right) =>
        new(checked(left.TotalNanoseconds - right.TotalNanoseconds));

    /// <summary>Scales a span by an integer factor.</summary>
    public static SimDuration operator *(SimDuration duration, long factor) =>
        new(checked(duration.TotalNanoseconds * factor));

    /// <summary>Adds two spans (named alternative to the operator).</summary>
    public SimDuration Add(SimDuration other) => this + other;

    /// <summary>Subtracts a span (named alternative to the operator).</summary>
    public SimDuration Subtract(SimDuration other) => this - other;

    /// <summary>Scales a span (named alternative to the operator).</summary>
    public SimDuration Multiply(long factor) => this * factor;

    /// <inheritdoc />
    public int CompareTo(SimDuration other) => TotalNanoseconds.CompareTo(other.TotalNanoseconds);

    /// <summary>Orders spans.</summary>
    public static bool operator <(SimDuration left, SimDuration right) => left.TotalNanoseconds < right.TotalNanoseconds;

    /// <summary>Orders spans.</summary>
    public static bool operator >(SimDuration left, SimDuration right) => left.TotalNanoseconds > right.TotalNanoseconds;

    /// <summary>Orders spans.</summary>
    public static bool operator <=(SimDuration left, SimDuration right) => left.TotalNanoseconds <= right.TotalNanoseconds;

    /// <summary>Orders spans.</summary>
    public static bool operator >=(SimDuration left, SimDuration right) => left.TotalNanoseconds >= right.TotalNanoseconds;

    /// <summary>Formats with the largest unit that keeps three significant decimals (ns, us, ms, s).</summary>
    public override string ToString()
    {
        long ns = TotalNanoseconds;
        long abs = Math.Abs(ns);
        return abs switch
        {
            < 1_000 => string.Create(CultureInfo.InvariantCulture, $"{ns} ns"),
            < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e3:0.###} us"),
            < 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e6:0.###} ms"),
            _ => string.Create(CultureInfo.InvariantCulture, $"{ns / 1e9:0.###} s"),
        };
    }
}
