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

    /// <summary>
    /// The same notebook through a user's Jupyter: jupyter nbconvert --execute with the dotnet-interactive tool's
    /// kernel, against the same packed feed. The in-process run above cannot reproduce everything the tool does
    /// (it ships its own FSharp.Core, for one), so where the tool is installed this runs too.
    /// </summary>
    [JupyterTheory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_RunsInJupyterWithTheDotnetInteractiveKernel(string name, string[] mustShow)
    {
        string path = Path.Combine(feed.RepoRoot, "notebooks", name);
        string outDir = Path.Combine(Path.GetTempPath(), "ksim-nbconvert-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Directory.CreateDirectory(outDir);
        var psi = new ProcessStartInfo(Jupyter.NbConvert!) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "--to", "notebook", "--execute", "--ExecutePreprocessor.timeout=600", path, "--output-dir", outDir })
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["PATH"] = Jupyter.SearchPath;
        var sw = Stopwatch.StartNew();
        using Process p = Process.Start(psi)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(15))) // a guard against a hung kernel, not a timing assert
        {
            p.Kill(entireProcessTree: true);
        }

        p.WaitForExit();
        output.WriteLine($"{name}: nbconvert in {sw.Elapsed.TotalSeconds:0.0} s");
        string log = stdout.Result + stderr.Result;
        string errors = string.Join("\n", log.Split('\n').Where(l => l.StartsWith("Error", StringComparison.Ordinal) || l.Contains("CellExecutionError", StringComparison.Ordinal)));
        Assert.True(p.ExitCode == 0, $"{name}: jupyter nbconvert exited {p.ExitCode}:\n{errors}\n{log[Math.Max(0, log.Length - 4000)..]}");

        string executed = File.ReadAllText(Path.Combine(outDir, name));
        foreach (string expected in mustShow)
        {
            Assert.True(executed.Contains(expected, StringComparison.Ordinal), $"{name}: no output shows '{expected}' under Jupyter");
        }
    }
}
