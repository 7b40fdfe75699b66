using System.Text.Json.Nodes;
using TorchSharp;
using VideoGan.Data;
using VideoGan.Metrics;
using static TorchSharp.torch;

namespace VideoGan.Tests.Metrics;

public class EvaluationTests
{
    [Fact]
    public void EvaluateSeparatesRealFromFrozenCachesRealFeaturesAndWritesTheStableJsonKeys()
    {
        torch.random.manual_seed(2);
        using var net = new ClipClassifier(ClipClassifierTests.Small(), device: torch.CPU);
        var real = ClipSources.Open("digits:test", 24, frames: 16, seed: 1);
        var held = ClipSources.Open("digits:train", 24, frames: 16, seed: 2);
        // Frozen clips: every frame = the first frame of real clips.
        using var realT = torch.cat(real.Batches(24).ToList(), 0);
        using var frozenT = MetricSanity.Freeze(realT);
        var frozen = ClipSet.FromTensor(frozenT, "frozen");
        string dir = Path.Combine(Path.GetTempPath(), $"vg-eval-{Guid.NewGuid():N}");
        try
        {
            var o = new EvaluationOptions { Bootstrap = 5, CacheDirectory = dir, DataSet = "digits", Split = "test" };
            var rr = VideoEvaluation.Evaluate(net, real, held, o);
            var rf = VideoEvaluation.Evaluate(net, real, frozen, o);
            Assert.False(rr.RealFromCache); Assert.True(rf.RealFromCache);
            Assert.Equal(0.0, rf.Temporal.MotionRatio);
            Assert.InRange(rr.Temporal.MotionRatio!.Value, 0.7, 1.4);
            Assert.Equal(0.0, rf.SpeedMeanGenerated);                     // frozen ink does not move
            Assert.Equal(1.0, rf.SpeedKs, 9);                             // every real clip moves: disjoint speed samples
            Assert.Equal(rr.Protocol, rf.Protocol);
            Assert.Contains("NOT comparable", rr.Caveat);
            Assert.Contains(rr.Network, rr.ToTable());
            // Binary digits on black never flicker: the ratio is not applicable (null, with a reason), never NaN.
            Assert.Null(rr.Temporal.FlickerRatio);
            Assert.Contains("flicker_ratio", rr.NotApplicable.Keys);
            Assert.Equal(0.0, rr.GreyFractionGenerated); Assert.Equal(0.0, rr.GreyFractionReal);
            Assert.Equal(new[] { "digit", "direction", "motion", "slope" }, rr.Heads.Keys.ToArray());
            Assert.Contains("joint digit x motion label (60 classes)", rr.Is3dLabel);

            string json = Path.Combine(dir, "r.json");
            rr.Save(json);
            var doc = JsonNode.Parse(File.ReadAllText(json))!.AsObject();
            foreach (var key in new[] { "fvd", "fvd_ci", "kvd", "is3d_mean", "is3d_std", "network", "n_real", "n_fake", "heads",
                                         "speed_ks", "grey_fraction_generated", "grey_fraction_real", "not_applicable" })
                Assert.True(doc.ContainsKey(key), $"evaluation JSON lacks '{key}'");
            Assert.Equal(2, doc["fvd_ci"]!.AsArray().Count);
            Assert.Equal(24, doc["n_real"]!.GetValue<long>());
            var motion = doc["heads"]!["motion"]!.AsObject();
            foreach (var key in new[] { "tv_distance", "entropy_ratio", "generated_hist", "real_hist" }) Assert.True(motion.ContainsKey(key), key);
            Assert.Equal(6, motion["generated_hist"]!.AsArray().Count);
            Assert.DoesNotContain("NaN", File.ReadAllText(json));
            Assert.DoesNotContain("Infinity", File.ReadAllText(json));
            Assert.Contains("\"Covariance\": \"unbiased sample covariance (N-1)\"", File.ReadAllText(json));

            // The score must never treat a multi-label head as single-label.
            var e = Assert.Throws<ArgumentException>(() => VideoEvaluation.Evaluate(net, real, held, o with { InceptionHeads = new[] { "digits" } }));
            Assert.Contains("not a single-label head", e.Message);
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }
}
