namespace KernelSim.Simulation;

/// <summary>
/// A seeded pseudo-random stream (xoshiro256**, state expanded from the seed with SplitMix64).
/// The sequence depends only on the seed, on every platform and runtime version, unlike
/// <see cref="System.Random"/> whose algorithm is an implementation detail.
/// </summary>
/// <remarks>Algorithms: Blackman and Vigna, "Scrambled linear pseudorandom number generators" (2021).</remarks>
public sealed class DeterministicRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a stream from a seed. Every seed, zero included, gives a valid stream.</summary>
    public DeterministicRandom(ulong seed)
    {
        Seed = seed;
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>The seed this stream started from (report it with any result that used randomness).</summary>
    public ulong Seed { get; }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        unchecked
        {
            ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
            ulong t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = ulong.RotateLeft(_s3, 45);
            return result;
        }
    }

    /// <summary>A uniform integer in [0, <paramref name="exclusiveMax"/>), without modulo bias (Lemire's method).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="exclusiveMax"/> is zero.</exception>
    public ulong NextUInt64(ulong exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfZero(exclusiveMax);
        ulong threshold = unchecked(0UL - exclusiveMax) % exclusiveMax; // 2^64 mod n
        while (true)
        {
            ulong r = NextUInt64();
            UInt128 m = (UInt128)r * exclusiveMax;
            if (unchecked((ulong)m) >= threshold)
            {
                return unchecked((ulong)(m >> 64));
            }
        }
    }

    /// <summary>A uniform integer in [0, <paramref name="exclusiveMax"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="exclusiveMax"/> is not positive.</exception>
    public int NextInt32(int exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);
        return (int)NextUInt64((ulong)exclusiveMax);
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>An exponentially distributed value with the given mean (inverse transform).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="mean"/> is not positive.</exception>
    public double NextExponential(double mean)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mean);
        return -mean * Math.Log(1.0 - NextDouble());
    }

    /// <summary>Derives an independent child stream (for per-run or per-worker streams in a sweep).</summary>
    public DeterministicRandom Fork() => new(NextUInt64());

    private static ulong SplitMix64(ref ulong x)
    {
        unchecked
        {
            x += 0x9E3779B97F4A7C15UL;
            ulong z = x;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
