using TorchSharp;
using VideoGan.Data;
using VideoGan.Metrics;
using static TorchSharp.torch;

namespace VideoGan.Tests.Metrics;

public class EvaluationTests
{
    [Fact]
    public void EvaluateSeparatesRealFromFrozenAndCachesRealFeatures()
    {
        torch.random.manual_seed(2);
        using var net = new VideoFeatureNet(new VideoFeatureNetModule(FeatureNetTraining.ConfigFor("moving-mnist") with { FrameChannels = new[] { 4, 8, 8 }, ClipChannels = 8 }),
                                            "untrained-test-net", device: torch.CPU);
        var real = ClipSources.Open("digits:test", 24, frames: 16, seed: 1);
        var held = ClipSources.Open("digits:train", 24, frames: 16, seed: 2);
        // Frozen clips: every frame = the first frame of real clips.
        using var realT = torch.cat(real.Batches(24).ToList(), 0);
        using var frozenT = realT.narrow(2, 0, 1).expand(-1, -1, 16, -1, -1).contiguous();
        var frozen = ClipSet.FromTensor(frozenT, "frozen");
        string dir = Path.Combine(Path.GetTempPath(), $"vg-eval-{Guid.NewGuid():N}");
        try
        {
            var o = new EvaluationOptions { Bootstrap = 5, CacheDirectory = dir, DataSet = "digits", Split = "test" };
            var rr = VideoEvaluation.Evaluate(net, real, held, o);
            var rf = VideoEvaluation.Evaluate(net, real, frozen, o);
            Assert.False(rr.RealFromCache); Assert.True(rf.RealFromCache);
            Assert.Equal(0.0, rf.Temporal.MotionRatio);
            Assert.InRange(rr.Temporal.MotionRatio, 0.7, 1.4);
            Assert.Equal(rr.Protocol, rf.Protocol);
            Assert.Contains("NOT comparable", rr.Caveat);
            Assert.Contains(rr.Network, rr.ToTable());
            Assert.NotNull(rr.FrameFid); Assert.NotNull(rr.InceptionScore); Assert.NotNull(rr.InceptionScoreReal);
            Assert.True(double.IsFinite(rr.Fvd.Estimate) && double.IsFinite(rr.Kvd));
            string json = Path.Combine(dir, "r.json");
            rr.Save(json);
            Assert.Contains("\"Covariance\": \"unbiased sample covariance (N-1)\"", File.ReadAllText(json));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }
}
