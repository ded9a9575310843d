using System.CommandLine;
using KernelSim.Cli.Commands;

namespace KernelSim.Cli;

/// <summary>Entry point of the <c>ksim</c> tool.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        RootCommand root = BuildRoot();
        try
        {
            // No response files: an argument starting with '@' is a value (a path, a size), never a file to expand
            // (System.CommandLine read '@/' as one and failed with UnauthorizedAccessException; found by tools/Fuzz).
            return root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null }).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (KernelSim.Replay.Formats.TraceFormatException ex)
        {
            // Malformed input that a command did not handle itself: one line and the documented exit code.
            Console.Error.WriteLine("ksim: " + ex.Message);
            return ExitCodes.BadInput;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"ksim: internal error (a bug; please report it with the input): {ex}");
            return ExitCodes.Internal;
        }
    }

    internal static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "ksim - replay Linux kernel traces and predict latency under proposed limits.\n\n" +
            "Examples:\n" +
            "  ksim info traces/fio-seq64k-memcg128M.trace.gz\n" +
            "  ksim info --json trace.txt\n" +
            "  ksim convert trace.txt.gz -o /tmp/trace.parquet\n" +
            "  ksim whatif memory traces/fio-seq64k-memcg1G.trace.gz --memory-limit 128M\n" +
            "  ksim sweep memory traces/fio-seq64k-memcg1G.trace.gz --plot /tmp/knee.png\n" +
            "  ksim whatif net traces/net-loopback-udp64-pinned.trace.gz --topology veth-bridge\n" +
            "  ksim check traces/fio-seq64k-memcg128M.trace.gz --json");
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(ConvertCommand.Create());
        root.Subcommands.Add(CheckCommand.Create());
        var whatif = new Command("whatif", "Predict latency under a proposed configuration.");
        whatif.Subcommands.Add(WhatIfMemoryCommand.Create());
        whatif.Subcommands.Add(WhatIfStopCommand.Create());
        whatif.Subcommands.Add(WhatIfNetCommand.Create());
        root.Subcommands.Add(whatif);
        var sweep = new Command("sweep", "Predict latency for a range of configurations (parallel).");
        sweep.Subcommands.Add(SweepMemoryCommand.Create());
        root.Subcommands.Add(sweep);
        root.Subcommands.Add(ValidateCommand.Create());
        return root;
    }
}
