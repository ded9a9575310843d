using KernelSim.Cli.Commands;
using KernelSim.Time;

namespace KernelSim.Cli.Tests.Commands;

public class TextUnitsTests
{
    [Theory]
    [InlineData(850L, "850 ns")]
    [InlineData(12_500L, "12.5 µs")]
    [InlineData(3_200_000L, "3.2 ms")]
    [InlineData(1_500_000_000L, "1.5 s")]
    public void Duration_EachRange_MicrosecondsSpelledMicro(long ns, string expected) =>
        Assert.Equal(expected, TextUnits.Duration(SimDuration.FromNanoseconds(ns)));

    [Theory]
    [InlineData(1000L, "1000 B")]
    [InlineData(65536L, "64 KiB")]
    [InlineData(134217728L, "128 MiB")]
    [InlineData(1610612736L, "1.5 GiB")]
    public void Size_Bytes_IecSuffix(long bytes, string expected) => Assert.Equal(expected, TextUnits.Size(bytes));

    [Fact]
    public void Timestamp_TraceTime_CarriesSeconds() =>
        Assert.Equal("1855.948279000 s", TextUnits.Timestamp(SimTime.FromNanoseconds(1_855_948_279_000)));
}
