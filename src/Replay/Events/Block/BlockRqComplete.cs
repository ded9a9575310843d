using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// block:block_rq_complete — the device completed (part of) a request.
/// </summary>
/// <remarks>
/// Kernel: block/blk-mq.c <c>blk_update_request</c> (class block_rq_completion); fields per
/// events/block/block_rq_complete/format. Printed positionally: "254,0 WS () 29102336 + 8 be,0,4 [0]" (the bracket
/// holds the error); trace-cmd prints the ioprio class as a number and trace-cmd -R prints dev=… with a raw dev_t.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Dev"><c>dev</c>: the disk.</param>
/// <param name="Sector"><c>sector</c>: first 512-byte sector.</param>
/// <param name="NrSector"><c>nr_sector</c>: sectors completed.</param>
/// <param name="Error"><c>error</c>: 0, or a negative errno (blk_status_to_errno).</param>
/// <param name="Ioprio"><c>ioprio</c>: class&lt;&lt;13 | hint&lt;&lt;3 | level, printed "be,0,4".</param>
/// <param name="Rwbs"><c>rwbs</c>: operation and flags.</param>
/// <param name="Cmd"><c>cmd</c>: passthrough command text, usually empty.</param>
public readonly record struct BlockRqComplete(
    EventHeader Header,
    DeviceNumber Dev,
    ulong Sector,
    uint NrSector,
    int Error,
    ushort Ioprio,
    string Rwbs,
    string Cmd) : ITraceEvent<BlockRqComplete>
{
    /// <inheritdoc />
    public static string EventName => "block:block_rq_complete";

    /// <summary>The class bits of <see cref="Ioprio"/> (<c>IOPRIO_PRIO_CLASS</c>).</summary>
    public IoprioClass IoprioClass => (IoprioClass)((Ioprio >> 13) & 7);

    /// <summary>The level bits of <see cref="Ioprio"/> (<c>IOPRIO_PRIO_LEVEL</c>).</summary>
    public int IoprioLevel => Ioprio & 7;

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out BlockRqComplete value)
    {
        value = default;
        if (!e.Name.SequenceEqual("block_rq_complete"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetUInt64("sector"u8, out ulong sector))
        {
            // trace-cmd -R: dev=266338304 sector=... nr_sector=8 error=0 ioprio=16388 rwbs=WS cmd=
            if (r.TryGetDevice("dev"u8, out DeviceNumber rawDev)
                && r.TryGetUInt32("nr_sector"u8, out uint rawNr)
                && r.TryGetInt32("error"u8, out int rawError)
                && r.TryGetUInt16("ioprio"u8, out ushort rawPrio)
                && r.TryGetString("rwbs"u8, out string rawRwbs)
                && r.TryGetString("cmd"u8, out string rawCmd))
            {
                value = new BlockRqComplete(EventHeader.From(e), rawDev, sector, rawNr, rawError, rawPrio, rawRwbs, rawCmd);
                return true;
            }

            return false;
        }

        if (BlockRqText.TryParse(e.Payload, withBytes: false, out DeviceNumber dev, out string rwbs, out _, out string cmd, out sector, out uint nrSector, out ushort ioprio, out ReadOnlySpan<byte> errorText)
            && PayloadReader.TryParseInt64(errorText, out long error) && error is >= int.MinValue and <= int.MaxValue)
        {
            value = new BlockRqComplete(EventHeader.From(e), dev, sector, nrSector, (int)error, ioprio, rwbs, cmd);
            return true;
        }

        return false;
    }
}
