using System.Globalization;
using System.Text.Json;
using KernelSim.Replay.Formats;

namespace KernelSim.Replay.Capture;

/// <summary>
/// The capture configuration written by <c>traces/capture/ksim-capture</c> next to a trace
/// (<c>x.trace.gz</c> → <c>x.manifest.json</c>). Schema: traces/README.md. The whole document is kept in
/// <see cref="Document"/>; the properties below are the parts readers and models use.
/// </summary>
public sealed class CaptureManifest : IDisposable
{
    private static readonly string[] TraceSuffixes = [".trace", ".txt", ".dat", ".perf", ".ftrace", ".parquet"];
    private static readonly string[] CompressionSuffixes = [".gz", ".zst", ".xz"];

    private CaptureManifest(string path, JsonDocument document)
    {
        Path = path;
        Document = document;
    }

    /// <summary>Where the manifest was read from.</summary>
    public string Path { get; }

    /// <summary>The parsed JSON.</summary>
    public JsonDocument Document { get; }

    /// <summary>The trace_clock the capture used, if recorded.</summary>
    public TraceClock Clock => GetString("trace.clock") switch
    {
        "local" => TraceClock.Local,
        "global" => TraceClock.Global,
        "counter" => TraceClock.Counter,
        "uptime" => TraceClock.Uptime,
        "perf" => TraceClock.Perf,
        "mono" => TraceClock.Mono,
        "mono_raw" => TraceClock.MonoRaw,
        "boot" => TraceClock.Boot,
        "tai" => TraceClock.Tai,
        "x86-tsc" => TraceClock.X86Tsc,
        _ => TraceClock.Auto,
    };

    /// <summary>CONFIG_HZ of the captured kernel, if recorded.</summary>
    public int? Hz => GetInt64("kernel.hz") is long hz and > 0 and < 100_000 ? (int)hz : null;

    /// <summary>The memory limit the workload ran under, in bytes, if any.</summary>
    public long? MemoryLimitBytes => GetInt64("cgroup.limit_bytes");

    /// <summary>
    /// Events the ring buffer lost during the capture (per-CPU overrun + dropped), if recorded. In
    /// snapshot captures (overwrite off) this is the only record of losses: the text shows none.
    /// </summary>
    public long? LostEvents => GetInt64("trace.lost_events");

    /// <summary>
    /// The pid of the captured command (the root of the workload's process tree), if recorded and in the
    /// kernel's pid range (1 to 4,194,304, PID_MAX_LIMIT).
    /// </summary>
    public int? WorkloadPid => GetInt64("workload_pid") is long pid and > 0 and <= 4_194_304 ? (int)pid : null;

    /// <summary>Kernel release (uname -r), if recorded.</summary>
    public string? KernelRelease => GetString("kernel.release");

    /// <summary>The cgroup version (1 or 2), if recorded.</summary>
    public int? CgroupVersion => GetInt64("cgroup.version") is long v ? (int)v : null;

    /// <summary>Reader options that follow this capture (clock and HZ), on top of <paramref name="baseOptions"/>.</summary>
    public TraceReaderOptions ApplyTo(TraceReaderOptions baseOptions)
    {
        ArgumentNullException.ThrowIfNull(baseOptions);
        TraceReaderOptions o = baseOptions;
        if (o.Clock == TraceClock.Auto && Clock != TraceClock.Auto)
        {
            o = o with { Clock = Clock };
        }

        if (GetInt64("kernel.user_hz") is long userHz and > 0 and < 100_000)
        {
            o = o with { UserHz = (int)userHz };
        }

        if (GetInt64("kernel.tsc_hz") is long tsc && tsc > 0 && o.TscTicksPerSecond is null)
        {
            o = o with { TscTicksPerSecond = tsc };
        }

        return o;
    }

    /// <summary>The manifest path for a trace: <c>x.trace.gz</c>, <c>x.trace</c>, <c>x.txt.zst</c> → <c>x.manifest.json</c>.</summary>
    public static string PathFor(string tracePath) => CaptureBase(tracePath) + ".manifest.json";

    /// <summary>
    /// A capture's base path: the trace path without its compression and trace suffixes
    /// (<c>traces/x.trace.xz</c> → <c>traces/x</c>). Every file of a capture shares it.
    /// </summary>
    public static string CaptureBase(string tracePath)
    {
        ArgumentNullException.ThrowIfNull(tracePath);
        string p = tracePath;
        foreach (string c in CompressionSuffixes)
        {
            if (p.EndsWith(c, StringComparison.Ordinal))
            {
                p = p[..^c.Length];
                break;
            }
        }

        foreach (string t in TraceSuffixes)
        {
            if (p.EndsWith(t, StringComparison.Ordinal))
            {
                p = p[..^t.Length];
                break;
            }
        }

        return p;
    }

