namespace KernelSim.Models.Writeback;

/// <summary>
/// Which cgroup hierarchy owns the memory controller. It decides whether dirty throttling has a memcg domain.
/// </summary>
/// <remarks>
/// mm/page-writeback.c <c>balance_dirty_pages</c>: a memcg domain (<c>mdtc</c>) exists only for a cgroup
/// writeback wb (<c>inode_cgwb_enabled</c>), which needs the memory and io controllers on the default (v2)
/// hierarchy. On v1 every inode writes through the bdi's root wb and only the global domain throttles.
/// </remarks>
public enum CgroupVersion
{
    /// <summary>cgroup v1: global domain only.</summary>
    V1 = 1,

    /// <summary>cgroup v2: a memcg domain next to the global one when the wb belongs to a non-root memcg.</summary>
    V2 = 2,
}
