namespace KernelSim.Replay.Workload;

/// <summary>What a file operation in a workload was.</summary>
public enum FileOpKind
{
    /// <summary>write(2) or pwrite64(2).</summary>
    Write,

    /// <summary>fsync(2).</summary>
    Fsync,

    /// <summary>fdatasync(2).</summary>
    Fdatasync,

    /// <summary>read(2) or pread64(2).</summary>
    Read,
}
