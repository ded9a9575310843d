using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using KernelSim.Replay.Formats;
using KernelSim.Replay.Store;
using KernelSim.Tracing;

namespace KernelSim.Replay.Tests.Formats;

/// <summary>
/// Properties over generated traces: each generated line is printed the way ftrace prints it
/// (trace_print_context: "%16s-%-7d [%03d] flags %5lu.%06lu: "), read back, and must give the fields
/// it was made from; and text -> events -> Parquet -> events is the identity.
/// </summary>
public class GeneratedTraceProperties
{
    internal sealed record Line(string Comm, int Pid, int Tgid, int Cpu, string Flags, long Micros, string Event, string Payload);

    internal static Gen<Line> LineGen()
    {
        Gen<string> comm = Gen.Elements("bash", "fio", "my worker-1/x", "kworker/u8:2-events_unbound", "<...>", "<idle>", "a b", "x-1-2", "swapper/0", "ksoftirqd/1", "tr:ace");
        Gen<string> flags = Gen.Elements("", "d..2.", ".....", "dNh2.", "b..1.");
        Gen<(string, string)> ev = Gen.Elements(
            ("sched_wakeup", "comm=a pid=1 prio=120 target_cpu=001"),
            ("sched_switch", "prev_comm=my worker prev_pid=5 prev_prio=120 prev_state=S ==> next_comm=swapper/0 next_pid=0 next_prio=120"),
            ("signal_generate", "sig=10 errno=0 code=0 comm=bash pid=3531 grp=1 res=2"),
            ("napi_poll", "napi poll on napi struct 0000000000000000 for device (no_device) work 1 budget 64"),
            ("softirq_raise", "vec=3 [action=NET_RX]"),
            ("my_probe", "weird [payload] with: colons"),
            ("mm_vmscan_memcg_reclaim_end", "nr_reclaimed=32"));
        Gen<(string Comm, int Pid, int Tgid)> task = Gen.Zip(comm, Gen.Zip(Gen.Choose(0, 4_000_000), Gen.Choose(-1, 4_000_000)))
            .Select(t => (t.Item1, t.Item2.Item1, t.Item2.Item2));
        Gen<(int Cpu, string Flags, int Ticks)> where = Gen.Zip(Gen.Choose(0, 255), Gen.Zip(flags, Gen.Choose(0, int.MaxValue)))
            .Select(t => (t.Item1, t.Item2.Item1, t.Item2.Item2));
        return Gen.Zip(task, Gen.Zip(where, ev))
            .Select(t => new Line(t.Item1.Comm, t.Item1.Pid, t.Item1.Tgid, t.Item2.Item1.Cpu, t.Item2.Item1.Flags, t.Item2.Item1.Ticks * 7L, t.Item2.Item2.Item1, t.Item2.Item2.Item2));
    }

    internal static string Print(Line l, bool tgid)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{l.Comm,16}-{l.Pid,-7} ");
        if (tgid)
        {
            sb.Append(l.Tgid < 0 ? "(-------) " : string.Create(CultureInfo.InvariantCulture, $"({l.Tgid,7}) "));
        }

        sb.Append(CultureInfo.InvariantCulture, $"[{l.Cpu:D3}] ");
        if (l.Flags.Length > 0)
        {
            sb.Append(l.Flags).Append(' ');
        }

        sb.Append(CultureInfo.InvariantCulture, $"{l.Micros / 1_000_000,5}.{l.Micros % 1_000_000:D6}: {l.Event}: {l.Payload}\n");
        return sb.ToString();
    }

    [FsCheck.Xunit.Property(MaxTest = 200)]
    public Property Read_GeneratedFtraceLines_GiveBackTheirFields() =>
        Prop.ForAll(LineGen().NonEmptyListOf().ToArbitrary(), ArbMap.Default.ArbFor<bool>(), (lines, tgid) =>
        {
            string text = string.Concat(lines.Select(l => Print(l, tgid)));
            List<RawEventRecord> events = Fixtures.ReadAll(text);
            bool same = events.Count == lines.Count && events.Zip(lines).All(p =>
                p.First.Comm == p.Second.Comm && p.First.Pid == p.Second.Pid && p.First.Cpu == p.Second.Cpu
                && p.First.Tgid == (tgid ? p.Second.Tgid : -1) && p.First.Flags == p.Second.Flags
                && p.First.Timestamp.TotalNanoseconds == p.Second.Micros * 1000 && p.First.Name == p.Second.Event
                && p.First.Payload == p.Second.Payload);
            return same.Label("read(print(fields)) == fields");
        });

    [FsCheck.Xunit.Property(MaxTest = 50)]
    public Property TextEventsParquetEvents_IsIdentity() =>
        Prop.ForAll(LineGen().ListOf().ToArbitrary(), lines =>
        {
            string text = string.Concat(lines.Select(l => Print(l, tgid: false)));
            List<RawEventRecord> events = Fixtures.ReadAll(text);
            var ms = new MemoryStream();
            using (TraceReader r = TraceReader.FromStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), "gen"))
            {
                ParquetTraceStore.WriteAsync(r, ms).GetAwaiter().GetResult();
            }

            ms.Position = 0;
            var back = new List<RawEventRecord>();
            IAsyncEnumerator<RawEventRecord> it = ParquetTraceStore.ReadAsync(ms, "gen").GetAsyncEnumerator();
            while (it.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                back.Add(it.Current);
            }

            return back.SequenceEqual(events).Label("parquet(events) == events");
        });
}
