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
public static partial class ParquetTraceStore
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

    // Zstd at the library's default level (CompressionLevel.SmallestSize) held `ksim convert` to ~3 MB/s; Fastest
    // (zstd level 1) is what RawEventParquetWriter also writes, byte for byte (bench/README.md, "Front door").
    // Dictionary encoding is off for every column unless a column asks for it, so the sample size only bounds the
    // check Parquet.Net makes before deciding so.
    private static readonly ParquetOptions WriteOptions = new()
    {
        CompressionMethod = CompressionMethod.Zstd,
        CompressionLevel = System.IO.Compression.CompressionLevel.Fastest,
        DictionaryEncodingSampleSize = 4096,
    };

    internal static readonly ParquetSchema Schema = new(
        TsField, CpuField, PidField, TgidField, CommField, EventField, SystemField, NameField, PayloadField, FlagsField, LineField, OffsetField);

    /// <summary>Reads every event of <paramref name="reader"/> and writes it to <paramref name="output"/>.</summary>
    /// <param name="reader">The source; read to its end.</param>
    /// <param name="output">A writable stream (written forward only).</param>
    /// <param name="progress">Called after each row group with the events written so far.</param>
    /// <param name="cancellationToken">Stops between row groups.</param>
    /// <returns>Number of events written.</returns>
    /// <remarks>
    /// The reader's thread only parses and copies each event's bytes into a batch; the batches are encoded and
    /// compressed in parallel on pool threads and written in order, so the file is the same whatever the number of
    /// cores, and memory stays at a few row groups (see <see cref="RawEventParquetWriter"/>).
    /// </remarks>
    public static Task<long> WriteAsync(TraceReader reader, Stream output, Action<long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(output);
        return RawEventParquetWriter.WriteAsync(reader, output, () => Metadata(reader), progress, cancellationToken);
    }

    /// <summary>The file metadata of a converted trace: the layout tag, the source and what its reader met.</summary>
    private static KeyValuePair<string, string>[] Metadata(TraceReader reader)
    {
        TraceDiagnostics d = reader.Diagnostics;
        return
        [
            new("ksim.layout", LayoutTag),
            new("ksim.source", reader.SourceName),
            new("ksim.format", reader.Format.ToString()),
            new("ksim.lost_events", d.LostEvents.ToString(CultureInfo.InvariantCulture)),
            new("ksim.malformed_lines", d.MalformedLines.ToString(CultureInfo.InvariantCulture)),
            new("ksim.truncated", d.Truncated ? "true" : "false"),
            new("ksim.header_cpus", d.HeaderCpuCount?.ToString(CultureInfo.InvariantCulture) ?? string.Empty),
            new("ksim.buffer_started_markers", d.BufferStartedMarkers.ToString(CultureInfo.InvariantCulture)),
            new("ksim.out_of_order_events", d.OutOfOrderEvents.ToString(CultureInfo.InvariantCulture)),
        ];
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

    /// <summary>Rows a row group may hold when read back (16 times what <see cref="WriteAsync(TraceReader, Stream, Action{long}?, CancellationToken)"/> writes): reading allocates one row group's columns.</summary>
    public const int MaxRowsPerGroup = 1 << 20;

    /// <summary>Largest footer (file metadata) read, in bytes.</summary>
    public const int MaxFooterBytes = 64 << 20;

    /// <summary>Largest page, compressed or not, in bytes.</summary>
    public const int MaxPageBytes = 256 << 20;

    /// <summary>Most schema elements in a file (a raw-event file has 13: the root and 12 columns).</summary>
    public const int MaxSchemaElements = 1000;

    /// <summary>Reads every event back, row group by row group (memory bounded by one row group).</summary>
    /// <exception cref="TraceFormatException">The file is not a KernelSim raw-event Parquet file, or it is corrupt.</exception>
    public static async IAsyncEnumerable<RawEventRecord> ReadAsync(Stream input, string sourceName, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using ParquetReader reader = await OpenAsync(input, sourceName, cancellationToken).ConfigureAwait(false);
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            FullGroup c = await Guard(sourceName, () => ReadFullGroupAsync(reader, g, cancellationToken)).ConfigureAwait(false);
            for (int i = 0; i < c.Ts.Length; i++)
            {
                yield return new RawEventRecord(
                    SimTime.FromNanoseconds(c.Ts[i]), c.Cpu[i], c.Pid[i], c.Tgid[i], c.Comm[i] ?? string.Empty, c.System[i] ?? string.Empty,
                    c.Name[i] ?? string.Empty, c.Payload[i] ?? string.Empty, c.Flags[i] ?? string.Empty, c.Line[i], c.Offset[i]);
            }
        }
    }

    /// <summary>
    /// Summarises a stored trace without materialising events: counts per "subsystem:event", CPUs,
    /// first and last timestamps, and the reader diagnostics saved in the file metadata.
    /// </summary>
    /// <exception cref="TraceFormatException">The file is not a KernelSim raw-event Parquet file, or it is corrupt.</exception>
    public static async Task<StoredTraceSummary> SummarizeAsync(Stream input, string sourceName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        await using ParquetReader reader = await OpenAsync(input, sourceName, cancellationToken).ConfigureAwait(false);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var cpus = new HashSet<int>();
        long first = long.MaxValue, last = long.MinValue, total = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            (long[] ts, int[] cpu, string?[] ev) = await Guard(sourceName, () => ReadSummaryGroupAsync(reader, g, cancellationToken)).ConfigureAwait(false);
            for (int i = 0; i < ts.Length; i++)
            {
                string key = ev[i] ?? string.Empty;
                counts[key] = counts.GetValueOrDefault(key) + 1;
                cpus.Add(cpu[i]);
                first = Math.Min(first, ts[i]);
                last = Math.Max(last, ts[i]);
            }

            total += ts.Length;
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

    private sealed record FullGroup(long[] Ts, int[] Cpu, int[] Pid, int[] Tgid, string?[] Comm, string?[] System, string?[] Name, string?[] Payload, string?[] Flags, long[] Line, long[] Offset);

    private static async Task<FullGroup> ReadFullGroupAsync(ParquetReader reader, int g, CancellationToken ct)
    {
        using ParquetRowGroupReader rg = reader.OpenRowGroupReader(g);
        int n = (int)rg.RowCount; // bounded by MaxRowsPerGroup in OpenAsync
        var c = new FullGroup(new long[n], new int[n], new int[n], new int[n], new string?[n], new string?[n], new string?[n], new string?[n], new string?[n], new long[n], new long[n]);
        await rg.ReadAsync(TsField, c.Ts.AsMemory(), cancellationToken: ct).ConfigureAwait(false);
        await rg.ReadAsync(CpuField, c.Cpu.AsMemory(), cancellationToken: ct).ConfigureAwait(false);
        await rg.ReadAsync(PidField, c.Pid.AsMemory(), cancellationToken: ct).ConfigureAwait(false);
        await rg.ReadAsync(TgidField, c.Tgid.AsMemory(), cancellationToken: ct).ConfigureAwait(false);
        await rg.ReadAsync(CommField, c.Comm.AsMemory(), cancellationToken: ct).ConfigureAwait(false);
        await rg.ReadAsync(SystemField, c.System.AsMemory(), cancellationToken: ct).ConfigureAwait(false);
        await rg.ReadAsync(NameField, c.Name.AsMemory(), cancellationToken: ct).ConfigureAwait(false);
        await rg.ReadAsync(PayloadField, c.Payload.AsMemory(), cancellationToken: ct).ConfigureAwait(false);
        await rg.ReadAsync(FlagsField, c.Flags.AsMemory(), cancellationToken: ct).ConfigureAwait(false);
        await rg.ReadAsync(LineField, c.Line.AsMemory(), cancellationToken: ct).ConfigureAwait(false);
        await rg.ReadAsync(OffsetField, c.Offset.AsMemory(), cancellationToken: ct).ConfigureAwait(false);
        return c;
    }

    private static async Task<(long[] Ts, int[] Cpu, string?[] Event)> ReadSummaryGroupAsync(ParquetReader reader, int g, CancellationToken ct)
    {
        using ParquetRowGroupReader rg = reader.OpenRowGroupReader(g);
        int n = (int)rg.RowCount; // bounded by MaxRowsPerGroup in OpenAsync
        long[] ts = new long[n];
        int[] cpu = new int[n];
        string?[] ev = new string?[n];
        await rg.ReadAsync(TsField, ts.AsMemory(), cancellationToken: ct).ConfigureAwait(false);
        await rg.ReadAsync(CpuField, cpu.AsMemory(), cancellationToken: ct).ConfigureAwait(false);
        await rg.ReadAsync(EventField, ev.AsMemory(), cancellationToken: ct).ConfigureAwait(false);
        return (ts, cpu, ev);
    }

    private static async Task WriteGroupAsync(ParquetWriter writer, RowBatch b, CancellationToken ct)
    {
        using ParquetRowGroupWriter rg = writer.CreateRowGroup();
        int n = b.Count;
        await rg.WriteAsync<long>(TsField, b.Ts.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
        await rg.WriteAsync<int>(CpuField, b.Cpu.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
        await rg.WriteAsync<int>(PidField, b.Pid.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
        await rg.WriteAsync<int>(TgidField, b.Tgid.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
        await rg.WriteAsync(CommField, b.Comm).ConfigureAwait(false);
        await rg.WriteAsync(EventField, b.Event).ConfigureAwait(false);
        await rg.WriteAsync(SystemField, b.System).ConfigureAwait(false);
        await rg.WriteAsync(NameField, b.Name).ConfigureAwait(false);
        await rg.WriteAsync(PayloadField, b.Payload).ConfigureAwait(false);
        await rg.WriteAsync(FlagsField, b.Flags).ConfigureAwait(false);
        await rg.WriteAsync<long>(LineField, b.Line.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
        await rg.WriteAsync<long>(OffsetField, b.Offset.AsMemory(0, n), cancellationToken: ct).ConfigureAwait(false);
        rg.CompleteValidate();
    }

    /// <summary>Column buffers for one row group of owned records (Parquet.Net's general writer; see <see cref="RawEventParquetWriter"/> for a reader's events).</summary>
    private sealed class RowBatch(int capacity)
    {
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
    }
}
