namespace KernelSim.Models.Memcg;

/// <summary>
/// mm/memcontrol.c: the page counter and per-CPU stock (try_charge_memcg, consume_stock/refill_stock,
/// drain_all_stock), memcg OOM, memory.high (__mem_cgroup_handle_over_high, calculate_high_delay) and the
/// kmem charge that follows the page cache.
/// </summary>
public sealed partial class WritePathSimulation
{
    // try_charge_memcg (mm/memcontrol.c): stock, batch charge, exact retry, reclaim, drain, retries, OOM.
    private void Charge(int nr)
    {
        if (_stock >= nr)
        {
            _stock -= nr;
            return;
        }

        long batch = Math.Max(MemcgConstants.MemcgChargeBatch, nr);
        int retries = MemcgConstants.MaxReclaimRetries;
        bool drained = false;
        while (true)
        {
            if (_stock >= nr)
            {
                _stock -= nr;
                return;
            }

            if (_usage + batch <= _limit && _usage + batch <= _parentLimit)
            {
                _usage += batch;
                _stats.ChargedPages += batch;
                _maxUsage = Math.Max(_maxUsage, _usage);
                _stock += batch - nr;
                if (_stock > MemcgConstants.MemcgChargeBatch)
                {
                    // refill_stock drains a stock that grew past the batch.
                    _usage -= _stock;
                    _stats.UnchargedPages += _stock;
                    _stock = 0;
                }

                if (_usage > _high)
                {
                    _overHighPages += batch;
                }

                return;
            }

            _stats.Failcnt++;
            if (batch > nr)
            {
                batch = nr;
                continue;
            }

            // page_counter_try_charge fails at the first counter over its max walking up from the workload's: the
            // parent is the reclaim root only when the workload's own counter had room.
            long reclaimed = TryToFreeMemCgroupPages(nr, parentRoot: _usage + batch <= _limit);
            if (Math.Min(_limit, _parentLimit) - _usage >= nr)
            {
                continue;
            }

            if (!drained)
            {
                // drain_all_stock: return unused precharge to the counter.
                _usage -= _stock;
                _stats.UnchargedPages += _stock;
                _stock = 0;
                drained = true;
                continue;
            }

            if (reclaimed > 0 && nr <= (1 << MemcgConstants.PageAllocCostlyOrder))
            {
                continue;
            }

            if (retries-- > 0)
            {
                continue;
            }

            // mem_cgroup_oom: the model records it and force-charges so the replay can go on.
            _stats.OomEvents++;
            _usage += nr;
            _stats.ChargedPages += nr;
            _maxUsage = Math.Max(_maxUsage, _usage);
            return;
        }
    }

    // __mem_cgroup_handle_over_high + calculate_high_delay (mm/memcontrol.c), on return to user space.
    private void HandleOverHigh()
    {
        if (_overHighPages == 0 || _usage <= _high)
        {
            _overHighPages = 0;
            return;
        }

        long nr = _overHighPages;
        _overHighPages = 0;
        TryToFreeMemCgroupPages(nr);
        long penalty = HighDelayJiffies(_usage, _high, nr, _hz);
        if (penalty <= _hz / 100)
        {
            return;
        }

        _stats.HighPenalties++;
        long ns = penalty * (1_000_000_000L / _hz);
        long start = _now;
        AdvanceTo(start + ns);
        _now = start + ns;
        _opHighNs += ns;
    }

    /// <summary>
    /// The memory.high penalty in jiffies for <paramref name="nrPages"/> charged while usage is over
    /// high (calculate_high_delay, mm/memcontrol.c): overage = (usage - high) &lt;&lt; 20 / high,
    /// penalty = overage² · HZ &gt;&gt; 34, scaled by nr_pages / MEMCG_CHARGE_BATCH, capped at 2·HZ.
    /// </summary>
    public static long HighDelayJiffies(long usagePages, long highPages, long nrPages, int hz)
    {
        if (usagePages <= highPages)
        {
            return 0;
        }

        long overage = ((usagePages - highPages) << MemcgConstants.MemcgDelayPrecisionShift) / Math.Max(highPages, 1);
        Int128 penalty = (Int128)overage * overage * hz;
        penalty >>= MemcgConstants.MemcgDelayPrecisionShift;
        penalty >>= MemcgConstants.MemcgDelayScalingShift;
        penalty = penalty * nrPages / MemcgConstants.MemcgChargeBatch;
        long cap = (long)MemcgConstants.MemcgMaxHighDelayHzMultiple * hz;
        return penalty > cap ? cap : (long)penalty;
    }

    // Slab that grows with the page cache (buffer heads, xarray nodes), charged with the folio (memcg_slab_post_alloc_hook).
    private void ChargeKmem(int pages)
    {
        if (_kmemPpmPerPage == 0)
        {
            return;
        }

        _kmemPpm += pages * _kmemPpmPerPage;
        long due = (_kmemPpm / 1_000_000) - _kmemPages;
        if (due > 0)
        {
            Charge((int)due);
            _kmemPages += due;
        }
    }

    // A folio leaves the page cache: its pages and the slab that came with it are uncharged.
    private void UnchargeFolio(int pages)
    {
        _usage -= pages;
        _stats.UnchargedPages += pages;
        UnchargeKmem(pages);
    }

    private void UnchargeKmem(int pages)
    {
        if (_kmemPpmPerPage == 0)
        {
            return;
        }

        _kmemPpm = Math.Max(0, _kmemPpm - (pages * _kmemPpmPerPage));
        long excess = _kmemPages - ((_kmemPpm + 999_999) / 1_000_000);
        if (excess > 0)
        {
            _kmemPages -= excess;
            _usage -= excess;
            _stats.UnchargedPages += excess;
        }
    }
}
