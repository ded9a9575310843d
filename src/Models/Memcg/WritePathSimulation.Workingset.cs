namespace KernelSim.Models.Memcg;

/// <summary>
/// mm/workingset.c without MGLRU (off on the lab kernel): evicted folios leave shadow entries stamped with the memcg
/// lruvec's nonresident_age; a folio added where a shadow is refaults, and returns straight to the active list when
/// its refault distance fits in the workingset (the active file list; anon does not count without swap).
/// </summary>
public sealed partial class WritePathSimulation
{
    // lruvec->nonresident_age: pages evicted plus pages activated (what ages the non-resident entries).
    private long _nonresidentAge;

    // workingset_eviction: read the age for the shadow, then age by the evicted pages.
    private void WorkingsetEviction(int f)
    {
        _cache.StoreShadow(f, _nonresidentAge);
        _nonresidentAge += _cache.Pages(f);
        if (_limit != long.MaxValue && _cache.ShadowCount > 2 * Math.Min(_limit, int.MaxValue / 2) + 1024)
        {
            // No shadow older than the memcg's size can pass workingset_test_recent (distance <= active file pages <= limit).
            _cache.PruneShadows(_nonresidentAge - _limit);
        }
    }

    // workingset_activation (from folio_mark_accessed when it activates a folio).
    private void WorkingsetActivation(int pages) => _nonresidentAge += pages;

    // filemap_add_folio -> workingset_refault: called for a new folio at (file, page); activates it when the shadow
    // it replaces was evicted recently enough (workingset_test_recent).
    private void WorkingsetRefault(long fileKey, long page, int f)
    {
        if (!_cache.TryShadow(fileKey, page, _config.MaxFolioOrder, take: true, out long eviction))
        {
            return;
        }

        int n = _cache.Pages(f);
        _stats.WorkingsetRefaults += n;
        long distance = _nonresidentAge - eviction;
        if (distance > _cache.ActivePages)
        {
            return;
        }

        _cache.FolioActivate(f);
        _nonresidentAge += n;
        _stats.WorkingsetActivations += n;
    }
}
