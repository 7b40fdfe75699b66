using TorchSharp;
using VideoGan.Metrics;
using static TorchSharp.torch;

namespace VideoGan.Tests.Metrics;

public class MoreMetricsTests
{
    [Fact]
    public void KvdMatchesPythonPeer()
    {
        using var a = FeatureMatrixFile.Load(MetricsTestPaths.Fixture("peer_selftest_a.f32"));
        using var b = FeatureMatrixFile.Load(MetricsTestPaths.Fixture("peer_selftest_b.f32"));
        double kvd = KernelDistance.Kvd(a, b).Value;
        Assert.True(Math.Abs(kvd - 0.0249683293635119) / 0.0249683293635119 < 1e-6, $"KVD {kvd:R}");
    }

    [Fact]
    public void KvdIsNearZeroForSameDistributionAndGrowsWithShift()
    {
        using var g = new torch.Generator(11);
        using var x = torch.randn(400, 16, dtype: float64, generator: g);
        using var y = torch.randn(400, 16, dtype: float64, generator: g);
        using var z = y + 0.5;
        double same = KernelDistance.PolynomialMmd2(x, y), shifted = KernelDistance.PolynomialMmd2(x, z);
        Assert.True(Math.Abs(same) < 0.02, $"same-distribution MMD^2 {same}");
        Assert.True(shifted > 10 * Math.Abs(same) && shifted > 0.05, $"shifted {shifted} vs same {same}");
    }

    [Fact]
    public void InceptionScoreExtremes()
    {
        // Confident and evenly spread over K classes: IS = K. Identical rows: IS = 1.
        using var eye = torch.eye(5, dtype: float64).repeat(4, 1);
        Assert.Equal(5.0, InceptionScore.Compute(eye).Mean, 10);
        using var flat = torch.full(20, 5, 0.2, dtype: float64);
        Assert.Equal(1.0, InceptionScore.Compute(flat).Mean, 10);
        // Two classes, half the clips p = (0.9, 0.1), half (0.1, 0.9): closed form exp(0.9 ln 1.8 + 0.1 ln 0.2).
        using var p = torch.tensor(new[] { 0.9, 0.1, 0.1, 0.9 }, 2, 2);
        Assert.Equal(Math.Exp(0.9 * Math.Log(1.8) + 0.1 * Math.Log(0.2)), InceptionScore.Compute(p).Mean, 10);
        Assert.Throws<ArgumentException>(() => InceptionScore.Compute(torch.ones(3, 2, dtype: float64)));
    }

    static Tensor MovingSquare(int t = 8, bool loop = false)
    {
        // One 4x4 square moving one pixel per frame on a 16x16 canvas; loop = moves out and back.
        var x = torch.full(new long[] { 1, 1, t, 16, 16 }, -1.0);
        for (int i = 0; i < t; i++)
        {
            int p = loop ? Math.Min(i, t - 1 - i) : i;
            x[0, 0, i, TensorIndex.Slice(4, 8), TensorIndex.Slice(p, p + 4)] = torch.tensor(1.0);
        }
        return x;
    }

    [Fact]
    public void TemporalDiagnosticsSeparateFrozenLoopingFlickeringAndNoiseClips()
    {
        using var moving = MovingSquare();
        var real = TemporalDiagnostics.Measure(moving);
        Assert.True(real.Motion > 0);
        Assert.True(real.Flicker < 1e-12, "translation keeps mean intensity");
        Assert.True(real.LoopClosure > 3, $"a one-way move does not loop: {real.LoopClosure}");
        Assert.Null(TemporalDiagnostics.Compare(real, real).FlickerRatio); // no flicker to compare with: not applicable, never NaN

        using var frozen = moving.narrow(2, 0, 1).expand(1, 1, 8, 16, 16).contiguous();
        var cmp = TemporalDiagnostics.Compare(real, TemporalDiagnostics.Measure(frozen));
        Assert.Equal(0.0, cmp.MotionRatio);

        using var looping = MovingSquare(9, loop: true);
        Assert.Equal(0.0, TemporalDiagnostics.Measure(looping).LoopGap);

        using var pulsing = moving * torch.tensor(new[] { 1.0, 0.5, 1.0, 0.5, 1.0, 0.5, 1.0, 0.5 }).reshape(1, 1, 8, 1, 1);
        Assert.True(TemporalDiagnostics.Measure(pulsing).Flicker > 0.05);

        // Uniform noise frames: E|u - v| = 1/3 for independent U(0,1) pixels.
        using var noise = torch.rand(new long[] { 4, 1, 16, 16, 16 }, generator: new torch.Generator(5)) * 2 - 1;
        Assert.InRange(TemporalDiagnostics.Measure(noise).Motion, 0.32, 0.345);
    }
}
