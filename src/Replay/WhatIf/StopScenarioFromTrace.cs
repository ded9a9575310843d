using KernelSim.Models.Signals;
using KernelSim.Replay.Events;
using KernelSim.Replay.Formats;
using KernelSim.Time;
using KernelSim.Tracing;

namespace KernelSim.Replay.WhatIf;

/// <summary>
/// Rebuilds a container's process tree for the stop what-if from a trace with sched_process_fork/exit/free
/// and signal_generate/deliver events: the descendants of a given PID 1, and for each process what the
/// trace shows of its behaviour.
/// </summary>
/// <remarks>
/// What is inferred, and from what: a handler for a signal from a signal_deliver whose sa_handler is neither
/// SIG_DFL (0) nor SIG_IGN (1); an ignored signal from a signal_generate result "ignored" for a process other
/// than PID 1 (for PID 1 that is the init guard, not a disposition); the exit delay after a handled signal
/// from that delivery to the process's sched_process_exit; forwarding from a handled signal the process
/// then sent to one of its children; reaping from a child's sched_process_free in the parent's context.
/// Dispositions that never show in the trace are taken as SIG_DFL.
/// </remarks>
public static class StopScenarioFromTrace
{
    private static readonly int[] StopSignals =
    [
        SignalNumbers.SIGTERM, SignalNumbers.SIGINT, SignalNumbers.SIGHUP, SignalNumbers.SIGQUIT, SignalNumbers.SIGUSR1, SignalNumbers.SIGUSR2,
    ];

    /// <summary>Builds the tree under <paramref name="rootPid"/> (host pid of the container's PID 1).</summary>
    /// <exception cref="TraceFormatException">The trace does not show <paramref name="rootPid"/>.</exception>
    public static IReadOnlyList<StopProcessSpec> Build(string tracePath, int rootPid)
    {
        var parent = new Dictionary<int, int>();
        var comm = new Dictionary<int, string>();
        var handled = new Dictionary<int, SortedSet<int>>();
        var ignored = new Dictionary<int, SortedSet<int>>();
        var firstHandledAt = new Dictionary<int, long>();
        var exitAt = new Dictionary<int, long>();
        var forwards = new HashSet<int>();
        var reaps = new HashSet<int>();
        var order = new List<int> { rootPid };
        bool seen = false;
        using (TraceReader r = TraceReader.Open(tracePath, TraceReaderOptions.Default with { Lenient = true }))
        {
            while (r.Read())
            {
                RawEvent e = r.Current;
                if (e.Pid == rootPid)
                {
                    seen = true;
                }

                if (e.Pid != 0 && !comm.ContainsKey(e.Pid) && e.Comm.Length > 0)
                {
                    comm[e.Pid] = System.Text.Encoding.UTF8.GetString(e.Comm);
                }

                if (SchedProcessFork.TryDecode(e, out SchedProcessFork fork))
                {
                    parent[fork.ChildPid] = fork.ParentPid;
                    comm[fork.ChildPid] = fork.ChildComm;
                    order.Add(fork.ChildPid);
                    seen |= fork.ChildPid == rootPid;
                }
                else if (SignalDeliver.TryDecode(e, out SignalDeliver d))
                {
                    if (d.SaHandler > 1 && Array.IndexOf(StopSignals, d.Sig) >= 0)
                    {
                        Add(handled, e.Pid, d.Sig);
                        firstHandledAt.TryAdd(e.Pid, e.Timestamp.TotalNanoseconds);
                    }
                }
                else if (SignalGenerate.TryDecode(e, out SignalGenerate g))
                {
                    if (g.Result == TraceSignalResult.Ignored && g.Pid != rootPid && Array.IndexOf(StopSignals, g.Sig) >= 0)
                    {
                        Add(ignored, g.Pid, g.Sig);
                    }

                    if (handled.TryGetValue(e.Pid, out SortedSet<int>? h) && h!.Contains(g.Sig) && parent.TryGetValue(g.Pid, out int p) && p == e.Pid)
                    {
                        forwards.Add(e.Pid);
                    }
                }
                else if (SchedProcessExit.TryDecode(e, out SchedProcessExit x))
                {
                    exitAt.TryAdd(x.Pid, e.Timestamp.TotalNanoseconds);
                }
                else if (SchedProcessFree.TryDecode(e, out SchedProcessFree f))
                {
                    if (parent.TryGetValue(f.Pid, out int p) && p == e.Pid)
                    {
                        reaps.Add(e.Pid);
                    }
                }
            }
        }

        if (!seen)
        {
            throw new TraceFormatException(tracePath, 0, 0, rootPid.ToString(System.Globalization.CultureInfo.InvariantCulture), "a pid that appears in the trace (the container's PID 1, as a host pid)");
        }

        var inTree = new HashSet<int> { rootPid };
        var emitted = new HashSet<int>();
        var specs = new List<StopProcessSpec>();
        foreach (int pid in order)
        {
            if (pid != rootPid && !(parent.TryGetValue(pid, out int pp) && inTree.Contains(pp)))
            {
                continue;
            }

            inTree.Add(pid);
            if (!emitted.Add(pid))
            {
                continue;
            }

            SimDuration? delay = firstHandledAt.TryGetValue(pid, out long h) && exitAt.TryGetValue(pid, out long x) && x >= h
                ? SimDuration.FromNanoseconds(x - h)
                : null;
            specs.Add(new StopProcessSpec(
                Name(pid),
                pid == rootPid ? null : Name(parent[pid]),
                handled.TryGetValue(pid, out SortedSet<int>? hs) ? hs.ToArray() : [],
                ignored.TryGetValue(pid, out SortedSet<int>? igs) ? igs.ToArray() : [],
                delay,
                forwards.Contains(pid),
                reaps.Contains(pid)));
        }

        return specs;

        string Name(int pid) => (comm.TryGetValue(pid, out string? c) ? c : "pid") + "-" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static void Add(Dictionary<int, SortedSet<int>> map, int pid, int sig)
    {
        if (!map.TryGetValue(pid, out SortedSet<int>? set))
        {
            set = [];
            map.Add(pid, set);
        }

        set.Add(sig);
    }
}
