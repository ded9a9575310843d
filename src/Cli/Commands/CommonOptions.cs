using System.CommandLine;
using System.Globalization;
using KernelSim.Replay.Formats;

namespace KernelSim.Cli.Commands;

/// <summary>Options shared by commands that read a trace.</summary>
internal sealed class CommonOptions
{
    public Option<bool> Strict { get; } = new("--strict") { Description = "Fail on the first malformed line instead of skipping and counting it." };

    public Option<TraceFormat> Format { get; } = new("--format") { Description = "Input layout (default: detect). One of FtraceText, TraceCmdReport, PerfScript.", DefaultValueFactory = _ => TraceFormat.Auto };

    public Option<TraceClock> Clock { get; } = new("--clock") { Description = "trace_clock of the capture when no manifest says (needed for counter/uptime/x86-tsc timestamps).", DefaultValueFactory = _ => TraceClock.Auto };

    public Option<int?> UserHz { get; } = new("--user-hz") { Description = "USER_HZ, the tick of the uptime clock (default: manifest, else 100)." };

    public Option<long?> TscHz { get; } = new("--tsc-hz") { Description = "TSC frequency in Hz for the x86-tsc clock." };

    public void AddTo(Command c)
    {
        c.Options.Add(Strict);
        c.Options.Add(Format);
        c.Options.Add(Clock);
        c.Options.Add(UserHz);
        c.Options.Add(TscHz);
    }

    /// <summary>An option value outside its valid range, named with the range (exit code 2), or null.</summary>
    public string? Problem(ParseResult r)
    {
        if (r.GetValue(UserHz) is int hz && hz is < TraceReaderOptions.MinUserHz or > TraceReaderOptions.MaxUserHz)
        {
            return string.Create(CultureInfo.InvariantCulture, $"--user-hz {hz}: expected USER_HZ between {TraceReaderOptions.MinUserHz} and {TraceReaderOptions.MaxUserHz} (100 on x86)");
        }

        if (r.GetValue(TscHz) is long tsc && tsc <= 0)
        {
            return string.Create(CultureInfo.InvariantCulture, $"--tsc-hz {tsc}: expected the TSC frequency in Hz, greater than 0");
        }

        return null;
    }

    /// <summary>The reader options; call <see cref="Problem"/> first (out-of-range values throw here).</summary>
    public TraceReaderOptions Build(ParseResult r)
    {
        var o = new TraceReaderOptions
        {
            Lenient = !r.GetValue(Strict),
            Format = r.GetValue(Format),
            Clock = r.GetValue(Clock),
            TscTicksPerSecond = r.GetValue(TscHz),
        };
        if (r.GetValue(UserHz) is int userHz)
        {
            o = o with { UserHz = userHz };
        }

        return o;
    }
}
