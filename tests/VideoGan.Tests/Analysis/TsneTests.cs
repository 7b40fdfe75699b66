using VideoGan.Analysis;

namespace VideoGan.Tests.Analysis;

public class TsneTests
{
    /// <summary>n points per cluster around centres at +-sep/2 on the first axis, unit Gaussian noise.</summary>
    static (DenseMatrix X, int[] Labels) TwoClusters(int perCluster, int dim, double sep, int seed)
    {
        var rng = new Random(seed);
        var x = new DenseMatrix(2 * perCluster, dim);
        var labels = new int[2 * perCluster];
        for (int i = 0; i < 2 * perCluster; i++)
        {
            labels[i] = i < perCluster ? 0 : 1;
            for (int j = 0; j < dim; j++) x[i, j] = Tsne.Gaussian(rng);
            x[i, 0] += labels[i] == 0 ? -sep / 2 : sep / 2;
        }
        return (x, labels);
    }

    static void AssertSeparated(DenseMatrix y, int[] labels)
    {
        // Every point is nearer its own cluster's centroid than the other's, with a wide gap.
        var c = new double[2, 2]; var cnt = new int[2];
        for (int i = 0; i < y.Rows; i++) { c[labels[i], 0] += y[i, 0]; c[labels[i], 1] += y[i, 1]; cnt[labels[i]]++; }
        for (int l = 0; l < 2; l++) { c[l, 0] /= cnt[l]; c[l, 1] /= cnt[l]; }
        double between = Math.Sqrt(Math.Pow(c[0, 0] - c[1, 0], 2) + Math.Pow(c[0, 1] - c[1, 1], 2));
        double maxWithin = 0;
        for (int i = 0; i < y.Rows; i++)
            maxWithin = Math.Max(maxWithin, Math.Sqrt(Math.Pow(y[i, 0] - c[labels[i], 0], 2) + Math.Pow(y[i, 1] - c[labels[i], 1], 2)));
        Assert.True(between > 2 * maxWithin, $"clusters overlap: centroid distance {between:F2}, largest within-cluster radius {maxWithin:F2}");
        Assert.Equal(1.0, EmbeddingMetrics.ClusterScore(y, labels, k: 5).Accuracy);
    }

    [Fact]
    public void ExactTsneKeepsTwoSeparatedClustersApart()
    {
        var (x, labels) = TwoClusters(50, 10, 20, seed: 1);
        var r = Tsne.Fit(x, new TsneOptions { Perplexity = 10, Iterations = 400, Method = TsneMethod.Exact, Threads = 2 });
        Assert.Equal(TsneMethod.Exact, r.Method);
        AssertSeparated(r.Embedding, labels);
        Assert.True(r.KlDivergence > 0 && r.KlDivergence < 2, $"KL {r.KlDivergence}");
    }

    [Fact]
    public void BarnesHutTsneKeepsTwoSeparatedClustersApartAndLowersKl()
    {
        var (x, labels) = TwoClusters(150, 10, 20, seed: 2);
        var r = Tsne.Fit(x, new TsneOptions { Perplexity = 15, Iterations = 400, Method = TsneMethod.BarnesHut, Init = TsneInit.Random, Seed = 3, Threads = 2 });
        AssertSeparated(r.Embedding, labels);
        // KL falls during the second stage (the first stage's values use the exaggerated P, so compare after it).
        var late = r.History.Where(h => h.Iteration > 250).ToList();
        Assert.True(late[^1].Kl < late[0].Kl + 1e-9, $"KL rose: {late[0].Kl} -> {late[^1].Kl}");
        Assert.True(EmbeddingMetrics.Trustworthiness(x, r.Embedding, 10) > 0.85);
    }

    [Fact]
    public void SameSeedGivesIdenticalEmbeddingOnAnyThreadCount()
    {
        // 520 points: more than one 256-point chunk, so the Barnes-Hut loops really run in parallel.
        var (x, _) = TwoClusters(260, 8, 6, seed: 4);
        TsneOptions O(int threads, int seed) => new() { Perplexity = 10, Iterations = 60, ExaggerationIterations = 30, Method = TsneMethod.BarnesHut, Init = TsneInit.Random, Seed = seed, Threads = threads };
        var a = Tsne.Fit(x, O(2, 7)).Embedding.Data;
        var b = Tsne.Fit(x, O(2, 7)).Embedding.Data;
        var c = Tsne.Fit(x, O(1, 7)).Embedding.Data;
        var d = Tsne.Fit(x, O(2, 8)).Embedding.Data;
        Assert.Equal(a, b);
        Assert.Equal(a, c);
        Assert.NotEqual(a, d);
        var small = new DenseMatrix(x.Data[..(150 * x.Cols)], 150, x.Cols);
        var e1 = Tsne.Fit(small, O(2, 7) with { Method = TsneMethod.Exact }).Embedding.Data;
        var e2 = Tsne.Fit(small, O(1, 7) with { Method = TsneMethod.Exact }).Embedding.Data;
        Assert.Equal(e1, e2);
    }

