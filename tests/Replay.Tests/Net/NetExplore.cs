using KernelSim.Replay.Net;
using KernelSim.Replay.Tests.Events;
using Xunit.Abstractions;

namespace KernelSim.Replay.Tests.Net;

public class NetExplore(ITestOutputHelper output)
{
    [Fact]
    public void Explore()
    {
        string traces = Path.Combine(RepoPaths.Root, "traces");
        string gt = Path.Combine(traces, "groundtruth", "net-latency.csv");
        var fit = NetValidation.FitOverheadPerEvent(traces, gt);
        output.WriteLine($"overhead fit {fit.PerEventNs:F1}: " + string.Join("; ", fit.Pairs.Select(p => $"{p.Capture} n={p.Events} traced={p.Traced} untraced={p.Untraced} own={(p.Traced - p.Untraced) / p.Events:F0}")));
        output.WriteLine("lab hops " + NetLabHops.Measure(traces));
        foreach (var p in NetValidation.Run(traces, gt))
        {
            output.WriteLine($"{p.Capture,-32} {p.Topology,-12} {p.MessageBytes,5} {p.Load,-6} {p.Percentile} pred {p.PredictedNs / 1000.0,8:F1} meas {p.MeasuredNs / 1000.0,8:F1} ({p.MeasuredMinNs / 1000.0:F1}-{p.MeasuredMaxNs / 1000.0:F1}) {p.Error,7:P0} {(p.Inside ? "" : "MISS")}");
        }
    }
}
