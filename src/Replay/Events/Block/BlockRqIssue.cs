using System.Text;
using KernelSim.Tracing;

namespace KernelSim.Replay.Events;

/// <summary>
/// block:block_rq_issue — a request is sent to the device driver.
/// </summary>
/// <remarks>
/// Kernel: block/blk-mq.c <c>blk_mq_start_request</c> (class block_rq); fields per
/// events/block/block_rq_issue/format. Printed positionally: "254,0 WS 4096 () 29102336 + 8 be,0,4 [python3]";
/// trace-cmd prints the ioprio class as a number ("0x2,0,4") and trace-cmd -R prints dev=… sector=… with a raw
/// dev_t.
/// </remarks>
/// <param name="Header">Context columns.</param>
/// <param name="Dev"><c>dev</c>: the disk.</param>
/// <param name="Sector"><c>sector</c>: first 512-byte sector.</param>
/// <param name="NrSector"><c>nr_sector</c>: length in sectors.</param>
/// <param name="Bytes"><c>bytes</c>: length in bytes.</param>
/// <param name="Ioprio"><c>ioprio</c>: class&lt;&lt;13 | hint&lt;&lt;3 | level, printed "be,0,4".</param>
/// <param name="Rwbs"><c>rwbs</c>: operation and flags ("R", "WS", "WSM", "RA", "FF"...).</param>
/// <param name="Comm"><c>comm</c>: the task issuing it (may differ from the submitter).</param>
/// <param name="Cmd"><c>cmd</c>: passthrough command text, usually empty.</param>
public readonly record struct BlockRqIssue(
    EventHeader Header,
    DeviceNumber Dev,
    ulong Sector,
    uint NrSector,
    uint Bytes,
    ushort Ioprio,
    string Rwbs,
    string Comm,
    string Cmd) : ITraceEvent<BlockRqIssue>
{
    /// <inheritdoc />
    public static string EventName => "block:block_rq_issue";

    /// <summary>The class bits of <see cref="Ioprio"/> (<c>IOPRIO_PRIO_CLASS</c>).</summary>
    public IoprioClass IoprioClass => (IoprioClass)((Ioprio >> 13) & 7);

    /// <summary>The level bits of <see cref="Ioprio"/> (<c>IOPRIO_PRIO_LEVEL</c>).</summary>
    public int IoprioLevel => Ioprio & 7;

    /// <inheritdoc />
    public static bool TryDecode(in RawEvent e, out BlockRqIssue value)
    {
        value = default;
        if (!e.Name.SequenceEqual("block_rq_issue"u8))
        {
            return false;
        }

        var r = new PayloadReader(e.Payload);
        if (r.TryGetUInt64("sector"u8, out ulong sector))
        {
            // trace-cmd -R: dev=266338304 sector=... nr_sector=8 bytes=4096 ioprio=16388 rwbs=WS comm=python3 cmd=
            if (r.TryGetDevice("dev"u8, out DeviceNumber rawDev)
                && r.TryGetUInt32("nr_sector"u8, out uint rawNr)
                && r.TryGetUInt32("bytes"u8, out uint rawBytes)
                && r.TryGetUInt16("ioprio"u8, out ushort rawPrio)
                && r.TryGetString("rwbs"u8, out string rawRwbs)
                && r.TryGetString("comm"u8, out string rawComm)
                && r.TryGetString("cmd"u8, out string rawCmd))
            {
                value = new BlockRqIssue(EventHeader.From(e), rawDev, sector, rawNr, rawBytes, rawPrio, rawRwbs, rawComm, rawCmd);
                return true;
            }

            return false;
        }

        if (BlockRqText.TryParse(e.Payload, withBytes: true, out DeviceNumber dev, out string rwbs, out uint bytes, out string cmd, out sector, out uint nrSector, out ushort ioprio, out ReadOnlySpan<byte> comm))
        {
            value = new BlockRqIssue(EventHeader.From(e), dev, sector, nrSector, bytes, ioprio, rwbs, Encoding.UTF8.GetString(comm), cmd);
            return true;
        }

        return false;
    }
}
