namespace KernelSim.Models.Signals;

/// <summary>The clone flags the model acts on (kernel values).</summary>
/// <remarks>Kernel: include/uapi/linux/sched.h; kernel/fork.c <c>copy_process</c>.</remarks>
[Flags]
public enum CloneFlags
{
    /// <summary>A plain fork.</summary>
    None = 0,

    /// <summary><c>CLONE_PARENT</c>: the child's parent is the caller's parent (EINVAL from a namespace init).</summary>
    Parent = 0x8000,

    /// <summary><c>CLONE_THREAD</c>: a new thread in the caller's thread group.</summary>
    Thread = 0x10000,

    /// <summary><c>CLONE_NEWPID</c>: the child is PID 1 of a new PID namespace nested in the caller's.</summary>
    NewPid = 0x20000000,
}