    /// <summary>
    /// The committed text captures in <paramref name="directory"/> whose base name matches <paramref name="basePattern"/>
    /// (<c>x.trace.gz</c>, <c>x.trace.xz</c>, <c>x.trace.zst</c> or plain <c>x.trace</c>), in ordinal order.
    /// </summary>
    public static IReadOnlyList<string> FindCaptures(string directory, string basePattern = "*")
    {
        var found = new List<string>();
        foreach (string f in Directory.GetFiles(directory, basePattern + ".trace*"))
        {
            string suffix = f[(f.LastIndexOf(".trace", StringComparison.Ordinal) + ".trace".Length)..];
            if (suffix.Length == 0 || Array.IndexOf(CompressionSuffixes, suffix) >= 0)
            {
                found.Add(f);
            }
        }

        found.Sort(StringComparer.Ordinal);
        return found;
    }

    /// <summary>Loads the manifest beside <paramref name="tracePath"/>, or returns null if there is none.</summary>
    /// <exception cref="TraceFormatException">The manifest exists but is not valid JSON.</exception>
    public static CaptureManifest? TryLoadFor(string tracePath)
    {
        string path = PathFor(tracePath);
        return File.Exists(path) ? Load(path) : null;
    }

    /// <summary>Largest manifest read, in bytes (the fixtures' are under 20 KiB).</summary>
    public const long MaxBytes = 16 << 20;

    /// <summary>Loads a manifest file and checks the fields KernelSim uses (type and range; see traces/README.md).</summary>
    /// <exception cref="TraceFormatException">The file is not valid JSON, is larger than <see cref="MaxBytes"/>, or a field KernelSim uses has the wrong type or is out of range (the message names the field).</exception>
    public static CaptureManifest Load(string path)
    {
        JsonDocument doc;
        try
        {
            using FileStream fs = File.OpenRead(path);
            if (fs.Length > MaxBytes)
            {
                throw new TraceFormatException(path, 0, 0, fs.Length.ToString(CultureInfo.InvariantCulture) + " bytes", $"a capture manifest of at most {MaxBytes} bytes");
            }

            var bytes = new byte[fs.Length];
            fs.ReadExactly(bytes);
            // JsonDocument checks UTF-8 inside strings only when one is read (GetString threw InvalidOperationException
            // from a model's getter; found by tools/Fuzz, manifest #9326 of seed 17): check the whole file here.
            if (System.Text.Unicode.Utf8.IsValid(bytes) is false)
            {
                throw new TraceFormatException(path, 0, 0, "invalid UTF-8", "a capture manifest in UTF-8 (see traces/README.md)");
            }

            doc = JsonDocument.Parse(bytes);
        }
        catch (JsonException ex)
        {
            throw new TraceFormatException(path, (ex.LineNumber ?? 0) + 1, ex.BytePositionInLine ?? 0, ex.Message, "a JSON capture manifest (see traces/README.md)");
        }

        var manifest = new CaptureManifest(path, doc);
        try
        {
            manifest.Validate();
        }
        catch
        {
            manifest.Dispose();
            throw;
        }

        return manifest;
    }

    // The fields models read, with the range they accept (null or absent: unknown, the model's default).
    private static readonly (string Key, long Min, long Max)[] IntegerFields =
    [
        ("host.cpus", 1, 8192),
        ("host.mem_total_bytes", 1, 1L << 50),
        ("kernel.hz", 1, 99_999),
        ("kernel.user_hz", 1, 99_999),
        ("kernel.page_size", 4096, 1 << 20),
        ("kernel.tsc_hz", 1, 100_000_000_000),
        ("cgroup.version", 1, 2),
        ("cgroup.limit_bytes", 1, long.MaxValue),
        ("trace.lost_events", 0, long.MaxValue),
        ("sysctl.vm.dirty_ratio", 0, 100),
        ("sysctl.vm.dirty_background_ratio", 0, 100),
        ("sysctl.vm.dirty_bytes", 0, long.MaxValue),
        ("sysctl.vm.dirty_background_bytes", 0, long.MaxValue),
        ("sysctl.vm.dirty_expire_centisecs", 0, int.MaxValue),
        ("sysctl.vm.dirty_writeback_centisecs", 0, int.MaxValue),
        ("sysctl.net.core.netdev_budget", 1, int.MaxValue),
        ("sysctl.net.core.netdev_budget_usecs", 1, int.MaxValue),
        ("sysctl.net.core.dev_weight", 1, int.MaxValue),
        ("sysctl.net.core.netdev_max_backlog", 1, int.MaxValue),
    ];

    // footprint.*: bytes up to 1 PiB; kmem_per_cache_byte a small factor.
    private static readonly (string Key, double Max)[] FootprintFields =
    [
        ("anon_bytes", 1L << 50),
        ("hot_mapped_bytes", 1L << 50),
        ("activated_fill_bytes", 1L << 50),
        ("mapped_file_bytes", 1L << 50),
        ("kmem_base_bytes", 1L << 50),
        ("kmem_per_cache_byte", 16),
    ];

