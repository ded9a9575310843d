using FsCheck;
using FsCheck.Fluent;
using KernelSim.Units;

namespace KernelSim.Core.Tests.Units;

public class BytesTests
{
    [Theory]
    [InlineData("4096", 4096L)]
    [InlineData("64k", 64L * 1024)]
    [InlineData("64K", 64L * 1024)]
    [InlineData("256M", 256L * 1024 * 1024)]
    [InlineData("1G", 1024L * 1024 * 1024)]
    [InlineData("1GiB", 1024L * 1024 * 1024)]
    [InlineData("2T", 2L << 40)]
    [InlineData(" 128M ", 128L << 20)]
    [InlineData("0", 0L)]
    public void Parse_KernelStyleSizes_BinaryMultiples(string text, long expected) =>
        Assert.Equal(expected, Bytes.Parse(text).Value);

    [Theory]
    [InlineData("")]
    [InlineData("M")]
    [InlineData("-1M")]
    [InlineData("1.5G")]
    [InlineData("12Q")]
    [InlineData("99999999999999999999")]
    [InlineData("16E")]
    public void Parse_Invalid_ThrowsFormatExceptionNamingTheInput(string text)
    {
        FormatException ex = Assert.Throws<FormatException>(() => Bytes.Parse(text));
        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
        Assert.False(Bytes.TryParse(text, out _));
    }

    [Fact]
    public void ToString_LargestExactUnit() =>
        Assert.Equal(["256M", "1G", "4095", "64K"], new[] { Bytes.FromMebibytes(256), Bytes.FromGibibytes(1), Bytes.FromBytes(4095), Bytes.FromKibibytes(64) }.Select(b => b.ToString()));

    [FsCheck.Xunit.Property]
    public Property ToString_ThenParse_IsIdentity() =>
        Prop.ForAll(Gen.Choose(0, int.MaxValue).Select(i => (long)i * 1024).ToArbitrary(), v =>
            Bytes.Parse(Bytes.FromBytes(v).ToString()).Value == v).Label("Parse(ToString(b)) == b");

    [Fact]
    public void ToPages_RoundsDownLikeALimitWrite_AndUpForStorage()
    {
        var b = Bytes.FromBytes((4096 * 3) + 1);
        Assert.Equal(3, b.ToPagesRoundedDown(PageSize.FourKiB).Count);
        Assert.Equal(4, b.ToPagesRoundedUp(PageSize.FourKiB).Count);
    }

    [Fact]
    public void Subtract_BelowZero_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Bytes.FromBytes(1) - Bytes.FromBytes(2));
}
