using System.Runtime.ExceptionServices;

namespace KernelSim.Replay.Formats;

/// <summary>
/// Reads the inner stream ahead on a thread of its own (up to <see cref="Chunks"/> chunks of
/// <see cref="ChunkSize"/> bytes), so that reading and decompressing the input run on a second core while
/// the caller parses. Forward only; an exception of the inner stream is rethrown, unchanged, by the
/// <see cref="Read(Span{byte})"/> that reaches it.
/// </summary>
/// <remarks>
/// Used for regular files only (see <see cref="TraceReader"/>): disposing waits for the reading thread,
/// which a pipe could keep blocked. Speed effect: bench/README.md ("info").
/// </remarks>
internal sealed class ReadAheadStream : Stream
{
    public const int ChunkSize = 1 << 20;
    public const int Chunks = 3;

    private readonly Stream _inner;
    private readonly object _gate = new();
    private readonly Queue<(byte[] Buffer, int Count)> _full = new();
    private readonly Stack<byte[]> _free = new();
    private readonly Thread _thread;
    private byte[]? _chunk;
    private int _chunkPos;
    private int _chunkCount;
    private bool _innerDone;
    private bool _stopping;
    private bool _eof;
    private ExceptionDispatchInfo? _failure;

    public ReadAheadStream(Stream inner)
    {
        _inner = inner;
        for (int i = 0; i < Chunks; i++)
        {
            _free.Push(new byte[ChunkSize]);
        }

        _thread = new Thread(Produce) { IsBackground = true, Name = "ksim read-ahead" };
        _thread.Start();
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (_chunk is null || _chunkPos == _chunkCount)
        {
            if (_eof)
            {
                return 0;
            }

            NextChunk();
        }

        int n = Math.Min(buffer.Length, _chunkCount - _chunkPos);
        _chunk.AsSpan(_chunkPos, n).CopyTo(buffer);
        _chunkPos += n;
        return n;
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
            lock (_gate)
            {
                _stopping = true;
                Monitor.PulseAll(_gate);
            }

            _thread.Join();
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void NextChunk()
    {
        lock (_gate)
        {
            if (_chunk is not null)
            {
                _free.Push(_chunk);
                _chunk = null;
                Monitor.PulseAll(_gate);
            }

            while (_full.Count == 0 && !_innerDone)
            {
                Monitor.Wait(_gate);
            }

            if (_full.Count > 0)
            {
                (_chunk, _chunkCount) = _full.Dequeue();
                _chunkPos = 0;
                Monitor.PulseAll(_gate);
                return;
            }
        }

        // The inner stream ended (or failed) and every chunk before that has been handed out.
        _eof = true;
        _failure?.Throw();
    }

    private void Produce()
    {
        try
        {
            while (true)
            {
                byte[] buffer;
                lock (_gate)
                {
                    while (_free.Count == 0 && !_stopping)
                    {
                        Monitor.Wait(_gate);
                    }

                    if (_stopping)
                    {
                        return;
                    }

                    buffer = _free.Pop();
                }

                int n = _inner.Read(buffer, 0, buffer.Length);
                lock (_gate)
                {
                    if (n == 0)
                    {
                        _innerDone = true;
                        Monitor.PulseAll(_gate);
                        return;
                    }

                    _full.Enqueue((buffer, n));
                    Monitor.PulseAll(_gate);
                }
            }
        }
#pragma warning disable CA1031 // Any failure of the inner stream belongs to the reader: handed over and rethrown there.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            lock (_gate)
            {
                _failure = ExceptionDispatchInfo.Capture(ex);
                _innerDone = true;
                Monitor.PulseAll(_gate);
            }
        }
    }
}
