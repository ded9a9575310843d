using System.Globalization;
using System.Text;
using KernelSim.Models.Signals;

namespace KernelSim.Models.Tests.Signals.Differential;

/// <summary>
/// What a scenario did, in the terms both the kernel helper and the model can state: each send's errno (-1 not
/// made, -2 the sender died of its own signal before reporting), each process's state (R running, T stopped,
/// Z zombie with its terminating signal, X reaped, N never created), and how often each handler ran.
/// With tracefs, also every signal_generate (send, target process, sig, result) from each send until the next.
/// SIGCHLD is left out of both: how many SIGCHLDs coalesce depends on scheduling; so is a namespace teardown's
/// SIGKILL ignored by a task already exiting (sent or skipped depending on which task ran first).
/// </summary>
/// <remarks>
/// Which of several processes killed by one send exits first is up to the scheduler (kill(-1) wakes them all), and
/// with it whether a zombie is auto-reaped by a parent that ignores SIGCHLD or re-parented first. So a zombie and a
/// reaped process compare equal (the terminating signal is compared when both are zombies), and IGNORED generates to
/// a process that had already exited before the send (on either side) are left out.
/// </remarks>
internal sealed record Outcome(int[] Sends, char[] States, int[] TermSignals, SortedDictionary<(int Proc, int Sig), int> Handlers, List<(int Send, int Proc, int Sig, int Result)> Generates)
{
    public HashSet<(int Send, int Proc)> DeadBefore { get; } = [];

    public bool Traced { get; init; } = true;

