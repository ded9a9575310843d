using System.Buffers.Binary;
using System.Globalization;

namespace KernelSim.Replay.Formats;

/// <summary>
/// Wraps a decompressor so damaged input ends as a <see cref="TraceFormatException"/> (source,
/// compressed byte offset, what was expected) and a stream that stops before the format's end marker
/// is recognised as truncated instead of read silently as a shorter trace.
/// </summary>
/// <remarks>
/// <para>Truncation versus damage (<see cref="Truncation"/> is set and the stream ends, or the read
/// throws): a failure with compressed input left is damage. At the end of the input, zstd's
/// "premature end of stream" is truncation and its other errors damage; an xz stream always ends
/// with the footer magic "YZ" (xz file format 1.2.1, section 2.1.2.4), so a failing xz input that
/// does not end with it was cut; gzip errors are damage (a cut gzip does not fail, see below).</para>
/// <para>gzip: .NET's <c>GZipStream</c> returns end of stream when its input runs out mid-member, so
/// the end is checked here: the last eight compressed bytes must be the member trailer, whose ISIZE
/// (RFC 1952 section 2.3.1) is the decompressed length modulo 2^32. zlib has already verified the CRC
/// of a trailer it reached, so a cut stream passes only if its last four bytes happen to equal the
/// length (odds 2^-32). A multi-member gzip (concatenated .gz files) carries the length of its last
/// member only and is therefore reported as truncated. zstd and xz decoders fail on their own when
/// the frame or the stream footer is missing.</para>
/// </remarks>
internal sealed class DecompressedStream(Stream decoder, SourceStream source, string compression, string sourceName) : Stream
{
    private const int GzipMinimumLength = 18;

    private long _produced;
    private bool _ended;

    /// <summary>Why the input is considered cut short, or null if it ended where the format says it ends.</summary>
    public string? Truncation { get; private set; }

    /// <summary>"gzip", "zstd" or "xz".</summary>
    public string Compression => compression;

    /// <summary>The compressed source (for progress).</summary>
    public SourceStream Source => source;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_ended || buffer.IsEmpty)
        {
            return 0;
        }

        int n;
        try
        {
            n = decoder.Read(buffer);
        }
        catch (Exception ex) when (IsDecoderFailure(ex))
        {
            _ended = true;
            if (IsTruncation(ex))
            {
                Truncation = string.Create(CultureInfo.InvariantCulture, $"the {compression} stream ends at compressed byte {source.Consumed} before its end marker ({ex.Message})");
                return 0;
            }

            throw new TraceFormatException(sourceName, source.Consumed, ex.Message, $"valid {compression} data (the compressed input is damaged)", ex);
        }

        if (n > 0)
        {
            _produced += n;
            return n;
        }

        _ended = true;
        if (compression == "gzip" && !GzipTrailerMatches())
        {
            Truncation = string.Create(CultureInfo.InvariantCulture, $"the gzip stream ends at compressed byte {source.Consumed} without its trailer (CRC32 and length)");
        }

        return 0;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            decoder.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// The exceptions the three decoders throw on bad or missing input. SharpCompress's xz decoder
    /// also throws ArgumentOutOfRangeException and IndexOutOfRangeException when its input stops
    /// inside a block header or index (seen with truncated.xz and by cutting an xz file at every length).
    /// </summary>
    private static bool IsDecoderFailure(Exception ex) => ex is InvalidDataException
        or EndOfStreamException
        or ZstdSharp.ZstdException
        or SharpCompress.Common.SharpCompressException
        or ArgumentOutOfRangeException
        or IndexOutOfRangeException
        or OverflowException;

    private bool IsTruncation(Exception ex)
    {
        if (!source.AtEnd)
        {
            return false;
        }

        return compression switch
        {
            "zstd" => ex is EndOfStreamException,
            "xz" => !source.Tail.EndsWith("YZ"u8),
            _ => false,
        };
    }

    private bool GzipTrailerMatches()
    {
        if (!source.AtEnd)
        {
            // GZipStream may stop at the trailer without asking for more: look for the end once.
            Span<byte> probe = stackalloc byte[1];
            if (source.Read(probe) != 0)
            {
                return false;
            }
        }

        if (source.Consumed < GzipMinimumLength)
        {
            return false;
        }

        ReadOnlySpan<byte> tail = source.Tail;
        return tail.Length == 8 && BinaryPrimitives.ReadUInt32LittleEndian(tail[4..]) == unchecked((uint)_produced);
    }
}
