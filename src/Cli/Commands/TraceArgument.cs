using KernelSim.Replay.Formats;

namespace KernelSim.Cli.Commands;

/// <summary>
/// The trace a command was given, made ready to read: "-" is standard input, a directory or a
/// missing path is named as such, and piped input is copied to an owner-only temp file (deleted on
/// dispose) for commands that read their trace more than once or by path.
/// </summary>
internal sealed class TraceArgument : IDisposable
{
    private readonly FileStream? _spool;

    private TraceArgument(FileInfo file, FileStream? spool)
    {
        File = file;
        _spool = spool;
    }

    /// <summary>The file to read (the spooled copy for piped input).</summary>
    public FileInfo File { get; }

    /// <summary>
    /// Resolves the argument: null means <paramref name="fallback"/> (the embedded capture), "-" means
    /// standard input. With <paramref name="spoolPipes"/>, input that is not a regular file (a pipe,
    /// /dev/stdin) is first copied to a temp file, since the command reads it by path more than once.
    /// </summary>
    public static TraceArgument Resolve(FileInfo? given, Func<FileInfo> fallback, bool spoolPipes)
    {
        FileInfo file = given is null ? fallback() : StandardInputIfDash(given);
        if (!spoolPipes || !IsPipeOrDevice(file))
        {
            return new TraceArgument(file, null);
        }

        FileStream spool;
        using (var input = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
        {
            spool = TraceInput.SpoolToTemp(input, ".trace");
        }

        return new TraceArgument(new FileInfo(spool.Name), spool);
    }

    /// <summary>"-" as a path means standard input.</summary>
    public static FileInfo StandardInputIfDash(FileInfo file) =>
        file.ToString() == "-" ? new FileInfo("/dev/stdin") : file;

    /// <summary>Why <paramref name="file"/> cannot be read as a trace ("…: no such file", "…: is a directory"), or null if it can be opened.</summary>
    public static string? Problem(FileInfo file)
    {
        if (Directory.Exists(file.FullName))
        {
            return $"{file.FullName}: is a directory, not a trace file";
        }

        // FileInfo.Exists is also true for a FIFO or character device (/dev/stdin).
        return file.Exists ? null : $"{file.FullName}: no such file";
    }

    public void Dispose() => _spool?.Dispose();

    private static bool IsPipeOrDevice(FileInfo file)
    {
        if (!file.Exists)
        {
            return false;
        }

        using var fs = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        return !fs.CanSeek;
    }
}
