namespace KernelSim.Replay.Formats;

/// <summary>
/// Malformed trace input: names the source, the 1-based line and the byte offset, the offending text
/// (shortened to 200 characters) and what was expected there.
/// </summary>
public sealed class TraceFormatException : FormatException
{
    /// <summary>Creates an exception for a malformed line.</summary>
    public TraceFormatException(string sourceName, long line, long byteOffset, string offendingText, string expected)
        : base($"{sourceName}:{line} (byte {byteOffset}): expected {expected}; found \"{offendingText}\"")
    {
        SourceName = sourceName;
        Line = line;
        ByteOffset = byteOffset;
        OffendingText = offendingText;
        Expected = expected;
    }

    /// <summary>
    /// Creates an exception for input that is damaged below the line level (a compressed stream, a
    /// binary container): <see cref="Line"/> is 0 and <paramref name="byteOffset"/> counts bytes of the
    /// file as stored (compressed).
    /// </summary>
    public TraceFormatException(string sourceName, long byteOffset, string offendingText, string expected, Exception? innerException)
        : base($"{sourceName} (byte {byteOffset}): expected {expected}; found \"{offendingText}\"", innerException)
    {
        SourceName = sourceName;
        ByteOffset = byteOffset;
        OffendingText = offendingText;
        Expected = expected;
    }

    /// <summary>Creates an exception with a message only (for tooling that requires the standard constructors).</summary>
    public TraceFormatException()
        : this("<unknown>", 0, 0, string.Empty, "a trace")
    {
    }

    /// <summary>Creates an exception with a message only.</summary>
    public TraceFormatException(string message)
        : base(message)
    {
        SourceName = "<unknown>";
        OffendingText = string.Empty;
        Expected = message;
    }

    /// <summary>Creates an exception with a message and cause.</summary>
    public TraceFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
        SourceName = "<unknown>";
        OffendingText = string.Empty;
        Expected = message;
    }

    /// <summary>File name or other description of the input.</summary>
    public string SourceName { get; }

    /// <summary>1-based line number in the decompressed input; 0 when the problem is not in a line (see <see cref="ByteOffset"/>).</summary>
    public long Line { get; }

    /// <summary>0-based byte offset of that line in the decompressed input, or, when <see cref="Line"/> is 0, in the file as stored.</summary>
    public long ByteOffset { get; }

    /// <summary>The offending text (possibly shortened).</summary>
    public string OffendingText { get; }

    /// <summary>What the reader expected.</summary>
    public string Expected { get; }
}
