using System.Globalization;

namespace KernelSim.Replay.Events;

/// <summary>
/// A block device number (<c>dev_t</c>) as tracepoints carry it: major and minor.
/// </summary>
/// <remarks>
/// Kernel: include/linux/kdev_t.h — inside the kernel a <c>dev_t</c> is <c>MKDEV(ma, mi) = ma &lt;&lt; 20 | mi</c>
/// (<c>MINORBITS</c> = 20), which is what trace-cmd -R prints; TP_printk formats print it as
/// "MAJOR:MINOR" (writeback, filemap) or "MAJOR,MINOR" (block).
/// </remarks>
/// <param name="Major">Major number (12 bits in the kernel encoding).</param>
/// <param name="Minor">Minor number (20 bits in the kernel encoding).</param>
public readonly record struct DeviceNumber(uint Major, uint Minor)
{
    /// <summary>Bits of the minor number in the kernel's <c>dev_t</c> (<c>MINORBITS</c>).</summary>
    public const int MinorBits = 20;

    private const uint MinorMask = (1u << MinorBits) - 1;

    /// <summary>Splits a kernel-encoded <c>dev_t</c> (<c>MAJOR(dev)</c>, <c>MINOR(dev)</c>).</summary>
    /// <param name="dev">The value as stored in the trace record.</param>
    public static DeviceNumber FromKernel(uint dev) => new(dev >> MinorBits, dev & MinorMask);

    /// <summary>The kernel encoding <c>MKDEV(Major, Minor)</c>.</summary>
    public uint ToKernel() => (Major << MinorBits) | (Minor & MinorMask);

    /// <summary>"MAJOR:MINOR", as /proc and the writeback tracepoints print it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}:{Minor}");

    /// <summary>Parses "8:0", "8,0" or a kernel-encoded decimal <c>dev_t</c> ("266338304").</summary>
    /// <param name="text">UTF-8 text.</param>
    /// <param name="value">The device number.</param>
    /// <returns>False when the text is none of these shapes.</returns>
    public static bool TryParse(ReadOnlySpan<byte> text, out DeviceNumber value)
    {
        value = default;
        int sep = text.IndexOfAny((byte)':', (byte)',');
        if (sep < 0)
        {
            if (PayloadReader.TryParseUInt64(text, out ulong raw) && raw <= uint.MaxValue)
            {
                value = FromKernel((uint)raw);
                return true;
            }

            return false;
        }

        if (PayloadReader.TryParseUInt64(text[..sep], out ulong major) && major <= uint.MaxValue
            && PayloadReader.TryParseUInt64(text[(sep + 1)..], out ulong minor) && minor <= uint.MaxValue)
        {
            value = new DeviceNumber((uint)major, (uint)minor);
            return true;
        }

        return false;
    }
}
