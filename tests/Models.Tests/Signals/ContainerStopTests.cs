using KernelSim.Models.Signals;
using KernelSim.Time;
using static KernelSim.Models.Signals.SignalNumbers;

namespace KernelSim.Models.Tests.Signals;

public class ContainerStopTests
{
    private static StopProcessSpec App(string name, string? parent, bool handlesTerm, long exitAfterMs = 100) =>
        new(name, parent, handlesTerm ? [SIGTERM] : [], [], handlesTerm ? SimDuration.FromMilliseconds(exitAfterMs) : null, false, false);

    private static StopProcessSpec Tini(string name = "tini") =>
        new(name, null, [SIGTERM, SIGINT], [], null, ForwardsSignals: true, ReapsChildren: true, ExitWhenChildrenGone: true);

    // The classic: a shell as PID 1 without a TERM handler. SIGTERM from the host is dropped by the init guard
    // (SIGNAL_UNKILLABLE, default disposition, not SIGKILL/SIGSTOP), the app never hears it, and docker stop
    // waits the full 10 s for SIGKILL.
    [Fact]
    public void ShellAsPid1_TermIgnored_StopTakesTheWholeGracePeriod()
    {
        StopOutcome o = ContainerStop.Predict([App("sh", null, handlesTerm: false), App("app", "sh", handlesTerm: true)], StopPolicy.DockerDefault);
        Assert.True(o.NeededKill);
        Assert.Equal(SimDuration.FromSeconds(10), o.TimeToStop);
        Assert.Equal(SIGKILL, o.ExitSignals["sh"]);
        Assert.Equal(SIGKILL, o.ExitSignals["app"]);
        Assert.Contains(o.Timeline, e => e.Process == "sh" && e.What == "SIGTERM ignored");
        Assert.DoesNotContain(o.Timeline, e => e.Process == "app" && e.What.StartsWith("SIGTERM", StringComparison.Ordinal));
    }

    [Fact]
    public void TiniAsPid1_ForwardsTerm_StopsWhenTheAppExits()
    {
        StopOutcome o = ContainerStop.Predict([Tini(), App("app", "tini", handlesTerm: true, exitAfterMs: 250)], StopPolicy.DockerDefault);
        Assert.False(o.NeededKill);
        Assert.Equal(SimDuration.FromMilliseconds(250), o.TimeToStop);
        Assert.Equal(0, o.ExitSignals["app"]);
        Assert.Contains(o.Timeline, e => e.Process == "app" && e.What == "SIGTERM handled");
        Assert.Contains(o.Timeline, e => e.Process == "app" && e.What == "reaped");
        Assert.Empty(o.ZombiesBeforeTeardown);
    }

    [Fact]
    public void AppAsPid1_WithHandler_StopsAfterItsOwnShutdown()
    {
        StopOutcome o = ContainerStop.Predict([App("app", null, handlesTerm: true, exitAfterMs: 400)], StopPolicy.DockerDefault);
        Assert.False(o.NeededKill);
        Assert.Equal(SimDuration.FromMilliseconds(400), o.TimeToStop);
    }

    [Fact]
    public void AppAsPid1_DefaultTerm_IgnoredByTheInitGuard()
    {
        StopOutcome o = ContainerStop.Predict([App("node", null, handlesTerm: false)], new StopPolicy(SIGTERM, SimDuration.FromSeconds(30)));
        Assert.True(o.NeededKill);
        Assert.Equal(SimDuration.FromSeconds(30), o.TimeToStop);
    }

    [Fact]
    public void Pid1DiesFirst_EveryOtherProcessOfTheNamespaceIsKilled()
    {
        // PID 1 exits on its own 50 ms after SIGTERM; its child ignores TERM but zap_pid_ns_processes kills it.
        StopOutcome o = ContainerStop.Predict(
            [App("sup", null, handlesTerm: true, exitAfterMs: 50), new StopProcessSpec("worker", "sup", [], [SIGTERM], null, false, false)],
            StopPolicy.DockerDefault);
        Assert.False(o.NeededKill);
        Assert.Equal(SIGKILL, o.ExitSignals["worker"]);
    }

