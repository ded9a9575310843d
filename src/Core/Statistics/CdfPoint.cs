using KernelSim.Time;

namespace KernelSim.Statistics;

/// <summary>A point of an empirical CDF: the fraction of samples at or below <paramref name="Value"/>.</summary>
/// <param name="Value">The latency.</param>
/// <param name="Fraction">Fraction of samples &lt;= <paramref name="Value"/>, in (0, 1].</param>
public readonly record struct CdfPoint(SimDuration Value, double Fraction);
