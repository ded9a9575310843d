namespace KernelSim.Replay.Events;

/// <summary>The LRU list a folio sits on, as mm_vmscan_lru_isolate reports it.</summary>
/// <remarks>Kernel: include/linux/mmzone.h <c>enum lru_list</c> (values with <c>CONFIG_LRU_GEN</c> unset);
/// printed names from include/trace/events/mmflags.h <c>LRU_NAMES</c>.</remarks>
public enum LruList
{
    /// <summary><c>LRU_INACTIVE_ANON</c>, printed "inactive_anon".</summary>
    InactiveAnon = 0,

    /// <summary><c>LRU_ACTIVE_ANON</c>, printed "active_anon".</summary>
    ActiveAnon = 1,

    /// <summary><c>LRU_INACTIVE_FILE</c>, printed "inactive_file".</summary>
    InactiveFile = 2,

    /// <summary><c>LRU_ACTIVE_FILE</c>, printed "active_file".</summary>
    ActiveFile = 3,

    /// <summary><c>LRU_UNEVICTABLE</c>, printed "unevictable".</summary>
    Unevictable = 4,
}
