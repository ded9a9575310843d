using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using KernelSim.Replay.Events;

namespace KernelSim.Replay.Tests.Events;

/// <summary>The payload reader helpers the typed decoders added: hex, labelled words, device numbers.</summary>
public class PayloadReaderTests
{
    [Theory]
    [InlineData("000000007a834353", 0x7a834353UL)] // ftrace %p (hashed, no prefix)
    [InlineData("0xffff888137476d00", 0xffff888137476d00UL)] // trace-cmd %p
    [InlineData("678ec0", 0x678ec0UL)] // %lx
    [InlineData("0X1F", 0x1fUL)]
    public void TryParseHex_KernelHexForms_Parse(string text, ulong expected)
    {
        Assert.True(PayloadReader.TryParseHex(Encoding.ASCII.GetBytes(text), out ulong value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0x")]
    [InlineData("12g4")]
    [InlineData("10000000000000000")]
    public void TryParseHex_NotHex_ReturnsFalse(string text) =>
        Assert.False(PayloadReader.TryParseHex(Encoding.ASCII.GetBytes(text), out _));

    [Property]
    public Property TryParseHex_OfFormattedValue_RoundTrips(ulong value, bool prefix)
    {
        string text = (prefix ? "0x" : "") + value.ToString("x", CultureInfo.InvariantCulture);
        bool ok = PayloadReader.TryParseHex(Encoding.ASCII.GetBytes(text), out ulong parsed);
        return (ok && parsed == value).Label($"\"{text}\" -> {parsed}");
    }

    [Property]
    public Property TryParseUInt64_OfHexWithPrefix_MatchesTryParseHex(ulong value)
    {
        byte[] text = Encoding.ASCII.GetBytes("0x" + value.ToString("x", CultureInfo.InvariantCulture));
        bool ok = PayloadReader.TryParseUInt64(text, out ulong parsed);
        return (ok && parsed == value).Label($"0x{value:x}");
    }

    [Theory]
    [InlineData("bdi 254:0: limit=4096", "bdi", "254:0:")]
    [InlineData("bdi 254:0: sb_dev 0:0 nr_pages=1", "sb_dev", "0:0")]
    [InlineData("dev 254:0 ino 35e01d pfn=0x13aa33", "ino", "35e01d")]
    [InlineData("napi poll on napi struct 0000000083cf93da for device (no_device) work 3 budget 64", "device", "(no_device)")]
    [InlineData("napi poll on napi struct 0000000083cf93da for device (no_device) work 3 budget 64", "budget", "64")]
    public void TryGetWord_LabelledField_ReturnsNextWord(string payload, string label, string expected)
    {
        var r = new PayloadReader(Encoding.UTF8.GetBytes(payload));
        Assert.True(r.TryGetWord(Encoding.UTF8.GetBytes(label), out ReadOnlySpan<byte> value));
        Assert.Equal(expected, Encoding.UTF8.GetString(value));
    }

    [Theory]
    [InlineData("sb_dev=0 name=254:0", "sb_dev")] // key=value, not a labelled word
    [InlineData("napi poll on napi struct 0000000083cf93da for device (no_device)", "no_device")] // inside a word
    [InlineData("bdi", "bdi")] // label at the end
    public void TryGetWord_NotALabel_ReturnsFalse(string payload, string label)
    {
        var r = new PayloadReader(Encoding.UTF8.GetBytes(payload));
        Assert.False(r.TryGetWord(Encoding.UTF8.GetBytes(label), out _));
    }

    [Theory]
    [InlineData("254:0", 254u, 0u)]
    [InlineData("254,0", 254u, 0u)]
    [InlineData("266338304", 254u, 0u)] // trace-cmd -R prints the kernel dev_t
    [InlineData("0:3", 0u, 3u)]
    public void DeviceNumberTryParse_PrintedForms_Parse(string text, uint major, uint minor)
    {
        Assert.True(DeviceNumber.TryParse(Encoding.ASCII.GetBytes(text), out DeviceNumber dev));
        Assert.Equal(new DeviceNumber(major, minor), dev);
    }

    [Theory]
    [InlineData("")]
    [InlineData("254:")]
    [InlineData("x:0")]
    public void DeviceNumberTryParse_Malformed_ReturnsFalse(string text) =>
        Assert.False(DeviceNumber.TryParse(Encoding.ASCII.GetBytes(text), out _));

    [Property]
    public Property DeviceNumber_KernelEncoding_RoundTrips(uint dev) =>
        (DeviceNumber.FromKernel(dev).ToKernel() == dev).Label($"dev_t {dev}");

    [Fact]
    public void DeviceNumberToString_PrintsMajorColonMinor() =>
        Assert.Equal("254:0", DeviceNumber.FromKernel(266338304).ToString());
}

public class GenericEventFieldsTests
{
    [Fact]
    public void GenericEvent_BracketedKeyValue_IsItsOwnField()
    {
        KernelSim.Tracing.RawEventRecord rec = new(KernelSim.Time.SimTime.Zero, 0, 1, -1, "c", "", "my_softirq_like", "vec=3 [action=NET_RX]", "", 1, 0);
        GenericEvent g = GenericEvent.From(rec.AsRawEvent());
        Assert.Equal("3", g["vec"]);
        Assert.Equal("NET_RX", g["action"]);
    }

    [Fact]
    public void GenericEvent_CommWithSpaces_KeepsTheSpaces()
    {
        KernelSim.Tracing.RawEventRecord rec = new(KernelSim.Time.SimTime.Zero, 0, 1, -1, "c", "", "x", "comm=my worker pid=5", "", 1, 0);
        GenericEvent g = GenericEvent.From(rec.AsRawEvent());
        Assert.Equal("my worker", g["comm"]);
        Assert.Equal("5", g["pid"]);
    }
}
