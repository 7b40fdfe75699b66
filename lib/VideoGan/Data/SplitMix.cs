namespace VideoGan.Data;

/// <summary>
/// A tiny, fast, portable random stream (SplitMix64) for data generation: the same seed gives the same numbers on
/// every .NET version and machine, and creating one per clip costs nothing, so per-clip streams make parallel
/// generation independent of the thread count.
/// </summary>
public struct SplitMix
{
    ulong _state;

    /// <summary>A stream for item <paramref name="index"/> of a data set seeded with <paramref name="seed"/>.</summary>
    public SplitMix(int seed, long index, ulong salt = 0)
    {
        _state = Mix(((ulong)(uint)seed << 32) ^ salt) ^ Mix((ulong)index + 0x632BE59BD9B4E019UL);
    }

    static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        ulong z = (_state += 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [lo, hi).</summary>
    public double Uniform(double lo, double hi) => lo + (hi - lo) * NextDouble();

    /// <summary>Uniform integer in [0, n).</summary>
    public int Next(int n) => (int)((NextUInt64() >> 33) * (ulong)n >> 31);
}
