using KernelSim.Models.Writeback;

namespace KernelSim.Models.Tests.Writeback;

/// <summary>One step of a write/writeback workload driven through <see cref="DirtyThrottle"/>.</summary>
/// <param name="AdvanceUs">Time that passes before the step, µs.</param>
/// <param name="Task">Task id.</param>
/// <param name="Cpu">CPU the task runs on.</param>
/// <param name="Dirtied">Pages the task dirties (one write chunk).</param>
/// <param name="ToWriteback">Pages the flusher puts under writeback.</param>
/// <param name="Completed">Pages whose writeback completes.</param>
public readonly record struct WorkloadStep(int AdvanceUs, int Task, int Cpu, int Dirtied, int ToWriteback, int Completed);
