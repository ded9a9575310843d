using FsCheck;
using FsCheck.Fluent;
using KernelSim.Models.Signals;
using static KernelSim.Models.Signals.SignalNumbers;

namespace KernelSim.Models.Tests.Signals;

/// <summary>
/// Model-based test: random block/unblock/send sequences on one handled process, against a reference that only
/// knows "a legacy signal is a bit, a real-time signal is a counter, unblocked ones are delivered at once".
/// </summary>
public sealed class PendingReferenceTests
{
    private static readonly int[] Sigs = [SIGUSR1, SIGUSR2, SIGRTMIN + 2, SIGRTMIN + 3];

    /// <summary>One operation: 0 send, 1 block, 2 unblock; on Sigs[Index].</summary>
    public readonly record struct Op(int Kind, int Index);

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property PendingSets_AgainstBitAndCounterReference() =>
        Prop.ForAll(
            Gen.ArrayOf(from k in Gen.Choose(0, 2) from i in Gen.Choose(0, Sigs.Length - 1) select new Op(k, i)).ToArbitrary(),
            ops =>
            {
                var sys = new SignalSystem();
                int sender = sys.Fork(SignalSystem.InitPid).Pid;
                int p = sys.Fork(sender).Pid;
                foreach (int s in Sigs)
                {
                    sys.SetDisposition(p, s, SigAction.Handle);
                }

                var blocked = new bool[Sigs.Length];
                var pending = new int[Sigs.Length];
                var runs = new int[Sigs.Length];
                foreach (Op op in ops)
                {
                    int s = Sigs[op.Index];
                    bool rt = IsRealTime(s);
                    switch (op.Kind)
                    {
                        case 0:
                            SignalGenerateResult expected = !rt && pending[op.Index] > 0 ? SignalGenerateResult.AlreadyPending : SignalGenerateResult.Delivered;
                            SignalGenerateResult got = Assert.Single(sys.Kill(sender, p, s).Results).Result;
                            if (got != expected)
                            {
                                return false.Label($"send {s}: reference {expected}, model {got}");
                            }

                            if (expected == SignalGenerateResult.Delivered)
                            {
                                pending[op.Index]++;
                            }

                            break;
                        case 1:
                            sys.Block(p, s);
                            blocked[op.Index] = true;
                            break;
                        default:
                            sys.Unblock(p, s);
                            blocked[op.Index] = false;
                            break;
                    }

                    sys.RunUntilQuiet();
                    for (int i = 0; i < Sigs.Length; i++)
                    {
                        if (!blocked[i])
                        {
                            runs[i] += pending[i];
                            pending[i] = 0;
                        }
                    }

                    for (int i = 0; i < Sigs.Length; i++)
                    {
                        if (sys.HandlerRuns(p, Sigs[i]) != runs[i])
                        {
                            return false.Label($"signal {Sigs[i]}: reference ran {runs[i]}, model {sys.HandlerRuns(p, Sigs[i])}");
                        }
                    }
                }

                return true.Label("agrees");
            });
}
