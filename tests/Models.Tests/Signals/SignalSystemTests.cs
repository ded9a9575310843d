using KernelSim.Models.Signals;
using static KernelSim.Models.Signals.SignalNumbers;

namespace KernelSim.Models.Tests.Signals;

/// <summary>Unit tests of the generation, delivery and exit paths (KERNEL-NOTES §4).</summary>
public sealed class SignalSystemTests
{
    private static (SignalSystem Sys, int Host, int Init) Container()
    {
        var sys = new SignalSystem();
        int host = sys.Fork(SignalSystem.InitPid, comm: "runtime").Pid;
        int init = sys.Fork(host, CloneFlags.NewPid, "cinit").Pid;
        return (sys, host, init);
    }

    private static SignalGenerateResult One(SendResult r) => Assert.Single(r.Results).Result;

    [Fact]
    public void SigTaskIgnored_SigtermFromAncestorToDefaultInit_Ignored()
    {
        (SignalSystem sys, int host, int init) = Container();
        Assert.Equal(SignalGenerateResult.Ignored, One(sys.Kill(host, init, SIGTERM)));
        sys.RunUntilQuiet();
        Assert.True(sys.IsAlive(init));
    }

    [Fact]
    public void SigTaskIgnored_SigstopFromAncestor_ForcedAndSigcontResumes()
    {
        (SignalSystem sys, int host, int init) = Container();
        sys.SetDisposition(host, SIGCHLD, SigAction.Handle);
        Assert.Equal(SignalGenerateResult.Delivered, One(sys.Kill(host, init, SIGSTOP)));
        sys.RunUntilQuiet();
        Assert.Equal(ProcessLifeState.Stopped, sys.GetProcess(init).State);
        Assert.Equal(SignalGenerateResult.Ignored, One(sys.Kill(init, 1, SIGSTOP)));
        sys.Kill(host, init, SIGCONT);
        sys.RunUntilQuiet();
        Assert.Equal(ProcessLifeState.Running, sys.GetProcess(init).State);
        int[] cld = sys.Log.Where(e => e.Kind == SignalLogKind.Generate && e.Sig == SIGCHLD).Select(e => e.Code).ToArray();
        Assert.Equal([CLD_STOPPED, CLD_CONTINUED], cld);
    }

    [Fact]
    public void PrepareSignal_SigcontAtGeneration_FlushesPendingStops()
    {
        (SignalSystem sys, int host, int init) = Container();
        int child = sys.Fork(init).Pid;
        sys.Block(child, SIGTSTP);
        sys.Kill(host, child, SIGTSTP);
        Assert.NotEqual(0UL, sys.PendingSignals(child) & Bit(SIGTSTP));
        sys.Kill(host, child, SIGCONT);
        Assert.Equal(0UL, sys.PendingSignals(child) & Bit(SIGTSTP));
    }

    [Fact]
    public void OomKill_NamespaceInit_KillsItAndItsNamespace()
    {
        (SignalSystem sys, _, int init) = Container();
        int a = sys.Fork(init).Pid, b = sys.Fork(a).Pid;
        Assert.Equal(SignalGenerateResult.Delivered, One(sys.OomKill(init)));
        sys.RunUntilQuiet();
        Assert.False(sys.IsAlive(init));
        Assert.False(sys.IsAlive(a));
        Assert.False(sys.IsAlive(b));
        SignalLogEntry[] zap = sys.Log.Where(e => e.Kind == SignalLogKind.Generate && e.SenderPid == init && e.Sig == SIGKILL).ToArray();
        Assert.Equal([a, b], zap.Select(e => e.TargetPid));
        Assert.All(zap, e => Assert.Equal(SI_KERNEL, e.Code));
    }

    [Fact]
    public void ForceSig_SegvInNamespaceInit_ClearsUnkillableAndDumpsCore()
    {
        (SignalSystem sys, _, int init) = Container();
        sys.Block(init, SIGSEGV);
        sys.ForceSig(init, SIGSEGV);
        sys.RunUntilQuiet();
        ProcessSnapshot p = sys.GetProcess(init);
        Assert.False(p.IsAlive);
        Assert.Equal(SIGSEGV, p.TermSignal);
        Assert.True(p.CoreDumped);
    }

