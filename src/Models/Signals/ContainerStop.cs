using KernelSim.Simulation;
using KernelSim.Time;

namespace KernelSim.Models.Signals;

/// <summary>
/// Predicts a container stop: the runtime sends the stop signal to the container's PID 1 from the host,
/// waits the grace period, then sends SIGKILL. Kernel semantics (the init guard, forced SIGKILL from an
/// ancestor namespace, zap_pid_ns_processes, reaping) come from <see cref="SignalSystem"/>; what handlers
/// do (exit after a delay, forward to children, reap) comes from the <see cref="StopProcessSpec"/>s.
/// </summary>
/// <remarks>
/// Deterministic: events run in (time, sequence) order on <see cref="EventQueue{T}"/>. Time passes only
/// through handler delays and the grace period; signal delivery itself is taken as instantaneous.
/// </remarks>
public static class ContainerStop
{
    private readonly record struct Pending(int Pid, bool KillFromHost);

    /// <summary>Predicts what <paramref name="policy"/> does to the container described by <paramref name="processes"/>.</summary>
    /// <exception cref="ArgumentException">The tree is not a tree (no root, two roots, unknown parent, duplicate name).</exception>
    public static StopOutcome Predict(IReadOnlyList<StopProcessSpec> processes, StopPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(processes);
        ArgumentNullException.ThrowIfNull(policy);
        var sys = new SignalSystem();
        int shim = sys.Fork(SignalSystem.InitPid, comm: "runtime").Pid;
        var pidOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var specOf = new Dictionary<int, StopProcessSpec>();
        var firstChild = new Dictionary<int, int>();
        StopProcessSpec[] roots = processes.Where(p => p.Parent is null).ToArray();
        if (roots.Length != 1)
        {
            throw new ArgumentException($"The process tree needs exactly one process without a parent (the container's PID 1); it has {roots.Length}.", nameof(processes));
        }

        StopProcessSpec root = roots[0];
        Spawn(root, sys.Fork(shim, CloneFlags.NewPid, root.Name).Pid);
        var remaining = processes.Where(p => p.Parent is not null).ToList();
        while (remaining.Count > 0)
        {
            StopProcessSpec? next = remaining.FirstOrDefault(p => pidOf.ContainsKey(p.Parent!));
            if (next is null)
            {
                throw new ArgumentException($"Unknown parent '{remaining[0].Parent}' of '{remaining[0].Name}'.", nameof(processes));
            }

            remaining.Remove(next);
            Spawn(next, sys.Fork(pidOf[next.Parent!], CloneFlags.None, next.Name).Pid);
        }

        int init = pidOf[root.Name];
        var timeline = new List<StopEvent>();
        var exitSignals = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var zombies = new List<string>();
        var queue = new EventQueue<Pending>();
        long now = 0;
        int logIndex = 0;
        bool neededKill = false;
        long? stoppedAt = null;
        var stopSignalFate = new Dictionary<int, string>();
        var ended = new Dictionary<int, (StopEnd By, int Code, int Sig, long At)>();

        sys.Kill(shim, init, policy.Signal);
        Settle();
        queue.Enqueue(SimTime.FromNanoseconds(policy.Grace.TotalNanoseconds), new Pending(init, KillFromHost: true));
        while (stoppedAt is null && queue.TryDequeue(out Pending p, out EventKey key))
        {
            now = key.Time.TotalNanoseconds;
            if (p.KillFromHost)
            {
                if (sys.IsAlive(init))
                {
                    neededKill = true;
                    sys.Kill(shim, init, SignalNumbers.SIGKILL);
                }
            }
            else if (sys.IsAlive(p.Pid))
            {
                sys.ExitGroup(p.Pid, 0);
            }

            Settle();
        }

        var perProcess = new List<StopProcessOutcome>();
        foreach ((int pid, StopProcessSpec spec) in specOf.OrderBy(kv => kv.Key))
        {
            string fate = stopSignalFate.GetValueOrDefault(pid, "not sent");
            perProcess.Add(ended.TryGetValue(pid, out var e)
                ? new StopProcessOutcome(spec.Name, fate, e.By, e.Code, e.Sig, SimDuration.FromNanoseconds(e.At))
                : new StopProcessOutcome(spec.Name, fate, StopEnd.Running, 0, 0, null));
        }

        return new StopOutcome(SimDuration.FromNanoseconds(stoppedAt ?? now), neededKill, timeline, exitSignals, zombies) { Processes = perProcess };

        void Spawn(StopProcessSpec spec, int pid)
        {
            if (pidOf.ContainsKey(spec.Name))
            {
                throw new ArgumentException($"Duplicate process name '{spec.Name}'.", nameof(processes));
            }

            pidOf[spec.Name] = pid;
            specOf[pid] = spec;
            if (spec.Parent is not null)
            {
                firstChild.TryAdd(pidOf[spec.Parent], pid);
            }

            // Every process of a container is exec'd: handlers inherited from the parent reset to SIG_DFL
            // (ignored signals stay ignored, as on the kernel).
            sys.Exec(pid, spec.Name);
            foreach (int sig in spec.Handled)
            {
                sys.SetDisposition(pid, sig, SigAction.Handle);
            }

            foreach (int sig in spec.Ignored)
            {
                sys.SetDisposition(pid, sig, SigAction.Ignore);
            }
        }

        string NameOf(int pid) => specOf.TryGetValue(pid, out StopProcessSpec? s) ? s.Name : pid == shim ? "runtime" : "pid " + pid;

        // Deliver everything, then apply what handlers and reapers do, until nothing moves.
        void Settle()
        {
            bool moved = true;
            while (moved)
            {
                sys.RunUntilQuiet();
                moved = false;
                for (; logIndex < sys.Log.Count; logIndex++)
                {
                    SignalLogEntry e = sys.Log[logIndex];
                    var t = SimDuration.FromNanoseconds(now);
                    switch (e.Kind)
                    {
                        case SignalLogKind.Generate when e.Result == SignalGenerateResult.Ignored && specOf.ContainsKey(e.TargetPid):
                            timeline.Add(new StopEvent(t, NameOf(e.TargetPid), $"{SignalNumbers.Name(e.Sig)} ignored"));
                            if (e.Sig == policy.Signal)
                            {
                                stopSignalFate.TryAdd(e.TargetPid, "ignored");
                            }

                            break;
                        case SignalLogKind.Generate when e.Sig == policy.Signal && specOf.ContainsKey(e.TargetPid):
                            stopSignalFate.TryAdd(e.TargetPid, "default action");
                            break;
                        case SignalLogKind.Deliver when specOf.TryGetValue(e.TargetPid, out StopProcessSpec? spec) && spec.Handled.Contains(e.Sig):
                            timeline.Add(new StopEvent(t, spec.Name, $"{SignalNumbers.Name(e.Sig)} handled"));
                            if (e.Sig == policy.Signal)
                            {
                                stopSignalFate[e.TargetPid] = "handled";
                            }

                            if (spec.ForwardsSignals)
                            {
                                foreach (int child in ChildrenOf(e.TargetPid))
                                {
                                    sys.Kill(e.TargetPid, sys.PidAsSeenBy(e.TargetPid, child), e.Sig);
                                    moved = true;
                                }
                            }

                            if (spec.ExitAfterHandling is SimDuration delay)
                            {
                                queue.Enqueue(SimTime.FromNanoseconds(now + delay.TotalNanoseconds), new Pending(e.TargetPid, KillFromHost: false));
                            }

                            break;
                        case SignalLogKind.Exit when specOf.ContainsKey(e.TargetPid):
                            exitSignals[NameOf(e.TargetPid)] = e.Sig;
                            timeline.Add(new StopEvent(t, NameOf(e.TargetPid), e.Sig != 0 ? $"exited ({SignalNumbers.Name(e.Sig)})" : $"exited (code {e.Code})"));
                            StopEnd by = e.Sig switch
                            {
                                0 => StopEnd.OwnExit,
                                _ when e.Sig == policy.Signal && stopSignalFate.ContainsKey(e.TargetPid) => StopEnd.StopSignal,
                                SignalNumbers.SIGKILL when e.TargetPid == init => StopEnd.GraceKill,
                                SignalNumbers.SIGKILL => StopEnd.TeardownKill,
                                _ => StopEnd.OtherSignal,
                            };
                            ended.TryAdd(e.TargetPid, (by, e.Sig == 0 ? e.Code : 0, e.Sig, now));
                            int parent = sys.GetProcess(e.TargetPid).ParentPid;
                            if (e.TargetPid == init)
                            {
                                stoppedAt ??= now;
                                sys.Reap(shim);
                            }
                            else if (specOf.TryGetValue(parent, out StopProcessSpec? ps) && ps.ReapsChildren && sys.IsAlive(parent))
                            {
                                sys.Reap(parent);
                                moved = true;
                                if (ps.ExitWhenChildrenGone && firstChild.TryGetValue(parent, out int started) && started == e.TargetPid)
                                {
                                    // tini/dumb-init exit as soon as the child they started exits.
                                    sys.ExitGroup(parent, 0);
                                }
                            }
                            else if (sys.IsAlive(init))
                            {
                                zombies.Add(NameOf(e.TargetPid));
                            }

                            break;
                        case SignalLogKind.Reap when specOf.ContainsKey(e.TargetPid):
                            timeline.Add(new StopEvent(t, NameOf(e.TargetPid), "reaped"));
                            break;
                    }
                }
            }
        }

        IEnumerable<int> ChildrenOf(int pid)
        {
            var kids = new List<int>();
            foreach (KeyValuePair<int, StopProcessSpec> kv in specOf)
            {
                if (sys.IsAlive(kv.Key) && sys.GetProcess(kv.Key).ParentPid == pid)
                {
                    kids.Add(kv.Key);
                }
            }

            kids.Sort();
            return kids;
        }
    }
}
