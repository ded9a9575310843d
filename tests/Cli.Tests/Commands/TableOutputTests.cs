using KernelSim.Cli.Commands;
using Spectre.Console;

namespace KernelSim.Cli.Tests.Commands;

public class TableOutputTests
{
    private static Table ValidateLikeTable()
    {
        // The shape of `ksim validate`'s net table: nine columns, long headers, markup in cells.
        var t = new Table().AddColumn("net capture").AddColumn("predicts").AddColumn("size").AddColumn("load").AddColumn("pct")
            .AddColumn(new TableColumn("predicted µs").RightAligned()).AddColumn(new TableColumn("measured µs median (min-max)").RightAligned())
            .AddColumn(new TableColumn("error").RightAligned()).AddColumn("within 25%");
        t.AddRow("net-veth-bridge-udp1400-pinned.trace.gz", "veth-bridge", "1400", "max", "p99", "123.4", "118.2 (110.9-131.7)", "+4%", "[red]no[/]");
        t.AddRow("net-loopback-udp64-pinned.trace.gz", "loopback", "64", "idle", "p50", "19.1", "18.7 (18.2-19.9)", "+2%", "yes");
        return t;
    }

    private static (IAnsiConsole Console, StringWriter Output) Terminal(int width)
    {
        var output = new StringWriter();
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = width;
        return (console, output);
    }

    [Fact]
    public void ToTsv_Table_HeaderThenOneLinePerRowMarkupRemoved()
    {
        string[] lines = TableOutput.ToTsv(ValidateLikeTable()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("net capture\tpredicts\tsize\tload\tpct\tpredicted µs\tmeasured µs median (min-max)\terror\twithin 25%", lines[0]);
        Assert.Equal("net-veth-bridge-udp1400-pinned.trace.gz\tveth-bridge\t1400\tmax\tp99\t123.4\t118.2 (110.9-131.7)\t+4%\tno", lines[1]);
        Assert.All(lines, l => Assert.Equal(8, l.Count(c => c == '\t')));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(100)]
    public void Write_NarrowTerminal_EveryLineFitsAndNoNumberIsSplit(int width)
    {
        (IAnsiConsole console, StringWriter output) = Terminal(width);
        TableOutput.Write(console, ValidateLikeTable());
        string text = output.ToString();
        string[] lines = text.Split('\n');
        Assert.All(lines, l => Assert.True(l.TrimEnd().Length <= width, $"{l.TrimEnd().Length} > {width}: {l}"));
        foreach (string number in new[] { "123.4", "1400", "+4%", "19.1" })
        {
            Assert.Contains(number, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Write_WideTerminal_TableUnchanged()
    {
        (IAnsiConsole fitted, StringWriter fittedOut) = Terminal(250);
        TableOutput.Write(fitted, ValidateLikeTable());
        (IAnsiConsole plain, StringWriter plainOut) = Terminal(250);
        plain.Write(ValidateLikeTable());
        Assert.Equal(plainOut.ToString(), fittedOut.ToString());
    }
}
