using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace KernelSim.Replay.Store;

/// <summary>
/// Encodes one <see cref="RawEventBatch"/> as a Parquet row group of the raw-event layout: per column one PLAIN data
/// page, zstd-compressed, with min/max statistics, byte for byte what Parquet.Net 6.1 writes for the same values
/// (<see cref="ParquetTraceStore"/>'s schema and options). Pure and thread-safe given its own <see cref="Scratch"/>:
/// row groups are encoded in parallel and assembled in order by <see cref="RawEventParquetWriter"/>.
/// </summary>
/// <remarks>
/// <para>What Parquet.Net writes, and so this: every column PLAIN (its dictionary encoding is off unless a column
/// asks for it); the string columns are OPTIONAL, so their page starts with the definition levels (all 1: one RLE
/// run, length-prefixed); a string value is a 4-byte little-endian length and its UTF-8 bytes; statistics are
/// min and max (written twice, as the old and the new Thrift fields) and a null count of 0; a string's min and max
/// are by ordinal UTF-16 comparison of the .NET string made from the bytes (invalid UTF-8 replaced by U+FFFD).</para>
/// <para>Why not Parquet.Net itself: given strings, its general writer spent ~40 ms of CPU per 65,536-row group
/// (statistics over UTF-16 strings, re-encoding to UTF-8, stream copies), so that one thread could not keep up with
/// the reader; here the bytes the reader produced are laid out directly and only zstd is left (bench/README.md,
/// "convert"). The equality with Parquet.Net's output is a test (RawEventParquetWriterTests).</para>
/// </remarks>
internal static class RawEventPageEncoder
{
    /// <summary>Columns in schema order.</summary>
    public const int Columns = 12;

    /// <summary>The zstd level Parquet.Net uses for CompressionLevel.Fastest.</summary>
    public const int ZstdLevel = 1;

    private const int PageTypeDataPage = 0;
    private const int EncodingPlain = 0;
    private const int EncodingRle = 3;

    public static EncodedRowGroup Encode(RawEventBatch b, Scratch s)
    {
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(s);
        var g = new EncodedRowGroup(b.Count);
        int n = b.Count;
        Integers(g, s, 0, b.Ts.AsSpan(0, n));
        Integers(g, s, 1, b.Cpu.AsSpan(0, n));
        Integers(g, s, 2, b.Pid.AsSpan(0, n));
        Integers(g, s, 3, b.Tgid.AsSpan(0, n));
        Bytes(g, s, 4, b.Comm);
        TypeStrings(g, s, 5, b, static t => t.Full, static t => t.FullUtf8);
        TypeStrings(g, s, 6, b, static t => t.System, static t => t.SystemUtf8);
        TypeStrings(g, s, 7, b, static t => t.Name, static t => t.NameUtf8);
        Bytes(g, s, 8, b.Payload);
        Bytes(g, s, 9, b.Flags);
        Integers(g, s, 10, b.Line.AsSpan(0, n));
        Integers(g, s, 11, b.Offset.AsSpan(0, n));
        return g;
    }

