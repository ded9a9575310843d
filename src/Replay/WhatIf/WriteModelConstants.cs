using KernelSim.Models.Memcg;
using KernelSim.Time;

namespace KernelSim.Replay.WhatIf;

/// <summary>
/// The write model's two global constants, the only figures not taken from the capture being replayed: what one
/// traced event adds to a call (<see cref="WriteReplay.TracingCostPerEvent"/>) and the user/kernel crossing a write
/// pays outside the traced syscall (<see cref="WritePathCosts.SyscallCrossing"/>). Both were measured on the lab VM's
/// fio fixtures; a capture whose manifest carries the kit's syscall probe (host.syscall) uses its own host's figures
/// instead (<see cref="For"/>). Settable only for validation runs (tools/Lowo chooses them leave-one-workload-out over
/// the corpus); every prediction users see takes the capture's probe, else <see cref="Defaults"/>.
/// </summary>
/// <param name="TracingCostPerEvent">Taken off captured per-call and reclaim costs per traced event (ground truth is untraced).</param>
/// <param name="SyscallCrossing">Added to every write that dirties the page cache.</param>
internal sealed record WriteModelConstants(SimDuration TracingCostPerEvent, SimDuration SyscallCrossing)
{
    /// <summary>The shipped values: 280 ns per traced event, 530 ns per crossing.</summary>
    public static readonly WriteModelConstants Defaults = new(WriteReplay.TracingCostPerEvent, new WritePathCosts().SyscallCrossing);

    /// <summary>
    /// The constants for one capture: its host's own (the kit's syscall probe, <see cref="CaptureConfig.TracingNsPerEvent"/>
    /// and <see cref="CaptureConfig.SyscallCrossingNs"/>) where it has them, else these.
    /// </summary>
    public WriteModelConstants For(CaptureConfig capture) => new(
        capture.TracingNsPerEvent is long t ? SimDuration.FromNanoseconds(t) : TracingCostPerEvent,
        capture.SyscallCrossingNs is long x ? SimDuration.FromNanoseconds(x) : SyscallCrossing);

    /// <summary>Simulation costs calibrated from <paramref name="replay"/>'s trace, taken net of these constants.</summary>
    public WritePathCosts CostsFor(WriteReplay replay) =>
        WriteReplay.CostsFrom(replay.Calibration, replay.Workload, TracingCostPerEvent) with { SyscallCrossing = SyscallCrossing };
}
