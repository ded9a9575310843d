namespace KernelSim.Models.Signals;

/// <summary>Where a process (thread group) is in its life.</summary>
public enum ProcessLifeState
{
    /// <summary>Alive and running (or able to run).</summary>
    Running = 0,

    /// <summary>Group-stopped by a stop signal (TASK_STOPPED).</summary>
    Stopped = 1,

    /// <summary>Exited; waiting for its parent to reap it (EXIT_ZOMBIE).</summary>
    Zombie = 2,

    /// <summary>Reaped (EXIT_DEAD, released).</summary>
    Reaped = 3,
}
