using FsCheck;
using KernelSim.Models.Signals;
using KernelSim.Testing.Signals;

namespace KernelSim.Models.Tests.Signals;

/// <summary>The properties the issue asks for, run from KernelSim.Testing's <see cref="SignalProperties"/>.</summary>
public sealed class SignalPropertiesTests
{
    [FsCheck.Xunit.Property(MaxTest = 150)]
    public Property Init_DefaultDispositionSignalsFromInside_NeverKill() => SignalProperties.Init_DefaultDispositionSignalsFromInside_NeverKill();

    [FsCheck.Xunit.Property(MaxTest = 150)]
    public Property Init_SigkillFromAncestorNamespace_AlwaysKills() => SignalProperties.Init_SigkillFromAncestorNamespace_AlwaysKills();

    [FsCheck.Xunit.Property(MaxTest = 150)]
    public Property Legacy_PendingWhileBlocked_DeliveredOnce() => SignalProperties.Legacy_PendingWhileBlocked_DeliveredOnce();

    [FsCheck.Xunit.Property(MaxTest = 150)]
    public Property RealTime_QueueUpToRlimit_ThenOverflow() => SignalProperties.RealTime_QueueUpToRlimit_ThenOverflow();

    [FsCheck.Xunit.Property(MaxTest = 150)]
    public Property Namespace_AfterInitExits_NoMemberSurvives() => SignalProperties.Namespace_AfterInitExits_NoMemberSurvives();

    [FsCheck.Xunit.Property(MaxTest = 100)]
    public Property Replay_SameScenarioTwice_SameLog() => SignalProperties.Replay_SameScenarioTwice_SameLog();
}
