using System.CommandLine;
using KernelSim.Cli.Commands;

namespace KernelSim.Cli;

/// <summary>Entry point of the <c>ksim</c> tool.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        RootCommand root = BuildRoot();
        return root.Parse(args).Invoke();
    }

    internal static RootCommand BuildRoot()
    {
        var root = new RootCommand(
            "ksim - replay Linux kernel traces and predict latency under proposed limits.\n\n" +
            "Examples:\n" +
            "  ksim info traces/fio-seq64k-memcg128M.trace.gz\n" +
            "  ksim info --json trace.txt\n" +
            "  ksim convert trace.txt.gz -o trace.parquet");
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(ConvertCommand.Create());
        return root;
    }
}