    [Fact]
    public void SendSignal_FtraceSignalSample_AllFiveResultsAndDeliveryOrder()
    {
        // traces/samples/ftrace-signal.txt (gen/sig.py): RLIMIT_SIGPENDING 2 and one queued signal of the
        // same user elsewhere in the system.
        var sys = new SignalSystem();
        int parent = sys.Fork(SignalSystem.InitPid, comm: "python3").Pid;
        int other = sys.Fork(SignalSystem.InitPid, comm: "elsewhere").Pid;
        sys.Block(other, SIGRTMIN + 5);
        sys.Sigqueue(other, other, SIGRTMIN + 5);
        int child = sys.Fork(parent).Pid;
        int rt0 = SIGRTMIN + 2, rt1 = SIGRTMIN + 3;
        foreach (int s in new[] { SIGUSR1, rt0, rt1 })
        {
            sys.SetDisposition(child, s, SigAction.Handle);
        }

        sys.SetDisposition(child, SIGUSR2, SigAction.Ignore);
        sys.SetBlocked(child, Mask(SIGUSR1, rt0, rt1));
        sys.SetRlimitSigpending(child, 2);
        var results = new List<SignalGenerateResult>
        {
            One(sys.Kill(parent, child, SIGUSR2)),
            One(sys.Kill(parent, child, SIGUSR1)),
            One(sys.Kill(parent, child, SIGUSR1)),
            One(sys.Tgkill(parent, child, child, SIGUSR1)),
        };
        for (int i = 0; i < 4; i++)
        {
            SendResult q = sys.Sigqueue(parent, child, rt0);
            Assert.Equal(Errno.EAGAIN, q.Errno);
            results.Add(One(q));
        }

        results.Add(One(sys.Kill(parent, child, rt1)));
        results.Add(One(sys.Kill(parent, child, rt1)));
        Assert.Equal(
            [1, 0, 2, 4, 3, 3, 3, 3, 4, 4],
            results.Select(r => (int)r));
        sys.SetBlocked(child, 0);
        sys.RunUntilQuiet();
        int[] delivered = sys.Log.Where(e => e.Kind == SignalLogKind.Deliver && e.TargetPid == child).Select(e => e.Sig).ToArray();
        Assert.Equal([SIGUSR1, rt1, SIGUSR1], delivered);
        sys.ExitGroup(child, 0);
        Assert.Equal(SignalGenerateResult.Ignored, sys.Log[^1].Result);
    }

    [Fact]
    public void Handler_SaResethand_SecondDeliveryTakesTheDefault()
    {
        (SignalSystem sys, _, int init) = Container();
        int c = sys.Fork(init).Pid;
        sys.SetDisposition(c, SIGUSR1, new SigAction(SigHandlerKind.Handler, SaFlags.ResetHand));
        sys.Kill(init, 2, SIGUSR1);
        sys.RunUntilQuiet();
        Assert.True(sys.IsAlive(c));
        Assert.Equal(SigHandlerKind.Default, sys.GetDisposition(c, SIGUSR1).Handler);
        sys.Kill(init, 2, SIGUSR1);
        sys.RunUntilQuiet();
        Assert.Equal(SIGUSR1, sys.GetProcess(c).TermSignal);
    }

    [Fact]
    public void Handler_SaNodefer_NestsTheSameSignal()
    {
        var sys = new SignalSystem();
        int p = sys.Fork(SignalSystem.InitPid).Pid;
        sys.SetDisposition(p, SIGUSR1, new SigAction(SigHandlerKind.Handler, SaFlags.NoDefer));
        sys.Kill(p, p, SIGUSR1);
        sys.Tick();
        Assert.Equal(0UL, sys.GetBlocked(p) & Bit(SIGUSR1));
        sys.SetDisposition(p, SIGUSR2, SigAction.Handle);
        sys.Kill(p, p, SIGUSR2);
        sys.Tick();
        Assert.NotEqual(0UL, sys.GetBlocked(p) & Bit(SIGUSR2));
        sys.RunUntilQuiet();
        Assert.Equal(0UL, sys.GetBlocked(p));
    }

