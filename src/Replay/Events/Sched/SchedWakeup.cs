using System.Text;
using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// sched:sched_wakeup — a task is woken and made runnable.
/// </summary>
/// <remarks>
/// Kernel: kernel/sched/core.c <c>ttwu_do_wakeup</c> (class sched_wakeup_template); fields per
/// events/sched/sched_wakeup/format. Reads the raw text "comm=%s pid=%d prio=%d target_cpu=%03d" and trace-cmd's
/// plugin form "bash:14163 [120] CPU:001".
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Comm"><c>comm</c>: the woken task.</param>
/// <param name="Pid"><c>pid</c>.</param>
/// <param name="Prio"><c>prio</c>.</param>
/// <param name="TargetCpu"><c>target_cpu</c>: the CPU it will run on.</param>
public readonly record struct SchedWakeup(
    EventHeader Header,
    string Comm,
    int Pid,
    int Prio,
    int TargetCpu) : ITraceEvent<SchedWakeup>
{
    /// <inheritdoc />
    public static string EventName => "sched:sched_wakeup";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out SchedWakeup value)
    {
        value = default;
        if (!e.Name.SequenceEqual("sched_wakeup"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetString("comm"u8, out string comm)
            && r.TryGetInt32("pid"u8, out int pid)
            && r.TryGetInt32("prio"u8, out int prio)
            && r.TryGetInt32("target_cpu"u8, out int targetCpu))
        {
            value = new SchedWakeup(EventHeader.From(e), comm, pid, prio, targetCpu);
            return true;
        }

        return TryDecodePretty(e, out value);
    }

    // trace-cmd (libtraceevent sched plugin): "comm:pid [prio] CPU:nnn" (older kernels add " success=1").
    private static bool TryDecodePretty(in RawEvent e, out SchedWakeup value)
    {
        value = default;
        ReadOnlySpan<byte> p = e.Payload;
        int cpuAt = p.LastIndexOf(" CPU:"u8);
        int open = p.LastIndexOf(" ["u8);
        if (cpuAt < 0 || open < 0 || open > cpuAt || p[cpuAt - 1] != (byte)']')
        {
            return false;
        }

        ReadOnlySpan<byte> task = p[..open];
        int colon = task.LastIndexOf((byte)':');
        ReadOnlySpan<byte> cpuText = p[(cpuAt + 5)..];
        int sp = cpuText.IndexOf((byte)' ');
        if (sp >= 0)
        {
            cpuText = cpuText[..sp];
        }

        if (colon <= 0
            || !PayloadReader.TryParseInt64(task[(colon + 1)..], out long pid) || pid is < 0 or > int.MaxValue
            || !PayloadReader.TryParseInt64(p[(open + 2)..(cpuAt - 1)], out long prio) || prio is < int.MinValue or > int.MaxValue
            || !PayloadReader.TryParseInt64(cpuText, out long cpu) || cpu is < 0 or > int.MaxValue)
        {
            return false;
        }

        value = new SchedWakeup(EventHeader.From(e), Encoding.UTF8.GetString(task[..colon]), (int)pid, (int)prio, (int)cpu);
        return true;
    }
}
