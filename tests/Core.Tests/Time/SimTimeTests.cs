using KernelSim.Time;

namespace KernelSim.Core.Tests.Time;

public class SimTimeTests
{
    [Fact]
    public void Arithmetic_IsExactInNanoseconds()
    {
        SimTime t = SimTime.FromSeconds(91) + SimDuration.FromMicroseconds(516_306);
        Assert.Equal(91_516_306_000L, t.TotalNanoseconds);
        Assert.Equal(SimDuration.FromMicroseconds(81), SimTime.FromNanoseconds(91_516_387_000) - t);
    }

    [Fact]
    public void ToString_PrintsSecondsWithNineDigits() =>
        Assert.Equal("91.516306000", SimTime.FromNanoseconds(91_516_306_000).ToString());

    [Fact]
    public void Overflow_FailsLoudly() =>
        Assert.Throws<OverflowException>(() => SimTime.MaxValue + SimDuration.FromNanoseconds(1));

    [Theory]
    [InlineData(999L, "999 ns")]
    [InlineData(1_500L, "1.5 us")]
    [InlineData(4_000_000L, "4 ms")]
    [InlineData(2_000_000_000L, "2 s")]
    public void Duration_ToString_PicksAUnit(long ns, string expected) =>
        Assert.Equal(expected, SimDuration.FromNanoseconds(ns).ToString());

    [Fact]
    public void FromJiffies_AtHz250_IsFourMilliseconds() =>
        Assert.Equal(SimDuration.FromMilliseconds(4), SimDuration.FromJiffies(1, 250));
}