    [Fact]
    public void FindNewReaper_ChildSubreaper_AdoptsOrphans()
    {
        (SignalSystem sys, _, int init) = Container();
        int sub = sys.Fork(init).Pid;
        sys.SetChildSubreaper(sub, true);
        int mid = sys.Fork(sub).Pid;
        int leaf = sys.Fork(mid).Pid;
        sys.ExitGroup(mid, 0);
        Assert.Equal(sub, sys.GetProcess(leaf).ParentPid);
        sys.SetChildSubreaper(sub, false);
        int mid2 = sys.Fork(sub).Pid;
        int leaf2 = sys.Fork(mid2).Pid;
        sys.ExitGroup(mid2, 0);
        Assert.Equal(init, sys.GetProcess(leaf2).ParentPid);
    }

    [Fact]
    public void Kill_ProcessGroup_ReachesMembersOnly()
    {
        (SignalSystem sys, _, int init) = Container();
        int leader = sys.Fork(init).Pid;
        Assert.Equal(0, sys.SetProcessGroup(leader, 0));
        int member = sys.Fork(leader).Pid;
        int outsider = sys.Fork(init).Pid;
        SendResult r = sys.Kill(init, -sys.PidAsSeenBy(init, leader), SIGTERM);
        sys.RunUntilQuiet();
        Assert.Equal(2, r.Results.Count);
        Assert.False(sys.IsAlive(leader));
        Assert.False(sys.IsAlive(member));
        Assert.True(sys.IsAlive(outsider));
    }

    [Fact]
    public void Fork_NestingAndCloneParent_LimitsAndEinval()
    {
        var sys = new SignalSystem();
        int p = sys.Fork(SignalSystem.InitPid).Pid;
        for (int i = 0; i < 32; i++)
        {
            ForkResult f = sys.Fork(p, CloneFlags.NewPid);
            Assert.True(f.Succeeded);
            p = f.Pid;
        }

        Assert.Equal(32, sys.GetProcess(p).NamespaceLevel);
        Assert.Equal(Errno.ENOSPC, sys.Fork(p, CloneFlags.NewPid).Errno);
        Assert.Equal(Errno.EINVAL, sys.Fork(p, CloneFlags.Parent).Errno);
    }

    [Fact]
    public void ExitNotify_ParentDefaultSigchld_ZombieUntilReaped_IgnoreAutoreaps()
    {
        var sys = new SignalSystem();
        int p = sys.Fork(SignalSystem.InitPid).Pid;
        int c = sys.Fork(p).Pid;
        sys.ExitGroup(c, 3);
        Assert.Equal(SignalGenerateResult.Ignored, sys.Log[^1].Result);
        Assert.Equal(ProcessLifeState.Zombie, sys.GetProcess(c).State);
        Assert.Equal(3, sys.GetProcess(c).ExitCode);
        Assert.Equal(c, sys.Reap(p));
        Assert.Equal(-Errno.ECHILD, sys.Reap(p));
        sys.SetDisposition(p, SIGCHLD, SigAction.Ignore);
        int c2 = sys.Fork(p).Pid;
        int before = sys.Log.Count(e => e.Kind == SignalLogKind.Generate);
        sys.ExitGroup(c2, 0);
        Assert.Equal(ProcessLifeState.Reaped, sys.GetProcess(c2).State);
        Assert.Equal(before, sys.Log.Count(e => e.Kind == SignalLogKind.Generate));
    }

    [Fact]
    public void Kill_MinusOneFromHostProcess_SkipsInitAndItself()
    {
        (SignalSystem sys, int host, int init) = Container();
        int c = sys.Fork(init).Pid;
        SendResult r = sys.Kill(host, -1, SIGUSR2);
        Assert.DoesNotContain(r.Results, e => e.TargetPid == host || e.TargetPid == SignalSystem.InitPid);
        Assert.Contains(r.Results, e => e.TargetPid == init && e.Result == SignalGenerateResult.Ignored);
        Assert.Contains(r.Results, e => e.TargetPid == c && e.Result == SignalGenerateResult.Delivered);
    }
}
