using KernelSim.Time;

namespace KernelSim.Replay.Workload;

/// <summary>One completed block write request (block_rq_issue paired with block_rq_complete by device and sector).</summary>
/// <param name="Issued">When the request was (last) issued to the driver.</param>
/// <param name="Bytes">Bytes written (sectors × 512).</param>
/// <param name="Service">Issue to completion.</param>
/// <param name="OthersInFlight">Other write requests in flight when it was (last) issued: its service time shares the device with them.</param>
public readonly record struct DeviceRequest(SimTime Issued, long Bytes, SimDuration Service, int OthersInFlight);