    private void Validate()
    {
        if (Document.RootElement.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("(document)", Document.RootElement.ValueKind.ToString(), "a JSON object");
        }

        foreach ((string key, long min, long max) in IntegerFields)
        {
            if (Find(key) is not JsonElement e || e.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            string range = string.Create(CultureInfo.InvariantCulture, $"an integer in [{min}, {max}]");
            long? v = e.ValueKind switch
            {
                JsonValueKind.Number when e.TryGetInt64(out long n) => n,
                JsonValueKind.String when long.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long n) => n,
                _ => null,
            };
            if (v is not long value || value < min || value > max)
            {
                throw Invalid(key, e.GetRawText(), range);
            }
        }

        if (Find("host.block_devices") is JsonElement devs && devs.ValueKind != JsonValueKind.Null)
        {
            if (devs.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("host.block_devices", devs.GetRawText(), "an array of {name, dev, read_ahead_kb}");
            }

            foreach (JsonElement d in devs.EnumerateArray())
            {
                if (d.ValueKind != JsonValueKind.Object || !d.TryGetProperty("read_ahead_kb", out JsonElement ra)
                    || !ra.TryGetInt64(out long kb) || kb < 0 || kb > MaxReadaheadKb)
                {
                    throw Invalid("host.block_devices", d.GetRawText(), string.Create(CultureInfo.InvariantCulture, $"entries with an integer read_ahead_kb in [0, {MaxReadaheadKb}]"));
                }
            }
        }

        if (Document.RootElement.TryGetProperty("command", out JsonElement cmd) && cmd.ValueKind != JsonValueKind.Null)
        {
            if (cmd.ValueKind != JsonValueKind.Array || cmd.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String))
            {
                throw Invalid("command", cmd.GetRawText(), "an array of strings (the argv that was run)");
            }
        }

        if (Document.RootElement.TryGetProperty("footprint", out JsonElement f) && f.ValueKind != JsonValueKind.Null)
        {
            if (f.ValueKind != JsonValueKind.Object)
            {
                throw Invalid("footprint", f.GetRawText(), "an object (written by traces/capture/measure-footprint)");
            }

            foreach ((string key, double max) in FootprintFields)
            {
                if (f.TryGetProperty(key, out JsonElement v) && v.ValueKind != JsonValueKind.Null
                    && !(v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) && d >= 0 && d <= max))
                {
                    throw Invalid("footprint." + key, v.GetRawText(), string.Create(CultureInfo.InvariantCulture, $"a number in [0, {max}]"));
                }
            }
        }
    }

    private TraceFormatException Invalid(string field, string found, string expected) =>
        new(Path, 0, 0, field + " = " + (found.Length > 80 ? found[..80] + "..." : found), $"'{field}' {expected} in the capture manifest (traces/README.md)");

    /// <summary>
    /// The readahead window of the capture host's block devices (host.block_devices[].read_ahead_kb, recorded by the kit):
    /// the largest when there are several (the trace does not say which device the workload's files are on), or null
    /// when the manifest has none.
    /// </summary>
    public int? ReadaheadKb
    {
        get
        {
            if (Find("host.block_devices") is not { ValueKind: JsonValueKind.Array } devs)
            {
                return null;
            }

            long? max = null;
            foreach (JsonElement d in devs.EnumerateArray())
            {
                if (d.ValueKind == JsonValueKind.Object && d.TryGetProperty("read_ahead_kb", out JsonElement ra) && ra.TryGetInt64(out long kb) && kb >= 0 && kb <= MaxReadaheadKb)
                {
                    max = Math.Max(max ?? 0, kb);
                }
            }

            return max is long m ? (int)m : null;
        }
    }

    // Largest read_ahead_kb accepted (1 GiB).
    private const long MaxReadaheadKb = 1 << 20;

    /// <summary>A top-level (or dotted, "a.b") string property, or null. Keys may contain dots ("sysctl.vm.dirty_ratio").</summary>
    public string? GetString(string name) =>
        Find(name) is { ValueKind: JsonValueKind.String } e ? e.GetString() : null;

    /// <summary>A top-level (or dotted, "a.b") integer property (number or numeric string), or null. Keys may contain dots ("sysctl.vm.dirty_bytes").</summary>
    public long? GetInt64(string name) => Find(name) switch
    {
        { ValueKind: JsonValueKind.Number } e when e.TryGetInt64(out long v) => v,
        { ValueKind: JsonValueKind.String } e when long.TryParse(e.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out long v) => v,
        _ => null,
    };

    /// <inheritdoc />
    public void Dispose() => Document.Dispose();

    private JsonElement? Find(string dotted) => Find(Document.RootElement, dotted.Split('.'), 0);

    // Property names may contain dots themselves (the "sysctl" object is keyed "vm.dirty_bytes"): at each level
    // try the shortest run of parts that names a property first, then longer ones.
    private static JsonElement? Find(JsonElement e, string[] parts, int from)
    {
        if (from == parts.Length)
        {
            return e;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        for (int to = from + 1; to <= parts.Length; to++)
        {
            string key = string.Join('.', parts, from, to - from);
            if (e.TryGetProperty(key, out JsonElement next) && Find(next, parts, to) is JsonElement found)
            {
                return found;
            }
        }

        return null;
    }
}
