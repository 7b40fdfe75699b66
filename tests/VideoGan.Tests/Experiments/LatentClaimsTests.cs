using TorchSharp;
using VideoGan.Experiments;
using VideoGan.Metrics;
using VideoGan.Models;
using VideoGan.Tests.Metrics;
using static TorchSharp.torch;

namespace VideoGan.Tests.Experiments;

public class LatentClaimsTests
{
    [Fact]
    public void SwapAgreementIsOneWhereTheGridRepeatsAClipAndLowerWhenShuffled()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(6);
        using var net = new ClipClassifier(ClipClassifierTests.Small(), device: torch.CPU);
        var distinct = torch.rand(new long[] { 4, 1, 16, 28, 28 }) * 2 - 1;
        // Rows repeat one clip (content kept along a row): every row agrees with itself.
        var rows = distinct.repeat_interleave(3, 0);                                  // [4 * 3], row-major
        var a = LatentClaims.Swaps(net, rows, contents: 4, motions: 3);
        Assert.Equal(1.0, a.DigitAgreement);
        // Columns repeat one clip (motion kept along a column).
        var cols = distinct.narrow(0, 0, 3).repeat(4, 1, 1, 1, 1);                    // clip j in every row
        var b = LatentClaims.Swaps(net, cols, contents: 4, motions: 3);
        Assert.Equal(1.0, b.MotionAgreement);
        Assert.InRange(b.MotionAgreementShuffled, 0, 1);
        Assert.Throws<ArgumentException>(() => LatentClaims.Swaps(net, rows, contents: 5, motions: 3));
    }

    [Fact]
    public void LoopClosureComparesTheWrapAroundStepWithRealSteps()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        using var net = new ClipClassifier(ClipClassifierTests.Small(), device: torch.CPU);
        // Real clips: noise that changes every frame; loops: the same clips with the last frame set to the first.
        var real = torch.rand(new long[] { 6, 1, 16, 28, 28 }) * 2 - 1;
        var loops = real.clone();
        loops.select(2, 15).copy_(loops.select(2, 0));
        var rows = LatentClaims.LoopClosures(net, loops, real);
        Assert.NotEmpty(rows);
        Assert.Equal(6, rows.Sum(r => r.Loops));
        Assert.All(rows, r => { Assert.Equal(0.0, r.LoopGap, 9); Assert.Equal(0.0, r.Ratio!.Value, 9); Assert.True(r.RealStep > 0.3); });
    }

    [Fact]
    public void MotionInterpolationGivesAShareOfEveryMotionTypeAtEveryStep()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(8);
        using var net = new ClipClassifier(ClipClassifierTests.Small(), device: torch.CPU);
        using var g = new MotionHeatmapGenerator(new ModelConfig { Generator = ModelConfig.MotionHeatmap, GeneratorWidth = 8, ContentDim = 6, MotionDim = 4 });
        var contents = g.SampleLatent(2);
        var walk = LatentClaims.MotionInterpolation(g, net, contents, torch.randn(4), torch.randn(4), steps: 5);
        Assert.Equal(5, walk.Shares.Length);
        Assert.Equal(6, walk.Classes.Length);
        Assert.All(walk.Shares, row => Assert.Equal(1.0, row.Sum(), 6));
        Assert.Contains(walk.From, walk.Classes);
    }
}
