namespace KernelSim.Models.Signals;

/// <summary>A signal disposition (<c>struct k_sigaction</c>).</summary>
/// <param name="Handler">Default, ignore or a handler.</param>
/// <param name="Flags">SA_* flags.</param>
/// <param name="Mask">Signals blocked while the handler runs (<c>sa_mask</c>, bit <c>sig - 1</c>).</param>
public readonly record struct SigAction(SigHandlerKind Handler, SaFlags Flags = SaFlags.None, ulong Mask = 0)
{
    /// <summary><c>SIG_DFL</c>.</summary>
    public static SigAction Default => default;

    /// <summary><c>SIG_IGN</c>.</summary>
    public static SigAction Ignore => new(SigHandlerKind.Ignore);

    /// <summary>A plain handler (no flags, empty sa_mask).</summary>
    public static SigAction Handle => new(SigHandlerKind.Handler);
}
