using System.Globalization;
using System.Text;
using KernelSim.Models.Signals;

namespace KernelSim.Models.Tests.Signals.Differential;

/// <summary>The text form sigscen.c reads (and the corpus stores): "N M", N "P ..." lines, M "S ..." lines.</summary>
internal static class ScenarioText
{
    public static string Format(SignalScenario s)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"{s.Processes.Count} {s.Sends.Count}\n");
        foreach (ScenarioProcess p in s.Processes)
        {
            b.Append(CultureInfo.InvariantCulture, $"P {p.ParentIndex} {(p.NewPidNamespace ? 1 : 0)} {p.Ignored:x} {p.Handled:x} {p.Blocked:x}\n");
        }

        foreach (ScenarioSend x in s.Sends)
        {
            b.Append(CultureInfo.InvariantCulture, $"S {(int)x.Kind} {x.SenderIndex} {x.TargetIndex} {x.Sig}\n");
        }

        return b.ToString();
    }

    public static SignalScenario Parse(IReadOnlyList<string> lines)
    {
        var procs = new List<ScenarioProcess>();
        var sends = new List<ScenarioSend>();
        foreach (string line in lines)
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length == 6 && f[0] == "P")
            {
                procs.Add(new ScenarioProcess(int.Parse(f[1], CultureInfo.InvariantCulture), f[2] == "1", Hex(f[3]), Hex(f[4]), Hex(f[5])));
            }
            else if (f.Length == 5 && f[0] == "S")
            {
                sends.Add(new ScenarioSend((ScenarioSendKind)int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture), int.Parse(f[4], CultureInfo.InvariantCulture)));
            }
        }

        return new SignalScenario(procs, sends);
    }

    private static ulong Hex(string s) => ulong.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
