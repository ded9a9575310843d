using KernelSim.Replay.Formats;

namespace KernelSim.Replay.Tests.Formats;

public class ReadAheadStreamTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(ReadAheadStream.ChunkSize)]
    [InlineData((ReadAheadStream.ChunkSize * 5) + 3)]
    public void Read_AnySize_SameBytesInOrder(int size)
    {
        byte[] data = new byte[size];
        new Random(size).NextBytes(data);
        using var s = new ReadAheadStream(new ChunkedStream(data, call => 1 + (call * 7919 % 100_000)));
        var back = new MemoryStream();
        byte[] buffer = new byte[65_537];
        int n;
        while ((n = s.Read(buffer, 0, buffer.Length)) > 0)
        {
            back.Write(buffer, 0, n);
        }

        Assert.Equal(data, back.ToArray());
        Assert.Equal(0, s.Read(buffer, 0, buffer.Length));
    }

    [Fact]
    public void Read_InnerFails_SameExceptionAfterTheBytesBeforeIt()
    {
        byte[] data = new byte[1000];
        using var s = new ReadAheadStream(new FailingStream(data));
        byte[] buffer = new byte[4096];
        Assert.Equal(1000, s.Read(buffer, 0, buffer.Length));
        InvalidDataException ex = Assert.Throws<InvalidDataException>(() => s.Read(buffer, 0, buffer.Length));
        Assert.Equal("damaged", ex.Message);
    }

    [Fact]
    public void Dispose_BeforeTheEnd_StopsTheReadingThread()
    {
        byte[] data = new byte[ReadAheadStream.ChunkSize * 8];
        var inner = new MemoryStream(data);
        var s = new ReadAheadStream(inner);
        Assert.Equal(10, s.Read(new byte[10], 0, 10));
        s.Dispose();
        Assert.Throws<ObjectDisposedException>(() => inner.ReadByte());
    }

    private sealed class FailingStream(byte[] data) : Stream
    {
        private bool _served;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_served)
            {
                throw new InvalidDataException("damaged");
            }

            _served = true;
            data.CopyTo(buffer, offset);
            return data.Length;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