    [Fact]
    public void BarnesHutGradientWithThetaZeroEqualsExactGradient()
    {
        var (x, _) = TwoClusters(20, 5, 4, seed: 5);
        int n = x.Rows, k = n - 1;
        var (idx, d2) = NearestNeighbors.Exact(x, k);
        var sparse = Affinities.SparseJoint(idx, d2, n, k, perplexity: 8);
        var dense = Affinities.DenseJoint(x, perplexity: 8);
        // With every other point as a neighbour, the sparse P is the dense P.
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++)
            Assert.Equal(dense[i * n + j], sparse.Get(i, j), 12);
        var rng = new Random(6);
        var y = Enumerable.Range(0, 2 * n).Select(_ => 3 * Tsne.Gaussian(rng)).ToArray();
        var exact = Tsne.GradientExact(dense, y, n, 2);
        var bh0 = Tsne.GradientBarnesHut(sparse, y, theta: 0);
        double scale = exact.Max(Math.Abs);
        for (int q = 0; q < y.Length; q++) Assert.True(Math.Abs(exact[q] - bh0[q]) < 1e-12 * scale, $"component {q}: exact {exact[q]} vs BH(0) {bh0[q]}");
        // theta = 0.5 approximates it: a small relative error over the whole gradient.
        var bh = Tsne.GradientBarnesHut(sparse, y, theta: 0.5);
        double num = 0, den = 0;
        for (int q = 0; q < y.Length; q++) { num += Math.Pow(bh[q] - exact[q], 2); den += exact[q] * exact[q]; }
        Assert.True(Math.Sqrt(num / den) < 0.05, $"BH(0.5) relative error {Math.Sqrt(num / den)}");
        Assert.True(Math.Sqrt(num / den) > 0, "theta = 0.5 should summarise some cells");
    }

    [Fact]
    public void ExactGradientMatchesFiniteDifferencesOfKl()
    {
        var (x, _) = TwoClusters(10, 4, 3, seed: 8);
        int n = x.Rows;
        var p = Affinities.DenseJoint(x, perplexity: 5);
        var rng = new Random(9);
        var y = Enumerable.Range(0, 2 * n).Select(_ => Tsne.Gaussian(rng)).ToArray();
        double Kl(double[] yy)
        {
            var ym = new DenseMatrix(yy, n, 2);
            double z = EmbeddingMetrics.StudentTNormaliser(ym), kl = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++)
            {
                if (i == j) continue;
                double d2 = Math.Pow(yy[2 * i] - yy[2 * j], 2) + Math.Pow(yy[2 * i + 1] - yy[2 * j + 1], 2);
                kl += p[i * n + j] * Math.Log(p[i * n + j] / (1 / (1 + d2) / z));
            }
            return kl;
        }
        var g = Tsne.GradientExact(p, y, n, 2);
        const double h = 1e-6;
        foreach (int q in new[] { 0, 3, 7, 20, 39 })
        {
            var yp = (double[])y.Clone(); yp[q] += h;
            var ym = (double[])y.Clone(); ym[q] -= h;
            double fd = (Kl(yp) - Kl(ym)) / (2 * h);
            Assert.True(Math.Abs(fd - g[q]) < 1e-6 + 1e-4 * Math.Abs(fd), $"component {q}: analytic {g[q]} vs finite difference {fd}");
        }
    }

    [Fact]
    public void PerplexityCalibrationHitsTarget()
    {
        var (x, _) = TwoClusters(100, 6, 5, seed: 10);
        int n = x.Rows, k = 46;
        var (idx, d2) = NearestNeighbors.Exact(x, k);
        foreach (double perp in new[] { 5.0, 15.0, 30.0 })
        {
            var (p, beta) = Affinities.Conditional(d2, n, k, perp);
            for (int i = 0; i < n; i++)
            {
                var row = p.AsSpan(i * k, k);
                double sum = 0; foreach (var v in row) sum += v;
                Assert.Equal(1.0, sum, 12);
                Assert.True(Math.Abs(Affinities.Perplexity(row) - perp) < 1e-3 * perp, $"row {i}: perplexity {Affinities.Perplexity(row)} vs {perp}");
                Assert.True(beta[i] > 0);
            }
        }
        var joint = Affinities.SparseJoint(idx, d2, n, k, 30);
        Assert.Equal(1.0, joint.Sum(), 12);
        for (int i = 0; i < n; i++)
            for (int q = joint.RowStart[i]; q < joint.RowStart[i + 1]; q++)
                Assert.Equal(joint.Values[q], joint.Get(joint.ColIndex[q], i), 15);
    }

    [Fact]
    public void NearestNeighborsMatchBruteForce()
    {
        var rng = new Random(11);
        var x = new DenseMatrix(Enumerable.Range(0, 300 * 20).Select(_ => rng.NextDouble()).ToArray(), 300, 20);
        var (idx, d2) = NearestNeighbors.Exact(x, 7, threads: 2);
        for (int i = 0; i < x.Rows; i += 13)
        {
            var want = Enumerable.Range(0, x.Rows).Where(j => j != i)
                .Select(j => (D: NearestNeighbors.SquaredDistance(x.Row(i), x.Row(j)), J: j)).OrderBy(t => t.D).ThenBy(t => t.J).Take(7).ToArray();
            for (int t = 0; t < 7; t++) { Assert.Equal(want[t].J, idx[i * 7 + t]); Assert.Equal(want[t].D, d2[i * 7 + t], 12); }
        }
    }

    [Fact]
    public void RejectsBadInputWithClearMessages()
    {
        var (x, _) = TwoClusters(5, 3, 1, seed: 12);
        var e = Assert.Throws<ArgumentException>(() => Tsne.Fit(x, new TsneOptions { Perplexity = 30 }));
        Assert.Contains("Perplexity", e.Message);
        x[0, 0] = double.NaN;
        Assert.Throws<ArgumentException>(() => Tsne.Fit(x, new TsneOptions { Perplexity = 3 }));
    }
}
