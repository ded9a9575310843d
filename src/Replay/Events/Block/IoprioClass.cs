namespace KernelSim.Replay.Events;

/// <summary>The I/O priority class of a request (bits 13-15 of <c>ioprio</c>).</summary>
/// <remarks>Kernel: include/uapi/linux/ioprio.h <c>IOPRIO_CLASS_*</c>; printed by include/trace/events/block.h
/// as "none"/"rt"/"be"/"idle"/"invalid" (ftrace) or as a number (trace-cmd, which cannot resolve the enum).</remarks>
public enum IoprioClass
{
    /// <summary><c>IOPRIO_CLASS_NONE</c>: no class set (inherits from the CPU nice level).</summary>
    None = 0,

    /// <summary><c>IOPRIO_CLASS_RT</c>: real time.</summary>
    RealTime = 1,

    /// <summary><c>IOPRIO_CLASS_BE</c>: best effort.</summary>
    BestEffort = 2,

    /// <summary><c>IOPRIO_CLASS_IDLE</c>.</summary>
    Idle = 3,

    /// <summary><c>IOPRIO_CLASS_INVALID</c>.</summary>
    Invalid = 7,
}
