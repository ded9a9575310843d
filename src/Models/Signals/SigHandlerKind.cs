namespace KernelSim.Models.Signals;

/// <summary>What a signal's disposition is (<c>sa_handler</c>).</summary>
public enum SigHandlerKind
{
    /// <summary><c>SIG_DFL</c>: the default action (terminate, core, stop, continue or ignore).</summary>
    Default = 0,

    /// <summary><c>SIG_IGN</c>: discarded at generation.</summary>
    Ignore = 1,

    /// <summary>A user handler: delivered, runs with the signal (and <see cref="SigAction.Mask"/>) blocked.</summary>
    Handler = 2,
}
