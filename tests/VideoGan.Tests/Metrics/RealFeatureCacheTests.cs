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

    [Fact]
    public void A_flipped_float_in_the_cached_clip_features_is_refused_and_recomputed_to_the_original_numbers()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"vg-cache-{Guid.NewGuid():N}");
        try
        {
            var cache = new RealFeatureCache(dir);
            int calls = 0;
            ExtractedFeatures Extract() { calls++; return Fake(64, 1); }
            var first = cache.GetOrCompute(Protocol(), Extract);
            using var fake = Fake(64, 9);
            double fvd = FeatureDistances.Frechet(first.ClipFeatures, fake.Features).Value;

            // One float of one feature vector changes (as a bad disk block or a stray write would).
            string clip = Path.Combine(dir, Protocol().Key + ".clip.f32");
            var bytes = File.ReadAllBytes(clip);
            BitConverter.GetBytes(1e4f).CopyTo(bytes, 16 + 4 * 37);
            File.WriteAllBytes(clip, bytes);
            using (var tampered = FeatureMatrixFile.Load(clip))
                Assert.NotEqual(fvd, FeatureDistances.Frechet(tampered, fake.Features).Value, 3); // it would move FVD

            var e = Assert.Throws<InvalidDataException>(() => cache.TryLoad(Protocol()));
            Assert.Contains(clip, e.Message);
            Assert.Contains("SHA-256", e.Message);

            var again = cache.GetOrCompute(Protocol(), Extract);
            Assert.Equal(2, calls);
            Assert.False(again.FromCache);
            Assert.Contains(clip, Assert.Single(again.Warnings));
            Assert.True(first.ClipFeatures.equal(again.ClipFeatures).all().item<bool>());
            Assert.Equal(fvd, FeatureDistances.Frechet(again.ClipFeatures, fake.Features).Value, 9);

            // The overwritten entry verifies again and serves the original numbers.
            var hit = cache.GetOrCompute(Protocol(), Extract);
            Assert.Equal(2, calls);
            Assert.True(hit.FromCache);
            Assert.Empty(hit.Warnings);
            Assert.True(first.ClipFeatures.equal(hit.ClipFeatures).all().item<bool>());
            Assert.Equal(first.FrameStatistics!.Covariance, hit.FrameStatistics!.Covariance);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void Frame_statistics_edited_json_and_entries_without_checksums_are_refused_and_recomputed()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"vg-cache-{Guid.NewGuid():N}");
        try
        {
            var cache = new RealFeatureCache(dir);
            int calls = 0;
            ExtractedFeatures Extract() { calls++; return Fake(64, 1); }
            var first = cache.GetOrCompute(Protocol(), Extract);
            string key = Protocol().Key, json = Path.Combine(dir, key + ".json"), frame = Path.Combine(dir, key + ".frame.stats");

            var bytes = File.ReadAllBytes(frame);
            bytes[^3] ^= 0x40; // one covariance double
            File.WriteAllBytes(frame, bytes);
            var r1 = cache.GetOrCompute(Protocol(), Extract);
            Assert.Equal(2, calls);
            Assert.Contains(frame, Assert.Single(r1.Warnings));
            Assert.Equal(first.FrameStatistics!.Covariance, r1.FrameStatistics!.Covariance);

            // A temporal statistic edited in the json itself.
            string text = File.ReadAllText(json);
            Assert.Contains("\"Motion\": 0.1", text);
            File.WriteAllText(json, text.Replace("\"Motion\": 0.1", "\"Motion\": 0.5"));
            var r2 = cache.GetOrCompute(Protocol(), Extract);
            Assert.Equal(3, calls);
            Assert.Contains(json, Assert.Single(r2.Warnings));
            Assert.Equal(0.1, r2.Temporal.Motion);

            // An entry of an earlier build (no checksums) is not trusted.
            text = File.ReadAllText(json);
            File.WriteAllText(json, System.Text.RegularExpressions.Regex.Replace(text, "\"(ClipFeatures|FrameStatistics|Meta)Sha256\": \"[0-9a-f]+\"", "\"$1Sha256\": null"));
            var r3 = cache.GetOrCompute(Protocol(), Extract);
            Assert.Equal(4, calls);
            Assert.Contains("no checksums", Assert.Single(r3.Warnings));
            Assert.True(cache.GetOrCompute(Protocol(), Extract).FromCache);
            Assert.Equal(4, calls);

            // Unreadable json: refused and recomputed as well.
            File.WriteAllText(json, "{ not json");
            Assert.Contains("not readable JSON", Assert.Single(cache.GetOrCompute(Protocol(), Extract).Warnings));
            Assert.Equal(5, calls);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }
}
