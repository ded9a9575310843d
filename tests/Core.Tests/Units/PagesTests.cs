using KernelSim.Units;

namespace KernelSim.Core.Tests.Units;

public class PagesTests
{
    [Fact]
    public void ToBytes_UsesThePageSize()
    {
        Assert.Equal(8192L, Pages.FromCount(2, PageSize.FourKiB).ToBytes().Value);
        Assert.Equal(131072L, Pages.FromCount(2, PageSize.FromBytes(65536)).ToBytes().Value);
    }

    [Fact]
    public void Add_DifferentPageSizes_Throws() =>
        Assert.Throws<ArgumentException>(() => Pages.FromCount(1, PageSize.FourKiB) + Pages.FromCount(1, PageSize.FromBytes(16384)));

    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData(4097)]
    public void PageSize_NotPowerOfTwo_Throws(int bytes) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PageSize.FromBytes(bytes));

    [Fact]
    public void Jiffies_HzDefinesTheTick()
    {
        Assert.Equal(4_000_000L, Jiffies.FromCount(1, 250).ToDuration().TotalNanoseconds);
        Assert.Equal(2, Jiffies.FromDurationRoundedUp(KernelSim.Time.SimDuration.FromMicroseconds(8000), 250).Count);
        Assert.Equal(3, Jiffies.FromDurationRoundedUp(KernelSim.Time.SimDuration.FromMicroseconds(8001), 250).Count);
    }
}
