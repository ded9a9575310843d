namespace KernelSim.Replay.Formats;

/// <summary>
/// The raw (possibly compressed) input as a forward-only stream: lets the first bytes be looked at
/// without seeking (so pipes, <c>/dev/stdin</c> and sockets sniff like files), counts the bytes
/// consumed, remembers the last eight of them (a gzip trailer) and whether the end was reached.
/// </summary>
/// <remarks>
/// <see cref="Position"/> reads as the bytes consumed so far: SharpCompress's xz decoder asks for it
/// to align blocks, and would otherwise need a seekable input.
/// </remarks>
internal sealed class SourceStream : Stream
{
    /// <summary>Bytes kept for sniffing: enough for every magic number TraceInput knows.</summary>
    public const int HeadSize = 16;

    private readonly Stream _inner;
    private readonly byte[] _head = new byte[HeadSize];
    private readonly byte[] _tail = new byte[8];
    private int _headCount;
    private int _headPos;
    private int _tailCount;

    public SourceStream(Stream inner)
    {
        _inner = inner;
        _headCount = inner.ReadAtLeast(_head, _head.Length, throwOnEndOfStream: false);
        AtEnd = _headCount < _head.Length;
        Remember(_head.AsSpan(0, _headCount));
    }

    /// <summary>The first bytes of the input (fewer when the input is shorter).</summary>
    public ReadOnlySpan<byte> Head => _head.AsSpan(0, _headCount);

    /// <summary>The stream this one reads from (a FileStream for files).</summary>
    public Stream Inner => _inner;

    /// <summary>Bytes handed out so far.</summary>
    public long Consumed { get; private set; }

    /// <summary>True once the underlying input returned end of stream.</summary>
    public bool AtEnd { get; private set; }

    /// <summary>The last (up to eight) bytes read from the underlying input.</summary>
    public ReadOnlySpan<byte> Tail => _tail.AsSpan(8 - _tailCount, _tailCount);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException("a trace source is read forward only");

    public override long Position
    {
        get => Consumed;
        set => throw new NotSupportedException("a trace source is read forward only");
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        // Reads are filled completely (short only at the end): SharpCompress's xz decoder takes a short
        // read for the end of its input, and a pipe hands out whatever has arrived.
        int n = 0;
        if (_headPos < _headCount)
        {
            n = Math.Min(buffer.Length, _headCount - _headPos);
            _head.AsSpan(_headPos, n).CopyTo(buffer);
            _headPos += n;
        }

        if (n < buffer.Length && !AtEnd)
        {
            Span<byte> rest = buffer[n..];
            int m = _inner.ReadAtLeast(rest, rest.Length, throwOnEndOfStream: false);
            if (m < rest.Length)
            {
                AtEnd = true;
            }

            Remember(rest[..m]);
            n += m;
        }

        Consumed += n;
        return n;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("a trace source is read forward only");

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Remember(ReadOnlySpan<byte> data)
    {
        if (data.Length >= 8)
        {
            data[^8..].CopyTo(_tail);
            _tailCount = 8;
            return;
        }

        // Shift the kept bytes left and append: at most 8 bytes moved.
        _tail.AsSpan(data.Length).CopyTo(_tail);
        data.CopyTo(_tail.AsSpan(8 - data.Length));
        _tailCount = Math.Min(8, _tailCount + data.Length);
    }
}
