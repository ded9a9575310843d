using System.Diagnostics;
using Xunit.Abstractions;

namespace KernelSim.Notebooks.Tests;

/// <summary>
/// Every notebook under notebooks/ runs, cell by cell, against the freshly packed KernelSim packages, and no cell
/// may fail. Each also shows what it is for (a formatter's table, a Plotly chart, a shrunk counterexample).
/// The executed copies (with outputs) land in artifacts/notebooks/ for people to look at.
/// </summary>
[Collection(NotebookCollection.Name)]
public sealed class NotebookTests(PackedFeedFixture feed, ITestOutputHelper output)
{
    public static TheoryData<string, string[]> Notebooks => new()
    {
        { "01-exploring-a-trace.ipynb", ["ksim-table", "Plotly chart", "mm_vmscan_memcg_reclaim_begin"] },
        { "02-sizing-a-memory-limit.ipynb", ["ksim-table", "Plotly chart", "knee"] },
        { "03-veth-latency.ipynb", ["ksim-table", "Plotly chart", "veth-bridge"] },
        { "04-property-tests.ipynb", ["Ok, passed 100 tests", "Falsifiable", "Shrunk"] },
    };

    [Fact]
    public void EveryNotebookIsTested()
    {
        string dir = Path.Combine(feed.RepoRoot, "notebooks");
        var tested = Notebooks.Select(row => (string)row[0]).ToHashSet();
        var untested = Directory.GetFiles(dir, "*.ipynb").Select(f => Path.GetFileName(f)).Where(n => !tested.Contains(n)).ToList();
        Assert.True(untested.Count == 0, "notebooks without a test row: " + string.Join(", ", untested));
    }

    [Fact]
    public void CommittedNotebooksHaveNoOutputs()
    {
        foreach (string path in Directory.GetFiles(Path.Combine(feed.RepoRoot, "notebooks"), "*.ipynb"))
        {
            using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
            foreach (var cell in json.RootElement.GetProperty("cells").EnumerateArray())
            {
                if (cell.TryGetProperty("outputs", out var outputs))
                {
                    Assert.True(outputs.GetArrayLength() == 0, $"{Path.GetFileName(path)} is committed with outputs (clear them: notebooks/README.md)");
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_RunsAgainstPackedPackages_WithoutCellErrors(string name, string[] mustShow)
    {
        string path = Path.Combine(feed.RepoRoot, "notebooks", name);
        var sw = Stopwatch.StartNew();
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10)); // a guard against a hung cell, not a timing assert
        IReadOnlyList<CellResult> cells = await NotebookRunner.RunAsync(path, cts.Token);
        output.WriteLine($"{name}: {cells.Count} code cells in {sw.Elapsed.TotalSeconds:0.0} s (feed packed in {feed.PackSeconds:0.0} s)");
        NotebookRunner.WriteExecuted(path, cells, Path.Combine(feed.RepoRoot, "artifacts", "notebooks", name));

        CellResult? failed = cells.FirstOrDefault(c => c.Errors.Count > 0);
        Assert.True(failed is null, failed is null ? string.Empty
            : $"{name}: cell {failed.Index} failed:\n{string.Join("\n", failed.Errors)}\n--- cell source ---\n{failed.Code}");

        string all = string.Join("\n", cells.SelectMany(c => c.Outputs).Select(o => o.Value));
        foreach (string expected in mustShow)
        {
            Assert.True(all.Contains(expected, StringComparison.Ordinal), $"{name}: no output shows '{expected}'");
        }
    }
}
