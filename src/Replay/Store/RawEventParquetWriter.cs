using System.Buffers;
using System.Buffers.Binary;
using KernelSim.Replay.Formats;

namespace KernelSim.Replay.Store;

/// <summary>
/// Writes a reader's events as a raw-event Parquet file (<see cref="ParquetTraceStore"/>'s layout) with the row groups
/// encoded in parallel: the reader's thread fills a batch of <see cref="ParquetTraceStore.RowGroupSize"/> events (copies
/// only), a pool thread encodes it (<see cref="RawEventPageEncoder"/>), and the finished groups are appended in their
/// order, each one's column offsets fixed as it lands. The footer (Thrift FileMetaData) is written last.
/// </summary>
/// <remarks>
/// Deterministic: the file depends only on the events and the metadata, never on how many threads encoded or in which
/// order they finished, and it is byte for byte the file Parquet.Net 6.1 writes for the same rows (a test checks
/// both). Memory: at most <see cref="InFlight"/> batches and their encoded groups, whatever the trace's size.
/// </remarks>
internal static class RawEventParquetWriter
{
    /// <summary>What Parquet.Net 6.1.0 puts in created_by; kept so that the files stay identical to its own.</summary>
    internal const string CreatedBy = "Parquet.Net version 6.1.0 (build c179d97bd2549b5f44a9241e729f869d4947ee59)";

    private const int PhysicalInt32 = 1;
    private const int PhysicalInt64 = 2;
    private const int PhysicalByteArray = 6;
    private const int CodecZstd = 6;

    private static readonly (string Name, int Physical)[] ColumnsInOrder =
    [
        ("ts_ns", PhysicalInt64), ("cpu", PhysicalInt32), ("pid", PhysicalInt32), ("tgid", PhysicalInt32),
        ("comm", PhysicalByteArray), ("event", PhysicalByteArray), ("system", PhysicalByteArray), ("name", PhysicalByteArray),
        ("payload", PhysicalByteArray), ("flags", PhysicalByteArray), ("line", PhysicalInt64), ("byte_offset", PhysicalInt64),
    ];

    /// <summary>Batches filled or being encoded at once: one per core, plus the one the reader is filling.</summary>
    internal static int InFlight => Environment.ProcessorCount + 1;

