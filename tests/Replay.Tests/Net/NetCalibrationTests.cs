using KernelSim.Models.Net;
using KernelSim.Replay.Net;
using KernelSim.Replay.Tests.Events;
using Xunit.Abstractions;

namespace KernelSim.Replay.Tests.Net;

/// <summary>Extraction and calibration of the committed pinned net captures (traces/net-*-udp64-pinned, capture-net).</summary>
public class NetCalibrationTests(ITestOutputHelper output)
{
    private static readonly string Traces = Path.Combine(RepoPaths.Root, "traces");
    private static readonly string Truth = Path.Combine(Traces, "groundtruth", "net-latency.csv");

    internal static string Capture(string topology) => Path.Combine(Traces, $"net-{topology}-udp64-pinned.trace.gz");

    [Theory]
    [InlineData("loopback", 1, true)]
    [InlineData("veth", 1, false)]
    [InlineData("veth-bridge", 2, false)]
    public void Extract_CommittedCapture_FindsThePairTheHopsAndOneSoftirqPerPacket(string topology, int hops, bool loopback)
    {
        NetCalibration c = NetCalibration.FromFile(Capture(topology));
        NetPingPongTrace t = c.Trace;
        Assert.Equal(topology, t.Topology);
        Assert.Equal(hops, t.Hops);
        Assert.Equal(loopback, t.Loopback);
        Assert.NotEqual(t.ClientPid, t.ServerPid);

        // sockperf's measured window (its --full-log), not the warm-up: ~1410 messages
        Assert.InRange(t.Trips.Count, 1405, 1415);
        Assert.True(c.RegularTrips >= t.Trips.Count - 2, $"{c.RegularTrips} of {t.Trips.Count} regular");

        // pinned: both packets of a round trip run NET_RX in the sender's own context, one poll of `hops` packets each
        Assert.Equal(2 * t.Trips.Count, t.NetRxSoftirqs);
        Assert.Equal(0, t.NetRxInKsoftirqd);
        Assert.InRange(t.NapiPolls.GetValueOrDefault((hops, 64)), (2 * t.Trips.Count) - 4, 2 * t.Trips.Count);
        Assert.InRange(t.IntervalNs, 1_290_000, 1_310_000);
        Assert.True(t.ClientRunnableShare > 0.9, "sockperf's client spins between requests");
    }

    [Theory]
    [InlineData("loopback")]
    [InlineData("veth")]
    [InlineData("veth-bridge")]
    public void Stages_OfARegularRoundTrip_AddUpToIt_AndCountEveryEventOnce(string topology)
    {
        NetPingPongTrace t = NetCalibration.FromFile(Capture(topology)).Trace;
        foreach (NetTripStages s in t.Trips)
        {
            if (s.Request is { CrossCpu: false } rq && s.Reply is { CrossCpu: false } rp)
            {
                Assert.Equal(s.RttNs, rq.TotalNs + s.TurnaroundNs + rp.TotalNs);
                Assert.Equal(s.Events, rq.TotalEvents + s.TurnaroundEvents + rp.TotalEvents);
            }
        }
    }

    [Theory]
    [InlineData("loopback")]
    [InlineData("veth-bridge")]
    public void Calibrate_NetsOutTheTracingOverhead_RoundTripByRoundTrip(string topology)
    {
        NetCalibration c = NetCalibration.FromFile(Capture(topology));
        for (int i = 0; i < c.Trace.Trips.Count; i++)
        {
            NetTripStages s = c.Trace.Trips[i];
            long netted = c.TripTotalNs(i);
            Assert.Equal(s.RttNs - (c.OverheadPerEventNs * s.Events), netted);
        }
    }

    [Fact]
    public void DefaultOverhead_IsTheFitOfTheCommittedPairs()
    {
        (double fit, var pairs) = NetValidation.FitOverheadPerEvent(Traces, Truth);
        foreach (var p in pairs)
        {
            output.WriteLine($"{p.Capture}: {p.Events} events, traced p50 {p.Traced} ns, untraced {p.Untraced} ns, alone {(p.Traced - p.Untraced) / p.Events:F0} ns/event");
        }

        output.WriteLine($"fit {fit:F1} ns/event");
        Assert.Equal(3, pairs.Count);
        Assert.Equal(NetCalibration.DefaultOverheadPerEventNs, fit, 1.0);
    }

    [Fact]
    public void LabHops_AreTheCommittedCapturesMeans()
    {
        var m = NetLabMeasurements.Measure(Traces);
        output.WriteLine(m.ToString());
        Assert.Equal(NetLabHops.VethSendOverLoopbackNs, m.SendDelta);
        Assert.Equal(NetLabHops.VethXmitOverLoopbackNs, m.XmitDelta);
        Assert.Equal(NetLabHops.VethReceiveOverLoopbackNs, m.ReceiveDelta);
        Assert.Equal(NetLabHops.BridgeForwardNs, m.BridgeForward);
        Assert.Equal(NetLabHops.BridgeXmitNs, m.BridgeXmit);
    }

