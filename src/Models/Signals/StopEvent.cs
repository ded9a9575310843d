using KernelSim.Time;

namespace KernelSim.Models.Signals;

/// <summary>One step of a predicted container stop.</summary>
/// <param name="Time">Time since the stop signal was sent.</param>
/// <param name="Process">The process concerned (its name).</param>
/// <param name="What">"SIGTERM ignored", "SIGTERM handled", "exited (SIGKILL)", "exited (code 0)", "reaped", ...</param>
public readonly record struct StopEvent(SimDuration Time, string Process, string What);
