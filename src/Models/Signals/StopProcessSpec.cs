using KernelSim.Time;

namespace KernelSim.Models.Signals;

/// <summary>
/// One process of a container for the stop what-if: its place in the tree, its signal dispositions, and
/// what its handler does (application behaviour the kernel cannot know).
/// </summary>
/// <param name="Name">Name (comm); unique within the tree.</param>
/// <param name="Parent">The parent's name, or null for the container's first process (PID 1 of its namespace).</param>
/// <param name="Handled">Signals the process installs a handler for.</param>
/// <param name="Ignored">Signals the process sets to SIG_IGN.</param>
/// <param name="ExitAfterHandling">When a handled signal arrives, the process exits this long after (null: it keeps running).</param>
/// <param name="ForwardsSignals">Its handler forwards the signal to its children (what tini and dumb-init do).</param>
/// <param name="ReapsChildren">It waits for its children when they exit (an init that reaps); otherwise they stay zombies.</param>
/// <param name="ExitWhenChildrenGone">It exits as soon as the child it started (its first child) exits, as tini and dumb-init do; the namespace teardown then SIGKILLs whatever is left.</param>
public sealed record StopProcessSpec(
    string Name,
    string? Parent,
    IReadOnlyList<int> Handled,
    IReadOnlyList<int> Ignored,
    SimDuration? ExitAfterHandling,
    bool ForwardsSignals,
    bool ReapsChildren,
    bool ExitWhenChildrenGone = false);
