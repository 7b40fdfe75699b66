using TorchSharp;
using VideoGan.Experiments;
using VideoGan.Metrics;
using VideoGan.Models;
using VideoGan.Tests.Metrics;
using VideoGan.Tests.Training;

namespace VideoGan.Tests.Experiments;

public class CollapseStudyTests
{
    [Fact]
    public void RunsEveryVariantPerSeedWritesRowsAndSkipsFinishedRunsWhenRerun()
    {
        string dir = TrainingTestKit.TempDir();
        try
        {
            torch.manual_seed(11);
            using var net = new ClipClassifier(ClipClassifierTests.Small(), device: torch.CPU);
            var baseConfig = TrainingTestKit.Tiny(steps: 2) with { Model = ModelConfig.Tiny(ModelConfig.MotionHeatmap) with { FrameDiscriminatorFrames = 2 } };
            var variants = CollapseStudy.Standard(unroll: 1).Where(v => v.Name is "baseline" or "unroll-1-differentiable").ToList();
            var options = new StudyOptions { Steps = 2, Minutes = 0, Seeds = [1, 2], Clips = 16, Bootstrap = 0 };
            var lines = new List<string>();
            var result = CollapseStudy.Run(baseConfig, variants, options, dir, net, lines.Add);
            Assert.Equal(4, result.Rows.Count);
            Assert.All(result.Rows, r => Assert.Equal(2, r.Steps));
            Assert.Equal(new[] { ("baseline", 1), ("baseline", 2), ("unroll-1-differentiable", 1), ("unroll-1-differentiable", 2) },
                         result.Rows.Select(r => (r.Variant, r.Seed)));
            Assert.True(File.Exists(Path.Combine(dir, "baseline-seed1", "quality.json")));
            // Different seeds train different networks.
            Assert.NotEqual(result.Rows[0].Fvd, result.Rows[1].Fvd);
            string table = result.ToTable();
            Assert.Contains("unroll-1-differentiable", table);
            // Rerun: nothing left to train or measure.
            lines.Clear();
            var again = CollapseStudy.Run(baseConfig, variants, options, dir, net, lines.Add);
            Assert.Equal(4, again.Rows.Count);
            Assert.Empty(lines);
        }
        finally { Directory.Delete(dir, true); }
    }
}
