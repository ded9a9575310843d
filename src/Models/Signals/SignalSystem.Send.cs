namespace KernelSim.Models.Signals;

/// <summary>Generation: the send system calls and kernel-internal sends.</summary>
public sealed partial class SignalSystem
{
    /// <summary>How a sender supplies siginfo (<c>SEND_SIG_NOINFO</c>, <c>SEND_SIG_PRIV</c>, or a real siginfo).</summary>
    internal enum InfoKind
    {
        NoInfo,
        Priv,
        Info,
    }

    /// <summary>
    /// kill(): <paramref name="pid"/> &gt; 0 one process, 0 the caller's process group, -1 every process the
    /// caller may see except itself and pid 1 of its namespace, &lt; -1 the process group -pid. Pids are read
    /// in the sender's namespace; signal 0 only checks existence and permission.
    /// </summary>
    /// <remarks>Kernel: kernel/signal.c <c>kill_something_info</c>, <c>__kill_pgrp_info</c>, <c>group_send_sig_info</c>, <c>check_kill_permission</c>.</remarks>
    /// <param name="senderPid">The calling thread (host pid).</param>
    /// <param name="pid">The target as the sender sees it.</param>
    /// <param name="sig">0..64.</param>
    /// <returns>errno (ESRCH, EPERM, EINVAL) and the generate records.</returns>
    public SendResult Kill(int senderPid, int pid, int sig)
    {
        SimTask sender = LiveTask(senderPid);
        var results = new List<SignalLogEntry>();
        if (sig is < 0 or > SignalNumbers.SIGRTMAX)
        {
            return new SendResult(Errno.EINVAL, results);
        }

        PidNamespace ns = sender.Ns;
        if (pid > 0)
        {
            if (!ns.Tasks.TryGetValue(pid, out SimTask? t) || !Visible(t))
            {
                return new SendResult(Errno.ESRCH, results);
            }

            return new SendResult(GroupSendSigInfo(sender, t, sig, results), results);
        }

        if (pid == -1)
        {
            int count = 0, retval = 0;
            foreach (ThreadGroup g in _groups.ToArray())
            {
                int vnr = g.Leader.NrIn(ns);
                if (vnr > 1 && g != sender.Group && Visible(g.Leader))
                {
                    int err = GroupSendSigInfo(sender, g.Leader, sig, results);
                    count++;
                    if (err != Errno.EPERM)
                    {
                        retval = err;
                    }
                }
            }

            return new SendResult(count > 0 ? retval : Errno.ESRCH, results);
        }

        int pgid;
        if (pid == 0)
        {
            pgid = sender.Group.Pgid;
        }
        else if (pid == int.MinValue || !ns.Tasks.TryGetValue(-pid, out SimTask? leader))
        {
            return new SendResult(Errno.ESRCH, results);
        }
        else
        {
            pgid = leader.Tid;
        }

        return new SendResult(KillPgrp(sender, pgid, sig, InfoKind.NoInfo, results), results);
    }

    /// <summary>tgkill(): a thread-directed signal (si_code SI_TKILL) to <paramref name="tid"/> of <paramref name="tgid"/>, both as the sender sees them.</summary>
    /// <remarks>Kernel: kernel/signal.c <c>do_tkill</c>, <c>do_send_specific</c>.</remarks>
    /// <param name="senderPid">The calling thread (host pid).</param>
    /// <param name="tgid">The process as the sender sees it.</param>
    /// <param name="tid">The thread as the sender sees it.</param>
    /// <param name="sig">0..64.</param>
    /// <returns>errno and the generate records.</returns>
    public SendResult Tgkill(int senderPid, int tgid, int tid, int sig)
    {
        SimTask sender = LiveTask(senderPid);
        var results = new List<SignalLogEntry>();
        if (sig is < 0 or > SignalNumbers.SIGRTMAX || tid <= 0 || tgid <= 0)
        {
            return new SendResult(Errno.EINVAL, results);
        }

        if (!sender.Ns.Tasks.TryGetValue(tid, out SimTask? t) || !Visible(t) || t.Group.Leader.NrIn(sender.Ns) != tgid)
        {
            return new SendResult(Errno.ESRCH, results);
        }

        int err = CheckKillPermission(sender, t, sig);
        if (err == 0 && sig != 0)
        {
            (SignalLogEntry e, int e2) = SendSignalLocked(sender, t, sig, InfoKind.Info, SignalNumbers.SI_TKILL, group: false);
            results.Add(e);
            err = e2;
        }

        return new SendResult(err, results);
    }

