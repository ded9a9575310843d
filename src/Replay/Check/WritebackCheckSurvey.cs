using KernelSim.Replay.Events;
using KernelSim.Replay.Formats;
using KernelSim.Time;
using KernelSim.Tracing;

namespace KernelSim.Replay.Check;

/// <summary>What a first pass learns: the throttled tasks, the bdi's device, the tick phase, the first counters.</summary>
internal sealed class WritebackCheckSurvey
{
    public HashSet<int> ThrottledPids { get; } = [];

    /// <summary>(pid, fd) pairs that write to the page cache: opened by openat in the trace, or a write on them
    /// entered balance_dirty_pages. Writes on other descriptors (pipes, sockets, files opened before the capture
    /// and never throttled) are not counted as dirtying.</summary>
    public HashSet<(int Pid, uint Fd)> FileFds { get; } = [];

    public string? Bdi { get; private set; }

    public GlobalDirtyState? FirstGlobalDirtyState { get; private set; }

    public SimTime FirstEvent { get; private set; }

    public long TickPhaseNs { get; private set; }

    public int TickPhaseSamples { get; private set; }

    public static WritebackCheckSurvey Read(string path, TraceReaderOptions options, int hz)
    {
        var s = new WritebackCheckSurvey();
        var wakeups = new List<(int Pid, long Ns)>();
        var writing = new Dictionary<int, uint>();
        bool any = false;
        using TraceReader reader = TraceReader.Open(path, options);
        while (reader.Read())
        {
            RawEvent e = reader.Current;
            if (!any)
            {
                s.FirstEvent = e.Timestamp;
                any = true;
            }

            if (BalanceDirtyPages.TryDecode(e, out BalanceDirtyPages bdp))
            {
                s.ThrottledPids.Add(bdp.Header.Pid);
                s.Bdi ??= bdp.Bdi;
            }
            else if (GlobalDirtyState.TryDecode(e, out GlobalDirtyState gds))
            {
                s.FirstGlobalDirtyState ??= gds;
                if (writing.TryGetValue(e.Pid, out uint fd))
                {
                    s.FileFds.Add((e.Pid, fd));
                }
            }
            else if (SysEnterPwrite64.TryDecode(e, out SysEnterPwrite64 pw))
            {
                writing[e.Pid] = pw.Fd;
            }
            else if (SysEnterWrite.TryDecode(e, out SysEnterWrite wr))
            {
                writing[e.Pid] = wr.Fd;
            }
            else if (e.Name.SequenceEqual("sys_exit_pwrite64"u8) || e.Name.SequenceEqual("sys_exit_write"u8))
            {
                writing.Remove(e.Pid);
            }
            else if (SysExitOpenat.TryDecode(e, out SysExitOpenat opened) && opened.Ret >= 0)
            {
                s.FileFds.Add((e.Pid, (uint)opened.Ret));
            }
            else if (e.Flags.Length > 2 && e.Flags[2] == (byte)'s' && SchedWakeup.TryDecode(e, out SchedWakeup w))
            {
                wakeups.Add((w.Pid, e.Timestamp.TotalNanoseconds));
            }
        }

        s.EstimateTickPhase(wakeups, hz);
        return s;
    }

    // Throttled tasks sleep in io_schedule_timeout and are woken from the timer softirq right after a tick:
    // the densest 200 µs of their wakeup times modulo the tick, taken at its earliest, is the tick's phase.
    private void EstimateTickPhase(List<(int Pid, long Ns)> wakeups, int hz)
    {
        long tick = 1_000_000_000L / hz;
        var residues = new List<long>();
        foreach ((int pid, long ns) in wakeups)
        {
            if (ThrottledPids.Contains(pid))
            {
                residues.Add(((ns % tick) + tick) % tick);
            }
        }

        TickPhaseSamples = residues.Count;
        if (residues.Count < 3)
        {
            return;
        }

        residues.Sort();
        const long Window = 200_000;
        int n = residues.Count;
        int best = 0;
        int bestCount = 0;
        for (int i = 0; i < n; i++)
        {
            int count = 0;
            for (int k = 0; k < n; k++)
            {
                long d = residues[(i + k) % n] - residues[i];
                if (d < 0)
                {
                    d += tick;
                }

                if (d > Window)
                {
                    break;
                }

                count++;
            }

            if (count > bestCount)
            {
                bestCount = count;
                best = i;
            }
        }

        TickPhaseNs = residues[best];
    }
}
