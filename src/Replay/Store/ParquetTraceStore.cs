using System.Globalization;
using KernelSim.Replay.Formats;
using KernelSim.Time;
using KernelSim.Tracing;
using Parquet;
using Parquet.Schema;

namespace KernelSim.Replay.Store;

/// <summary>
/// Stores trace events as Parquet in a documented long layout (one row per event, every RawEvent
/// field a column) so that text -> Parquet -> events is lossless and any engine (DuckDB, pandas,
/// Spark) can query it. Rows are written in row groups of <see cref="RowGroupSize"/>, so memory is
/// bounded whatever the trace size.
/// </summary>
/// <remarks>
/// Columns: <c>ts_ns</c> int64, <c>cpu</c> int32, <c>pid</c> int32, <c>tgid</c> int32 (-1 = not recorded),
/// <c>comm</c> string, <c>event</c> string ("subsystem:event"), <c>system</c> string, <c>name</c> string,
/// <c>payload</c> string (as printed), <c>flags</c> string (irq-info column), <c>line</c> int64,
/// <c>byte_offset</c> int64. File key/value metadata: <c>ksim.layout</c> = "raw-events/v1",
/// <c>ksim.source</c>, <c>ksim.format</c>, <c>ksim.lost_events</c>, <c>ksim.malformed_lines</c>,
/// <c>ksim.truncated</c>, <c>ksim.header_cpus</c>, <c>ksim.buffer_started_markers</c>, <c>ksim.out_of_order_events</c>.
/// </remarks>
public static class ParquetTraceStore
{
    /// <summary>Rows per row group.</summary>
    public const int RowGroupSize = 65536;

    /// <summary>The layout tag written to <c>ksim.layout</c>.</summary>
    public const string LayoutTag = "raw-events/v1";

    internal static readonly DataField<long> TsField = new("ts_ns");
    internal static readonly DataField<int> CpuField = new("cpu");
    internal static readonly DataField<int> PidField = new("pid");
    internal static readonly DataField<int> TgidField = new("tgid");
    internal static readonly DataField<string> CommField = new("comm");
    internal static readonly DataField<string> EventField = new("event");
    internal static readonly DataField<string> SystemField = new("system");
    internal static readonly DataField<string> NameField = new("name");
    internal static readonly DataField<string> PayloadField = new("payload");
    internal static readonly DataField<string> FlagsField = new("flags");
    internal static readonly DataField<long> LineField = new("line");
    internal static readonly DataField<long> OffsetField = new("byte_offset");

    private static readonly ParquetOptions WriteOptions = new() { CompressionMethod = CompressionMethod.Zstd };

    internal static readonly ParquetSchema Schema = new(
        TsField, CpuField, PidField, TgidField, CommField, EventField, SystemField, NameField, PayloadField, FlagsField, LineField, OffsetField);

    /// <summary>Reads every event of <paramref name="reader"/> and writes it to <paramref name="output"/>.</summary>
    /// <param name="reader">The source; read to its end.</param>
    /// <param name="output">A writable, seekable stream.</param>
    /// <param name="progress">Called after each row group with the events written so far.</param>
    /// <param name="cancellationToken">Stops between row groups.</param>
    /// <returns>Number of events written.</returns>
    public static async Task<long> WriteAsync(TraceReader reader, Stream output, Action<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(output);
        var batch = new RowBatch(RowGroupSize);
        long written = 0;
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(Schema, output, WriteOptions, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            while (true)
            {
                batch.Clear();
                while (batch.Count < RowGroupSize && reader.Read())
                {
                    batch.Add(reader.Current, reader.EventTypes);
                }

                if (batch.Count == 0 && written > 0)
                {
                    break;
                }

                await WriteGroupAsync(writer, batch, cancellationToken).ConfigureAwait(false);
                written += batch.Count;
                progress?.Invoke(written);
                if (batch.Count < RowGroupSize)
                {
                    break;
                }
            }

            TraceDiagnostics d = reader.Diagnostics;
            writer.CustomMetadata = new Dictionary<string, string>
            {
                ["ksim.layout"] = LayoutTag,
                ["ksim.source"] = reader.SourceName,
                ["ksim.format"] = reader.Format.ToString(),
                ["ksim.lost_events"] = d.LostEvents.ToString(CultureInfo.InvariantCulture),
                ["ksim.malformed_lines"] = d.MalformedLines.ToString(CultureInfo.InvariantCulture),
                ["ksim.truncated"] = d.Truncated ? "true" : "false",
                ["ksim.header_cpus"] = d.HeaderCpuCount?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
                ["ksim.buffer_started_markers"] = d.BufferStartedMarkers.ToString(CultureInfo.InvariantCulture),
                ["ksim.out_of_order_events"] = d.OutOfOrderEvents.ToString(CultureInfo.InvariantCulture),
            };
        }

        return written;
    }

