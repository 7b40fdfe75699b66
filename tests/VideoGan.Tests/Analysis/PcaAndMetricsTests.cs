using VideoGan.Analysis;

namespace VideoGan.Tests.Analysis;

public class PcaAndMetricsTests
{
    /// <summary>
    /// The 2^3 factorial design (+-3, +-1, +-0.5), mean zero, embedded in d dimensions and rotated by a Householder
    /// reflection H = I - 2 v v^T: covariance (n - 1 divisor) has eigenvalues 9*8/7, 8/7, 0.25*8/7 along H e_0..2.
    /// </summary>
    static (DenseMatrix X, double[][] Axes) Design(int d, double[] shift)
    {
        var rng = new Random(3);
        var v = Enumerable.Range(0, d).Select(_ => rng.NextDouble() - 0.5).ToArray();
        double nv = Math.Sqrt(v.Sum(t => t * t));
        for (int j = 0; j < d; j++) v[j] /= nv;
        double[] H(int axis) => Enumerable.Range(0, d).Select(j => (j == axis ? 1 : 0) - 2 * v[j] * v[axis]).ToArray();
        var axes = new[] { H(0), H(1), H(2) };
        var x = new DenseMatrix(8, d);
        double[] s = [3, 1, 0.5];
        for (int i = 0; i < 8; i++)
            for (int a = 0; a < 3; a++)
            {
                double c = ((i >> a) & 1) == 1 ? s[a] : -s[a];
                for (int j = 0; j < d; j++) x[i, j] += c * axes[a][j];
            }
        for (int i = 0; i < 8; i++) for (int j = 0; j < d; j++) x[i, j] += shift[j % shift.Length];
        return (x, axes);
    }

    [Theory]
    [InlineData(5)]    // Jacobi
    [InlineData(200)]  // subspace iteration
    public void PcaRecoversAnalyticComponentsAndVariances(int d)
    {
        var (x, axes) = Design(d, [1.5, -2.0, 0.25]);
        var pca = Pca.Fit(x, 3);
        double[] want = [9 * 8 / 7.0, 8 / 7.0, 0.25 * 8 / 7.0];
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(want[c], pca.ExplainedVariance[c], 9);
            double dot = 0;
            for (int j = 0; j < d; j++) dot += pca.Components[c, j] * axes[c][j];
            Assert.Equal(1.0, Math.Abs(dot), 9);
        }
        Assert.Equal(1.0, pca.ExplainedVarianceRatio.Sum(), 9);
        // Projections are the design's coordinates (up to each component's sign).
        var t = pca.Transform(x);
        for (int i = 0; i < 8; i++) Assert.Equal(3.0, Math.Abs(t[i, 0]), 9);
        Assert.Equal(0.0, Enumerable.Range(0, 8).Sum(i => t[i, 1]), 9);
    }

    [Fact]
    public void TrustworthinessIsOneForTheInputItselfAndLowerForAShuffle()
    {
        var rng = new Random(4);
        var x = new DenseMatrix(Enumerable.Range(0, 200 * 2).Select(_ => rng.NextDouble()).ToArray(), 200, 2);
        Assert.Equal(1.0, EmbeddingMetrics.Trustworthiness(x, x, 5), 12);
        var perm = Enumerable.Range(0, 200).OrderBy(_ => rng.Next()).ToArray();
        var shuffled = new DenseMatrix(200, 2);
        for (int i = 0; i < 200; i++) { shuffled[i, 0] = x[perm[i], 0]; shuffled[i, 1] = x[perm[i], 1]; }
        double t = EmbeddingMetrics.Trustworthiness(x, shuffled, 5);
        Assert.InRange(t, 0.3, 0.7); // a random embedding scores about 0.5
    }

    [Fact]
    public void TrustworthinessMatchesHandComputedCase()
    {
        // Points on a line at 0, 1, 3, 6, 10, 15 (no distance ties); the embedding swaps points 0 and 5. k = 1.
        var x = new DenseMatrix([0, 1, 3, 6, 10, 15], 6, 1);
        var y = new DenseMatrix([15, 1, 3, 6, 10, 0], 6, 1);
        // Embedding nearest neighbours and their input ranks: 0->4 (rank 4), 1->5 (rank 5), 2->1, 3->2, 4->3 (rank 1),
        // 5->1 (rank 4). Penalty = 3 + 4 + 3 = 10; T = 1 - 10 * 2 / (6 * 1 * (12 - 3 - 1)) (scikit-learn: 0.58333).
        Assert.Equal(1 - 10 * 2.0 / (6 * 8), EmbeddingMetrics.Trustworthiness(x, y, 1), 12);
    }

    [Fact]
    public void ClusterScoreSeparatesClusteredFromMixedLabels()
    {
        var rng = new Random(5);
        int n = 120;
        var y = new DenseMatrix(n, 2);
        var labels = new int[n];
        for (int i = 0; i < n; i++) { labels[i] = i % 3; y[i, 0] = 10 * labels[i] + rng.NextDouble(); y[i, 1] = rng.NextDouble(); }
        var s = EmbeddingMetrics.ClusterScore(y, labels, k: 7);
        Assert.Equal(1.0, s.Accuracy);
        Assert.Equal(1 / 3.0, s.Chance, 12);
        var mixed = labels.Select(_ => rng.Next(3)).ToArray();
        Assert.True(EmbeddingMetrics.ClusterScore(y, mixed, k: 7).Accuracy < 0.6);
        Assert.Throws<ArgumentException>(() => EmbeddingMetrics.ClusterScore(y, labels.Take(5).ToArray()));
    }
}
