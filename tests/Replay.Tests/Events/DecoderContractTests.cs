using static KernelSim.Replay.Tests.Events.EventTestKit;

namespace KernelSim.Replay.Tests.Events;

/// <summary>
/// The contract every typed decoder keeps, checked once over the real payloads each subsystem's test
/// class lists: a real payload decodes, another event's name is refused, and a payload missing a
/// required field is refused.
/// </summary>
public class DecoderContractTests
{
    private static readonly Dictionary<string, DecoderEntry>[] Tables =
    [
        BlockTests.Decoders, FilemapTests.Decoders, IrqTests.Decoders, NetTests.Decoders, SchedTests.Decoders,
        SignalTests.Decoders, SyscallsTests.Decoders, VmscanTests.Decoders, WritebackTests.Decoders,
    ];

    /// <summary>(event, real payload, the same payload with a required field removed, another event's name).</summary>
    public static TheoryData<string, string, string, string> Payloads()
    {
        var all = new TheoryData<string, string, string, string>();
        foreach (TheoryData<string, string, string, string> d in new[]
        {
            BlockTests.Payloads, FilemapTests.Payloads, IrqTests.Payloads, NetTests.Payloads, SchedTests.Payloads,
            SignalTests.Payloads, SyscallsTests.Payloads, VmscanTests.Payloads, WritebackTests.Payloads,
        })
        {
            foreach (object[] row in d)
            {
                all.Add((string)row[0], (string)row[1], (string)row[2], (string)row[3]);
            }
        }

        return all;
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void TryDecode_RealPayload_ReturnsTrue(string fullName, string payload, string missingField, string otherName)
    {
        _ = (missingField, otherName);
        AssertValid(Find(fullName), fullName, payload);
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void TryDecode_OtherEventName_ReturnsFalse(string fullName, string payload, string missingField, string otherName)
    {
        _ = (payload, missingField);
        Assert.False(Find(fullName)[fullName].TryDecode(otherName, payload));
    }

    [Theory]
    [MemberData(nameof(Payloads))]
    public void TryDecode_RequiredFieldMissing_ReturnsFalse(string fullName, string payload, string missingField, string otherName)
    {
        _ = (payload, otherName);
        Assert.False(Find(fullName)[fullName].TryDecode(Split(fullName).Name, missingField));
    }

    private static Dictionary<string, DecoderEntry> Find(string fullName) =>
        Tables.First(t => t.ContainsKey(fullName));
}