    [Fact]
    public void LabNapiAndCrossCpu_AreTheCommittedCapturesDifferences()
    {
        var napi = NetLabMeasurements.MeasureNapi(Traces, Path.Combine(Traces, "net-variants"));
        output.WriteLine($"napi {napi}, cross-CPU wake {NetLabMeasurements.MeasureCrossCpuWake(Traces)}");
        Assert.Equal((NetLabHops.VethNapiSendOverBacklogNs, NetLabHops.VethNapiXmitOverBacklogNs, NetLabHops.VethNapiReceiveOverBacklogNs), napi);
        Assert.Equal(NetLabHops.CrossCpuWakeNs, NetLabMeasurements.MeasureCrossCpuWake(Traces));
    }

    [Fact]
    public void VmStalls_AreThePooledStallsOfTheCommittedPinnedCaptures()
    {
        var m = NetLabMeasurements.MeasureVmStalls(Traces);
        Assert.NotNull(m);
        output.WriteLine($"{m.Value.Stalls} stalls in {m.Value.ExposureSeconds:F6} s: {m.Value.PerSecond:F3}/s, deciles {string.Join(", ", m.Value.DecilesNs)}");
        foreach (string path in NetValidation.NetCaptures(Traces))
        {
            NetCalibration c = NetCalibration.FromFile(path);
            var s = c.Trace.Trips.Where(t => t.StallNs > 0).Select(t => t.StallNs / 1000).ToList();
            output.WriteLine($"{Path.GetFileName(path)}: {s.Count} stalls ({string.Join(" ", s)}), trips {c.Trace.Trips.Count}, p50 max gap {c.Trace.Trips.Select(t => t.MaxGapNs).Order().ElementAt(c.Trace.Trips.Count / 2)}");
        }

        Assert.Equal(NetLabHops.VmStallsPerSecond, m.Value.PerSecond, 0.5);
        Assert.Equal(NetLabHops.VmStallDecilesNs, m.Value.DecilesNs);
    }

    [Fact]
    public void FloodOutcomes_AreTheCommittedSchedCapturesCounts()
    {
        FloodOutcomes? m = NetLabMeasurements.MeasureFloodOutcomes(Path.Combine(Traces, "net-variants", "flood-sched"));
        Assert.NotNull(m);
        output.WriteLine($"{m} waits {string.Join(" ", m.WaitVentilesNs)}");
        Assert.Equal(NetLabHops.FloodOneCycleShare, m.One / (double)m.LateImmediate);
        Assert.Equal(NetLabHops.FloodTwoCycleShare, m.Two / (double)m.LateImmediate);
        Assert.Equal(NetLabHops.FloodLongShareAfterLate, m.LateLong / (double)m.Late);
        Assert.Equal(NetLabHops.FloodWaitVentilesNs, m.WaitVentilesNs);
        FloodOnTimeOutcome[] states = [NetLabHops.FloodAfterReturn, NetLabHops.FloodAfterWait, NetLabHops.FloodSpinning];
        for (int s = 0; s < states.Length; s++)
        {
            output.WriteLine($"state {s}: {m.OnTimeLong[s]} of {m.OnTime[s]}: {string.Join(", ", m.OnTimeWaitVentilesNs[s])}");
            Assert.Equal(states[s].LongShare, m.OnTimeLong[s] / (double)m.OnTime[s]);
            Assert.Equal(states[s].WaitQuantilesNs, m.OnTimeWaitVentilesNs[s]);
        }

        Assert.Equal(m.Late, m.LateImmediate + m.LateLong);
    }

