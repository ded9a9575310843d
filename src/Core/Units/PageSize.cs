namespace KernelSim.Units;

/// <summary>
/// The size of a memory page in bytes (a power of two). Explicit wherever pages and bytes meet,
/// because x86-64 uses 4 KiB while arm64 kernels may use 16 or 64 KiB.
/// </summary>
public readonly record struct PageSize
{
    private PageSize(int value) => Value = value;

    /// <summary>4 KiB, the x86-64 base page (PAGE_SIZE, arch/x86/include/asm/page_types.h).</summary>
    public static PageSize FourKiB => new(4096);

    /// <summary>The page size in bytes.</summary>
    public int Value { get; }

    /// <summary>Creates a page size.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="bytes"/> is not a power of two between 512 and 1 GiB.</exception>
    public static PageSize FromBytes(int bytes)
    {
        if (bytes < 512 || bytes > (1 << 30) || (bytes & (bytes - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), bytes, "A page size must be a power of two between 512 and 1 GiB.");
        }

        return new(bytes);
    }

    /// <inheritdoc />
    public override string ToString() => Bytes.FromBytes(Value).ToString();
}
