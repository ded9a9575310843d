using System.Text;
using KernelSim.Models.Signals;
using KernelSim.Replay.Formats;
using KernelSim.Replay.Tests.Formats;
using KernelSim.Replay.WhatIf;

namespace KernelSim.Replay.Tests.WhatIf;

/// <summary>Issue 17: stop scenarios out of bounds end in a TraceFormatException naming the file and the field.</summary>
public class StopScenarioFileTests
{
    private static string Bad(string name) => Path.Combine(Fixtures.RepoRoot, "tests", "bad-inputs", "stop", name);

    private static TraceFormatException LoadFails(string path) =>
        Assert.Throws<TraceFormatException>(() => StopScenarioFile.Load(path));

    private static string Temp(string name, string text)
    {
        string path = Path.Combine(Path.GetTempPath(), $"ksim-stop-{Environment.ProcessId}-{name}");
        File.WriteAllText(path, text);
        return path;
    }

    [Theory]
    [InlineData("hugegrace.json", "policy.grace_ms")]
    [InlineData("exitafter_double.json", "processes[0].exit_after_ms")]
    [InlineData("negexit.json", "processes[0].exit_after_ms")]
    public void Load_DurationOutOfRange_NamesFileAndField(string name, string field)
    {
        TraceFormatException ex = LoadFails(Bad(name));
        Assert.Equal(Bad(name), ex.SourceName);
        Assert.Contains("'" + field + "'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BillionLaughs_RefusedBeforeExpanding()
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        TraceFormatException ex = LoadFails(Bad("billion-laughs.yaml"));
        Assert.Contains("aliases expanded", ex.Message, StringComparison.Ordinal);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 100L << 20, "refused without expanding the aliases");
    }

    [Fact]
    public void Load_YamlNested200000Deep_RefusedWithoutStackOverflow()
    {
        var sb = new StringBuilder("processes: ");
        sb.Append('[', 200_000).Append(']', 200_000);
        string path = Temp("deep.yaml", sb.ToString());
        try
        {
            Assert.Contains("nested at most 64 deep", LoadFails(path).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_JsonNestedDeep_TraceFormatException()
    {
        string path = Temp("deep.json", "{\"processes\": " + new string('[', 10_000) + new string(']', 10_000) + "}");
        try
        {
            LoadFails(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(StopScenarioFile.MaxProcesses, true)]
    [InlineData(StopScenarioFile.MaxProcesses + 1, false)]
    public void Load_ProcessCount_BoundedByMaxProcesses(int processes, bool accepted)
    {
        var sb = new StringBuilder("{\"processes\": [{\"name\": \"root\", \"parent\": null}");
        for (int i = 1; i < processes; i++)
        {
            sb.Append(",{\"name\":\"p").Append(i).Append("\",\"parent\":\"root\",\"handles\":[\"TERM\"],\"exit_after_ms\":5}");
        }

        string path = Temp($"flat{processes}.json", sb.Append("]}").ToString());
        try
        {
            if (accepted)
            {
                (IReadOnlyList<StopProcessSpec> tree, StopPolicy policy) = StopScenarioFile.Load(path);
                Assert.Equal(processes, tree.Count);
                StopOutcome o = ContainerStop.Predict(tree, policy);
                Assert.Equal(processes, o.Processes.Count);
            }
            else
            {
                Assert.Contains("at most 1000 processes", LoadFails(path).Message, StringComparison.Ordinal);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Load_FileOverMaxBytes_RefusedBeforeParsing()
    {
        string path = Temp("big.json", "{\"processes\": [" + new string(' ', (int)StopScenarioFile.MaxBytes) + "]}");
        try
        {
            Assert.Contains("at most 1048576 bytes", LoadFails(path).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("{\"processes\": [{\"name\": \"a\"}, {\"name\": \"b\"}]}", "exactly one process with parent null")]
    [InlineData("{\"processes\": [{\"name\": \"a\"}, {\"name\": \"a\", \"parent\": \"a\"}]}", "unique process names")]
    [InlineData("{\"processes\": [{\"name\": \"a\"}, {\"name\": \"b\", \"parent\": \"c\"}]}", "'b' has parent 'c'")]
    [InlineData("{\"processes\": [{\"name\": \"a\"}, {\"name\": \"b\", \"parent\": \"c\"}, {\"name\": \"c\", \"parent\": \"b\"}]}", "own ancestor")]
    [InlineData("{\"processes\": [{\"name\": \"a\", \"parent\": 7}]}", "processes[0].parent")]
    [InlineData("{\"processes\": [7]}", "processes[0]")]
    public void Load_NotATree_NamesTheProblem(string json, string problem)
    {
        string path = Temp("tree.json", json);
        try
        {
            Assert.Contains(problem, LoadFails(path).Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    // Failure classes found by tools/Fuzz (seed 17): each was an InvalidOperationException, not a clean rejection.
    [Fact]
    public void Load_YamlParserInvalidState_TraceFormatException()
    {
        TraceFormatException ex = LoadFails(Bad("fuzz-yaml-parser-state.yaml"));
        Assert.Equal(Bad("fuzz-yaml-parser-state.yaml"), ex.SourceName);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"processes\"")]
    [InlineData("42")]
    public void Load_RootNotAnObject_TraceFormatException(string json) =>
        Assert.Contains("processes", LoadFails(Temp("root.json", json)).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("{}")]
    [InlineData("[\"TERM\"]")]
    [InlineData("true")]
    public void Load_SignalNeitherNameNorNumber_TraceFormatException(string signal) =>
        LoadFails(Temp("sig.json", "{\"processes\":[{\"name\":\"a\",\"handles\":[" + signal + "]}]}"));

    [Theory]
    [InlineData("i: &i\n  - name: x\n    handles: *i\nprocesses: []\n")]
    [InlineData("a: &a [\"lol\", *a]\nprocesses: []\n")]
    public void Load_YamlAliasInsideItsOwnAnchor_RefusedAsCycle(string yaml) =>
        Assert.Contains("cycle", LoadFails(Temp("cycle.yaml", yaml)).Message, StringComparison.Ordinal);
}
