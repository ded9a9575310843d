using FsCheck;
using FsCheck.Fluent;
using KernelSim.Models.Signals;
using Xunit.Abstractions;

namespace KernelSim.Models.Tests.Signals.Differential;

/// <summary>
/// The model against the real kernel: a committed corpus of recorded kernel outcomes (checked everywhere) and
/// fresh random scenarios (where the lab is available). Regenerate the corpus with
/// <c>KSIM_RECORD_SIGNAL_CORPUS=1 dotnet test tests/Models.Tests --filter Corpus_Record</c> (root, gcc, unshare).
/// </summary>
public sealed class DifferentialTests(ITestOutputHelper output)
{
    private const int CorpusSize = 60;

    private static string CorpusPath => Path.Combine(KernelLab.SourceDir, "signal-corpus.txt");

    [Fact]
    public void Corpus_EveryRecordedKernelOutcome_ModelAgrees()
    {
        List<(SignalScenario Scenario, List<string> Kernel)> corpus = ReadCorpus();
        Assert.True(corpus.Count >= 50, $"corpus has {corpus.Count} scenarios, want >= 50");
        var failures = new List<string>();
        for (int i = 0; i < corpus.Count; i++)
        {
            (SignalScenario s, List<string> kernelLines) = corpus[i];
            Outcome kernel = Outcome.ParseKernel(kernelLines, s.Processes.Count, s.Sends.Count);
            List<string> d = Outcome.FromModel(s.Run()).DiffersFrom(kernel);
            if (d.Count > 0)
            {
                failures.Add($"scenario {i}:\n{ScenarioText.Format(s)}" + string.Join("\n", d));
            }
        }

        failures.ForEach(output.WriteLine);
        Assert.Empty(failures);
    }

    [KernelLabFact]
    public void Kernel_RandomScenarios_ModelAgrees() =>
        Prop.ForAll(KernelLab.Scenarios().ToArbitrary(), s =>
        {
            Outcome kernel = KernelLab.Run(s);
            List<string> d = Outcome.FromModel(s.Run()).DiffersFrom(kernel);
            return (d.Count == 0).Label($"scenario:\n{ScenarioText.Format(s)}kernel:\n{kernel.Format()}" + string.Join("\n", d));
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(25));

    [KernelLabFact("KSIM_RECORD_SIGNAL_CORPUS")]
    public void Corpus_Record_FromTheKernel()
    {
        SignalScenario[] scenarios = KernelLab.Scenarios().Sample(CorpusSize, 10);
        using var w = new StreamWriter(CorpusPath);
        w.Write("# Signal scenarios and what Linux did with them (tests/Models.Tests/Signals/Differential).\n");
        w.Write($"# Recorded on {Environment.OSVersion.VersionString} by Corpus_Record_FromTheKernel; format: sigscen.c input, '=', its output, '.'.\n");
        foreach (SignalScenario s in scenarios)
        {
            Outcome kernel = KernelLab.Run(s);
            w.Write(ScenarioText.Format(s));
            w.Write("=\n");
            w.Write(kernel.Format());
            w.Write(".\n");
        }
    }

    private static List<(SignalScenario, List<string>)> ReadCorpus()
    {
        var list = new List<(SignalScenario, List<string>)>();
        var scenario = new List<string>();
        var kernel = new List<string>();
        bool inKernel = false;
        foreach (string line in File.ReadLines(CorpusPath))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            if (line == "=")
            {
                inKernel = true;
            }
            else if (line == ".")
            {
                list.Add((ScenarioText.Parse(scenario), kernel));
                scenario = [];
                kernel = [];
                inKernel = false;
            }
            else
            {
                (inKernel ? kernel : scenario).Add(line);
            }
        }

        return list;
    }
}
