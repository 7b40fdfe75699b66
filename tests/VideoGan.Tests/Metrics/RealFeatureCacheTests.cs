using TorchSharp;
using VideoGan.Metrics;
using static TorchSharp.torch;

namespace VideoGan.Tests.Metrics;

public class RealFeatureCacheTests
{
    static EvaluationProtocol Protocol(long n = 64) =>
        new("feature-net/test", "abc123", false, "uint8 -> [-1,1]", "moving-mnist", "fp-1", "test", n, 16, "64x64", 8);

    static ExtractedFeatures Fake(long n, int seed) => new()
    {
        Features = torch.randn(new long[] { n, 8 }, dtype: float64, generator: new torch.Generator((ulong)seed)),
        FrameFeatures = torch.randn(new long[] { n * 4, 3 }, dtype: float64, generator: new torch.Generator((ulong)seed + 1)),
        Temporal = new TemporalStats(0.1, 0.2, 2.0, 0.01, n, 16),
        Warnings = Array.Empty<string>(),
    };

    [Fact]
    public void KeyChangesWithEveryProtocolField()
    {
        var p = Protocol();
        var variants = new[]
        {
            p with { Network = "i3d" }, p with { WeightsSha256 = "def" }, p with { DataFingerprint = "fp-2" }, p with { Split = "train" },
            p with { Clips = 2048 }, p with { Frames = 15 }, p with { Resize = "224x224" }, p with { FeatureDim = 400 },
            p with { Preprocessing = "other" }, p with { Version = p.Version + 1 },
        };
        Assert.Equal(variants.Length + 1, variants.Select(v => v.Key).Append(p.Key).Distinct().Count());
        Assert.Equal(p.Key, Protocol().Key);
        Assert.Equal(p, EvaluationProtocol.FromJson(p.ToJson()));
    }

    [Fact]
    public void MissComputesOnceThenHitsWithIdenticalFeaturesAndProtocolsNeverMix()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"vg-cache-{Guid.NewGuid():N}");
        try
        {
            var cache = new RealFeatureCache(dir);
            int calls = 0;
            var first = cache.GetOrCompute(Protocol(), () => { calls++; return Fake(64, 1); });
            var second = cache.GetOrCompute(Protocol(), () => { calls++; return Fake(64, 2); });
            Assert.Equal(1, calls);
            Assert.False(first.FromCache); Assert.True(second.FromCache);
            Assert.True(first.ClipFeatures.equal(second.ClipFeatures).all().item<bool>());
            Assert.Equal(first.FrameStatistics!.Covariance, second.FrameStatistics!.Covariance);
            Assert.Equal(first.Temporal, second.Temporal);
            Assert.Empty(Directory.GetFiles(dir, "*.tmp"));

            // Another N is another protocol: computed again, not served from the first entry.
            var other = cache.GetOrCompute(Protocol(32), () => { calls++; return Fake(32, 3); });
            Assert.Equal(2, calls);
            Assert.Equal(32, other.ClipFeatures.shape[0]);

            // A protocol that does not match what was computed is refused instead of cached.
            Assert.Throws<InvalidOperationException>(() => cache.GetOrCompute(Protocol(10), () => Fake(11, 4)));

            // An entry whose stored protocol differs from its key's protocol is rejected.
            string json = Path.Combine(dir, Protocol().Key + ".json");
            File.WriteAllText(json, File.ReadAllText(json).Replace("\"Split\": \"test\"", "\"Split\": \"train\""));
            Assert.Throws<InvalidDataException>(() => cache.TryLoad(Protocol()));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }
}