    /// <summary>Reads <paramref name="reader"/> to its end and writes the file, on a thread of its own.</summary>
    /// <param name="reader">The source.</param>
    /// <param name="output">Where the file goes (written forward only).</param>
    /// <param name="metadata">The file's key/value metadata, asked for once the reader has finished.</param>
    /// <param name="progress">Called after each row group written, with the events written so far.</param>
    /// <param name="cancellationToken">Stops between row groups.</param>
    /// <returns>Events written.</returns>
    /// <remarks>
    /// The reading loop and the encoders run on dedicated threads and wait for each other by blocking, not on the
    /// thread pool: idle pool workers spin before they sleep, and with async hand-offs that spinning took ~20% of
    /// convert's CPU on two cores, away from the reader (dotnet-trace of convert on 500 MB).
    /// </remarks>
    public static Task<long> WriteAsync(TraceReader reader, Stream output, Func<IReadOnlyList<KeyValuePair<string, string>>> metadata, Action<long>? progress, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(() => Write(reader, output, metadata, progress, cancellationToken), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private static long Write(TraceReader reader, Stream output, Func<IReadOnlyList<KeyValuePair<string, string>>> metadata, Action<long>? progress, CancellationToken cancellationToken)
    {
        var inFlight = new Queue<(RawEventBatch Batch, Task<EncodedRowGroup> Encoded)>();
        var freeBatches = new Stack<RawEventBatch>();
        var groups = new List<GroupFooter>();
        RawEventBatch.EventTypeText[] types = [];
        long queued = 0, written = 0;
        long position = 4;
        using var encoders = new Encoders(Environment.ProcessorCount);
        try
        {
            output.Write("PAR1"u8);
            while (true)
            {
                RawEventBatch batch = freeBatches.Count > 0 ? freeBatches.Pop() : new RawEventBatch(ParquetTraceStore.RowGroupSize);
                batch.Clear();
                while (batch.Count < batch.Capacity && reader.Read())
                {
                    batch.Add(reader.Current);
                }

                batch.SnapshotTypes(reader.EventTypes, types);
                types = batch.Types;
                bool last = batch.Count < batch.Capacity;

                // An empty trace still gets its one, empty, row group (as ParquetWriter writes it).
                if (batch.Count > 0 || queued == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    inFlight.Enqueue((batch, encoders.Encode(batch)));
                    queued += batch.Count;
                }

                while (inFlight.Count > 0 && (inFlight.Count >= InFlight || last))
                {
                    (RawEventBatch done, Task<EncodedRowGroup> encoded) = inFlight.Dequeue();
                    EncodedRowGroup g = encoded.GetAwaiter().GetResult();
                    output.Write(g.Data.Span);
                    groups.Add(GroupFooter.Of(g, position));
                    position += g.Length;
                    written += g.Rows;
                    g.Release();
                    freeBatches.Push(done);
                    progress?.Invoke(written);
                }

                if (last)
                {
                    break;
                }
            }
        }
        catch
        {
            // A read error (strict mode), cancellation or a failed write: let the groups being encoded finish before
            // their batches are dropped; their own failures, if any, are secondary to the one thrown here.
            foreach ((RawEventBatch _, Task<EncodedRowGroup> encoded) in inFlight)
            {
                ((IAsyncResult)encoded).AsyncWaitHandle.WaitOne();
                if (encoded.IsCompletedSuccessfully)
                {
                    encoded.Result.Release();
                }
            }

            throw;
        }

        byte[] footer = Footer(groups, written, metadata());
        output.Write(footer);
        Span<byte> tail = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(tail, footer.Length);
        "PAR1"u8.CopyTo(tail[4..]);
        output.Write(tail);
        output.Flush();
        return written;
    }

    /// <summary>The Thrift FileMetaData: version 1, the schema, the row count, the row groups, the metadata, created_by.</summary>
    internal static byte[] Footer(IReadOnlyList<GroupFooter> groups, long rows, IReadOnlyList<KeyValuePair<string, string>> metadata)
    {
        var buffer = new ArrayBufferWriter<byte>(4096 + (groups.Count * 2048));
        var w = new ThriftCompactWriter(buffer);
        w.StructBegin();
        w.FieldI32(1, 1);
        WriteSchema(w);
        w.FieldI64(3, rows);
        w.FieldListBegin(4, ThriftCompactWriter.Struct, groups.Count);
        foreach (GroupFooter g in groups)
        {
            g.Write(w);
        }

        if (metadata.Count > 0)
        {
            w.FieldListBegin(5, ThriftCompactWriter.Struct, metadata.Count);
            foreach (KeyValuePair<string, string> kv in metadata)
            {
                w.StructBegin();
                w.FieldString(1, kv.Key);
                w.FieldString(2, kv.Value);
                w.StructEnd();
            }
        }

        w.FieldString(6, CreatedBy);
        w.StructEnd();
        return buffer.WrittenSpan.ToArray();
    }

    // The schema elements of the layout: root, then each column with its physical, converted and logical type.
    private static void WriteSchema(ThriftCompactWriter w)
    {
        w.FieldListBegin(2, ThriftCompactWriter.Struct, ColumnsInOrder.Length + 1);
        w.StructBegin();
        w.FieldString(4, "root");
        w.FieldI32(5, ColumnsInOrder.Length);
        w.StructEnd();
        foreach ((string name, int physical) in ColumnsInOrder)
        {
            bool text = physical == PhysicalByteArray;
            w.StructBegin();
            w.FieldI32(1, physical);
            w.FieldI32(3, text ? 1 : 0); // OPTIONAL : REQUIRED
            w.FieldString(4, name);
            w.FieldI32(6, text ? 0 : physical == PhysicalInt64 ? 18 : 17); // UTF8 : INT_64 : INT_32
            w.FieldStructBegin(10); // LogicalType
            if (text)
            {
                w.FieldStructBegin(1); // STRING
            }
            else
            {
                w.FieldStructBegin(10); // INTEGER
                w.FieldByte(1, (sbyte)(physical == PhysicalInt64 ? 64 : 32));
                w.FieldBool(2, true);
            }

            w.StructEnd();
            w.StructEnd();
            w.StructEnd();
        }
    }

    /// <summary>What the footer says about one written row group.</summary>
    internal sealed record GroupFooter(long Rows, long FileOffset, EncodedColumn[] Columns)
    {
        public static GroupFooter Of(EncodedRowGroup g, long fileOffset) => new(g.Rows, fileOffset, (EncodedColumn[])g.Column.Clone());

        public void Write(ThriftCompactWriter w)
        {
            long uncompressed = 0, compressed = 0;
            w.StructBegin();
            w.FieldListBegin(1, ThriftCompactWriter.Struct, Columns.Length);
            for (int c = 0; c < Columns.Length; c++)
            {
                EncodedColumn col = Columns[c];
                long at = FileOffset + col.Start;
                w.StructBegin();
                w.FieldI64(2, at);
                w.FieldStructBegin(3);
                w.FieldI32(1, ColumnsInOrder[c].Physical);
                w.FieldListBegin(2, ThriftCompactWriter.I32, 2);
                w.I32Value(0); // PLAIN
                w.I32Value(3); // RLE (the levels)
                w.FieldListBegin(3, ThriftCompactWriter.Binary, 1);
                w.StringValue(ColumnsInOrder[c].Name);
                w.FieldI32(4, CodecZstd);
                w.FieldI64(5, col.Values);
                w.FieldI64(6, col.TotalUncompressed);
                w.FieldI64(7, col.TotalCompressed);
                w.FieldI64(9, at);
                RawEventPageEncoder.WriteStatistics(w, 12, col.Min, col.Max);
                w.StructEnd();
                w.StructEnd();
                uncompressed += col.TotalUncompressed;
                compressed += col.TotalCompressed;
            }

            w.FieldI64(2, uncompressed);
            w.FieldI64(3, Rows);
            w.FieldI64(6, compressed);
            w.StructEnd();
        }
    }

    /// <summary>
    /// Encoding threads, each with its own scratch (buffers and a zstd context), taking batches in the order given.
    /// Disposing lets them finish what was queued and waits for them.
    /// </summary>
    private sealed class Encoders : IDisposable
    {
        private readonly Queue<(RawEventBatch Batch, TaskCompletionSource<EncodedRowGroup> Done)> _queue = new();
        private readonly Thread[] _threads;
        private bool _closed;

        public Encoders(int threads)
        {
            _threads = new Thread[Math.Max(1, threads)];
            for (int i = 0; i < _threads.Length; i++)
            {
                _threads[i] = new Thread(Run) { IsBackground = true, Name = "ksim parquet encoder" };
                _threads[i].Start();
            }
        }

        public Task<EncodedRowGroup> Encode(RawEventBatch batch)
        {
            var done = new TaskCompletionSource<EncodedRowGroup>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_queue)
            {
                _queue.Enqueue((batch, done));
                Monitor.Pulse(_queue);
            }

            return done.Task;
        }

        public void Dispose()
        {
            lock (_queue)
            {
                _closed = true;
                Monitor.PulseAll(_queue);
            }

            foreach (Thread t in _threads)
            {
                t.Join();
            }
        }

        private void Run()
        {
            using var scratch = new RawEventPageEncoder.Scratch();
            while (true)
            {
                (RawEventBatch Batch, TaskCompletionSource<EncodedRowGroup> Done) item;
                lock (_queue)
                {
                    while (_queue.Count == 0 && !_closed)
                    {
                        Monitor.Wait(_queue);
                    }

                    if (_queue.Count == 0)
                    {
                        return;
                    }

                    item = _queue.Dequeue();
                }

                try
                {
                    item.Done.SetResult(RawEventPageEncoder.Encode(item.Batch, scratch));
                }
#pragma warning disable CA1031 // Whatever the encoder throws belongs to the writer: handed over and rethrown there.
                catch (Exception ex)
#pragma warning restore CA1031
                {
                    item.Done.SetException(ex);
                }
            }
        }
    }
}