    /// <summary>An INT64 or INT32 column (ts, line, offset; cpu, pid, tgid): the values little-endian, back to back.</summary>
    private static void Integers<T>(EncodedRowGroup g, Scratch s, int column, ReadOnlySpan<T> values)
        where T : unmanaged, IBinaryInteger<T>, IMinMaxValue<T>
    {
        int size = Unsafe.SizeOf<T>();
        Span<byte> page = s.Page(values.Length * size);
        T min = T.MaxValue, max = T.MinValue;
        for (int i = 0; i < values.Length; i++)
        {
            T v = values[i];
            min = T.Min(min, v);
            max = T.Max(max, v);
        }

        // On a little-endian CPU the values' memory is the page: one copy. Written value by value through the generic
        // WriteLittleEndian, convert took 15% more CPU (2.5 s against 2.2 s for 571 MB of text, bench/front-door.sh).
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(values).CopyTo(page);
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i].WriteLittleEndian(page[(i * size)..]);
            }
        }

        // No values: Parquet.Net's statistics say min = max = 0.
        byte[] minBytes = new byte[size], maxBytes = new byte[size];
        if (values.Length > 0)
        {
            min.WriteLittleEndian(minBytes);
            max.WriteLittleEndian(maxBytes);
        }

        Finish(g, s, column, page, values.Length, minBytes, maxBytes);
    }

    /// <summary>A string column the reader gave as bytes (comm, payload, flags).</summary>
    private static void Bytes(EncodedRowGroup g, Scratch s, int column, RawEventBatch.ByteColumn c)
    {
        int n = c.Count;
        if (!System.Text.Ascii.IsValid(c.Bytes))
        {
            // Not plain ASCII: go through the strings Parquet.Net would have been given (rare: non-ASCII task names
            // or payloads), so that invalid UTF-8 is replaced and min/max follow UTF-16 order exactly as there.
            var strings = new string[n];
            for (int i = 0; i < n; i++)
            {
                strings[i] = Encoding.UTF8.GetString(c[i]);
            }

            Strings(g, s, column, strings);
            return;
        }

        // ASCII: the bytes are the UTF-8 of the strings and byte order is their ordinal order.
        Span<byte> page = s.Page(LevelsLength(n) + (n * sizeof(int)) + c.Used);
        int at = WriteLevels(page, n);
        ReadOnlySpan<byte> min = default, max = default;
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<byte> v = c[i];
            at = WriteValue(page, at, v);
            if (i == 0)
            {
                min = max = v;
            }
            else if (v.SequenceCompareTo(min) < 0)
            {
                min = v;
            }
            else if (v.SequenceCompareTo(max) > 0)
            {
                max = v;
            }
        }

        Finish(g, s, column, page, n, n > 0 ? min.ToArray() : null, n > 0 ? max.ToArray() : null);
    }

    /// <summary>event, system or name: a few distinct strings, taken from the batch's type table.</summary>
    private static void TypeStrings(EncodedRowGroup g, Scratch s, int column, RawEventBatch b, Func<RawEventBatch.EventTypeText, string> text, Func<RawEventBatch.EventTypeText, byte[]> utf8)
    {
        int n = b.Count;
        ReadOnlySpan<int> ids = b.TypeId.AsSpan(0, n);
        RawEventBatch.EventTypeText[] types = b.Types;
        int total = 0;
        Span<bool> present = types.Length <= 1024 ? stackalloc bool[types.Length] : new bool[types.Length];
        present.Clear();
        for (int i = 0; i < n; i++)
        {
            total += utf8(types[ids[i]]).Length;
            present[ids[i]] = true;
        }

        Span<byte> page = s.Page(LevelsLength(n) + (n * sizeof(int)) + total);
        int at = WriteLevels(page, n);
        for (int i = 0; i < n; i++)
        {
            at = WriteValue(page, at, utf8(types[ids[i]]));
        }

        // Min and max over the types present, compared as the strings are.
        int minId = -1, maxId = -1;
        for (int t = 0; t < types.Length; t++)
        {
            if (!present[t])
            {
                continue;
            }

            if (minId < 0 || string.CompareOrdinal(text(types[t]), text(types[minId])) < 0)
            {
                minId = t;
            }

            if (maxId < 0 || string.CompareOrdinal(text(types[t]), text(types[maxId])) > 0)
            {
                maxId = t;
            }
        }

        Finish(g, s, column, page, n, minId < 0 ? null : utf8(types[minId]), maxId < 0 ? null : utf8(types[maxId]));
    }

    /// <summary>A string column in general: the values as .NET strings, encoded as Parquet.Net encodes them.</summary>
    private static void Strings(EncodedRowGroup g, Scratch s, int column, string[] values)
    {
        int n = values.Length;
        int total = 0;
        foreach (string v in values)
        {
            total += Encoding.UTF8.GetByteCount(v);
        }

        Span<byte> page = s.Page(LevelsLength(n) + (n * sizeof(int)) + total);
        int at = WriteLevels(page, n);
        string? min = null, max = null;
        foreach (string v in values)
        {
            int len = Encoding.UTF8.GetBytes(v, page[(at + sizeof(int))..]);
            BinaryPrimitives.WriteInt32LittleEndian(page[at..], len);
            at += sizeof(int) + len;
            if (min is null || string.CompareOrdinal(v, min) < 0)
            {
                min = v;
            }

            if (max is null || string.CompareOrdinal(v, max) > 0)
            {
                max = v;
            }
        }

        Finish(g, s, column, page[..at], n, min is null ? null : Encoding.UTF8.GetBytes(min), max is null ? null : Encoding.UTF8.GetBytes(max));
    }

    // A PLAIN BYTE_ARRAY value at page[at..]: its 4-byte little-endian length, then its bytes. Returns the offset after it.
    private static int WriteValue(Span<byte> page, int at, ReadOnlySpan<byte> v)
    {
        BinaryPrimitives.WriteInt32LittleEndian(page[at..], v.Length);
        v.CopyTo(page[(at + sizeof(int))..]);
        return at + sizeof(int) + v.Length;
    }

    // Definition levels of n present values: a 4-byte length, then one RLE run (count << 1 as a ULEB128 varint, then
    // the level 1 in one byte). No values: a length of 0.
    private static int LevelsLength(int n) => sizeof(int) + (n == 0 ? 0 : VarIntLength((uint)n << 1) + 1);

    private static int WriteLevels(Span<byte> page, int n)
    {
        if (n == 0)
        {
            BinaryPrimitives.WriteInt32LittleEndian(page, 0);
            return sizeof(int);
        }

        int at = sizeof(int);
        uint header = (uint)n << 1;
        while (header > 0x7F)
        {
            page[at++] = (byte)((header & 0x7F) | 0x80);
            header >>= 7;
        }

        page[at++] = (byte)header;
        page[at++] = 1;
        BinaryPrimitives.WriteInt32LittleEndian(page, at - sizeof(int));
        return at;
    }

    private static int VarIntLength(uint v)
    {
        int len = 1;
        while (v > 0x7F)
        {
            v >>= 7;
            len++;
        }

        return len;
    }

    /// <summary>Compresses the page and appends page header + compressed page to the group, with the column's figures.</summary>
    private static void Finish(EncodedRowGroup g, Scratch s, int column, ReadOnlySpan<byte> page, int values, byte[]? min, byte[]? max)
    {
        Span<byte> compressed = s.Compressed(page.Length);
        int compressedLength = s.Zstd.Wrap(page, compressed);
        ArrayBufferWriter<byte> header = s.Header;
        header.ResetWrittenCount();
        var w = new ThriftCompactWriter(header);
        w.StructBegin();
        w.FieldI32(1, PageTypeDataPage);
        w.FieldI32(2, page.Length);
        w.FieldI32(3, compressedLength);
        w.FieldStructBegin(5);
        w.FieldI32(1, values);
        w.FieldI32(2, EncodingPlain);
        w.FieldI32(3, EncodingRle);
        w.FieldI32(4, EncodingRle);
        WriteStatistics(w, 5, min, max);
        w.StructEnd();
        w.StructEnd();

        int start = g.Length;
        g.Append(header.WrittenSpan);
        g.Append(compressed[..compressedLength]);
        g.Column[column] = new EncodedColumn(start, values, header.WrittenCount + page.Length, header.WrittenCount + compressedLength, min, max);
    }

    /// <summary>Statistics as Parquet.Net writes them: max, min (deprecated fields), null_count 0, max_value, min_value.</summary>
    internal static void WriteStatistics(ThriftCompactWriter w, short field, byte[]? min, byte[]? max)
    {
        w.FieldStructBegin(field);
        if (max is not null)
        {
            w.FieldBinary(1, max);
        }

        if (min is not null)
        {
            w.FieldBinary(2, min);
        }

        w.FieldI64(3, 0);
        if (max is not null)
        {
            w.FieldBinary(5, max);
        }

        if (min is not null)
        {
            w.FieldBinary(6, min);
        }

        w.StructEnd();
    }

    /// <summary>Buffers and a zstd context for one encoding thread at a time.</summary>
    internal sealed class Scratch : IDisposable
    {
        private byte[] _page = new byte[1 << 20];
        private byte[] _compressed = new byte[1 << 20];

        public ZstdSharp.Compressor Zstd { get; } = new(ZstdLevel);

        public ArrayBufferWriter<byte> Header { get; } = new(256);

        public Span<byte> Page(int length)
        {
            if (_page.Length < length)
            {
                _page = new byte[Math.Max(length, _page.Length * 2)];
            }

            return _page.AsSpan(0, length);
        }

        public Span<byte> Compressed(int sourceLength)
        {
            int bound = ZstdSharp.Compressor.GetCompressBound(sourceLength);
            if (_compressed.Length < bound)
            {
                _compressed = new byte[Math.Max(bound, _compressed.Length * 2)];
            }

            return _compressed.AsSpan(0, bound);
        }

        public void Dispose() => Zstd.Dispose();
    }
}

