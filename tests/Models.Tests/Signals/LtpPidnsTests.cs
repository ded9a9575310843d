using KernelSim.Models.Signals;
using static KernelSim.Models.Signals.SignalNumbers;

namespace KernelSim.Models.Tests.Signals;

/// <summary>
/// Known answers: LTP testcases/kernel/containers/pidns (pidns04..31) and the kernel selftest
/// tools/testing/selftests/pid_namespace/regression_enomem.c, as summarised in KERNEL-NOTES §5.1.
/// </summary>
public sealed class LtpPidnsTests
{
    /// <summary>A host process P (pid 2) whose child is PID 1 of a new namespace.</summary>
    private static (SignalSystem Sys, int Parent, int Init) Container()
    {
        var sys = new SignalSystem();
        int parent = sys.Fork(SignalSystem.InitPid, comm: "ltp").Pid;
        ForkResult init = sys.Fork(parent, CloneFlags.NewPid, "cinit");
        Assert.True(init.Succeeded);
        Assert.Equal(1, sys.PidAsSeenBy(init.Pid, init.Pid));
        return (sys, parent, init.Pid);
    }

    [Fact]
    public void Kill_Pidns04_InitSurvivesItsOwnSigkill()
    {
        (SignalSystem sys, _, int init) = Container();
        SendResult r = sys.Kill(init, 1, SIGKILL);
        sys.RunUntilQuiet();
        Assert.Equal(0, r.Errno);
        Assert.Equal(SignalGenerateResult.Ignored, Assert.Single(r.Results).Result);
        Assert.True(sys.IsAlive(init));
    }

    [Fact]
    public void Kill_Pidns05_SigkillToOuterOfFiveNestedInits_NoneSurvive()
    {
        (SignalSystem sys, int parent, int first) = Container();
        var chain = new List<int> { first };
        for (int i = 1; i < 5; i++)
        {
            ForkResult f = sys.Fork(chain[^1], CloneFlags.NewPid, $"init{i}");
            Assert.True(f.Succeeded);
            chain.Add(f.Pid);
        }

        Assert.Equal(5, sys.GetProcess(chain[^1]).NamespaceLevel);
        SendResult r = sys.Kill(parent, first, SIGKILL);
        sys.RunUntilQuiet();
        Assert.Equal(SignalGenerateResult.Delivered, Assert.Single(r.Results).Result);
        Assert.All(chain, pid => Assert.False(sys.IsAlive(pid)));
        Assert.Equal(SIGKILL, sys.GetProcess(first).TermSignal);
    }

    [Fact]
    public void Kill_Pidns06_OuterParentPidFromInside_Esrch()
    {
        (SignalSystem sys, int parent, int init) = Container();
        SendResult r = sys.Kill(init, parent, SIGKILL);
        Assert.Equal(Errno.ESRCH, r.Errno);
        Assert.Empty(r.Results);
        Assert.True(sys.IsAlive(parent));
        Assert.Equal(0, sys.GetPpid(init));
    }

    [Fact]
    public void Kill_Pidns10_MinusOneFromInitWithoutChildren_Esrch()
    {
        (SignalSystem sys, _, int init) = Container();
        SendResult r = sys.Kill(init, -1, SIGKILL);
        Assert.Equal(Errno.ESRCH, r.Errno);
        Assert.True(sys.IsAlive(init));
    }

    [Fact]
    public void Kill_Pidns12_FromParentNamespace_HandlerSeesSiPidZero()
    {
        (SignalSystem sys, int parent, int init) = Container();
        sys.SetDisposition(init, SIGUSR1, new SigAction(SigHandlerKind.Handler, SaFlags.SigInfo));
        SendResult r = sys.Kill(parent, init, SIGUSR1);
        sys.RunUntilQuiet();
        Assert.Equal(SignalGenerateResult.Delivered, Assert.Single(r.Results).Result);
        Assert.Equal(1, sys.HandlerRuns(init, SIGUSR1));
        Assert.Equal(0, sys.LastHandlerSiPid(init, SIGUSR1));
    }

