using TorchSharp;
using VideoGan.Metrics;
using VideoGan.Runtime;
using static TorchSharp.torch;

namespace VideoGan.Tests.Runtime;

/// <summary>
/// TorchSharp 0.107 passes a Scalar's native handle to libtorch without keeping the .NET object alive, so a Scalar made
/// by an implicit conversion (<c>t * 0.5</c>, <c>clamp_min(0.0)</c>, the default <c>alpha = 1</c> of <c>a + b</c>) can
/// be finalised while the native call still reads it: "Expected false to be true ... toDouble", "alpha must not be a
/// floating point number", or a silently wrong value. These tests run the library's hot paths while another thread
/// forces garbage collections (finalisers run during the native calls), and compare every result with the first one.
/// Serial (the notebook collection): the forced collections would slow the parallel tests down.
/// </summary>
[Collection(VideoGan.Tests.Notebooks.NotebookCollection.Name)]
public class ScalarLifetimeTests
{
    /// <summary>Runs <paramref name="body"/> <paramref name="iterations"/> times while a second thread collects garbage without pause.</summary>
    static List<T> UnderForcedCollections<T>(int iterations, Func<int, T> body)
    {
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested) { GC.Collect(); GC.WaitForPendingFinalizers(); }
        }) { IsBackground = true };
        collector.Start();
        var results = new List<T>(iterations);
        try
        {
            for (int i = 0; i < iterations; i++)
            {
                results.Add(body(i));
                GC.Collect();   // and between calls, as the issue asks
            }
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
        return results;
    }

    static (Tensor A, Tensor B) Covariances(int d, int seed)
    {
        var g = new torch.Generator((ulong)seed);
        var x = torch.randn(new long[] { 3 * d, d }, dtype: float64, generator: g);
        var y = torch.randn(new long[] { 3 * d, d }, dtype: float64, generator: g) * 1.5;
        return (x.T.matmul(x) / (3 * d - 1), y.T.matmul(y) / (3 * d - 1));
    }

    [Fact]
    public void TraceSqrtProduct_UnderForcedCollections_NeverFailsAndAlwaysGivesTheSameValue()
    {
        var (a, b) = Covariances(128, seed: 3);
        double expected = FrechetDistance.TraceSqrtProduct(a, b);
        Assert.True(expected > 0);
        var values = UnderForcedCollections(400, _ =>
        {
            using var scope = torch.NewDisposeScope();
            return FrechetDistance.TraceSqrtProduct(a, b);
        });
        Assert.All(values, v => Assert.Equal(expected, v));
    }

    [Fact]
    public void FrechetDistanceAndSqrtPsd_UnderForcedCollections_AreExactAndRepeatable()
    {
        var (a, b) = Covariances(12, seed: 5);
        var mu1 = torch.zeros(12, dtype: float64);
        var mu2 = torch.ones(12, dtype: float64);
        double expected = FrechetDistance.Compute(mu1, a, mu2, b);
        // FD of a Gaussian with itself is 0 (up to rounding); the mean term alone is |mu1 - mu2|^2 = 12.
        Assert.Equal(0.0, FrechetDistance.Compute(mu1, a, mu1, a), 6);
        Assert.Equal(12.0, FrechetDistance.Compute(mu1, a, mu2, a), 6);
        var values = UnderForcedCollections(300, _ =>
        {
            using var scope = torch.NewDisposeScope();
            var root = FrechetDistance.SqrtPsd(a);
            Assert.True(torch.allclose(root.matmul(root), a, rtol: 1e-8, atol: 1e-10), "SqrtPsd(a)^2 != a");
            return FrechetDistance.Compute(mu1, a, mu2, b);
        });
        Assert.All(values, v => Assert.Equal(expected, v));
    }

    [Fact]
    public void KeptScalars_AreTheSameObjectsEveryTime_AndCarryTheirValues()
    {
        Assert.Same(Scalars.Half, Scalars.Half);
        Assert.Equal(0.5, Scalars.Half.ToDouble());
        Assert.Equal(0.0, Scalars.Zero.ToDouble());
        Assert.Equal(1L, Scalars.One.ToInt64());
        // Two million elements: the size at which plain `a + b` (TorchSharp's temporary alpha) failed here with
        // "Expected false to be true ... toFloat (c10/core/Scalar.h:140)" after about 250 iterations of this loop.
        using var t = torch.tensor(new[] { 1.0f, -2.0f, 3.0f }).repeat(1 << 19);
        var values = UnderForcedCollections(250, _ =>
        {
            using var scope = torch.NewDisposeScope();
            var y = Scalars.OneMinus(Scalars.AddOne(Scalars.Add(t, t).mul(Scalars.Half).clamp_min(Scalars.Zero)));
            return y.narrow(0, 3 * 1000, 3).data<float>().ToArray();
        });
        Assert.All(values, v => Assert.Equal(new[] { -1.0f, 0.0f, -3.0f }, v));
    }
}
