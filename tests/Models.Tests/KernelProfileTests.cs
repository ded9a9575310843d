using KernelSim.Models;
using KernelSim.Time;

namespace KernelSim.Models.Tests;

public class KernelProfileTests
{
    [Theory]
    [InlineData("6.18.44-fc-v657", 6, 18)]
    [InlineData("6.1.0-27-amd64", 6, 1)]
    [InlineData("5.15.0", 5, 15)]
    public void FromRelease_ParsesMajorMinor(string release, int major, int minor)
    {
        KernelProfile p = KernelProfile.FromRelease(release);
        Assert.Equal((major, minor), (p.Major, p.Minor));
    }

    [Fact]
    public void FromRelease_Garbage_FormatExceptionWithExample()
    {
        FormatException ex = Assert.Throws<FormatException>(() => KernelProfile.FromRelease("linux"));
        Assert.Contains("MAJOR.MINOR", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("6.18.44", 18)]
    [InlineData("6.12.3", 1)]
    [InlineData("6.1.0", 1)]
    [InlineData("7.0.1", 18)]
    [InlineData("5.10.0", 1)]
    public void NearestKnown_NewestNotNewerThanTheRelease(string release, int expectedMinor) =>
        Assert.Equal(expectedMinor, KernelProfile.FromRelease(release).NearestKnown().Minor);

    [Theory]
    [InlineData(250, 4_000_000L)]
    [InlineData(1000, 1_000_000L)]
    [InlineData(100, 10_000_000L)]
    public void Jiffy_FollowsHz(int hz, long ns)
    {
        KernelProfile p = KernelProfile.Linux6_18 with { Hz = hz };
        Assert.Equal(ns, p.Jiffy.TotalNanoseconds);
        // MAX_PAUSE = HZ/5 jiffies is 200 ms at any HZ that divides by 5 (mm/page-writeback.c).
        Assert.Equal(SimDuration.FromMilliseconds(200), p.Jiffies(hz / 5));
    }
}
