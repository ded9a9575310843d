using System.Globalization;
using KernelSim.Replay.Formats;
using KernelSim.Time;
using KernelSim.Tracing;
using Parquet;
using Parquet.Schema;

namespace KernelSim.Replay.Store;

/// <summary>Reading a file that may be corrupt: every length and count bounded before Parquet.Net sees it, and its exceptions turned into TraceFormatException.</summary>
public static partial class ParquetTraceStore
{
    private static TraceFormatException Corrupt(string sourceName, long offset, string found, string expected) =>
        new(sourceName, 0, offset, found, expected);

    // Parquet.Net documents no exception set for corrupt input (seen: Overflow, IndexOutOfRange, NullReference,
    // InvalidOperation, InvalidCast, NotSupported, IO, ArgumentOutOfRange, its ThriftProtocolException, the codecs'
    // own): at this boundary, after the bounds checks in OpenAsync, any of them means a corrupt file.
    private static async Task<T> Guard<T>(string sourceName, Func<Task<T>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not TraceFormatException)
        {
            throw new TraceFormatException(
                $"{sourceName}: corrupt Parquet file ({ex.GetType().Name}: {ex.Message})", ex);
        }
    }

    private static async Task<ParquetReader> OpenAsync(Stream input, string sourceName, CancellationToken cancellationToken)
    {
        if (!input.CanSeek || !input.CanRead)
        {
            throw Corrupt(sourceName, 0, string.Empty, "a seekable Parquet file (not a pipe; convert needs the whole file)");
        }

        long length = input.Length;
        if (length < 12)
        {
            throw Corrupt(sourceName, 0, $"{length} bytes", "a Parquet file (at least 12 bytes: magic, footer length, magic)");
        }

        byte[] head = new byte[4];
        byte[] tail = new byte[8];
        input.Position = 0;
        await input.ReadExactlyAsync(head, cancellationToken).ConfigureAwait(false);
        input.Position = length - 8;
        await input.ReadExactlyAsync(tail, cancellationToken).ConfigureAwait(false);
        if (!head.AsSpan().SequenceEqual("PAR1"u8) || !tail.AsSpan(4).SequenceEqual("PAR1"u8))
        {
            throw Corrupt(sourceName, 0, Convert.ToHexString(head) + ".." + Convert.ToHexString(tail, 4, 4), "a Parquet file (PAR1 at both ends)");
        }

        int footerLength = ParquetThriftCheck.FooterLength(tail);
        long footerStart = length - 8 - footerLength;
        if (footerLength <= 0 || footerLength > MaxFooterBytes || footerStart < 4)
        {
            throw Corrupt(sourceName, length - 8, "footer length " + footerLength.ToString(CultureInfo.InvariantCulture), $"a footer length in [1, {Math.Min(MaxFooterBytes, length - 12)}] (the file has {length} bytes)");
        }

        byte[] footer = new byte[footerLength];
        input.Position = footerStart;
        await input.ReadExactlyAsync(footer, cancellationToken).ConfigureAwait(false);
        var limits = new Dictionary<string, int>(StringComparer.Ordinal) { ["FileMetaData.2"] = MaxSchemaElements };
        if (ParquetThriftCheck.Walk(footer, 0, "FileMetaData", null, limits, out string? problem) is null)
        {
            throw Corrupt(sourceName, footerStart, "corrupt footer", problem!);
        }

        ParquetReader reader = await Guard(sourceName, () => ParquetReader.CreateAsync(new EofThrowingStream(input), cancellationToken: cancellationToken)).ConfigureAwait(false);
        try
        {
            if (reader.CustomMetadata.GetValueOrDefault("ksim.layout") != LayoutTag)
            {
                throw Corrupt(sourceName, 0, "ksim.layout=" + (reader.CustomMetadata.GetValueOrDefault("ksim.layout") ?? "(none)"), $"a KernelSim Parquet file with ksim.layout={LayoutTag} (written by ksim convert)");
            }

            await CheckRowGroupsAsync(reader.Metadata!, input, footerStart, sourceName, cancellationToken).ConfigureAwait(false);
            return reader;
        }
        catch
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // Every row group and column chunk within the data region, every page header well formed, inside its
    // chunk and adding up to the chunk's value count: what Parquet.Net's DataColumnReader.ReadAsync walks,
    // checked before it does.
    private static async Task CheckRowGroupsAsync(Parquet.Meta.FileMetaData meta, Stream input, long dataEnd, string sourceName, CancellationToken ct)
    {
        var capture = new Dictionary<string, long>(StringComparer.Ordinal);
        byte[] buffer = new byte[64 << 10];
        for (int g = 0; g < meta.RowGroups.Count; g++)
        {
            Parquet.Meta.RowGroup rg = meta.RowGroups[g];
            string where = "row group " + g.ToString(CultureInfo.InvariantCulture);
            if (rg.NumRows < 0 || rg.NumRows > MaxRowsPerGroup)
            {
                throw Corrupt(sourceName, dataEnd, where + ": " + rg.NumRows.ToString(CultureInfo.InvariantCulture) + " rows", $"a row count in [0, {MaxRowsPerGroup}]");
            }

            if (rg.Columns.Count != Schema.DataFields.Length)
            {
                throw Corrupt(sourceName, dataEnd, where + ": " + rg.Columns.Count.ToString(CultureInfo.InvariantCulture) + " column chunks", $"{Schema.DataFields.Length} column chunks");
            }

            for (int c = 0; c < rg.Columns.Count; c++)
            {
                Parquet.Meta.ColumnMetaData? m = rg.Columns[c].MetaData;
                string col = where + " column " + c.ToString(CultureInfo.InvariantCulture);
                if (m is null)
                {
                    throw Corrupt(sourceName, dataEnd, col, "column metadata");
                }

                if (m.NumValues != rg.NumRows || m.Statistics?.NullCount is < 0 || m.Statistics?.NullCount > m.NumValues)
                {
                    throw Corrupt(sourceName, dataEnd, col + ": " + m.NumValues.ToString(CultureInfo.InvariantCulture) + " values", "one value per row");
                }

                long start = m.DataPageOffset;
                foreach (long? o in new[] { m.DictionaryPageOffset, m.IndexPageOffset })
                {
                    if (o is long v && v != 0)
                    {
                        start = Math.Min(start, v);
                    }
                }

                if (start < 4 || m.TotalCompressedSize <= 0 || m.TotalCompressedSize > dataEnd - start)
                {
                    throw Corrupt(sourceName, start, $"{col}: offset {start}, {m.TotalCompressedSize} bytes", $"a column chunk within bytes 4-{dataEnd}");
                }

                long end = start + m.TotalCompressedSize, pos = start, values = 0;
                while (values < m.NumValues)
                {
                    if (pos >= end)
                    {
                        throw Corrupt(sourceName, pos, $"{col}: pages hold {values} values", $"{m.NumValues} values within the column chunk");
                    }

                    int n = (int)Math.Min(buffer.Length, end - pos);
                    input.Position = pos;
                    await input.ReadExactlyAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                    capture.Clear();
                    int? headerEnd = ParquetThriftCheck.Walk(buffer.AsSpan(0, n), 0, "PageHeader", capture, null, out string? problem);
                    if (headerEnd is not int h)
                    {
                        throw Corrupt(sourceName, pos, col + ": corrupt page header", problem!);
                    }

                    long type = capture.GetValueOrDefault("PageHeader.1", -1);
                    long uncompressed = capture.GetValueOrDefault("PageHeader.2", -1);
                    long compressed = capture.GetValueOrDefault("PageHeader.3", -1);
                    long dataStart = pos + h;
                    if (compressed < 0 || compressed > end - dataStart || uncompressed < 0 || uncompressed > MaxPageBytes)
                    {
                        throw Corrupt(sourceName, pos, $"{col}: page of {compressed} bytes ({uncompressed} uncompressed)", $"a page within its column chunk and at most {MaxPageBytes} bytes uncompressed");
                    }

                    long left = m.NumValues - values;
                    switch (type)
                    {
                        case 2 when capture.GetValueOrDefault("DictionaryPageHeader.1", -1) is long dn && dn >= 0 && dn <= m.NumValues:
                            break;
                        case 0 when capture.GetValueOrDefault("DataPageHeader.1", -1) is long pn && pn > 0 && pn <= left:
                            values += pn;
                            break;
                        case 3 when capture.GetValueOrDefault("DataPageHeaderV2.1", -1) is long vn && vn > 0 && vn <= left
                            && capture.GetValueOrDefault("DataPageHeaderV2.2", 0) is long nulls && nulls >= 0 && nulls <= vn
                            && capture.GetValueOrDefault("DataPageHeaderV2.5", 0) is long dl && dl >= 0
                            && capture.GetValueOrDefault("DataPageHeaderV2.6", 0) is long rl && rl >= 0 && dl + rl <= compressed:
                            values += vn;
                            break;
                        default:
                            throw Corrupt(sourceName, pos, col + ": page type " + type.ToString(CultureInfo.InvariantCulture), $"a dictionary or data page whose value count fits the {left} values left");
                    }

                    pos = dataStart + compressed;
                }
            }
        }
    }

    /// <summary>
    /// The file stream as Parquet.Net sees it: <see cref="Stream.ReadByte"/> past the end throws instead of returning
    /// -1, which its Thrift reader would take for 0xFF and loop on.
    /// </summary>
    private sealed class EofThrowingStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int ReadByte() => inner.ReadByte() is int b and >= 0 ? b : throw new EndOfStreamException("read past the end of the file");

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override int Read(Span<byte> buffer) => inner.Read(buffer);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