    /// <summary>sigqueue() / rt_sigqueueinfo(): a process-wide signal with si_code SI_QUEUE (an RT one fails with EAGAIN over RLIMIT_SIGPENDING).</summary>
    /// <remarks>Kernel: kernel/signal.c <c>do_rt_sigqueueinfo</c>, <c>kill_proc_info</c>.</remarks>
    /// <param name="senderPid">The calling thread (host pid).</param>
    /// <param name="pid">The target as the sender sees it.</param>
    /// <param name="sig">0..64.</param>
    /// <returns>errno and the generate records.</returns>
    public SendResult Sigqueue(int senderPid, int pid, int sig)
    {
        SimTask sender = LiveTask(senderPid);
        var results = new List<SignalLogEntry>();
        if (sig is < 0 or > SignalNumbers.SIGRTMAX || pid <= 0)
        {
            return new SendResult(Errno.EINVAL, results);
        }

        if (!sender.Ns.Tasks.TryGetValue(pid, out SimTask? t) || !Visible(t))
        {
            return new SendResult(Errno.ESRCH, results);
        }

        int err = CheckKillPermission(sender, t, sig);
        if (err == 0 && sig != 0)
        {
            (SignalLogEntry e, int e2) = SendSignalLocked(sender, t, sig, InfoKind.Info, SignalNumbers.SI_QUEUE, group: true);
            results.Add(e);
            err = e2;
        }

        return new SendResult(err, results);
    }

    /// <summary>
    /// force_sig(): a synchronous fault signal raised by the kernel in thread <paramref name="tid"/>. If the signal
    /// is blocked or ignored, it is unblocked and reset to SIG_DFL; with SIG_DFL the process loses
    /// SIGNAL_UNKILLABLE, so a fault kills even a namespace init.
    /// </summary>
    /// <remarks>Kernel: kernel/signal.c <c>force_sig_info_to_task</c>.</remarks>
    /// <param name="tid">The faulting thread.</param>
    /// <param name="sig">The signal (SIGSEGV, SIGBUS, ...).</param>
    /// <returns>The generate record.</returns>
    public SendResult ForceSig(int tid, int sig)
    {
        SimTask t = LiveTask(tid);
        CheckSig(sig);
        if (t.Group == _root.ChildReaper)
        {
            throw new InvalidOperationException("a fatal signal to the host init panics the kernel (Attempted to kill init!)");
        }

        ThreadGroup g = t.Group;
        ulong bit = SignalNumbers.Bit(sig);
        bool blocked = (t.Blocked & bit) != 0;
        if (blocked || g.Actions[sig].Handler == SigHandlerKind.Ignore)
        {
            g.Actions[sig] = SigAction.Default;
            t.Blocked &= ~bit;
        }

        if (g.Actions[sig].Handler == SigHandlerKind.Default)
        {
            g.Unkillable = false;
        }

        (SignalLogEntry e, int err) = SendSignalLocked(null, t, sig, InfoKind.Info, SignalNumbers.SI_KERNEL, group: false);
        return new SendResult(err, [e]);
    }

    /// <summary>The OOM killer's SIGKILL (SEND_SIG_PRIV, forced): kills any process but the host init, namespace inits included.</summary>
    /// <remarks>Kernel: mm/oom_kill.c <c>__oom_kill_process</c> → kernel/signal.c <c>do_send_sig_info</c>.</remarks>
    /// <param name="pid">The victim (host pid).</param>
    /// <returns>The generate record.</returns>
    public SendResult OomKill(int pid)
    {
        SimTask t = LiveTask(pid);
        (SignalLogEntry e, int err) = SendSignalLocked(null, t, SignalNumbers.SIGKILL, InfoKind.Priv, SignalNumbers.SI_KERNEL, group: true);
        return new SendResult(err, [e]);
    }

