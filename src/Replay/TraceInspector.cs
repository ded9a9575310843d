using KernelSim.Replay.Capture;
using KernelSim.Replay.Formats;
using KernelSim.Replay.Store;

namespace KernelSim.Replay;

/// <summary>Summarises trace files of any supported kind (text or KernelSim Parquet).</summary>
public static class TraceInspector
{
    /// <summary>
    /// Summarises a file: text traces are streamed with <paramref name="options"/> (merged with the
    /// capture manifest beside the file, if any); Parquet files written by <c>ksim convert</c> are
    /// summarised from their columns.
    /// </summary>
    /// <param name="path">The trace.</param>
    /// <param name="options">Reader options; the manifest fills in clock and HZ not set here.</param>
    /// <param name="progress">Called now and then with (bytes done, bytes total) of the source file.</param>
    /// <param name="cancellationToken">Cancels between events.</param>
    /// <remarks>
    /// The file is opened once and its kind sniffed from a buffered head, so a pipe or
    /// <c>/dev/stdin</c> works for every format; Parquet, which needs seeking, is first copied from a
    /// pipe to an owner-only temp file that is deleted when done.
    /// </remarks>
    /// <exception cref="TraceFormatException">Malformed input in strict mode, or not a trace at all.</exception>
    public static async Task<TraceSummary> SummarizeFileAsync(string path, TraceReaderOptions? options = null, Action<long, long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            throw new TraceFormatException(path, 0, "(a directory)", "a trace file, not a directory", null);
        }

        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var source = new SourceStream(fs);
        if (TraceInput.IsParquetHead(source.Head))
        {
            StoredTraceSummary s;
            await using (source.ConfigureAwait(false))
            {
                if (fs.CanSeek)
                {
                    fs.Position = 0;
                    s = await ParquetTraceStore.SummarizeAsync(fs, path, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    FileStream spool = TraceInput.SpoolToTemp(source, ".parquet");
                    await using (spool.ConfigureAwait(false))
                    {
                        s = await ParquetTraceStore.SummarizeAsync(spool, path, cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            return new TraceSummary(path, "parquet", null, Sorted(s.EventCounts), s.TotalEvents, s.Cpus, s.First, s.Last, s.LostEvents, s.MalformedLines, s.Truncated, null);
        }

        options ??= TraceReaderOptions.Default;
        long? manifestLost = null;
        using (CaptureManifest? manifest = CaptureManifest.TryLoadFor(path))
        {
            if (manifest is not null)
            {
                options = manifest.ApplyTo(options);
                manifestLost = manifest.LostEvents;
            }
        }

        using TraceReader reader = TraceReader.Open(source, path, options);
        TraceSummary summary = Summarize(reader, progress, cancellationToken);
        return summary with
        {
            ManifestLostEvents = manifestLost,
            LostEvents = Math.Max(summary.LostEvents, manifestLost ?? 0),
        };
    }

    /// <summary>Reads <paramref name="reader"/> to the end and summarises it.</summary>
    public static TraceSummary Summarize(TraceReader reader, Action<long, long>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        long[] counts = new long[64];
        long n = 0;
        while (reader.Read())
        {
            int id = reader.CurrentTypeId;
            if (id >= counts.Length)
            {
                Array.Resize(ref counts, Math.Max(id + 1, counts.Length * 2));
            }

            counts[id]++;
            if ((++n & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (progress is not null && reader.SourcePosition is long pos && reader.SourceLength is long len)
                {
                    progress(pos, len);
                }
            }
        }

        var byName = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < reader.EventTypes.Count; i++)
        {
            byName[reader.EventTypes[i]] = byName.GetValueOrDefault(reader.EventTypes[i]) + counts[i];
        }

        TraceDiagnostics d = reader.Diagnostics;
        int cpus = Math.Max(reader.CpusSeen, d.HeaderCpuCount ?? 0);
        return new TraceSummary(
            reader.SourceName,
            TraceSummary.FormatName(reader.Format),
            reader.Compression,
            Sorted(byName),
            reader.EventsRead,
            cpus,
            reader.FirstTimestamp,
            reader.LastTimestamp,
            d.LostEvents,
            d.MalformedLines,
            d.Truncated,
            d);
    }

    /// <summary>
    /// True if the file starts with the Parquet magic "PAR1". False for a pipe or character device,
    /// whose first bytes cannot be looked at without consuming them (<see cref="SummarizeFileAsync"/>
    /// sniffs those itself).
    /// </summary>
    public static bool IsParquet(string path)
    {
        using FileStream fs = File.OpenRead(path);
        if (!fs.CanSeek)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[4];
        return fs.ReadAtLeast(head, 4, throwOnEndOfStream: false) == 4 && head.SequenceEqual("PAR1"u8);
    }

    private static SortedDictionary<string, long> Sorted(IReadOnlyDictionary<string, long> d)
    {
        var s = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, long> kv in d)
        {
            s[kv.Key] = kv.Value;
        }

        return s;
    }
}
