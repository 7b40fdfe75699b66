using TorchSharp;
using VideoGan.Analysis;
using VideoGan.Models;
using static TorchSharp.torch;

namespace VideoGan.Tests.Analysis;

public class LatentWalksTests
{
    static Tensor Unit(Tensor x) => x / x.norm(-1, keepdim: true);

    [Fact]
    public void SlerpHitsEndpointsAndKeepsUnitNorm()
    {
        using var scope = NewDisposeScope();
        var g = new torch.Generator(1);
        var a = Unit(torch.randn([4, 32], generator: g, dtype: float64));
        var b = Unit(torch.randn([4, 32], generator: g, dtype: float64));
        Assert.True(LatentWalks.Slerp(a, b, 0).allclose(a, 1e-12, 1e-12));
        Assert.True(LatentWalks.Slerp(a, b, 1).allclose(b, 1e-12, 1e-12));
        var omega = (a * b).sum(1).acos();
        foreach (var t in new[] { 0.1, 0.5, 0.73 })
        {
            var s = LatentWalks.Slerp(a, b, t);
            Assert.True(s.norm(1).allclose(torch.ones(4, dtype: float64), 1e-12, 1e-12), $"norm at t={t}");
            // The angle to a grows linearly: t * omega.
            var angle = (a * s).sum(1).clamp(-1, 1).acos();
            Assert.True(angle.allclose(omega * t, 1e-9, 1e-9), $"angle at t={t}");
        }
        // Non-unit endpoints are still reproduced, and nearly parallel rows fall back to lerp without NaN.
        var big = 3 * torch.randn([32], generator: g, dtype: float64);
        var big2 = -2 * torch.randn([32], generator: g, dtype: float64);
        Assert.True(LatentWalks.Slerp(big, big2, 0).allclose(big, 1e-12, 1e-12));
        Assert.True(LatentWalks.Slerp(big, big2, 1).allclose(big2, 1e-12, 1e-12));
        var same = LatentWalks.Slerp(big, big * 2, 0.5);
        Assert.True(same.allclose(big * 1.5, 1e-9, 1e-9));
        Assert.True(LatentWalks.Lerp(a, b, 0.5).allclose((a + b) / 2));
        Assert.Throws<ArgumentException>(() => LatentWalks.Slerp(a, b.narrow(1, 0, 5), 0.5));
        var path = LatentWalks.Path(a[0], b[0], 5, spherical: true);
        Assert.Equal(new long[] { 5, 32 }, path.shape);
        Assert.True(path[0].allclose(a[0]) && path[4].allclose(b[0]));
    }

    static VideoGeneratorBase SmallGenerator(string kind)
    {
        torch.manual_seed(3);
        return ModelFactory.CreateGenerator(new ModelConfig { Generator = kind, Size = 28, Frames = 16, ContentDim = 8, MotionDim = 4, GeneratorWidth = 8 });
    }

    [Fact]
    public void LatentCircleClosesTheLoopAndAnOpenPathDoesNot()
    {
        using var scope = NewDisposeScope();
        var gen = SmallGenerator(ModelConfig.ContentMotion);
        var rng = new torch.Generator(5);
        var a = gen.SampleLatent(1, rng)[0]; var b = gen.SampleLatent(1, rng)[0];
        var loop = LatentWalks.LatentCircle(gen, a, b, steps: 16, frame: 3);
        Assert.Equal(new long[] { 1, 1, 16, 28, 28 }, loop.Video.shape);
        Assert.True(loop.Stats.Motion > 0, "the loop should move");
        Assert.InRange(loop.Stats.LoopClosure!.Value, 0.0, 1.6);
        // The same number of frames along an open segment a -> b: the wrap-around is a big jump.
        var open = LatentWalks.Interpolate(gen, a, b, 16, spherical: false).select(2, 3).permute(1, 0, 2, 3).unsqueeze(0);
        var openStats = VideoGan.Metrics.TemporalDiagnostics.Measure(open);
        Assert.True(openStats.LoopClosure > 3 * loop.Stats.LoopClosure, $"open path closure {openStats.LoopClosure} vs loop {loop.Stats.LoopClosure}");
    }

    [Fact]
    public void MotionCodeLoopClosesWithContentFixed()
    {
        using var scope = NewDisposeScope();
        var gen = (ContentMotionGenerator)SmallGenerator(ModelConfig.ContentMotion);
        var rng = new torch.Generator(6);
        var loop = LatentWalks.MotionCodeLoop(gen, gen.SampleContent(1, rng), frames: 24, rng);
        Assert.Equal(new long[] { 1, 1, 24, 28, 28 }, loop.Video.shape);
        Assert.True(loop.Stats.Motion > 0);
        Assert.InRange(loop.Stats.LoopClosure!.Value, 0.0, 1.6);
    }

    [Fact]
    public void SwapGridSharesContentAlongRowsAndMotionAlongColumns()
    {
        using var scope = NewDisposeScope();
        var gen = SmallGenerator(ModelConfig.MotionShape);
        var grid = LatentWalks.SwapGrid(gen, contents: 2, motions: 3, new torch.Generator(7));
        Assert.Equal(new long[] { 6, 1, 16, 28, 28 }, grid.shape);
        var again = LatentWalks.SwapGrid(gen, contents: 2, motions: 3, new torch.Generator(7));
        Assert.True(grid.allclose(again));
        // Different motion codes change the clip within a row; different content changes it within a column.
        Assert.False(grid[0].allclose(grid[1], 1e-4, 1e-4));
        Assert.False(grid[0].allclose(grid[3], 1e-4, 1e-4));
    }

    [Fact]
    public void UpscalingKeepsShapesRangesAndConstants()
    {
        using var scope = NewDisposeScope();
        var v = torch.rand([2, 1, 4, 8, 8], generator: new torch.Generator(8)) * 2 - 1;
        foreach (var mode in LatentWalks.UpscaleModes)
        {
            var u = LatentWalks.Upscale(v, 3, mode);
            Assert.Equal(new long[] { 2, 1, 4, 24, 24 }, u.shape);
            Assert.True(u.min().item<float>() >= -1 && u.max().item<float>() <= 1, mode);
            var c = LatentWalks.Upscale(torch.full([1, 1, 2, 5, 5], 0.25f), 2, mode);
            Assert.True(c.allclose(torch.full_like(c, 0.25f), 1e-5, 1e-5), $"{mode} should keep a constant clip constant");
        }
        // Nearest upscaling then average pooling returns the original exactly.
        var back = nn.functional.avg_pool3d(LatentWalks.Upscale(v, 2, "nearest"), [1, 2, 2]);
        Assert.True(back.allclose(v, 1e-6, 1e-6));
        Assert.Throws<ArgumentException>(() => LatentWalks.Upscale(v, 2, "lanczos"));
        var cmp = LatentWalks.UpscaleComparison(v, 2);
        Assert.Equal(6, cmp.Batch);
    }
}