    /// <summary>
    /// Replays one recorded <c>signal_generate</c>: sender and target are host pids, <paramref name="code"/> is the
    /// printed code (0 no-info, 128 kernel-private, else a real si_code), <paramref name="group"/> the printed grp.
    /// </summary>
    internal SignalLogEntry GenerateRecorded(int senderPid, int targetTid, int sig, int code, bool group)
    {
        _tasks.TryGetValue(senderPid, out SimTask? sender);
        SimTask t = AnyTask(targetTid);
        InfoKind kind = code switch
        {
            SignalNumbers.SI_USER => InfoKind.NoInfo,
            SignalNumbers.SI_KERNEL => InfoKind.Priv,
            _ => InfoKind.Info,
        };
        return SendSignalLocked(sender, t, sig, kind, code, group).Entry;
    }

    /// <summary>Whether a pid still resolves: a zombie's leader does until it is reaped; other dead threads do not.</summary>
    private static bool Visible(SimTask t) => t == t.Group.Leader ? t.Group.State != ProcessLifeState.Reaped : !t.Dead;

    private int GroupSendSigInfo(SimTask sender, SimTask t, int sig, List<SignalLogEntry> results)
    {
        int err = CheckKillPermission(sender, t, sig);
        if (err != 0 || sig == 0)
        {
            return err;
        }

        (SignalLogEntry e, int e2) = SendSignalLocked(sender, t, sig, InfoKind.NoInfo, SignalNumbers.SI_USER, group: true);
        results.Add(e);
        return e2;
    }

    private int KillPgrp(SimTask? sender, int pgid, int sig, InfoKind kind, List<SignalLogEntry> results)
    {
        bool success = false;
        int retval = Errno.ESRCH;
        foreach (ThreadGroup g in _groups.ToArray())
        {
            if (g.Pgid != pgid || !Visible(g.Leader) || (sender is not null && g.Leader.NrIn(sender.Ns) == 0))
            {
                continue;
            }

            int err = sender is null || kind == InfoKind.Priv ? 0 : CheckKillPermission(sender, g.Leader, sig);
            if (err == 0 && sig != 0)
            {
                (SignalLogEntry e, int e2) = SendSignalLocked(sender, g.Leader, sig, kind, kind == InfoKind.Priv ? SignalNumbers.SI_KERNEL : SignalNumbers.SI_USER, group: true);
                results.Add(e);
                err = e2;
            }

            success |= err == 0;
            retval = err;
        }

        return success ? 0 : retval;
    }

    /// <remarks>Kernel: kernel/signal.c <c>check_kill_permission</c>, <c>kill_ok_by_cred</c>.</remarks>
    private static int CheckKillPermission(SimTask sender, SimTask t, int sig)
    {
        if (sender.Group == t.Group || sender.Group.Uid == 0 || sender.Group.Uid == t.Group.Uid)
        {
            return 0;
        }

        return sig == SignalNumbers.SIGCONT && sender.Group.Sid == t.Group.Sid ? 0 : Errno.EPERM;
    }

    /// <summary>What <see cref="GenerateRecorded"/> would return, without changing anything.</summary>
    internal SignalGenerateResult PredictRecorded(int senderPid, int targetTid, int sig, int code, bool group)
    {
        _tasks.TryGetValue(senderPid, out SimTask? sender);
        SimTask t = AnyTask(targetTid);
        InfoKind kind = code switch
        {
            SignalNumbers.SI_USER => InfoKind.NoInfo,
            SignalNumbers.SI_KERNEL => InfoKind.Priv,
            _ => InfoKind.Info,
        };
        (bool force, int siPid, int traceCode) = Classify(sender, t, sig, kind, code);
        if (t.Group.GroupExit || !t.Group.IsAlive || SigIgnored(t, sig, force))
        {
            return SignalGenerateResult.Ignored;
        }

        return Enqueue(t, sig, kind, code, group, siPid, traceCode, apply: false);
    }