    [Fact]
    public void Kill_Pidns16_SelfSentAfterParentSent_SiPidZeroThenOne()
    {
        (SignalSystem sys, int parent, int init) = Container();
        sys.SetDisposition(init, SIGUSR1, new SigAction(SigHandlerKind.Handler, SaFlags.SigInfo));
        sys.Kill(parent, init, SIGUSR1);
        sys.RunUntilQuiet();
        Assert.Equal(0, sys.LastHandlerSiPid(init, SIGUSR1));
        SendResult self = sys.Kill(init, 1, SIGUSR1);
        sys.RunUntilQuiet();
        Assert.Equal(0, self.Errno);
        Assert.Equal(2, sys.HandlerRuns(init, SIGUSR1));
        Assert.Equal(1, sys.LastHandlerSiPid(init, SIGUSR1));
    }

    [Fact]
    public void Kill_Pidns17_MinusOneFromInitWithTenChildren_AllKilledBySigusr1InitLives()
    {
        (SignalSystem sys, _, int init) = Container();
        var kids = new List<int>();
        for (int i = 0; i < 10; i++)
        {
            kids.Add(sys.Fork(init, comm: "kid").Pid);
        }

        SendResult r = sys.Kill(init, -1, SIGUSR1);
        sys.RunUntilQuiet();
        Assert.Equal(0, r.Errno);
        Assert.Equal(10, r.Results.Count);
        Assert.All(kids, k => Assert.Equal(SIGUSR1, sys.GetProcess(k).TermSignal));
        Assert.All(kids, k => Assert.Equal(k, sys.Reap(init)));
        Assert.True(sys.IsAlive(init));
    }

    [Fact]
    public void Kill_Pidns20_BlockedAtSendTime_DeliveredOnceAfterHandlerAndUnblock()
    {
        (SignalSystem sys, int parent, int init) = Container();
        sys.Block(init, SIGUSR1);
        SendResult[] sends = [sys.Kill(parent, init, SIGUSR1), sys.Kill(parent, init, SIGUSR1), sys.Kill(parent, init, SIGUSR1)];
        sys.RunUntilQuiet();
        Assert.Equal(0, sys.HandlerRuns(init, SIGUSR1));
        Assert.Equal(
            [SignalGenerateResult.Delivered, SignalGenerateResult.AlreadyPending, SignalGenerateResult.AlreadyPending],
            sends.Select(s => Assert.Single(s.Results).Result));
        sys.SetDisposition(init, SIGUSR1, SigAction.Handle);
        sys.Unblock(init, SIGUSR1);
        sys.RunUntilQuiet();
        Assert.Equal(1, sys.HandlerRuns(init, SIGUSR1));
        Assert.True(sys.IsAlive(init));
    }

    [Fact]
    public void Notify_Pidns31_FromChildNamespace_SiPidIsChildPidInParentNamespace()
    {
        (SignalSystem sys, int parent, int init) = Container();
        sys.SetDisposition(parent, SIGCHLD, new SigAction(SigHandlerKind.Handler, SaFlags.SigInfo));
        sys.ExitGroup(init, 0);
        sys.RunUntilQuiet();
        Assert.Equal(1, sys.HandlerRuns(parent, SIGCHLD));
        Assert.Equal(init, sys.LastHandlerSiPid(parent, SIGCHLD));
        Assert.NotEqual(1, sys.LastHandlerSiPid(parent, SIGCHLD));
    }

    [Fact]
    public void Fork_RegressionEnomem_IntoNamespaceWhoseInitDied_Enomem()
    {
        var sys = new SignalSystem();
        int parent = sys.Fork(SignalSystem.InitPid, comm: "selftest").Pid;
        Assert.Equal(0, sys.UnsharePidNamespace(parent));
        ForkResult init = sys.Fork(parent, comm: "child");
        Assert.True(init.Succeeded);
        Assert.True(sys.GetProcess(init.Pid).IsNamespaceInit);
        sys.ExitGroup(init.Pid, 0);
        Assert.Equal(init.Pid, sys.Reap(parent));
        ForkResult again = sys.Fork(parent, comm: "child2");
        Assert.Equal(Errno.ENOMEM, again.Errno);
    }
}
