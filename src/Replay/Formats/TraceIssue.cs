namespace KernelSim.Replay.Formats;

/// <summary>One problem a lenient reader skipped: where, what it found, what it expected.</summary>
/// <param name="Line">1-based line.</param>
/// <param name="ByteOffset">0-based byte offset of the line.</param>
/// <param name="OffendingText">The text (shortened to 200 characters).</param>
/// <param name="Expected">What was expected.</param>
public sealed record TraceIssue(long Line, long ByteOffset, string OffendingText, string Expected);
