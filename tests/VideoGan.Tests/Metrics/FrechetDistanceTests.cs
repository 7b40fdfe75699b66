using TorchSharp;
using VideoGan.Metrics;
using static TorchSharp.torch;

namespace VideoGan.Tests.Metrics;

public class FrechetDistanceTests
{
    static string Fixture(string name) => MetricsTestPaths.Fixture(name);

    static void AssertRel(double expected, double actual, double rel)
    {
        double err = Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), 1e-300);
        Assert.True(err <= rel, $"expected {expected:R}, got {actual:R} (relative error {err:E2} > {rel:E1})");
    }

    [Fact]
    public void DiagonalGaussiansMatchClosedForm()
    {
        // FD(N(m1, diag a), N(m2, diag b)) = |m1 - m2|^2 + sum (sqrt a - sqrt b)^2
        double[] a = { 1.0, 4.0, 0.25, 9.0, 2.0 }, b = { 2.0, 1.0, 0.25, 16.0, 0.5 };
        double[] m1 = { 0, 1, 2, 3, 4 }, m2 = { 0.5, 1, 1, 3, 5 };
        double expected = 0;
        for (int i = 0; i < a.Length; i++)
            expected += (m1[i] - m2[i]) * (m1[i] - m2[i]) + Math.Pow(Math.Sqrt(a[i]) - Math.Sqrt(b[i]), 2);
        using var s1 = torch.diag(torch.tensor(a)); using var s2 = torch.diag(torch.tensor(b));
        using var t1 = torch.tensor(m1); using var t2 = torch.tensor(m2);
        AssertRel(expected, FrechetDistance.Compute(t1, s1, t2, s2), 1e-12);
    }

    [Fact]
    public void RotatedDiagonalGaussiansKeepClosedForm()
    {
        // The same covariances in a common random orthonormal basis Q: the distance is rotation invariant.
        double[] a = { 3.0, 1.0, 0.5, 2.0 }, b = { 1.0, 1.0, 2.0, 0.1 };
        using var g = new torch.Generator(7);
        using var q = torch.linalg.qr(torch.randn(4, 4, dtype: float64, generator: g)).Q;
        using var s1 = q.matmul(torch.diag(torch.tensor(a))).matmul(q.T);
        using var s2 = q.matmul(torch.diag(torch.tensor(b))).matmul(q.T);
        using var zero = torch.zeros(4, dtype: float64);
        double expected = a.Zip(b, (x, y) => Math.Pow(Math.Sqrt(x) - Math.Sqrt(y), 2)).Sum();
        AssertRel(expected, FrechetDistance.Compute(zero, s1, zero, s2), 1e-10);
    }

    [Fact]
    public void NonCommutingTwoByTwoMatchesClosedForm()
    {
        // For 2x2, Tr(sqrt(M)) = sqrt(Tr M + 2 sqrt(det M)) with M = S1 S2 (non-commuting S1, S2).
        double[,] s1 = { { 2.0, 0.8 }, { 0.8, 1.0 } }, s2 = { { 1.0, -0.3 }, { -0.3, 3.0 } };
        double trM = s1[0, 0] * s2[0, 0] + s1[0, 1] * s2[1, 0] + s1[1, 0] * s2[0, 1] + s1[1, 1] * s2[1, 1];
        double det = (s1[0, 0] * s1[1, 1] - s1[0, 1] * s1[1, 0]) * (s2[0, 0] * s2[1, 1] - s2[0, 1] * s2[1, 0]);
        double trSqrt = Math.Sqrt(trM + 2 * Math.Sqrt(det));
        double expected = 0.5 * 0.5 + 3.0 + 4.0 - 2 * trSqrt; // mean shift (0.5, 0)
        using var t1 = torch.tensor(new[] { 2.0, 0.8, 0.8, 1.0 }, 2, 2);
        using var t2 = torch.tensor(new[] { 1.0, -0.3, -0.3, 3.0 }, 2, 2);
        using var m1 = torch.tensor(new[] { 0.5, 0.0 }); using var m2 = torch.zeros(2, dtype: float64);
        AssertRel(expected, FrechetDistance.Compute(m1, t1, m2, t2), 1e-12);
        AssertRel(trSqrt, FrechetDistance.TraceSqrtProduct(t1, t2), 1e-12);
    }

    [Fact]
    public void MatchesPythonPeerOnItsSelfTestData()
    {
        // Reference: frechet_peer.py (np.cov N-1, scipy.linalg.sqrtm) on these exact files (Fixtures/README.md).
        using var a = FeatureMatrixFile.Load(Fixture("peer_selftest_a.f32"));
        using var b = FeatureMatrixFile.Load(Fixture("peer_selftest_b.f32"));
        Assert.Equal(new long[] { 300, 40 }, a.shape);
        var r = FeatureDistances.Frechet(a, b);
        AssertRel(3.9047815003175685, r.Value, 1e-6);
        Assert.Empty(r.Warnings);
        // Identical sets: zero up to rounding.
        Assert.True(Math.Abs(FeatureDistances.Frechet(a, a).Value) < 1e-9);
    }

    [Fact]
    public void StreamingChunksEqualOneShotCovarianceWithNMinus1()
    {
        using var g = new torch.Generator(3);
        using var x = torch.randn(257, 6, dtype: float64, generator: g) * 3 + 100; // large offset: cancellation check
        var m = new StreamingMoments(6);
        foreach (var (start, len) in new[] { (0L, 1L), (1L, 100L), (101L, 56L), (157L, 100L) })
            using (var chunk = x.narrow(0, start, len)) m.Add(chunk);
        var s = m.ToStatistics();
        using var refCov = torch.cov(x.T); // torch.cov: correction=1 (N-1)
        using var refMean = x.mean(new long[] { 0 });
        using var cov = s.CovarianceTensor(); using var mean = s.MeanTensor();
        Assert.Equal(257, s.Count);
        Assert.True(torch.allclose(cov, refCov, rtol: 1e-12, atol: 1e-12));
        Assert.True(torch.allclose(mean, refMean, rtol: 1e-14, atol: 0));
    }

    [Fact]
    public void FewerThanTwoClipsIsAnErrorAndNBelowDWarns()
    {
        using var one = torch.randn(1, 8, dtype: float64);
        using var many = torch.randn(20, 8, dtype: float64);
        var e = Assert.Throws<ArgumentException>(() => FeatureDistances.Frechet(one, many));
        Assert.Contains("at least 2 clips", e.Message);
        Assert.Throws<InvalidOperationException>(() => GaussianStatistics.FromFeatures(one));
        using var few = torch.randn(5, 8, dtype: float64);
        var r = FeatureDistances.Frechet(few, many);
        Assert.Single(r.Warnings);
        Assert.Contains("rank-deficient", r.Warnings[0]);
        Assert.True(double.IsFinite(r.Value));
        Assert.Contains("needs at least 10", MetricGuards.CheckClipLength(4, 10, "net")!);
        Assert.Null(MetricGuards.CheckClipLength(16, 10, "net"));
    }

    [Fact]
    public void BootstrapIntervalBracketsEstimateAndIsReproducible()
    {
        using var a = FeatureMatrixFile.Load(Fixture("peer_selftest_a.f32"));
        using var b = FeatureMatrixFile.Load(Fixture("peer_selftest_b.f32"));
        var ci = Bootstrap.Frechet(a, b, resamples: 40, seed: 1);
        var again = Bootstrap.Frechet(a, b, resamples: 40, seed: 1);
        Assert.Equal(ci, again);
        Assert.True(ci.Lower < ci.Estimate && ci.Estimate < ci.Upper && ci.StdError > 0, ci.ToString());
        Assert.Equal(ci.Estimate, (ci.Lower + ci.Upper) / 2, 9);
        // Resampling with replacement duplicates rows, which inflates FD: the replicates sit above the estimate.
        Assert.True(ci.BootstrapMean > ci.Estimate && ci.PercentileUpper > ci.Estimate, ci.ToString());
        Assert.True(ci.Upper - ci.Lower < ci.Estimate, ci.ToString());
    }

    [Fact]
    public void StatisticsFileRoundTripsWithProtocol()
    {
        using var x = torch.randn(30, 5, dtype: float64);
        var s = GaussianStatistics.FromFeatures(x);
        string path = Path.Combine(Path.GetTempPath(), $"vg-stats-{Guid.NewGuid():N}.stats");
        try
        {
            s.Save(path, "{\"network\":\"test\"}");
            var (back, json) = GaussianStatistics.Load(path);
            Assert.Equal("{\"network\":\"test\"}", json);
            Assert.Equal(s.Mean, back.Mean); Assert.Equal(s.Covariance, back.Covariance); Assert.Equal(30, back.Count);
            Assert.False(File.Exists(path + ".tmp"));
        }
        finally { File.Delete(path); }
    }
}
