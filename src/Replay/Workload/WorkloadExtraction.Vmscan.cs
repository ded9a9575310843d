using System.Globalization;
using System.Runtime.InteropServices;
using KernelSim.Replay.Events;
using KernelSim.Replay.Formats;
using KernelSim.Time;
using KernelSim.Tracing;

namespace KernelSim.Replay.Workload;

/// <summary>mm/vmscan.c and mm/page-writeback.c events: reclaim episodes, shrink_inactive_list, reclaim throttling, balance_dirty_pages.</summary>
internal sealed partial class WorkloadExtraction
{
    private void OnReclaimBegin(in RawEvent e)
    {
        ThreadState t = Thread(e.Pid, e.Tgid);
        if (t.ReclaimBeginNs >= 0)
        {
            _diag.ReclaimBeginsWithoutEnd++;
            if (t.Open)
            {
                t.Incomplete = true;
            }
        }

        t.ReclaimBeginNs = e.Timestamp.TotalNanoseconds;
        t.EpisodeScanned = 0;
        t.EpisodeReclaimed = 0;
        t.EpisodeOffCpuNs = 0;
    }

    private void OnReclaimEnd(in RawEvent e, bool memcg)
    {
        if (!_threads.TryGetValue(e.Pid, out ThreadState? t) || t.ReclaimBeginNs < 0)
        {
            _diag.ReclaimEndsWithoutBegin++;
            return;
        }

        long stall = NonNegative(e.Timestamp.TotalNanoseconds - t.ReclaimBeginNs);
        if (memcg)
        {
            _memcgEpisodes++;
        }
        else
        {
            _directEpisodes++;
        }

        _stallNs += stall;
        if (t.Open && t.ReclaimBeginNs >= t.StartNs)
        {
            t.Episodes++;
            t.StallNs += stall;
            t.Scanned += t.EpisodeScanned;
            t.Reclaimed += t.EpisodeReclaimed;
            t.ReclaimOffCpuNs += t.EpisodeOffCpuNs;
        }

        t.ReclaimBeginNs = -1;
    }

    private void OnShrinkInactive(in RawEvent e)
    {
        var p = new PayloadReader(e.Payload);
        if (!p.TryGetInt64("nr_scanned"u8, out long scanned) || !p.TryGetInt64("nr_reclaimed"u8, out long reclaimed))
        {
            _undecoded++;
            return;
        }

        _scanned += scanned;
        _reclaimed += reclaimed;
        if (p.TryGetInt64("nr_dirty"u8, out long dirty))
        {
            _dirty += dirty;
        }

        if (p.TryGetInt64("nr_writeback"u8, out long writeback))
        {
            _writeback += writeback;
        }

        // A chunk of dirty folios none of which is under writeback wakes the flusher (shrink_inactive_list's
        // nr_unqueued_dirty == nr_taken, approximated by dirty > 0 and writeback == 0); time it when the flusher was idle.
        long now = e.Timestamp.TotalNanoseconds;
        if (dirty > 0 && writeback == 0 && _flusherWokenNs < 0 && now - _lastDataWriteNs > FlusherIdleNs)
        {
            _flusherWokenNs = now;
        }

        if (_threads.TryGetValue(e.Pid, out ThreadState? t) && t.ReclaimBeginNs >= 0)
        {
            t.EpisodeScanned += scanned;
            t.EpisodeReclaimed += reclaimed;
        }
    }

    private void OnThrottled(in RawEvent e)
    {
        // The kernel prints usec_delayed as "usect_delayed=" (see MmVmscanThrottled); trace-cmd -R uses the field name.
        var p = new PayloadReader(e.Payload);
        if (!p.TryGetInt64("usect_delayed"u8, out long us) && !p.TryGetInt64("usec_delayed"u8, out us))
        {
            _undecoded++;
            return;
        }

        _throttles++;
        _throttleUs += us;
        if (_threads.TryGetValue(e.Pid, out ThreadState? t) && t.Open)
        {
            // usec_delayed counts whole jiffies (4 ms at HZ=250): a sleep cut short by writeback completion
            // still reads 4000. The thread's off-CPU time up to this event (it fires on wakeup) is the sleep;
            // without sched_switch, usec_delayed is capped by the time since the episode (or call) began.
            long now = e.Timestamp.TotalNanoseconds;
            long sleptNs;
            if (t.ResumedAtEvent == _reader.EventsRead)
            {
                sleptNs = t.LastOffCpuNs;
            }
            else
            {
                long since = Math.Max(t.StartNs, t.ReclaimBeginNs);
                sleptNs = Math.Min(us * 1_000, NonNegative(now - since));
            }

            t.ThrottleNs += sleptNs;
        }
    }

    private void OnBalanceDirtyPages(in RawEvent e)
    {
        var p = new PayloadReader(e.Payload);
        if (!p.TryGetInt64("pause"u8, out long pauseMs))
        {
            _undecoded++;
            return;
        }

        if (pauseMs > 0 && _threads.TryGetValue(e.Pid, out ThreadState? t) && t.Open)
        {
            t.DirtyPauseNs += pauseMs * 1_000_000;
        }
    }
}