    [Fact]
    public void FloodPayback_IsTheSchedCapturesPathsMean_AndPredictsTheirWaitPerRun()
    {
        // the nine sched captures: three each on loopback, veth, veth+bridge; each path's factor from its pinned 64 B capture
        double Payback(string topology) =>
            NetWhatIf.Predict(NetCalibration.FromFile(Capture(topology)), new NetProposal { Topology = topology, LoadPps = NetWhatIf.MaxLoad }).FloodPayback;
        double lo = Payback("loopback"), veth = Payback("veth"), br = Payback("veth-bridge");
        output.WriteLine($"payback loopback {lo:F4}, veth {veth:F4}, veth-bridge {br:F4}");
        Assert.Equal(NetLabHops.FloodSchedPayback, (lo + veth + br) / 3, 0.0001);

        // the traced captures' own wait per unit of run (median W/R, R 0.2-1.2 ms), from sockperf's log of each
        var measured = NetLabMeasurements.MeasureFloodPayback(Path.Combine(Traces, "net-variants", "flood-sched"));
        Assert.NotNull(measured);
        foreach (var (file, m) in measured)
        {
            double predicted = file.Contains("veth-bridge", StringComparison.Ordinal) ? br : file.Contains("veth", StringComparison.Ordinal) ? veth : lo;
            output.WriteLine($"{file}: {m.Count} waits, median W/R {m.MedianRatio:F3}, predicted {predicted:F3}");
            Assert.True(m.Count > 150);
            Assert.InRange(predicted, m.MedianRatio * 0.95, m.MedianRatio * 1.05);
        }

        Assert.Equal(9, measured.Count);
    }

    [Fact]
    public void FloodCycleShares_BadClass_IsAnErrorNamingTheFile()
    {
        string dir = Directory.CreateTempSubdirectory("ksim-flood").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "flood-sched-x.csv"), "index,rtt_us,class,late\n0,14.2,0,1\n1,21.0,3,1\n");
            var ex = Assert.Throws<FormatException>(() => NetLabMeasurements.MeasureFloodOutcomes(dir));
            Assert.Contains("flood-sched-x.csv", ex.Message);
            Assert.Contains("'3'", ex.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void GroCapture_IsInNapiMode_EveryPacketPolledByTheVethNapi()
    {
        NetCalibration c = NetCalibration.FromFile(Path.Combine(Traces, "net-variants", "net-veth-gro-udp64-pinned.trace.gz"));
        Assert.InRange(c.Trace.Trips.Count, 1405, 1415);
        Assert.Equal(26, Math.Round(c.EventsPerTrip)); // no netif_rx_entry / netif_rx / netif_rx_exit: 3 fewer per packet than the backlog path
    }

    [Fact]
    public void ClientUserTime_ComesFromTheSockperfLog()
    {
        NetCalibration c = NetCalibration.FromFile(Capture("veth"));
        Assert.StartsWith("sockperf log", c.ClientUserSource, StringComparison.Ordinal);
        Assert.InRange(c.ClientUserNs, 200, 1_500);
    }

    [Fact]
    public void Extract_UnpinnedCapture_CrossesCpus_AndKeepsOnlyTheCriticalPath()
    {
        // traces/veth-udp-pingpong64: the same sockperf ping-pong over a veth pair, no affinity (client and server on
        // different vCPUs nearly always)
        NetCalibration c = NetCalibration.FromFile(Path.Combine(Traces, "veth-udp-pingpong64.trace.gz"));
        NetPingPongTrace t = c.Trace;
        Assert.True(t.CrossCpu);
        Assert.Equal("veth", t.Topology);
        Assert.True(c.RegularTrips > 0.95 * t.Trips.Count);
        foreach (NetTripStages s in t.Trips)
        {
            if (s.Request is { CrossCpu: true } rq && s.Reply is { CrossCpu: true } rp)
            {
                Assert.Equal(s.RttNs, rq.TotalNs + s.TurnaroundNs + rp.TotalNs);
                Assert.Equal(0, rq.ReturnNs + rq.WakeNs + rp.ReturnNs + rp.WakeNs); // in parallel with the peer's wakeup
            }
        }

        // the last receive now runs to the peer's recvfrom on the other vCPU: IPI, idle exit, switch (~27 µs netted)
        Assert.InRange(c.Means.ReceiveLastNs, 15_000, 40_000);
    }

    [Fact]
    public void Calibrate_TraceAlone_NoManifestNoSockperfLog_UsesDefaultsAndEveryRoundTrip()
    {
        string dir = Path.Combine(Path.GetTempPath(), "ksim-net-alone-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        try
        {
            string copy = Path.Combine(dir, "pp.trace.gz");
            File.Copy(Capture("loopback"), copy, overwrite: true);
            NetCalibration c = NetCalibration.FromFile(copy);
            Assert.Equal(NetCalibration.DefaultClientUserNs, c.ClientUserNs);
            Assert.StartsWith("default", c.ClientUserSource, StringComparison.Ordinal);
            Assert.Equal(300, c.CapturedConfig.NetdevBudget);
            Assert.True(c.Trace.Trips.Count > 2_000, "warm-up included without sockperf's log");
            Assert.Equal("loopback", c.Trace.Topology);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Extract_NotANetTrace_Throws()
    {
        string fio = Path.Combine(Traces, "fio-seq64k-memcg1G.trace.gz");
        Assert.Throws<InvalidDataException>(() => NetCalibration.FromFile(fio));
    }
}