    public static Outcome ParseKernel(IEnumerable<string> lines, int processes, int sends)
    {
        var o = new Outcome(new int[sends], new char[processes], new int[processes], [], []);
        foreach (string line in lines)
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 3 && f[0] == "send")
            {
                o.Sends[I(f[1])] = I(f[2]);
            }
            else if (f.Length == 5 && f[0] == "proc")
            {
                o.States[I(f[1])] = f[2][0];
                o.TermSignals[I(f[1])] = f[2][0] == 'Z' ? I(f[3]) : 0;
            }
            else if (f.Length == 4 && f[0] == "hand" && I(f[2]) != SignalNumbers.SIGCHLD)
            {
                o.Handlers[(I(f[1]), I(f[2]))] = I(f[3]);
            }
            else if (f.Length == 5 && f[0] == "gen")
            {
                o.Generates.Add((I(f[1]), I(f[2]), I(f[3]), I(f[4])));
            }
            else if (f.Length == 3 && f[0] == "dead")
            {
                o.DeadBefore.Add((I(f[1]), I(f[2])));
            }
            else if (f.Length == 1 && f[0] == "notrace")
            {
                o = o with { Traced = false };
            }
        }

        o.Generates.Sort();
        return o;
    }

    public static Outcome FromModel(ScenarioRun run)
    {
        int n = run.Pids.Count;
        var o = new Outcome(new int[run.Sends.Count], new char[n], new int[n], [], []);
        var index = new Dictionary<int, int>();
        for (int i = 0; i < n; i++)
        {
            if (run.Pids[i] != 0)
            {
                index[run.Pids[i]] = i;
            }
        }

        for (int e = 0; e < run.System.Log.Count; e++)
        {
            SignalLogEntry x = run.System.Log[e];
            if (x.Kind == SignalLogKind.Exit && index.TryGetValue(x.TargetPid, out int dead))
            {
                for (int k = 0; k < run.SendLogStarts.Count; k++)
                {
                    if (run.SendLogStarts[k] > e)
                    {
                        o.DeadBefore.Add((k, dead));
                    }
                }
            }
        }

        for (int k = 0; k < run.SendLogStarts.Count; k++)
        {
            int end = k + 1 < run.SendLogStarts.Count ? run.SendLogStarts[k + 1] : run.System.Log.Count;
            for (int e = run.SendLogStarts[k]; e < end; e++)
            {
                SignalLogEntry x = run.System.Log[e];
                bool zapOfExiting = x.Sig == SignalNumbers.SIGKILL && x.Code == SignalNumbers.SI_KERNEL && x.Result == SignalGenerateResult.Ignored;
                if (x.Kind == SignalLogKind.Generate && x.Sig != SignalNumbers.SIGCHLD && !zapOfExiting && index.TryGetValue(x.TargetPid, out int proc))
                {
                    o.Generates.Add((k, proc, x.Sig, (int)x.Result));
                }
            }
        }

        o.Generates.Sort();
        for (int k = 0; k < run.Sends.Count; k++)
        {
            o.Sends[k] = run.Sends[k]?.Errno ?? -1;
        }

        for (int i = 0; i < n; i++)
        {
            int pid = run.Pids[i];
            if (pid == 0)
            {
                o.States[i] = 'N';
                continue;
            }

            ProcessSnapshot p = run.System.GetProcess(pid);
            o.States[i] = p.State switch
            {
                ProcessLifeState.Running => 'R',
                ProcessLifeState.Stopped => 'T',
                ProcessLifeState.Zombie => 'Z',
                _ => 'X',
            };
            o.TermSignals[i] = p.State == ProcessLifeState.Zombie ? p.TermSignal : 0;
            for (int s = 1; s <= SignalNumbers.SIGRTMAX; s++)
            {
                int c = run.System.HandlerRuns(pid, s);
                if (c != 0 && s != SignalNumbers.SIGCHLD)
                {
                    o.Handlers[(i, s)] = c;
                }
            }
        }

        return o;
    }

    /// <summary>Differences against the kernel's outcome (this one is the model's); empty when they agree.</summary>
    public List<string> DiffersFrom(Outcome kernel)
    {
        var d = new List<string>();
        for (int k = 0; k < Sends.Length; k++)
        {
            if (kernel.Sends[k] != -2 && kernel.Sends[k] != Sends[k])
            {
                d.Add($"send {k}: kernel errno {kernel.Sends[k]}, model {Sends[k]}");
            }
        }

        for (int i = 0; i < States.Length; i++)
        {
            bool bothDead = kernel.States[i] is 'Z' or 'X' && States[i] is 'Z' or 'X';
            bool same = bothDead
                ? kernel.States[i] != 'Z' || States[i] != 'Z' || kernel.TermSignals[i] == TermSignals[i]
                : kernel.States[i] == States[i];
            if (!same)
            {
                d.Add($"process {i}: kernel {kernel.States[i]}/{kernel.TermSignals[i]}, model {States[i]}/{TermSignals[i]}");
            }
        }

        foreach ((int, int) key in kernel.Handlers.Keys.Union(Handlers.Keys))
        {
            int kc = kernel.Handlers.GetValueOrDefault(key), mc = Handlers.GetValueOrDefault(key);
            if (kc != mc)
            {
                d.Add($"handler of {key.Item2} in process {key.Item1}: kernel ran {kc}, model {mc}");
            }
        }

        if (kernel.Traced)
        {
            bool Keep((int Send, int Proc, int Sig, int Result) g) =>
                g.Result != (int)SignalGenerateResult.Ignored || !(DeadBefore.Contains((g.Send, g.Proc)) || kernel.DeadBefore.Contains((g.Send, g.Proc)));
            var kg = kernel.Generates.Where(Keep).ToList();
            var mg = Generates.Where(Keep).ToList();
            if (!kg.SequenceEqual(mg))
            {
                d.Add($"signal_generate (send, process, sig, result): kernel [{string.Join(" ", kg)}], model [{string.Join(" ", mg)}]");
            }
        }

        return d;
    }

    public string Format()
    {
        var b = new StringBuilder();
        for (int k = 0; k < Sends.Length; k++)
        {
            b.Append(CultureInfo.InvariantCulture, $"send {k} {Sends[k]}\n");
        }

        for (int i = 0; i < States.Length; i++)
        {
            b.Append(CultureInfo.InvariantCulture, $"proc {i} {States[i]} {TermSignals[i]} 0\n");
        }

        foreach (KeyValuePair<(int Proc, int Sig), int> h in Handlers)
        {
            b.Append(CultureInfo.InvariantCulture, $"hand {h.Key.Proc} {h.Key.Sig} {h.Value}\n");
        }

        foreach ((int send, int proc) in DeadBefore.Order())
        {
            b.Append(CultureInfo.InvariantCulture, $"dead {send} {proc}\n");
        }

        foreach ((int send, int proc, int sig, int result) in Generates)
        {
            b.Append(CultureInfo.InvariantCulture, $"gen {send} {proc} {sig} {result}\n");
        }

        b.Append(Traced ? "" : "notrace\n");

        return b.ToString();
    }

    private static int I(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}
