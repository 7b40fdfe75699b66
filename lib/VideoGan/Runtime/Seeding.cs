using TorchSharp;

namespace VideoGan.Runtime;

/// <summary>
/// The one seeding helper: torch (CPU and CUDA), the shared .NET <see cref="Random"/> and every derived stream
/// (data order, augmentation) come from one integer, so the same seed and config give the same numbers.
/// Taught in notebook 00.
/// </summary>
public static class Seeding
{
    static Random _random = new(0);

    /// <summary>The seed last passed to <see cref="SeedEverything"/>.</summary>
    public static int CurrentSeed { get; private set; }

    /// <summary>The process-wide .NET random stream, reset by <see cref="SeedEverything"/>.</summary>
    public static Random Random => _random;

    /// <summary>Seeds torch, CUDA and the shared .NET random stream.</summary>
    public static void SeedEverything(int seed)
    {
        TorchNativeFix.Apply();
        CurrentSeed = seed;
        torch.manual_seed(seed);
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
        _random = new Random(seed);
    }

    /// <summary>
    /// A seed for a named sub-stream (for example "train-order"), stable across runs and independent of how much the
    /// other streams were used: FNV-1a of the name mixed with the base seed.
    /// </summary>
    public static int Derive(int seed, string stream)
    {
        unchecked
        {
            uint h = 2166136261;
            foreach (char c in stream) { h ^= c; h *= 16777619; }
            ulong x = ((ulong)(uint)seed << 32) | h;
            x ^= x >> 33; x *= 0xff51afd7ed558ccdUL; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53UL; x ^= x >> 33;
            return (int)(x & 0x7fffffff);
        }
    }

    /// <summary>A new .NET random stream for a named purpose, derived from <paramref name="seed"/>.</summary>
    public static Random CreateRandom(int seed, string stream) => new(Derive(seed, stream));

    /// <summary>A torch generator for a named purpose, derived from <paramref name="seed"/>.</summary>
    public static torch.Generator CreateGenerator(int seed, string stream) => new torch.Generator((ulong)Derive(seed, stream));
}