    /// <summary>The sending side of send_signal_locked: whether the send is forced and which si_pid the receiver sees.</summary>
    /// <remarks>Kernel: kernel/signal.c <c>send_signal_locked</c>, <c>has_si_pid_and_uid</c>.</remarks>
    private static (bool Force, int SiPid, int TraceCode) Classify(SimTask? sender, SimTask t, int sig, InfoKind kind, int code)
    {
        int senderVnr = sender is null ? 0 : sender.Group.Leader.NrIn(t.Ns);
        switch (kind)
        {
            case InfoKind.NoInfo:
                return (sender is null || senderVnr == 0, senderVnr, SignalNumbers.SI_USER);
            case InfoKind.Priv:
                return (true, 0, SignalNumbers.SI_KERNEL);
            default:
                bool hasPid = code <= 0 || code == SignalNumbers.SI_KERNEL || sig == SignalNumbers.SIGCHLD;
                bool force = code == SignalNumbers.SI_KERNEL;
                int siPid = code == SignalNumbers.SI_KERNEL ? 0 : senderVnr;
                if (hasPid && (sender is null || senderVnr == 0))
                {
                    siPid = 0;
                    force = true;
                }

                return (force, siPid, code);
        }
    }

    /// <summary>Generates one signal and logs it, with the kernel's decision order.</summary>
    /// <remarks>Kernel: kernel/signal.c <c>__send_signal_locked</c>.</remarks>
    private (SignalLogEntry Entry, int Errno) SendSignalLocked(SimTask? sender, SimTask t, int sig, InfoKind kind, int code, bool group)
    {
        (bool force, int siPid, int traceCode) = Classify(sender, t, sig, kind, code);
        SignalGenerateResult result = PrepareSignal(sig, t, force)
            ? Enqueue(t, sig, kind, code, group, siPid, traceCode, apply: true)
            : SignalGenerateResult.Ignored;
        SignalLogEntry e = Append(SignalLogKind.Generate, sig, sender?.Tid ?? 0, t.Tid, traceCode, siPid, group, result);
        return (e, result == SignalGenerateResult.OverflowFail ? Errno.EAGAIN : 0);
    }

    /// <summary>Coalescing, the sigqueue allocation against RLIMIT_SIGPENDING, then complete_signal.</summary>
    /// <remarks>Kernel: kernel/signal.c <c>__send_signal_locked</c>, <c>legacy_queue</c>, <c>__sigqueue_alloc</c>.</remarks>
    private SignalGenerateResult Enqueue(SimTask t, int sig, InfoKind kind, int code, bool group, int siPid, int traceCode, bool apply)
    {
        SigPending pending = group ? t.Group.Shared : t.Pending;
        if (!SignalNumbers.IsRealTime(sig) && pending.Has(sig))
        {
            return SignalGenerateResult.AlreadyPending;
        }

        SignalGenerateResult result = SignalGenerateResult.Delivered;
        if (sig != SignalNumbers.SIGKILL)
        {
            // Legacy signals from kill() or the kernel may exceed the limit (override_rlimit).
            bool overrideRlimit = !SignalNumbers.IsRealTime(sig) && (kind != InfoKind.Info || code >= 0);
            int uid = t.Group.Uid;
            long count = _ucountSigpending.GetValueOrDefault(uid) + 1;
            if (overrideRlimit || count <= t.Group.RlimitSigpending)
            {
                if (apply)
                {
                    _ucountSigpending[uid] = count;
                    pending.Queue.Add(new QueuedSignal(sig, traceCode, siPid, true, uid));
                }
            }
            else if (SignalNumbers.IsRealTime(sig) && kind == InfoKind.Info && code != SignalNumbers.SI_USER)
            {
                return SignalGenerateResult.OverflowFail;
            }
            else
            {
                result = SignalGenerateResult.LoseInfo;
            }
        }

        if (apply)
        {
            pending.Signal |= SignalNumbers.Bit(sig);
            CompleteSignal(sig, t, group);
        }

        return result;
    }

