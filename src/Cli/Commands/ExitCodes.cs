namespace KernelSim.Cli.Commands;

/// <summary>Process exit codes of ksim (documented in README).</summary>
internal static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The input is not a readable trace (strict mode malformed line, unknown format).</summary>
    public const int BadInput = 3;

    /// <summary>A file was not found or could not be opened.</summary>
    public const int NoInput = 4;

    /// <summary>An option value is not valid.</summary>
    public const int Usage = 2;

    /// <summary>Unexpected internal error.</summary>
    public const int Internal = 70;
}
