using TorchSharp;
using VideoGan.Analysis;
using VideoGan.Models;
using static TorchSharp.torch;

namespace VideoGan.Tests.Models;

/// <summary>The learned motion module: what the heatmap decides, and that rendering does exactly that.</summary>
public class MotionHeatmapGeneratorTests
{
    static ModelConfig Small(int size = 28, int objects = 1) => new()
    {
        Generator = ModelConfig.MotionHeatmap, Size = size, Frames = 16, GeneratorWidth = 8, DiscriminatorWidth = 8,
        ContentDim = 6, MotionDim = 4, Objects = objects, MotionRange = 0.5,
    };

    /// <summary>A pose with every object at <paramref name="x"/>, <paramref name="y"/> (normalised), no rotation, no zoom.</summary>
    static MotionHeatmapGenerator.Pose Still(long b, long k, long t, double x, double y, double rotation = 0, double zoom = 1)
    {
        var position = torch.tensor(new float[] { (float)x, (float)y }).view(1, 1, 1, 2).expand(b, k, t, 2).contiguous();
        return new MotionHeatmapGenerator.Pose(torch.zeros(new long[] { b, k, t, 1, 1 }), position,
            torch.full(new long[] { b, k, t }, rotation, dtype: float32), torch.full(new long[] { b, k, t }, zoom, dtype: float32));
    }

    static Tensor Square(int size, int x0, int y0, int side)
    {
        var g = torch.zeros(new long[] { 1, 1, 1, size, size });
        g[.., .., .., TensorIndex.Slice(y0, y0 + side), TensorIndex.Slice(x0, x0 + side)] = torch.tensor(1f);
        return g;
    }

