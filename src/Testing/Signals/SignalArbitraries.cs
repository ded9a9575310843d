using FsCheck;
using FsCheck.Fluent;
using KernelSim.Models.Signals;

namespace KernelSim.Testing.Signals;

/// <summary>
/// FsCheck generators of process trees and send sequences, for users' own properties:
/// <c>Prop.ForAll(SignalArbitraries.Scenarios().ToArbitrary(), s =&gt; ...)</c>.
/// </summary>
public static class SignalArbitraries
{
    /// <summary>Signals worth mixing: the job-control, termination, user, child and a few real-time ones.</summary>
    public static Gen<int> Signals() => Gen.Elements(
        SignalNumbers.SIGHUP, SignalNumbers.SIGINT, SignalNumbers.SIGQUIT, SignalNumbers.SIGKILL, SignalNumbers.SIGUSR1,
        SignalNumbers.SIGUSR2, SignalNumbers.SIGTERM, SignalNumbers.SIGCHLD, SignalNumbers.SIGCONT, SignalNumbers.SIGSTOP,
        SignalNumbers.SIGTSTP, SignalNumbers.SIGWINCH, SignalNumbers.SIGRTMIN + 2, SignalNumbers.SIGRTMIN + 3);

    /// <summary>A signal mask over <see cref="Signals"/>.</summary>
    public static Gen<ulong> Masks() =>
        Gen.ArrayOf(Signals()).Select(static sigs =>
        {
            ulong m = 0;
            foreach (int s in sigs)
            {
                m |= SignalNumbers.Bit(s);
            }

            return m;
        });

    /// <summary>A process tree of 1..<paramref name="maxProcesses"/> processes; the root is always a namespace init,
    /// and about one process in five starts another nested namespace.</summary>
    /// <param name="maxProcesses">Upper bound on the size.</param>
    public static Gen<ScenarioProcess[]> ProcessTrees(int maxProcesses = 8) =>
        from n in Gen.Choose(1, Math.Max(1, maxProcesses))
        from procs in Gen.CollectToArray(Enumerable.Range(0, n), Process)
        select procs;

    /// <summary>Sends among <paramref name="processes"/> processes, from inside and from the host.</summary>
    /// <param name="processes">Number of processes of the tree.</param>
    /// <param name="maxSends">Upper bound on the number of sends.</param>
    public static Gen<ScenarioSend[]> Sends(int processes, int maxSends = 8) =>
        from n in Gen.Choose(0, maxSends)
        from sends in Gen.CollectToArray(Enumerable.Range(0, n), _ => Send(processes))
        select sends;

    /// <summary>A whole scenario: a tree and a send sequence over it.</summary>
    /// <param name="maxProcesses">Upper bound on the tree size.</param>
    /// <param name="maxSends">Upper bound on the number of sends.</param>
    public static Gen<SignalScenario> Scenarios(int maxProcesses = 8, int maxSends = 8) =>
        from tree in ProcessTrees(maxProcesses)
        from sends in Sends(tree.Length, maxSends)
        select new SignalScenario(tree, sends);

    /// <summary><see cref="Scenarios"/> as an arbitrary (no shrinking beyond the generator's).</summary>
    /// <returns>The arbitrary.</returns>
    public static Arbitrary<SignalScenario> Scenario() => Scenarios().ToArbitrary();

    private static Gen<ScenarioProcess> Process(int index) =>
        index == 0
            ? from ign in Masks() from hnd in Masks() from blk in Masks() select new ScenarioProcess(-1, true, ign, hnd, blk)
            : from parent in Gen.Choose(0, index - 1)
              from ns in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
              from ign in Masks()
              from hnd in Masks()
              from blk in Masks()
              select new ScenarioProcess(parent, ns, ign, hnd, blk);

    private static Gen<ScenarioSend> Send(int processes) =>
        from kind in Gen.Frequency(
            (6, Gen.Constant(ScenarioSendKind.Kill)),
            (2, Gen.Constant(ScenarioSendKind.Sigqueue)),
            (3, Gen.Constant(ScenarioSendKind.HostKill)),
            (1, Gen.Constant(ScenarioSendKind.OomKill)),
            (1, Gen.Constant(ScenarioSendKind.Fault)))
        from sender in Gen.Choose(0, processes - 1)
        from target in Gen.Choose(-1, processes - 1)
        from sig in kind == ScenarioSendKind.Fault ? Gen.Elements(SignalNumbers.SIGSEGV, SignalNumbers.SIGBUS) : Signals()
        select new ScenarioSend(kind, sender, kind is ScenarioSendKind.OomKill or ScenarioSendKind.Fault && target < 0 ? 0 : target, sig);
}
