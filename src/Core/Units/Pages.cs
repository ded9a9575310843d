using System.Globalization;

namespace KernelSim.Units;

/// <summary>
/// A count of memory pages of an explicit <see cref="PageSize"/>.
/// </summary>
public readonly record struct Pages : IComparable<Pages>
{
    private Pages(long count, PageSize pageSize)
    {
        Count = count;
        PageSize = pageSize;
    }

    /// <summary>The number of pages.</summary>
    public long Count { get; }

    /// <summary>The size of each page.</summary>
    public PageSize PageSize { get; }

    /// <summary>Creates a page count.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public static Pages FromCount(long count, PageSize pageSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new(count, pageSize);
    }

    /// <summary>The bytes these pages hold.</summary>
    public Bytes ToBytes() => Bytes.FromBytes(checked(Count * PageSize.Value));

    /// <summary>Adds two page counts of the same page size.</summary>
    /// <exception cref="ArgumentException">The page sizes differ.</exception>
    public static Pages operator +(Pages left, Pages right)
    {
        RequireSamePageSize(left, right);
        return new(checked(left.Count + right.Count), left.PageSize);
    }

    /// <summary>Subtracts two page counts of the same page size; the result must not be negative.</summary>
    /// <exception cref="ArgumentException">The page sizes differ.</exception>
    public static Pages operator -(Pages left, Pages right)
    {
        RequireSamePageSize(left, right);
        return FromCount(checked(left.Count - right.Count), left.PageSize);
    }

    /// <summary>Adds (named alternative to the operator).</summary>
    public Pages Add(Pages other) => this + other;

    /// <summary>Subtracts (named alternative to the operator).</summary>
    public Pages Subtract(Pages other) => this - other;

    /// <inheritdoc />
    public int CompareTo(Pages other)
    {
        RequireSamePageSize(this, other);
        return Count.CompareTo(other.Count);
    }

    /// <summary>Orders page counts of the same page size.</summary>
    public static bool operator <(Pages left, Pages right) => left.CompareTo(right) < 0;

    /// <summary>Orders page counts of the same page size.</summary>
    public static bool operator >(Pages left, Pages right) => left.CompareTo(right) > 0;

    /// <summary>Orders page counts of the same page size.</summary>
    public static bool operator <=(Pages left, Pages right) => left.CompareTo(right) <= 0;

    /// <summary>Orders page counts of the same page size.</summary>
    public static bool operator >=(Pages left, Pages right) => left.CompareTo(right) >= 0;

    /// <inheritdoc />
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Count} pages of {PageSize}");

    private static void RequireSamePageSize(Pages left, Pages right)
    {
        if (left.PageSize != right.PageSize)
        {
            throw new ArgumentException($"Cannot combine pages of {left.PageSize} with pages of {right.PageSize}.", nameof(right));
        }
    }
}
