using FsCheck;
using FsCheck.Fluent;
using KernelSim.Simulation;
using KernelSim.Time;

namespace KernelSim.Core.Tests.Simulation;

public class EventQueueTests
{
    [Fact]
    public void Dequeue_SameTimeAndPriority_ComesOutInSchedulingOrder()
    {
        var q = new EventQueue<int>();
        for (int i = 0; i < 100; i++)
        {
            q.Enqueue(SimTime.FromNanoseconds(5), i);
        }

        for (int i = 0; i < 100; i++)
        {
            Assert.True(q.TryDequeue(out int v, out _));
            Assert.Equal(i, v);
        }
    }

    [FsCheck.Xunit.Property]
    public Property Dequeue_IsSortedByTimePriorityThenSequence() =>
        Prop.ForAll(
            Gen.ArrayOf(Gen.Zip(Gen.Choose(0, 20), Gen.Choose(-2, 2))).ToArbitrary(),
            items =>
            {
                var q = new EventQueue<int>();
                for (int i = 0; i < items.Length; i++)
                {
                    q.Enqueue(SimTime.FromNanoseconds(items[i].Item1), i, items[i].Item2);
                }

                var keys = new List<EventKey>();
                while (q.TryDequeue(out _, out EventKey k))
                {
                    keys.Add(k);
                }

                var expected = keys.OrderBy(k => k.Time).ThenBy(k => k.Priority).ThenBy(k => k.Sequence).ToList();
                return keys.SequenceEqual(expected) && keys.Count == items.Length;
            }).Label("dequeue order == sort by (time, priority, sequence)");

    [Fact]
    public void Schedule_InThePast_Throws()
    {
        var sim = new DiscreteEventSimulation<int>(seed: 1);
        sim.Schedule(SimTime.FromNanoseconds(10), 1);
        Assert.True(sim.TryStep(out _, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => sim.Schedule(SimTime.FromNanoseconds(5), 2));
    }
}
