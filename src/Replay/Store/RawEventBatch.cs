using System.Text;
using KernelSim.Replay.Formats;
using KernelSim.Tracing;

namespace KernelSim.Replay.Store;

/// <summary>
/// One row group's events as a reader gave them, column by column, as raw bytes: the numbers in arrays, comm,
/// payload and flags appended to one byte arena each, the event type as its id. Filled on the reader's thread
/// (copies only, no strings), encoded on another by <see cref="RawEventPageEncoder"/>.
/// </summary>
internal sealed class RawEventBatch
{
    public RawEventBatch(int capacity)
    {
        Ts = new long[capacity];
        Cpu = new int[capacity];
        Pid = new int[capacity];
        Tgid = new int[capacity];
        TypeId = new int[capacity];
        Line = new long[capacity];
        Offset = new long[capacity];
        Comm = new ByteColumn(capacity, 16);
        Payload = new ByteColumn(capacity, 96);
        Flags = new ByteColumn(capacity, 8);
    }

    public int Capacity => Ts.Length;

    public int Count { get; private set; }

    public long[] Ts { get; }

    public int[] Cpu { get; }

    public int[] Pid { get; }

    public int[] Tgid { get; }

    public int[] TypeId { get; }

    public long[] Line { get; }

    public long[] Offset { get; }

    public ByteColumn Comm { get; }

    public ByteColumn Payload { get; }

    public ByteColumn Flags { get; }

    /// <summary>The event types the ids refer to, as the reader had them when the batch was filled.</summary>
    public EventTypeText[] Types { get; private set; } = [];

    public void Clear()
    {
        Count = 0;
        Comm.Clear();
        Payload.Clear();
        Flags.Clear();
    }

    public void Add(in RawEvent e)
    {
        int i = Count++;
        Ts[i] = e.Timestamp.TotalNanoseconds;
        Cpu[i] = e.Cpu;
        Pid[i] = e.Pid;
        Tgid[i] = e.Tgid;
        TypeId[i] = e.TypeId;
        Comm.Add(e.Comm);
        Payload.Add(e.Payload);
        Flags.Add(e.Flags);
        Line[i] = e.Line;
        Offset[i] = e.ByteOffset;
    }

    /// <summary>Takes the reader's type names (on the reader's thread, which adds types; earlier entries never change).</summary>
    /// <param name="types">The reader's table.</param>
    /// <param name="known">Entries made for an earlier batch, reused.</param>
    public void SnapshotTypes(TraceEventTypes types, EventTypeText[] known)
    {
        if (known.Length == types.Count)
        {
            Types = known;
            return;
        }

        var t = new EventTypeText[types.Count];
        known.CopyTo(t, 0);
        for (int i = known.Length; i < t.Length; i++)
        {
            t[i] = new EventTypeText(types[i], types.SystemOf(i), types.NameOf(i));
        }

        Types = t;
    }

    /// <summary>Variable-length byte values appended to one arena; value i is <c>Arena[End[i-1]..End[i]]</c>.</summary>
    internal sealed class ByteColumn(int capacity, int bytesPerValue)
    {
        private byte[] _arena = new byte[capacity * bytesPerValue];

        public int[] End { get; } = new int[capacity];

        public int Used { get; private set; }

        public int Count { get; private set; }

        public ReadOnlySpan<byte> Bytes => _arena.AsSpan(0, Used);

        public ReadOnlySpan<byte> this[int i] => _arena.AsSpan(i == 0 ? 0 : End[i - 1], End[i] - (i == 0 ? 0 : End[i - 1]));

        public void Clear()
        {
            Used = 0;
            Count = 0;
        }

        public void Add(ReadOnlySpan<byte> value)
        {
            if (Used + value.Length > _arena.Length)
            {
                Array.Resize(ref _arena, Math.Max(_arena.Length * 2, Used + value.Length));
            }

            value.CopyTo(_arena.AsSpan(Used));
            Used += value.Length;
            End[Count++] = Used;
        }
    }

    /// <summary>An event type's three string values as Parquet.Net would be given them, with their UTF-8 bytes.</summary>
    internal sealed class EventTypeText(string full, string system, string name)
    {
        public string Full { get; } = full;

        public string System { get; } = system;

        public string Name { get; } = name;

        public byte[] FullUtf8 { get; } = Encoding.UTF8.GetBytes(full);

        public byte[] SystemUtf8 { get; } = Encoding.UTF8.GetBytes(system);

        public byte[] NameUtf8 { get; } = Encoding.UTF8.GetBytes(name);
    }
}