/// <summary>One column chunk of an encoded row group (offsets within the group's bytes).</summary>
internal readonly record struct EncodedColumn(int Start, int Values, int TotalUncompressed, int TotalCompressed, byte[]? Min, byte[]? Max);

/// <summary>A row group's column chunks back to back (page header + compressed page each), ready to be written at any file offset.</summary>
internal sealed class EncodedRowGroup(int rows)
{
    private byte[] _data = ArrayPool<byte>.Shared.Rent(1 << 20);

    public int Rows { get; } = rows;

    public EncodedColumn[] Column { get; } = new EncodedColumn[RawEventPageEncoder.Columns];

    public int Length { get; private set; }

    public ReadOnlyMemory<byte> Data => _data.AsMemory(0, Length);

    public void Append(ReadOnlySpan<byte> bytes)
    {
        if (Length + bytes.Length > _data.Length)
        {
            byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_data.Length * 2, Length + bytes.Length));
            _data.AsSpan(0, Length).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_data);
            _data = bigger;
        }

        bytes.CopyTo(_data.AsSpan(Length));
        Length += bytes.Length;
    }

    /// <summary>Returns the buffer to the pool (after the group is written).</summary>
    public void Release()
    {
        ArrayPool<byte>.Shared.Return(_data);
        _data = [];
        Length = 0;
    }
}
