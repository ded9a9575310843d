using KernelSim.Replay.Formats;

namespace KernelSim.Replay;

/// <summary>What reading one capture met besides its events, for commands that read many (ksim validate).</summary>
/// <param name="Capture">The capture's file name.</param>
/// <param name="Diagnostics">Its reader's findings: malformed lines skipped, lost events, truncation.</param>
internal sealed record CaptureRead(string Capture, TraceDiagnostics Diagnostics);
