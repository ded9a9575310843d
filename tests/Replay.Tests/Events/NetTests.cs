using KernelSim.Replay.Events;
using static KernelSim.Replay.Tests.Events.EventTestKit;

namespace KernelSim.Replay.Tests.Events;

/// <summary>
/// net and napi records. ftrace prints skbaddr and the napi pointer hashed ("%p": 000000007a834353, no 0x),
/// trace-cmd prints the real address (0xffff888137476d00); trace-cmd report -R moves name= to the end (or the front)
/// and prints napi_id=0 / gso_type=0 where ftrace prints 0x0. Lines from traces/samples/ftrace-net.txt (veth pair
/// kveA/kveB across two namespaces) and CAPTURES.md capture A (veth ksimev0/ksimev1, loopback UDP).
/// </summary>
public class NetTests
{
    private const string StartXmitLine = "dev=kveB queue_mapping=0 skbaddr=0000000028da7e08 vlan_tagged=0 vlan_proto=0x0000 vlan_tci=0x0000 protocol=0x0800 ip_summed=3 len=106 data_len=0 network_offset=14 transport_offset_valid=1 transport_offset=34 tx_flags=0 gso_size=0 gso_segs=0 gso_type=0x0";
    private const string RxEntryLine = "dev=kveA napi_id=0x0 queue_mapping=0 skbaddr=00000000c601076b vlan_tagged=0 vlan_proto=0x0000 vlan_tci=0x0000 protocol=0x0806 ip_summed=0 hash=0x00000000 l4_hash=0 len=28 data_len=0 truesize=832 mac_header_valid=1 mac_header=-14 nr_frags=0 gso_size=0 gso_type=0x0";

    internal static readonly Dictionary<string, DecoderEntry> Decoders = new()
    {
        [NetDevQueue.EventName] = Entry<NetDevQueue>(),
        [NetDevStartXmit.EventName] = Entry<NetDevStartXmit>(),
        [NetDevXmit.EventName] = Entry<NetDevXmit>(),
        [NetifRx.EventName] = Entry<NetifRx>(),
        [NetifRxEntry.EventName] = Entry<NetifRxEntry>(),
        [NetifRxExit.EventName] = Entry<NetifRxExit>(),
        [NetifReceiveSkb.EventName] = Entry<NetifReceiveSkb>(),
        [NapiPoll.EventName] = Entry<NapiPoll>(),
    };

    /// <summary>(event, real payload, the same payload with a required field removed, another event's name).</summary>
    public static TheoryData<string, string, string, string> Payloads => new()
    {
        { NetDevQueue.EventName, "dev=kveB skbaddr=00000000c601076b len=42", "dev=kveB skbaddr=00000000c601076b", "netif_rx" },
        { NetDevStartXmit.EventName, StartXmitLine, StartXmitLine.Replace(" gso_segs=0", "", StringComparison.Ordinal), "net_dev_xmit" },
        { NetDevXmit.EventName, "dev=kveB skbaddr=00000000c601076b len=42 rc=0", "dev=kveB skbaddr=00000000c601076b len=42", "net_dev_queue" },
        { NetifRx.EventName, "dev=kveA skbaddr=00000000c601076b len=28", "skbaddr=00000000c601076b len=28", "netif_receive_skb" },
        { NetifRxEntry.EventName, RxEntryLine, RxEntryLine.Replace(" truesize=832", "", StringComparison.Ordinal), "netif_receive_skb_entry" },
        { NetifRxExit.EventName, "ret=0", "", "netif_receive_skb_exit" },
        { NetifReceiveSkb.EventName, "dev=kveA skbaddr=00000000c601076b len=28", "dev=kveA len=28", "netif_rx" },
        { NapiPoll.EventName, "napi poll on napi struct 0000000083cf93da for device (no_device) work 3 budget 64", "napi poll on napi struct 0000000083cf93da for device (no_device) work 3", "net_dev_queue" },
    };

    [Fact]
    public void NetDevQueue_FtracePayload_ReadsHashedSkbaddrAsHex() =>
        // samples/ftrace-net.txt: python3-12073 [001] b.... 677.159235: net_dev_queue: (an ARP request)
        Assert.Equal(new NetDevQueue(Header, 0xc601076b, 42, "kveB"), Decode<NetDevQueue>("dev=kveB skbaddr=00000000c601076b len=42"));

