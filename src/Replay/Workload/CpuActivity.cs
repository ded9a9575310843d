using KernelSim.Replay.Events;
using KernelSim.Replay.Formats;
using KernelSim.Time;
using KernelSim.Tracing;

namespace KernelSim.Replay.Workload;

/// <summary>
/// Who had the CPUs during a capture, from <c>sched:sched_switch</c>: the workload's threads, the kernel's
/// own threads (flusher, jbd2, softirqs: they work for the workload), idle, and other programs. Other
/// programs' CPU time competes with the workload and makes a capture a poor model input.
/// </summary>
/// <param name="Cpus">CPUs seen in the trace.</param>
/// <param name="Span">First to last sched_switch.</param>
/// <param name="ForeignCpuTime">Time other programs ran (all CPUs).</param>
/// <param name="TopForeign">The other program that ran longest, with its time, or "none".</param>
/// <param name="Switches">sched_switch events seen (0: the trace cannot tell).</param>
public sealed record CpuActivity(int Cpus, SimDuration Span, SimDuration ForeignCpuTime, string TopForeign, long Switches)
{
    /// <summary>Other programs' share of the capture's CPU time (0 when the trace has no sched_switch).</summary>
    public double ForeignShare => Span.TotalNanoseconds > 0 && Cpus > 0 ? ForeignCpuTime.TotalNanoseconds / ((double)Span.TotalNanoseconds * Cpus) : 0;

    // Kernel threads by name: they run on the workload's behalf (writeback, journal, softirqs, reclaim) or are housekeeping.
    private static readonly string[] KernelThreadPrefixes =
    [
        "swapper", "kworker", "ksoftirqd", "migration", "rcu", "kswapd", "jbd2", "cpuhp", "watchdog", "kcompactd",
        "khugepaged", "kthreadd", "irq/", "kdamond", "idle_inject", "oom_reaper", "kblockd", "kauditd", "kdevtmpfs",
        "writeback", "ext4", "scsi", "loop", "khungtaskd", "ksmd", "kintegrityd", "kthrotld", "kstrp", "napi/",
    ];

    /// <summary>
    /// Reads <paramref name="tracePath"/> once and attributes each CPU's time between consecutive switches to the
    /// task switched out at the later one (robust to switches the trace missed at the start of a run).
    /// </summary>
    /// <param name="tracePath">The capture.</param>
    /// <param name="workloadPids">Threads of the workload (those that made the file calls).</param>
    public static CpuActivity Measure(string tracePath, IReadOnlyCollection<int> workloadPids)
    {
        ArgumentNullException.ThrowIfNull(workloadPids);
        var workload = new HashSet<int>(workloadPids);
        var workloadComms = new HashSet<string>(StringComparer.Ordinal);
        var lastSwitch = new Dictionary<int, long>();
        var foreignByComm = new Dictionary<string, long>(StringComparer.Ordinal);
        long first = long.MaxValue, last = long.MinValue, switches = 0;
        int maxCpu = -1;
        // An auxiliary pass: what the main read already reported (malformed lines, losses) is not refused again here.
        using KernelSim.Replay.Capture.CaptureManifest? manifest = KernelSim.Replay.Capture.CaptureManifest.TryLoadFor(tracePath);
        TraceReaderOptions options = new() { Lenient = true };
        using (TraceReader reader = TraceReader.Open(tracePath, manifest?.ApplyTo(options) ?? options))
        {
            while (reader.Read())
            {
                RawEvent e = reader.Current;
                if (!SchedSwitch.TryDecode(e, out SchedSwitch sw))
                {
                    continue;
                }

                switches++;
                long t = e.Timestamp.TotalNanoseconds;
                first = Math.Min(first, t);
                last = Math.Max(last, t);
                maxCpu = Math.Max(maxCpu, e.Cpu);
                if (workload.Contains(sw.PrevPid))
                {
                    workloadComms.Add(sw.PrevComm);
                }

                if (lastSwitch.TryGetValue(e.Cpu, out long since) && t > since && sw.PrevPid != 0 && !workload.Contains(sw.PrevPid) && !IsKernelThread(sw.PrevComm))
                {
                    foreignByComm[sw.PrevComm] = foreignByComm.GetValueOrDefault(sw.PrevComm) + (t - since);
                }

                lastSwitch[e.Cpu] = t;
            }
        }

        long foreign = 0, top = 0;
        string topName = "none";
        foreach ((string comm, long ns) in foreignByComm)
        {
            // Siblings of the workload's threads (fio's main process, a shell's pipeline) share its name.
            if (workloadComms.Contains(comm))
            {
                continue;
            }

            foreign += ns;
            if (ns > top || (ns == top && string.CompareOrdinal(comm, topName) < 0))
            {
                top = ns;
                topName = comm;
            }
        }

        string topText = top > 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{topName} {top / 1e6:F0} ms") : "none";
        return new CpuActivity(maxCpu + 1, SimDuration.FromNanoseconds(switches > 0 ? last - first : 0), SimDuration.FromNanoseconds(foreign), topText, switches);
    }

    private static bool IsKernelThread(string comm)
    {
        foreach (string p in KernelThreadPrefixes)
        {
            if (comm.StartsWith(p, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