    [Theory]
    [InlineData(28, 1, 14)]
    [InlineData(64, 2, 16)]
    [InlineData(32, 1, 16)]
    public void HeatmapIsAProbabilityMapPerFramePerObjectAndPositionsStayInRange(int size, int objects, int heatmapSide)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        using var g = new MotionHeatmapGenerator(Small(size, objects));
        Assert.Equal(heatmapSide, g.HeatmapSize);
        var (_, zm) = g.SplitLatent(g.SampleLatent(3));
        var maps = g.MotionMaps(zm);
        Assert.Equal(new long[] { 3, 3 * objects, 16, heatmapSide, heatmapSide }, maps.shape);
        var pose = g.ReadPose(maps);
        Assert.Equal(new long[] { 3, objects, 16, heatmapSide, heatmapSide }, pose.Heatmap.shape);
        Assert.True(torch.allclose(pose.Heatmap.sum(new long[] { 3, 4 }), torch.ones(3, objects, 16), atol: 1e-5));
        Assert.True(pose.Position.abs().max().item<float>() <= 0.5f + 1e-6f);
        Assert.True(pose.Rotation.abs().max().item<float>() <= 30 * Math.PI / 180 + 1e-6);
        Assert.True((pose.Zoom - 1).abs().max().item<float>() <= 0.3f + 1e-6f);
        // Unit-scale heatmap logits at the start: clips begin at different places, not all at the centre.
        float spread = pose.Position.select(2, 0).std().item<float>();
        Assert.True(spread > 0.03f, $"initial positions are all alike (std {spread:F3})");
    }

    [Fact]
    public void PositionIsTheHeatmapsExpectation()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new MotionHeatmapGenerator(Small());
        int s = g.HeatmapSize;
        // A peaked heatmap at cell (row 3, column 10) of every frame: the position is that cell's centre.
        var maps = torch.zeros(new long[] { 1, 3, 16, s, s });
        maps[0, 0, .., 3, 10] = torch.tensor(60f);
        var pose = g.ReadPose(maps);
        double cell(int i) => -0.5 + i * 1.0 / (s - 1);
        Assert.Equal(cell(10), pose.Position[0, 0, 5, 0].item<float>(), 4);
        Assert.Equal(cell(3), pose.Position[0, 0, 5, 1].item<float>(), 4);
        // Zero pose maps: no rotation, no zoom.
        Assert.Equal(0, pose.Rotation.abs().max().item<float>(), 6);
        Assert.Equal(1, pose.Zoom.mean().item<float>(), 6);
    }

    [Fact]
    public void RenderingAtTheCentreShowsTheGlyphAndAShiftMovesItByWholePixels()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new MotionHeatmapGenerator(Small());
        var glyph = Square(28, 10, 11, 6);                                  // [1, 1, 1, 28, 28]: 6x6 square
        var centre = g.Render(glyph, Still(1, 1, 16, 0, 0));
        Assert.Equal(new long[] { 1, 1, 16, 28, 28 }, centre.shape);
        Assert.True(torch.allclose(centre.select(2, 7), glyph.select(1, 0) * 2 - 1, atol: 1e-5));
        // +3 px right, -2 px up: normalised units are 2 / 28 per pixel.
        var moved = g.Render(glyph, Still(1, 1, 16, 3 * 2.0 / 28, -2 * 2.0 / 28));
        var expected = Square(28, 13, 9, 6).select(1, 0) * 2 - 1;
        Assert.True(torch.allclose(moved.select(2, 0), expected, atol: 1e-4));
        // Binary ink stays binary under whole-pixel shifts, and the background is exactly -1: no box can show.
        Assert.Equal(0, ((moved > -1 + 1e-4) & (moved < 1 - 1e-4)).sum().item<long>());
    }

    [Fact]
    public void RotationAndZoomAreAboutTheGlyphsCentre()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new MotionHeatmapGenerator(Small());
        // An L-shaped glyph: a quarter turn must equal torch.rot90 of it (image y points down, so +90 degrees turns clockwise).
        var glyph = Square(28, 8, 8, 12) * 0;
        glyph[.., .., .., TensorIndex.Slice(6, 20), TensorIndex.Slice(12, 15)] = torch.tensor(1f);
        glyph[.., .., .., TensorIndex.Slice(17, 20), TensorIndex.Slice(12, 22)] = torch.tensor(1f);
        var turned = g.Render(glyph, Still(1, 1, 16, 0, 0, rotation: Math.PI / 2)).select(2, 0);
        var rot90 = torch.rot90(glyph.select(1, 0), 1, (3, 2)) * 2 - 1;     // clockwise on screen
        Assert.True(torch.allclose(turned, rot90, atol: 1e-4), "a +90 degree pose is a clockwise quarter turn about the centre");
        // Zoom 2 doubles the extent of a centred square: 6 px -> 12 px.
        var zoomed = g.Render(Square(28, 11, 11, 6), Still(1, 1, 16, 0, 0, zoom: 2)).select(2, 0);
        Assert.Equal(12, (zoomed[0, 0, 14] > 0).sum().item<long>());
    }

    [Fact]
    public void TwoObjectsOverlapByMaxAsMovingMnistDoes()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new MotionHeatmapGenerator(Small(64, objects: 2));
        var a = Square(64, 20, 20, 10) * 0.6;
        var b = Square(64, 25, 25, 10);
        var glyphs = torch.cat(new[] { a, b }, 1);                           // [1, 2, 1, 64, 64]
        var video = g.Render(glyphs, Still(1, 2, 16, 0, 0));
        var expected = torch.maximum(a, b).select(1, 0) * 2 - 1;
        Assert.True(torch.allclose(video.select(2, 3), expected, atol: 1e-5));
    }

    [Fact]
    public void ContentAndMotionAreSeparateCodes()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        using var g = new MotionHeatmapGenerator(Small());
        g.eval();
        using var _ = torch.no_grad();
        var z = g.SampleLatent(2);
        var other = z.clone();
        other[.., TensorIndex.Slice(g.LatentDim - 4, null)] = torch.randn(2, 4);  // new z_motion only
        var (c1, m1) = g.SplitLatent(z);
        var (c2, m2) = g.SplitLatent(other);
        Assert.True(torch.allclose(g.Glyphs(c1), g.Glyphs(c2), rtol: 0, atol: 0), "the glyph must not depend on z_motion");
        Assert.False(torch.allclose(g.ReadPose(g.MotionMaps(m1)).Position, g.ReadPose(g.MotionMaps(m2)).Position, atol: 1e-4));
        // The heatmap stream shows the motion module only: a different glyph leaves it unchanged.
        var third = z.clone();
        third[.., TensorIndex.Slice(0, 6)] = torch.randn(2, 6);
        Assert.True(torch.allclose(g.Streams(z)["motion_heatmap"], g.Streams(third)["motion_heatmap"], rtol: 0, atol: 0));
    }

    [Fact]
    public void LoopModeMovesOnlyTheMotionCodeUntilTheLastFrameMeetsTheFirst()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(4);
        using var g = new MotionHeatmapGenerator(Small());
        g.eval();
        var z = g.SampleLatent(3);
        double Gap(Tensor v) => (v.select(2, 15) - v.select(2, 0)).abs().mean().item<float>();
        Tensor before;
        using (torch.no_grad()) before = g.call(z);
        var (loop, latents) = LatentWalks.CloseLoops(g, z, steps: 40, lr: 0.1);
        Assert.Equal(before.shape, loop.shape);
        Assert.True(Gap(loop) < 0.5 * Gap(before), $"last-to-first gap {Gap(before):F4} -> {Gap(loop):F4}");
        // The content code is untouched; the generator's weights too (they were only borrowed).
        Assert.True(torch.allclose(latents.narrow(1, 0, 6), z.narrow(1, 0, 6)));
        Assert.False(torch.allclose(latents.narrow(1, 6, 4), z.narrow(1, 6, 4)));
        Assert.All(g.parameters(), p => Assert.True(p.requires_grad));
        Assert.False(g.training);
    }

    [Fact]
    public void ConfigurationMistakesNameTheKey()
    {
        var e = Assert.Throws<ArgumentException>(() => (Small() with { Objects = 2, Classes = 10 }).Validate());
        Assert.Contains("model.objects", e.Message);
        e = Assert.Throws<ArgumentException>(() => (Small() with { Generator = ModelConfig.MotionShape, Objects = 2 }).Validate());
        Assert.Contains("model.objects", e.Message);
        e = Assert.Throws<ArgumentException>(() => (Small() with { MaxZoom = 1.5 }).Validate());
        Assert.Contains("model.maxZoom", e.Message);
        Assert.Equal(2 * 6 + 4, new MotionHeatmapGenerator(Small(64, 2)).LatentDim);
        Assert.Equal(6 + 10 + 4, new MotionHeatmapGenerator(Small() with { Classes = 10 }).LatentDim);
    }
}