    [Theory]
    [InlineData("dev=ksimev0 skbaddr=0xffff888137476d00 len=90")] // trace-cmd report, capture A: kworker/1:1-41 [001] 658.842819
    [InlineData("skbaddr=0xffff888137476d00 len=90 name=ksimev0")] // trace-cmd report -R
    public void NetDevQueue_TraceCmdPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new NetDevQueue(Header, 0xffff888137476d00, 90, "ksimev0"), Decode<NetDevQueue>(payload));

    [Fact]
    public void NetDevStartXmit_FtracePayload_ReadsEveryField() =>
        // samples/ftrace-net.txt: python3-12073 [001] b.s1. 677.159265 (an IPv4 UDP datagram, CHECKSUM_PARTIAL)
        Assert.Equal(
            new NetDevStartXmit(Header, "kveB", 0, 0x28da7e08, false, 0, 0, 0x0800, 3, 106, 0, 14, true, 34, 0, 0, 0, 0),
            Decode<NetDevStartXmit>(StartXmitLine));

    [Theory]
    // capture A: kworker/1:1-41 [001] 658.842820 (an IPv6 packet on the veth), trace-cmd report
    [InlineData("dev=ksimev0 queue_mapping=0 skbaddr=0xffff888137476d00 vlan_tagged=0 vlan_proto=0x0000 vlan_tci=0x0000 protocol=0x86dd ip_summed=0 len=90 data_len=0 network_offset=14 transport_offset_valid=1 transport_offset=62 tx_flags=0 gso_size=0 gso_segs=0 gso_type=0")]
    // trace-cmd report -R
    [InlineData("name=ksimev0 queue_mapping=0 skbaddr=0xffff888137476d00 vlan_tagged=0 vlan_proto=0x0000 vlan_tci=0x0000 protocol=0x86dd ip_summed=0 len=90 data_len=0 network_offset=14 transport_offset_valid=1 transport_offset=62 tx_flags=0 gso_size=0 gso_segs=0 gso_type=0")]
    public void NetDevStartXmit_TraceCmdPayload_ReadsEveryField(string payload) =>
        Assert.Equal(
            new NetDevStartXmit(Header, "ksimev0", 0, 0xffff888137476d00, false, 0, 0, 0x86dd, 0, 90, 0, 14, true, 62, 0, 0, 0, 0),
            Decode<NetDevStartXmit>(payload));

    [Theory]
    [InlineData("dev=kveB skbaddr=00000000c601076b len=42 rc=0", 0xc601076bUL, 42u, "kveB")] // samples/ftrace-net.txt 677.159244
    [InlineData("dev=ksimev0 skbaddr=0xffff888137476d00 len=90 rc=0", 0xffff888137476d00UL, 90u, "ksimev0")] // trace-cmd report, capture A 658.842853
    [InlineData("skbaddr=0xffff888137476d00 len=90 rc=0 name=ksimev0", 0xffff888137476d00UL, 90u, "ksimev0")] // trace-cmd report -R
    public void NetDevXmit_RealPayload_ReadsEveryField(string payload, ulong skbaddr, uint len, string name) =>
        Assert.Equal(new NetDevXmit(Header, skbaddr, len, 0, name), Decode<NetDevXmit>(payload));

    [Theory]
    [InlineData("dev=kveA skbaddr=00000000c601076b len=28", 0xc601076bUL, 28u, "kveA")] // samples/ftrace-net.txt 677.159241
    [InlineData("dev=ksimev1 skbaddr=0xffff888137476d00 len=76", 0xffff888137476d00UL, 76u, "ksimev1")] // trace-cmd report, capture A 658.842840
    [InlineData("skbaddr=0xffff888137476d00 len=76 name=ksimev1", 0xffff888137476d00UL, 76u, "ksimev1")] // trace-cmd report -R
    public void NetifRx_RealPayload_ReadsEveryField(string payload, ulong skbaddr, uint len, string name) =>
        Assert.Equal(new NetifRx(Header, skbaddr, len, name), Decode<NetifRx>(payload));

    [Fact]
    public void NetifRxEntry_FtracePayload_ReadsEveryField() =>
        // samples/ftrace-net.txt: python3-12073 [001] b.... 677.159240 (ARP on the veth)
        Assert.Equal(
            new NetifRxEntry(Header, "kveA", 0, 0, 0xc601076b, false, 0, 0, 0x0806, 0, 0, false, 28, 0, 832, true, -14, 0, 0, 0),
            Decode<NetifRxEntry>(RxEntryLine));

    [Theory]
    // capture A: kworker/1:1-41 [001] 658.842839, trace-cmd report and report -R
    [InlineData("dev=ksimev1 napi_id=0 queue_mapping=0 skbaddr=0xffff888137476d00 vlan_tagged=0 vlan_proto=0x0000 vlan_tci=0x0000 protocol=0x86dd ip_summed=0 hash=0x00000000 l4_hash=0 len=76 data_len=0 truesize=2304 mac_header_valid=1 mac_header=-14 nr_frags=0 gso_size=0 gso_type=0")]
    [InlineData("name=ksimev1 napi_id=0 queue_mapping=0 skbaddr=0xffff888137476d00 vlan_tagged=0 vlan_proto=0x0000 vlan_tci=0x0000 protocol=0x86dd ip_summed=0 hash=0x00000000 l4_hash=0 len=76 data_len=0 truesize=2304 mac_header_valid=1 mac_header=-14 nr_frags=0 gso_size=0 gso_type=0")]
    public void NetifRxEntry_TraceCmdPayload_ReadsEveryField(string payload) =>
        Assert.Equal(
            new NetifRxEntry(Header, "ksimev1", 0, 0, 0xffff888137476d00, false, 0, 0, 0x86dd, 0, 0, false, 76, 0, 2304, true, -14, 0, 0, 0),
            Decode<NetifRxEntry>(payload));

    [Fact]
    public void NetifRxExit_RealPayload_ReadsRet() =>
        // samples/ftrace-net.txt: python3-12073 [001] b.... 677.159244: netif_rx_exit: ret=0
        Assert.Equal(new NetifRxExit(Header, 0), Decode<NetifRxExit>("ret=0"));

    [Theory]
    [InlineData("dev=kveA skbaddr=00000000c601076b len=28", 0xc601076bUL, 28u, "kveA")] // samples/ftrace-net.txt 677.159248
    [InlineData("dev=ksimev1 skbaddr=0xffff888137476d00 len=76", 0xffff888137476d00UL, 76u, "ksimev1")] // trace-cmd report, capture A 658.842856
    [InlineData("skbaddr=0xffff888137476d00 len=76 name=ksimev1", 0xffff888137476d00UL, 76u, "ksimev1")] // trace-cmd report -R
    public void NetifReceiveSkb_RealPayload_ReadsEveryField(string payload, ulong skbaddr, uint len, string name) =>
        Assert.Equal(new NetifReceiveSkb(Header, skbaddr, len, name), Decode<NetifReceiveSkb>(payload));

    [Fact]
    public void NapiPoll_FtracePayload_ReadsEveryField() =>
        // samples/ftrace-net.txt: python3-12073 [001] ..s1. 677.159282 (the CPU backlog)
        Assert.Equal(
            new NapiPoll(Header, 0x83cf93da, "(no_device)", 3, 64),
            Decode<NapiPoll>("napi poll on napi struct 0000000083cf93da for device (no_device) work 3 budget 64"));

    [Theory]
    [InlineData("napi poll on napi struct 0xffff888627d2d188 for device (no_device) work 1 budget 64")] // trace-cmd report, capture A 658.842875
    [InlineData("napi=0xffff888627d2d188 dev_name=(no_device) work=1 budget=64")] // trace-cmd report -R
    public void NapiPoll_TraceCmdPayload_ReadsEveryField(string payload) =>
        Assert.Equal(new NapiPoll(Header, 0xffff888627d2d188, "(no_device)", 1, 64), Decode<NapiPoll>(payload));

    [Fact]
    public void NapiPoll_SyntheticDeviceName_ReadsDevName() =>
        // synthetic (print fmt): a NAPI-mode veth (GRO on) polls under its device name.
        Assert.Equal("veth0", Decode<NapiPoll>("napi poll on napi struct 000000001c2a8f51 for device veth0 work 64 budget 64").DevName);
}