    [Fact]
    public void NonReapingPid1_ExitedChildrenStayZombies()
    {
        // A shell that forwards TERM (trap 'kill -TERM $child' TERM) but never waits: the child becomes a zombie.
        var sh = new StopProcessSpec("sh", null, [SIGTERM], [], null, ForwardsSignals: true, ReapsChildren: false);
        StopOutcome o = ContainerStop.Predict([sh, App("app", "sh", handlesTerm: true, exitAfterMs: 10)], StopPolicy.DockerDefault);
        Assert.Contains("app", o.ZombiesBeforeTeardown);
        Assert.True(o.NeededKill);
    }

    [Fact]
    public void Predict_IsDeterministic()
    {
        StopProcessSpec[] tree = [Tini(), App("a", "tini", true, 30), App("b", "tini", true, 70), App("c", "a", false)];
        StopOutcome x = ContainerStop.Predict(tree, StopPolicy.DockerDefault);
        StopOutcome y = ContainerStop.Predict(tree, StopPolicy.DockerDefault);
        Assert.Equal(x.Timeline, y.Timeline);
        Assert.Equal(x.TimeToStop, y.TimeToStop);
    }

    [Fact]
    public void Processes_ShellAsPid1_SaysWhoGotTheSignalAndWhatEndedEach()
    {
        StopOutcome o = ContainerStop.Predict([App("sh", null, handlesTerm: false), App("app", "sh", handlesTerm: true)], StopPolicy.DockerDefault);
        StopProcessOutcome sh = o.Processes.Single(p => p.Name == "sh");
        StopProcessOutcome app = o.Processes.Single(p => p.Name == "app");
        Assert.Equal(("ignored", StopEnd.GraceKill, SIGKILL), (sh.StopSignal, sh.EndedBy, sh.Signal));
        Assert.Equal(("not sent", StopEnd.TeardownKill, SIGKILL), (app.StopSignal, app.EndedBy, app.Signal));
        Assert.Equal(SimDuration.FromSeconds(10), app.At);
    }

    [Fact]
    public void Processes_TiniForwards_AppHandledAndExitedByItself()
    {
        StopOutcome o = ContainerStop.Predict([Tini(), App("app", "tini", handlesTerm: true, exitAfterMs: 250)], StopPolicy.DockerDefault);
        StopProcessOutcome app = o.Processes.Single(p => p.Name == "app");
        Assert.Equal(("handled", StopEnd.OwnExit, 0), (app.StopSignal, app.EndedBy, app.ExitCode));
        Assert.Equal(StopEnd.OwnExit, o.Processes.Single(p => p.Name == "tini").EndedBy);
    }

    [Theory]
    [InlineData(SIGTERM, "SIGTERM")]
    [InlineData(SIGKILL, "SIGKILL")]
    [InlineData(16, "SIGSTKFLT")]
    [InlineData(SIGRTMIN, "SIGRTMIN")]
    [InlineData(SIGRTMIN + 2, "SIGRTMIN+2")]
    [InlineData(65, "65")]
    public void Name_KernelNames(int sig, string name) => Assert.Equal(name, Name(sig));
}

public class ContainerStopTiniTests
{
    // tini forwards TERM only to the child it started: the shell dies of it, tini exits with it, and the
    // namespace teardown SIGKILLs the app the shell had started (it never sees SIGTERM).
    [Fact]
    public void TiniAboveAShell_ForwardedTermKillsTheShell()
    {
        var tini = new StopProcessSpec("tini", null, [SIGTERM], [], null, ForwardsSignals: true, ReapsChildren: true, ExitWhenChildrenGone: true);
        var sh = new StopProcessSpec("sh", "tini", [], [], null, false, false);
        var app = new StopProcessSpec("app", "sh", [SIGTERM], [], SimDuration.FromMilliseconds(300), false, false);
        StopOutcome o = ContainerStop.Predict([tini, sh, app], StopPolicy.DockerDefault);
        Assert.Equal(SIGTERM, o.ExitSignals["sh"]);
        Assert.Equal(SIGKILL, o.ExitSignals["app"]);
        Assert.False(o.NeededKill);
        Assert.Equal(SimDuration.Zero, o.TimeToStop);
    }
}
