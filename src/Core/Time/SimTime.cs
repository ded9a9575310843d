using System.Globalization;

namespace KernelSim.Time;

/// <summary>
/// A point on the simulation (or trace) clock, in integer nanoseconds since the clock's origin.
/// </summary>
/// <remarks>
/// Trace time is never floating point: ftrace prints seconds with six or nine fractional digits
/// and perf prints microseconds, all of which fit exactly in a <see cref="long"/> of nanoseconds
/// (about 292 years of range).
/// </remarks>
public readonly record struct SimTime : IComparable<SimTime>
{
    private SimTime(long nanoseconds) => TotalNanoseconds = nanoseconds;

    /// <summary>The clock origin (0 ns).</summary>
    public static SimTime Zero => default;

    /// <summary>The largest representable time; useful as "never".</summary>
    public static SimTime MaxValue => new(long.MaxValue);

    /// <summary>Nanoseconds since the clock origin.</summary>
    public long TotalNanoseconds { get; }

    /// <summary>Creates a time from nanoseconds since the origin.</summary>
    public static SimTime FromNanoseconds(long nanoseconds) => new(nanoseconds);

    /// <summary>Creates a time from microseconds since the origin.</summary>
    public static SimTime FromMicroseconds(long microseconds) => new(checked(microseconds * 1_000L));

    /// <summary>Creates a time from milliseconds since the origin.</summary>
    public static SimTime FromMilliseconds(long milliseconds) => new(checked(milliseconds * 1_000_000L));

    /// <summary>Creates a time from whole seconds since the origin.</summary>
    public static SimTime FromSeconds(long seconds) => new(checked(seconds * 1_000_000_000L));

    /// <summary>Adds a duration.</summary>
    public static SimTime operator +(SimTime time, SimDuration duration) =>
        new(checked(time.TotalNanoseconds + duration.TotalNanoseconds));

    /// <summary>Subtracts a duration.</summary>
    public static SimTime operator -(SimTime time, SimDuration duration) =>
        new(checked(time.TotalNanoseconds - duration.TotalNanoseconds));

    /// <summary>The signed duration between two times.</summary>
    public static SimDuration operator -(SimTime left, SimTime right) =>
        SimDuration.FromNanoseconds(checked(left.TotalNanoseconds - right.TotalNanoseconds));

    /// <summary>Adds a duration (named alternative to the operator).</summary>
    public SimTime Add(SimDuration duration) => this + duration;

    /// <summary>Returns the signed duration from <paramref name="earlier"/> to this time.</summary>
    public SimDuration Subtract(SimTime earlier) => this - earlier;

    /// <inheritdoc />
    public int CompareTo(SimTime other) => TotalNanoseconds.CompareTo(other.TotalNanoseconds);

    /// <summary>Orders times.</summary>
    public static bool operator <(SimTime left, SimTime right) => left.TotalNanoseconds < right.TotalNanoseconds;

    /// <summary>Orders times.</summary>
    public static bool operator >(SimTime left, SimTime right) => left.TotalNanoseconds > right.TotalNanoseconds;

    /// <summary>Orders times.</summary>
    public static bool operator <=(SimTime left, SimTime right) => left.TotalNanoseconds <= right.TotalNanoseconds;

    /// <summary>Orders times.</summary>
    public static bool operator >=(SimTime left, SimTime right) => left.TotalNanoseconds >= right.TotalNanoseconds;

    /// <summary>Formats as seconds with nine fractional digits, the way ftrace prints the ns clock.</summary>
    public override string ToString()
    {
        long ns = TotalNanoseconds;
        string sign = ns < 0 ? "-" : string.Empty;
        ulong abs = ns < 0 ? (ulong)(-(ns + 1)) + 1UL : (ulong)ns;
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{abs / 1_000_000_000UL}.{abs % 1_000_000_000UL:D9}");
    }
}
