using KernelSim.Simulation;
using KernelSim.Time;

namespace KernelSim.Core.Tests.Simulation;

/// <summary>
/// Known answer from queueing theory: an M/M/1 queue with arrival rate lambda and service rate mu has
/// mean time in system W = 1 / (mu - lambda) and utilisation rho = lambda / mu.
/// </summary>
public class MM1QueueTests
{
    private enum Kind
    {
        Arrival,
        Departure,
    }

    [Fact]
    public void EventLoop_MM1_MatchesAnalyticMeanTimeInSystem()
    {
        const double lambda = 0.8; // per microsecond
        const double mu = 1.0;
        double simulated = Run(seed: 42, customers: 200_000, lambda, mu, out double busyFraction);
        double analytic = 1.0 / (mu - lambda); // 5 us
        Assert.InRange(simulated, analytic * 0.95, analytic * 1.05);
        Assert.InRange(busyFraction, 0.78, 0.82);
    }

    [Fact]
    public void EventLoop_SameSeed_IdenticalResult() =>
        Assert.Equal(Run(7, 20_000, 0.5, 1.0, out _), Run(7, 20_000, 0.5, 1.0, out _));

    [Fact]
    public void EventLoop_OtherSeed_DifferentSamplePath() =>
        Assert.NotEqual(Run(7, 20_000, 0.5, 1.0, out _), Run(8, 20_000, 0.5, 1.0, out _));

    private static double Run(ulong seed, int customers, double lambda, double mu, out double busyFraction)
    {
        var sim = new DiscreteEventSimulation<Kind>(seed);
        var queue = new Queue<SimTime>();
        int arrived = 0;
        long totalNs = 0;
        long done = 0;
        long busyNs = 0;
        SimTime busySince = SimTime.Zero;
        SimDuration Exp(double rate) => SimDuration.FromNanoseconds((long)(sim.Random.NextExponential(1000.0 / rate)));

        sim.Schedule(SimTime.Zero, Kind.Arrival);
        while (sim.TryStep(out Kind kind, out _))
        {
            if (kind == Kind.Arrival)
            {
                queue.Enqueue(sim.Now);
                if (queue.Count == 1)
                {
                    busySince = sim.Now;
                    sim.ScheduleAfter(Exp(mu), Kind.Departure);
                }

                if (++arrived < customers)
                {
                    sim.ScheduleAfter(Exp(lambda), Kind.Arrival);
                }
            }
            else
            {
                SimTime arrivedAt = queue.Dequeue();
                totalNs += (sim.Now - arrivedAt).TotalNanoseconds;
                done++;
                if (queue.Count > 0)
                {
                    sim.ScheduleAfter(Exp(mu), Kind.Departure);
                }
                else
                {
                    busyNs += (sim.Now - busySince).TotalNanoseconds;
                }
            }
        }

        busyFraction = (double)busyNs / sim.Now.TotalNanoseconds;
        return totalNs / (double)done / 1000.0;
    }
}
