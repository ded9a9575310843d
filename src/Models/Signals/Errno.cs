namespace KernelSim.Models.Signals;

/// <summary>The errno values the model returns (positive, as in <c>errno</c>; 0 is success).</summary>
public static class Errno
{
    /// <summary>Operation not permitted.</summary>
    public const int EPERM = 1;
    /// <summary>No such process.</summary>
    public const int ESRCH = 3;
    /// <summary>No child processes.</summary>
    public const int ECHILD = 10;
    /// <summary>Try again (RT signal queue over RLIMIT_SIGPENDING).</summary>
    public const int EAGAIN = 11;
    /// <summary>Out of memory (fork into a namespace whose init died: pid allocation disabled).</summary>
    public const int ENOMEM = 12;
    /// <summary>Invalid argument.</summary>
    public const int EINVAL = 22;
    /// <summary>No space left (PID namespaces nested deeper than <c>MAX_PID_NS_LEVEL</c>).</summary>
    public const int ENOSPC = 28;
}
