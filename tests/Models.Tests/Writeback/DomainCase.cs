namespace KernelSim.Models.Tests.Writeback;

/// <summary>A dirty domain: thresholds, hard limit and the resulting setpoint, in pages.</summary>
public readonly record struct DomainCase(long Thresh, long BgThresh, long Limit)
{
    public long Freerun => (Thresh + BgThresh) / 2;

    public long Setpoint => (Freerun + Limit) / 2;
}
