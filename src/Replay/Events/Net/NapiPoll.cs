using System.Text;
using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// napi:napi_poll — one NAPI poll inside <c>net_rx_action</c>.
/// </summary>
/// <remarks>
/// Kernel: net/core/dev.c <c>__napi_poll</c>; fields per events/napi/napi_poll/format. Printed "napi poll on napi
/// struct %p for device %s work %d budget %d"; the CPU backlog polls as device "(no_device)". trace-cmd -R prints
/// napi= dev_name= work= budget=.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Napi"><c>napi</c>: the napi_struct address (hashed by ftrace).</param>
/// <param name="DevName"><c>dev_name</c>: the device, "(no_device)" for a backlog.</param>
/// <param name="Work"><c>work</c>: packets processed.</param>
/// <param name="Budget"><c>budget</c>: the poll's weight (work == budget means repoll).</param>
public readonly record struct NapiPoll(
    EventHeader Header,
    ulong Napi,
    string DevName,
    int Work,
    int Budget) : ITraceEvent<NapiPoll>
{
    /// <inheritdoc />
    public static string EventName => "napi:napi_poll";

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out NapiPoll value)
    {
        value = default;
        if (!e.Name.SequenceEqual("napi_poll"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        ulong napi;
        string devName;
        int work;
        int budget;
        if (r.TryGetWord("struct"u8, out ReadOnlySpan<byte> napiText))
        {
            // napi poll on napi struct 0000000083cf93da for device (no_device) work 1 budget 64
            if (!PayloadReader.TryParseHex(napiText, out napi)
                || !r.TryGetWord("device"u8, out ReadOnlySpan<byte> devText)
                || !r.TryGetWord("work"u8, out ReadOnlySpan<byte> workText) || !TryInt32(workText, out work)
                || !r.TryGetWord("budget"u8, out ReadOnlySpan<byte> budgetText) || !TryInt32(budgetText, out budget))
            {
                return false;
            }

            devName = Encoding.UTF8.GetString(devText);
        }
        else if (!r.TryGetHex("napi"u8, out napi)
                 || !r.TryGetString("dev_name"u8, out devName)
                 || !r.TryGetInt32("work"u8, out work)
                 || !r.TryGetInt32("budget"u8, out budget))
        {
            return false;
        }

        value = new NapiPoll(EventHeader.From(e), napi, devName, work, budget);
        return true;
    }

    private static bool TryInt32(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (PayloadReader.TryParseInt64(text, out long v) && v is >= int.MinValue and <= int.MaxValue)
        {
            value = (int)v;
            return true;
        }

        return false;
    }
}
