using System.Text;

namespace KernelSim.Replay.Formats;

/// <summary>
/// The event types a reader has met, numbered in order of first appearance. <see cref="KernelSim.Tracing.RawEvent.TypeId"/>
/// indexes this table, so per-type counting needs no string work.
/// </summary>
public sealed class TraceEventTypes
{
    private readonly List<Entry> _entries = [];
    private readonly Dictionary<string, int> _byToken = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _lookup;

    // A direct-mapped cache from the printed token's bytes to its id, checked before the dictionary: a
    // trace has tens of event types, so nearly every event hits here and skips the byte-to-char copy and
    // the string hash (bench/README.md, "info").
    private readonly byte[]?[] _cacheToken = new byte[]?[CacheSlots];
    private readonly int[] _cacheId = new int[CacheSlots];
    private const int CacheSlots = 256;
    private readonly byte[]?[] _syscallToken = new byte[]?[CacheSlots];
    private readonly bool[] _syscallEnter = new bool[CacheSlots];
    private readonly int[] _syscallId = new int[CacheSlots];

    internal TraceEventTypes() => _lookup = _byToken.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Number of distinct event types seen.</summary>
    public int Count => _entries.Count;

    /// <summary>"subsystem:event" of type <paramref name="typeId"/> (the bare name if the subsystem is unknown).</summary>
    public string this[int typeId] => _entries[typeId].FullName;

    /// <summary>Subsystem of type <paramref name="typeId"/> ("" if unknown).</summary>
    public string SystemOf(int typeId) => _entries[typeId].System;

    /// <summary>Name of type <paramref name="typeId"/>.</summary>
    public string NameOf(int typeId) => _entries[typeId].Name;

    internal byte[] SystemBytes(int typeId) => _entries[typeId].SystemUtf8;

    internal byte[] NameBytes(int typeId) => _entries[typeId].NameUtf8;

    /// <summary>Finds or adds the type whose printed token is <paramref name="token"/> (ASCII: "sched_switch" or "sched:sched_switch").</summary>
    internal int Intern(ReadOnlySpan<byte> token)
    {
        int slot = CacheSlot(token);
        if (_cacheToken[slot] is byte[] cached && token.SequenceEqual(cached))
        {
            return _cacheId[slot];
        }

        int id = InternSlow(token);
        _cacheToken[slot] = token.ToArray();
        _cacheId[slot] = id;
        return id;
    }

    /// <summary>
    /// The type of a syscall event ftrace printed in its own shape ("sys_write(...)" or "sys_write -> 0x2"): the
    /// tracepoint syscalls:sys_enter_write or sys_exit_write. <paramref name="bare"/> is the name after "sys_".
    /// </summary>
    internal int InternSyscall(bool enter, ReadOnlySpan<byte> bare)
    {
        // Cached by the bare name, so that nearly every syscall line skips building "sys_enter_" + name.
        int slot = CacheSlot(bare) ^ (enter ? 0 : CacheSlots / 2);
        if (_syscallToken[slot] is byte[] cached && _syscallEnter[slot] == enter && bare.SequenceEqual(cached))
        {
            return _syscallId[slot];
        }

        ReadOnlySpan<byte> prefix = enter ? "sys_enter_"u8 : "sys_exit_"u8;
        int len = prefix.Length + bare.Length;
        Span<byte> token = len <= 256 ? stackalloc byte[len] : new byte[len];
        prefix.CopyTo(token);
        bare.CopyTo(token[prefix.Length..]);
        int id = Intern(token);
        _syscallToken[slot] = bare.ToArray();
        _syscallEnter[slot] = enter;
        _syscallId[slot] = id;
        return id;
    }

    private static int CacheSlot(ReadOnlySpan<byte> token)
    {
        if (token.IsEmpty)
        {
            return 0;
        }

        // Length and the bytes at both ends and the middle tell apart the tracepoint names seen in practice.
        unchecked
        {
            uint h = (uint)token.Length * 31u;
            h = (h ^ token[0]) * 16777619u;
            h = (h ^ token[token.Length >> 1]) * 16777619u;
            h = (h ^ token[^1]) * 16777619u;
            h = (h ^ token[^Math.Min(token.Length, 4)]) * 16777619u;
            return (int)((h ^ (h >> 16)) & (CacheSlots - 1));
        }
    }

    private int InternSlow(ReadOnlySpan<byte> token)
    {
        Span<char> chars = token.Length <= 256 ? stackalloc char[token.Length] : new char[token.Length];
        for (int i = 0; i < token.Length; i++)
        {
            chars[i] = (char)token[i];
        }

        if (_lookup.TryGetValue(chars, out int id))
        {
            return id;
        }

        string text = Encoding.UTF8.GetString(token);
        string system;
        string name;
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0)
        {
            system = text[..colon];
            name = text[(colon + 1)..];
        }
        else if (text == "tracing_mark_write")
        {
            // ftrace text prints ftrace:print events (trace_marker writes) under this name.
            system = "ftrace";
            name = "print";
        }
        else
        {
            name = text;
            system = KnownEvents.TryGetSystem(name, out string s) ? s : string.Empty;
        }

        id = _entries.Count;
        _entries.Add(new Entry(system, name, Encoding.UTF8.GetBytes(system), Encoding.UTF8.GetBytes(name)));
        _byToken.Add(new string(chars), id);
        return id;
    }

    private sealed record Entry(string System, string Name, byte[] SystemUtf8, byte[] NameUtf8)
    {
        public string FullName { get; } = System.Length == 0 ? Name : System + ":" + Name;
    }
}