    /// <summary>Writes owned records (for tests and tools that already hold events in memory).</summary>
    public static async Task WriteAsync(IEnumerable<RawEventRecord> events, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(output);
        var batch = new RowBatch(RowGroupSize);
        await using ParquetWriter writer = await ParquetWriter.CreateAsync(Schema, output, WriteOptions, cancellationToken: cancellationToken).ConfigureAwait(false);
        writer.CustomMetadata = new Dictionary<string, string> { ["ksim.layout"] = LayoutTag };
        bool any = false;
        foreach (RawEventRecord e in events)
        {
            batch.Add(e);
            if (batch.Count == RowGroupSize)
            {
                await WriteGroupAsync(writer, batch, cancellationToken).ConfigureAwait(false);
                batch.Clear();
                any = true;
            }
        }

        if (batch.Count > 0 || !any)
        {
            await WriteGroupAsync(writer, batch, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads every event back, row group by row group (memory bounded by one row group).</summary>
    /// <exception cref="TraceFormatException">The file is not a KernelSim raw-event Parquet file.</exception>
    public static async IAsyncEnumerable<RawEventRecord> ReadAsync(Stream input, string sourceName, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using ParquetReader reader = await OpenAsync(input, sourceName, cancellationToken).ConfigureAwait(false);
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using ParquetRowGroupReader rg = reader.OpenRowGroupReader(g);
            int n = checked((int)rg.RowCount);
            long[] ts = new long[n];
            int[] cpu = new int[n], pid = new int[n], tgid = new int[n];
            string?[] comm = new string?[n], system = new string?[n], name = new string?[n], payload = new string?[n], flags = new string?[n];
            long[] line = new long[n], offset = new long[n];
            await rg.ReadAsync(TsField, ts.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.ReadAsync(CpuField, cpu.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.ReadAsync(PidField, pid.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.ReadAsync(TgidField, tgid.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.ReadAsync(CommField, comm.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.ReadAsync(SystemField, system.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.ReadAsync(NameField, name.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.ReadAsync(PayloadField, payload.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.ReadAsync(FlagsField, flags.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.ReadAsync(LineField, line.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.ReadAsync(OffsetField, offset.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < n; i++)
            {
                yield return new RawEventRecord(
                    SimTime.FromNanoseconds(ts[i]), cpu[i], pid[i], tgid[i], comm[i] ?? string.Empty, system[i] ?? string.Empty,
                    name[i] ?? string.Empty, payload[i] ?? string.Empty, flags[i] ?? string.Empty, line[i], offset[i]);
            }
        }
    }

    /// <summary>
    /// Summarises a stored trace without materialising events: counts per "subsystem:event", CPUs,
    /// first and last timestamps, and the reader diagnostics saved in the file metadata.
    /// </summary>
    /// <exception cref="TraceFormatException">The file is not a KernelSim raw-event Parquet file.</exception>
    public static async Task<StoredTraceSummary> SummarizeAsync(Stream input, string sourceName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using ParquetReader reader = await OpenAsync(input, sourceName, cancellationToken).ConfigureAwait(false);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var cpus = new HashSet<int>();
        long first = long.MaxValue, last = long.MinValue, total = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using ParquetRowGroupReader rg = reader.OpenRowGroupReader(g);
            int n = checked((int)rg.RowCount);
            long[] ts = new long[n];
            int[] cpu = new int[n];
            string?[] ev = new string?[n];
            await rg.ReadAsync(TsField, ts.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.ReadAsync(CpuField, cpu.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            await rg.ReadAsync(EventField, ev.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
            for (int i = 0; i < n; i++)
            {
                string key = ev[i] ?? string.Empty;
                counts[key] = counts.GetValueOrDefault(key) + 1;
                cpus.Add(cpu[i]);
                first = Math.Min(first, ts[i]);
                last = Math.Max(last, ts[i]);
            }

            total += n;
        }

        IReadOnlyDictionary<string, string> meta = reader.CustomMetadata;
        return new StoredTraceSummary(
            meta.GetValueOrDefault("ksim.format") ?? "unknown",
            meta.GetValueOrDefault("ksim.source") ?? string.Empty,
            counts,
            total,
            cpus.Count,
            total == 0 ? null : SimTime.FromNanoseconds(first),
            total == 0 ? null : SimTime.FromNanoseconds(last),
            ParseLong(meta, "ksim.lost_events"),
            ParseLong(meta, "ksim.malformed_lines"),
            meta.GetValueOrDefault("ksim.truncated") == "true");
    }

    private static long ParseLong(IReadOnlyDictionary<string, string> meta, string key) =>
        meta.TryGetValue(key, out string? v) && long.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) ? n : 0;

    private static async Task<ParquetReader> OpenAsync(Stream input, string sourceName, CancellationToken cancellationToken)
    {
        ParquetReader reader;
        try
        {
            reader = await ParquetReader.CreateAsync(input, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            throw new TraceFormatException(sourceName, 0, 0, string.Empty, "a Parquet file (" + ex.Message + ")");
        }

        if (reader.CustomMetadata.GetValueOrDefault("ksim.layout") != LayoutTag)
        {
            await reader.DisposeAsync().ConfigureAwait(false);
            throw new TraceFormatException(sourceName, 0, 0, "ksim.layout=" + (reader.CustomMetadata.GetValueOrDefault("ksim.layout") ?? "(none)"), $"a KernelSim Parquet file with ksim.layout={LayoutTag} (written by ksim convert)");
        }

        return reader;
    }

    private static async Task WriteGroupAsync(ParquetWriter writer, RowBatch b, CancellationToken ct)
    {
        using ParquetRowGroupWriter rg = writer.CreateRowGroup();
        int n = b.Count;
        await rg.WriteAsync<long>(TsField, b.Ts.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
        await rg.WriteAsync<int>(CpuField, b.Cpu.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
        await rg.WriteAsync<int>(PidField, b.Pid.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
        await rg.WriteAsync<int>(TgidField, b.Tgid.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
        await rg.WriteAsync(CommField, b.Comm.GetRange(0, n)).ConfigureAwait(false);
        await rg.WriteAsync(EventField, b.Event.GetRange(0, n)).ConfigureAwait(false);
        await rg.WriteAsync(SystemField, b.System.GetRange(0, n)).ConfigureAwait(false);
        await rg.WriteAsync(NameField, b.Name.GetRange(0, n)).ConfigureAwait(false);
        await rg.WriteAsync(PayloadField, b.Payload.GetRange(0, n)).ConfigureAwait(false);
        await rg.WriteAsync(FlagsField, b.Flags.GetRange(0, n)).ConfigureAwait(false);
        await rg.WriteAsync<long>(LineField, b.Line.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
        await rg.WriteAsync<long>(OffsetField, b.Offset.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
        rg.CompleteValidate();
    }

    /// <summary>Column buffers for one row group; comm and event strings are interned per batch.</summary>
    private sealed class RowBatch(int capacity)
    {
        private readonly Dictionary<string, string> _intern = new(StringComparer.Ordinal);
        private Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> InternLookup => _intern.GetAlternateLookup<ReadOnlySpan<char>>();


        public long[] Ts { get; } = new long[capacity];

        public int[] Cpu { get; } = new int[capacity];

        public int[] Pid { get; } = new int[capacity];

        public int[] Tgid { get; } = new int[capacity];

        public List<string> Comm { get; } = new(capacity);

        public List<string> Event { get; } = new(capacity);

        public List<string> System { get; } = new(capacity);

        public List<string> Name { get; } = new(capacity);

        public List<string> Payload { get; } = new(capacity);

        public List<string> Flags { get; } = new(capacity);

        public long[] Line { get; } = new long[capacity];

        public long[] Offset { get; } = new long[capacity];

        public int Count { get; private set; }

        public void Clear()
        {
            Count = 0;
            Comm.Clear();
            Event.Clear();
            System.Clear();
            Name.Clear();
            Payload.Clear();
            Flags.Clear();
            if (_intern.Count > 100_000)
            {
                _intern.Clear();
            }
        }

        public void Add(in RawEvent e, TraceEventTypes types)
        {
            int i = Count++;
            Ts[i] = e.Timestamp.TotalNanoseconds;
            Cpu[i] = e.Cpu;
            Pid[i] = e.Pid;
            Tgid[i] = e.Tgid;
            Comm.Add(Intern(e.Comm));
            Event.Add(types[e.TypeId]);
            System.Add(types.SystemOf(e.TypeId));
            Name.Add(types.NameOf(e.TypeId));
            Payload.Add(global::System.Text.Encoding.UTF8.GetString(e.Payload));
            Flags.Add(Intern(e.Flags));
            Line[i] = e.Line;
            Offset[i] = e.ByteOffset;
        }

        public void Add(RawEventRecord e)
        {
            int i = Count++;
            Ts[i] = e.Timestamp.TotalNanoseconds;
            Cpu[i] = e.Cpu;
            Pid[i] = e.Pid;
            Tgid[i] = e.Tgid;
            Comm.Add(e.Comm);
            Event.Add(e.FullName);
            System.Add(e.System);
            Name.Add(e.Name);
            Payload.Add(e.Payload);
            Flags.Add(e.Flags);
            Line[i] = e.Line;
            Offset[i] = e.ByteOffset;
        }

        private string Intern(ReadOnlySpan<byte> utf8)
        {
            if (utf8.IsEmpty)
            {
                return string.Empty;
            }

            Span<char> chars = stackalloc char[Math.Min(utf8.Length, 512)];
            if (utf8.Length <= 512 && global::System.Text.Encoding.UTF8.TryGetChars(utf8, chars, out int written))
            {
                ReadOnlySpan<char> key = chars[..written];
                if (InternLookup.TryGetValue(key, out string? s))
                {
                    return s;
                }

                string created = new(key);
                _intern[created] = created;
                return created;
            }

            return global::System.Text.Encoding.UTF8.GetString(utf8);
        }
    }
}