    /// <summary>Generation-time side effects of stop and continue signals; false when the signal is dropped.</summary>
    /// <remarks>Kernel: kernel/signal.c <c>prepare_signal</c>.</remarks>
    private bool PrepareSignal(int sig, SimTask t, bool force)
    {
        ThreadGroup g = t.Group;
        if (g.GroupExit || !g.IsAlive)
        {
            return false;
        }

        if (SignalNumbers.IsStop(sig))
        {
            ulong cont = SignalNumbers.Bit(SignalNumbers.SIGCONT);
            FlushMask(g.Shared, cont);
            foreach (SimTask th in g.Threads)
            {
                FlushMask(th.Pending, cont);
            }
        }
        else if (sig == SignalNumbers.SIGCONT)
        {
            ulong stops = SignalNumbers.Mask(SignalNumbers.SIGSTOP, SignalNumbers.SIGTSTP, SignalNumbers.SIGTTIN, SignalNumbers.SIGTTOU);
            FlushMask(g.Shared, stops);
            foreach (SimTask th in g.Threads)
            {
                FlushMask(th.Pending, stops);
            }

            if (g.State == ProcessLifeState.Stopped)
            {
                g.State = ProcessLifeState.Running;
                g.PendingCldNotify = SignalNumbers.CLD_CONTINUED;
            }
            else if (g.StopPending)
            {
                g.PendingCldNotify = SignalNumbers.CLD_STOPPED;
            }

            g.StopPending = false;
        }

        return !SigIgnored(t, sig, force);
    }

    /// <remarks>Kernel: kernel/signal.c <c>sig_ignored</c> (blocked signals are never ignored; no ptrace in the model).</remarks>
    private static bool SigIgnored(SimTask t, int sig, bool force)
    {
        if ((t.Blocked & SignalNumbers.Bit(sig)) != 0)
        {
            return false;
        }

        return SigTaskIgnored(t.Group, sig, force);
    }

    /// <summary>The init guard and SIG_IGN / default-ignore.</summary>
    /// <remarks>Kernel: kernel/signal.c <c>sig_task_ignored</c>, <c>sig_handler_ignored</c>.</remarks>
    internal static bool SigTaskIgnored(ThreadGroup g, int sig, bool force)
    {
        SigAction a = g.Actions[sig];
        bool isGlobalInit = g.Ns.Level == 0 && g.Ns.ChildReaper == g;
        if (isGlobalInit && SignalNumbers.IsKernelOnly(sig))
        {
            return true;
        }

        if (g.Unkillable && a.Handler == SigHandlerKind.Default && !(force && SignalNumbers.IsKernelOnly(sig)))
        {
            return true;
        }

        return a.Handler == SigHandlerKind.Ignore || (a.Handler == SigHandlerKind.Default && SignalNumbers.IsDefaultIgnored(sig));
    }

    /// <remarks>Kernel: kernel/signal.c <c>wants_signal</c> (a thread with an unblocked signal already pending is not preferred).</remarks>
    private static bool WantsSignal(int sig, SimTask t)
    {
        if ((t.Blocked & SignalNumbers.Bit(sig)) != 0 || t.Dead)
        {
            return false;
        }

        if (sig == SignalNumbers.SIGKILL)
        {
            return true;
        }

        return t.Group.State != ProcessLifeState.Stopped;
    }

    /// <summary>Picks a thread that can take the signal and starts a group exit for a fatal one.</summary>
    /// <remarks>Kernel: kernel/signal.c <c>complete_signal</c> (6.18: no SIGNAL_UNKILLABLE test here; the init guard is
    /// at generation and in get_signal).</remarks>
    private static void CompleteSignal(int sig, SimTask p, bool group)
    {
        ThreadGroup g = p.Group;
        SimTask? t = null;
        if (WantsSignal(sig, p))
        {
            t = p;
        }
        else if (group)
        {
            foreach (SimTask th in g.Threads)
            {
                if (WantsSignal(sig, th))
                {
                    t = th;
                    break;
                }
            }
        }

        if (t is null)
        {
            return;
        }

        SigAction a = g.Actions[sig];
        bool fatal = a.Handler == SigHandlerKind.Default && !SignalNumbers.IsDefaultIgnored(sig) && !SignalNumbers.IsStop(sig);
        if (fatal && !g.GroupExit && !SignalNumbers.IsCoreDump(sig) && !(g.Unkillable && sig != SignalNumbers.SIGKILL))
        {
            StartGroupExit(g, sig, 0);
        }
    }

    private static void StartGroupExit(ThreadGroup g, int termSig, int exitCode)
    {
        g.GroupExit = true;
        g.TermSignal = termSig;
        g.ExitCode = exitCode;
        g.StopPending = false;
        foreach (SimTask th in g.Threads)
        {
            th.Pending.Signal |= SignalNumbers.Bit(SignalNumbers.SIGKILL);
        }
    }
}
