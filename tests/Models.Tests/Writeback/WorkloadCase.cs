using KernelSim.Models.Writeback;

namespace KernelSim.Models.Tests.Writeback;

/// <summary>A configuration and a workload to drive through it.</summary>
public sealed record WorkloadCase(WritebackConfig Config, long Dirtyable, WorkloadStep[] Steps)
{
    public override string ToString() =>
        $"HZ={Config.Hz} {Config.Profile.Major}.{Config.Profile.Minor} dirty_bytes={Config.DirtyBytes} ratio={Config.DirtyRatio}/{Config.DirtyBackgroundRatio} strict={Config.StrictLimit} steps={Steps.Length}";
}
