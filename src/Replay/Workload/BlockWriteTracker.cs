using System.Runtime.InteropServices;
using KernelSim.Time;

namespace KernelSim.Replay.Workload;

/// <summary>
/// Pairs block_rq_issue with block_rq_complete for write requests by (device, sector) and accumulates what
/// <see cref="DeviceActivity"/> reports: completed requests and bytes, busy time (the union of the intervals with
/// at least one write in flight) and per-request service times.
/// </summary>
/// <remarks>
/// A request issued again while in flight was requeued by the driver (blk_mq_requeue_request, e.g. a full
/// virtqueue); its service time restarts at the last issue. A completion of fewer sectors than remain
/// (blk_update_request on part of a request) leaves the rest in flight at the following sector.
/// </remarks>
internal sealed class BlockWriteTracker
{
    private const int SectorShift = 9;

    private readonly Dictionary<(uint Dev, ulong Sector), InFlight> _inFlight = [];
    private readonly List<DeviceRequest> _requests = [];
    private long _writeRequests;
    private long _writeBytes;
    private long _busyNs;
    private long _busySinceNs;
    private long _serviceNs;
    private long _requeues;

    /// <summary>Write requests issued and not yet completed.</summary>
    public int InFlightCount => _inFlight.Count;

    /// <summary>Completions with no matching issue (issued before the trace started).</summary>
    public long CompletesWithoutIssue { get; private set; }

    /// <summary>Negative intervals met (per-CPU clocks) and counted as zero.</summary>
    public long ClampedDurations { get; private set; }

    public void Issue(uint dev, ulong sector, uint sectors, long now)
    {
        ref InFlight slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_inFlight, (dev, sector), out bool exists);
        if (exists)
        {
            _requeues++;
            slot.IssuedNs = now;
            slot.OthersAtIssue = _inFlight.Count - 1;
            return;
        }

        slot = new InFlight(now, sectors, sectors, _inFlight.Count - 1);
        if (_inFlight.Count == 1)
        {
            _busySinceNs = now;
        }
    }

    public void Complete(uint dev, ulong sector, uint sectors, long now)
    {
        if (!_inFlight.Remove((dev, sector), out InFlight request))
        {
            CompletesWithoutIssue++;
            return;
        }

        uint done = Math.Min(sectors, request.Remaining);
        _writeBytes += (long)done << SectorShift;
        if (done < request.Remaining)
        {
            _inFlight[(dev, sector + done)] = request with { Remaining = request.Remaining - done };
            return;
        }

        long service = NonNegative(now - request.IssuedNs);
        _writeRequests++;
        _serviceNs += service;
        _requests.Add(new DeviceRequest(SimTime.FromNanoseconds(request.IssuedNs), (long)request.Sectors << SectorShift, SimDuration.FromNanoseconds(service), request.OthersAtIssue));
        if (_inFlight.Count == 0)
        {
            _busyNs += NonNegative(now - _busySinceNs);
        }
    }

    /// <summary>The activity so far; requests still in flight count as busy until <paramref name="endNs"/>.</summary>
    public DeviceActivity Finish(long endNs)
    {
        long busy = _busyNs;
        if (_inFlight.Count > 0)
        {
            busy += NonNegative(endNs - _busySinceNs);
        }

        return new DeviceActivity(
            _writeRequests,
            _writeBytes,
            SimDuration.FromNanoseconds(busy),
            SimDuration.FromNanoseconds(_writeRequests > 0 ? _serviceNs / _writeRequests : 0))
        {
            Requests = _requests.AsReadOnly(),
            Requeues = _requeues,
        };
    }

    private long NonNegative(long ns)
    {
        if (ns < 0)
        {
            ClampedDurations++;
            return 0;
        }

        return ns;
    }

    private record struct InFlight(long IssuedNs, uint Sectors, uint Remaining, int OthersAtIssue);
}
