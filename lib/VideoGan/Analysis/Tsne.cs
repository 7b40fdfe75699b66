using System.Diagnostics;

namespace VideoGan.Analysis;

/// <summary>Which t-SNE gradient to use.</summary>
public enum TsneMethod
{
    /// <summary>Exact below 2,000 points and 2-D output allowing it, Barnes-Hut otherwise.</summary>
    Auto,
    /// <summary>Dense P and all-pairs gradient, O(n^2) time and memory (small n).</summary>
    Exact,
    /// <summary>Sparse kNN P and a quadtree for the repulsion, O(n log n) per iteration (2-D output).</summary>
    BarnesHut,
}

/// <summary>How the embedding starts.</summary>
public enum TsneInit
{
    /// <summary>The first principal components, scaled so column 0 has standard deviation 1e-4 (as scikit-learn).</summary>
    Pca,
    /// <summary>Gaussian noise with standard deviation 1e-4, from the seed.</summary>
    Random,
}

/// <summary>t-SNE settings; defaults follow scikit-learn's <c>TSNE</c> (1.2).</summary>
/// <remarks>Taught in notebooks/05-latent-analysis.ipynb.</remarks>
public sealed record TsneOptions
{
    /// <summary>Output dimensions (Barnes-Hut supports 2).</summary>
    public int Components { get; init; } = 2;
    /// <summary>Effective number of neighbours each point attends to (typically 5-50).</summary>
    public double Perplexity { get; init; } = 30;
    /// <summary>Factor on P during the first <see cref="ExaggerationIterations"/> iterations.</summary>
    public double EarlyExaggeration { get; init; } = 12;
    /// <summary>Iterations with early exaggeration and <see cref="MomentumEarly"/>.</summary>
    public int ExaggerationIterations { get; init; } = 250;
    /// <summary>Total iterations (including the exaggeration phase).</summary>
    public int Iterations { get; init; } = 1000;
    /// <summary>Gradient step; null = 'auto' = max(n / EarlyExaggeration / 4, 50).</summary>
    public double? LearningRate { get; init; }
    /// <summary>Momentum during the exaggeration phase.</summary>
    public double MomentumEarly { get; init; } = 0.5;
    /// <summary>Momentum afterwards.</summary>
    public double MomentumLate { get; init; } = 0.8;
    /// <summary>Lower bound of the per-coordinate adaptive gains.</summary>
    public double MinGain { get; init; } = 0.01;
    /// <summary>Barnes-Hut angle: a cell is summarised when width / distance &lt; theta (0 = exact).</summary>
    public double Theta { get; init; } = 0.5;
    /// <summary>Gradient method.</summary>
    public TsneMethod Method { get; init; } = TsneMethod.Auto;
    /// <summary>Initialisation.</summary>
    public TsneInit Init { get; init; } = TsneInit.Pca;
    /// <summary>Seed for the random initialisation (the result does not depend on threads).</summary>
    public int Seed { get; init; } = 0;
    /// <summary>Worker threads; 0 = all cores.</summary>
    public int Threads { get; init; } = 0;
    /// <summary>Neighbours for the sparse P; null = min(n - 1, floor(3 * perplexity + 1)) as scikit-learn.</summary>
    public int? Neighbours { get; init; }
    /// <summary>Stop when the error has not improved for this many iterations (checked every 50).</summary>
    public int NoProgressIterations { get; init; } = 300;
    /// <summary>Stop when the gradient norm falls below this (checked every 50 iterations).</summary>
    public double MinGradNorm { get; init; } = 1e-7;
    /// <summary>Called every 50 iterations with (iteration, KL divergence).</summary>
    public Action<int, double>? Progress { get; init; }
}

/// <summary>A finished t-SNE run.</summary>
public sealed class TsneResult
{
    /// <summary>The embedding, <c>n x Components</c>.</summary>
    public required DenseMatrix Embedding { get; init; }
    /// <summary>KL(P || Q) at the end; Q exact over all pairs when n &lt;= 50,000, else the tree's estimate.</summary>
    public required double KlDivergence { get; init; }
    /// <summary>Iterations run.</summary>
    public required int Iterations { get; init; }
    /// <summary>The learning rate used.</summary>
    public required double LearningRate { get; init; }
    /// <summary>The method used.</summary>
    public required TsneMethod Method { get; init; }
    /// <summary>(iteration, KL) every 50 iterations (the exaggeration phase reports KL of the exaggerated P).</summary>
    public required IReadOnlyList<(int Iteration, double Kl)> History { get; init; }
    /// <summary>Seconds spent on neighbours and affinities.</summary>
    public required double AffinitySeconds { get; init; }
    /// <summary>Seconds spent on the optimisation.</summary>
    public required double OptimiseSeconds { get; init; }
}

/// <summary>
/// t-distributed Stochastic Neighbour Embedding (van der Maaten and Hinton 2008; Barnes-Hut: van der Maaten 2014):
/// exact and Barnes-Hut gradients, perplexity calibration, early exaggeration, momentum and gains, PCA or random
/// initialisation. Multi-threaded and deterministic: every parallel loop writes per-point slots and every sum is
/// reduced in a fixed order, so the same seed gives the same embedding bit for bit on any thread count.
/// </summary>
/// <remarks>Taught in notebooks/05-latent-analysis.ipynb.</remarks>
public static class Tsne
{
    const int CheckEvery = 50;

    /// <summary>Embeds the rows of <paramref name="x"/>.</summary>
    public static TsneResult Fit(double[,] x, TsneOptions? options = null) => Fit(DenseMatrix.From(x), options);

    /// <summary>Embeds the rows of <paramref name="x"/>.</summary>
    public static TsneResult Fit(float[,] x, TsneOptions? options = null) => Fit(DenseMatrix.From(x), options);

    /// <summary>Embeds the rows of <paramref name="x"/>.</summary>
    public static TsneResult Fit(DenseMatrix x, TsneOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        var o = options ?? new TsneOptions();
        int n = x.Rows;
        if (n < 4) throw new ArgumentException($"t-SNE needs at least 4 points, got {n}.", nameof(x));
        if (o.Perplexity >= n - 1)
            throw new ArgumentException($"Perplexity {o.Perplexity} must be smaller than n - 1 = {n - 1}; lower it for {n} points.", nameof(options));
        foreach (var v in x.Data)
            if (!double.IsFinite(v)) throw new ArgumentException("t-SNE input contains NaN or infinity.", nameof(x));
        var method = o.Method == TsneMethod.Auto ? (n <= 2000 || o.Components != 2 ? TsneMethod.Exact : TsneMethod.BarnesHut) : o.Method;
        if (method == TsneMethod.BarnesHut && o.Components != 2)
            throw new ArgumentException($"Barnes-Hut t-SNE here embeds into 2 dimensions; got Components = {o.Components}. Use Method = Exact.", nameof(options));
        if (o.Components < 1) throw new ArgumentException("Components must be at least 1.", nameof(options));

        var sw = Stopwatch.StartNew();
        IGradient grad;
        if (method == TsneMethod.Exact)
            grad = new ExactGradient(Affinities.DenseJoint(x, o.Perplexity, o.Threads), n, o.Components, o.Threads);
        else
        {
            int k = o.Neighbours ?? Math.Min(n - 1, (int)(3.0 * o.Perplexity + 1));
            var (idx, d2) = NearestNeighbors.Exact(x, k, o.Threads);
            var p = Affinities.SparseJoint(idx, d2, n, k, o.Perplexity, o.Threads);
            grad = new BarnesHutGradient(p, o.Theta, o.Threads);
        }
        double affinitySeconds = sw.Elapsed.TotalSeconds;
        sw.Restart();

        var y = Initialise(x, o);
        double lr = o.LearningRate ?? Math.Max(n / o.EarlyExaggeration / 4.0, 50.0);
        var history = new List<(int, double)>();
        int stage1 = Math.Min(o.ExaggerationIterations, o.Iterations);
        int last = Descend(grad, y, 0, stage1, o.MomentumEarly, lr, o.EarlyExaggeration, o.ExaggerationIterations, o, history);
        if (o.Iterations > stage1)
            last = Descend(grad, y, last + 1, o.Iterations, o.MomentumLate, lr, 1.0, o.NoProgressIterations, o, history);
        double kl = grad is BarnesHutGradient bh && n <= 50_000 ? bh.ExactKl(y) : grad.Kl(y);
        return new TsneResult
        {
            Embedding = new DenseMatrix(y, n, o.Components), KlDivergence = kl, Iterations = last + 1,
            LearningRate = lr, Method = method, History = history,
            AffinitySeconds = affinitySeconds, OptimiseSeconds = sw.Elapsed.TotalSeconds,
        };
    }

    static double[] Initialise(DenseMatrix x, TsneOptions o)
    {
        int n = x.Rows, c = o.Components;
        var y = new double[n * c];
        if (o.Init == TsneInit.Pca)
        {
            if (c > x.Cols) throw new ArgumentException($"PCA initialisation needs Components <= input dimensions ({x.Cols}).");
            var pca = Pca.Fit(x, c);
            var t = pca.Transform(x);
            double mean = 0;
            for (int i = 0; i < n; i++) mean += t[i, 0];
            mean /= n;
            double var = 0;
            for (int i = 0; i < n; i++) var += (t[i, 0] - mean) * (t[i, 0] - mean);
            double std = Math.Sqrt(var / n);
            double scale = std > 0 ? 1e-4 / std : 1.0;
            for (int q = 0; q < y.Length; q++) y[q] = t.Data[q] * scale;
        }
        else
        {
            var rng = Runtime.Seeding.CreateRandom(o.Seed, "tsne-init");
            for (int q = 0; q < y.Length; q++) y[q] = 1e-4 * Gaussian(rng);
        }
        return y;
    }

    internal static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>Gradient descent with momentum and gains, scikit-learn's schedule (gains and momentum reset per stage).</summary>
    static int Descend(IGradient g, double[] y, int it0, int itEnd, double momentum, double lr, double exaggeration,
        int noProgress, TsneOptions o, List<(int, double)> history)
    {
        int len = y.Length;
        var update = new double[len];
        var gains = new double[len];
        Array.Fill(gains, 1.0);
        var grad = new double[len];
        double best = double.PositiveInfinity;
        int bestIt = it0, i = it0;
        for (; i < itEnd; i++)
        {
            bool check = (i + 1) % CheckEvery == 0 || i == itEnd - 1;
            double err = g.Compute(y, grad, exaggeration, check);
            double minGain = o.MinGain;
            Par.ForRanges(len, 4096, o.Threads, (s, e) =>
            {
                for (int q = s; q < e; q++)
                {
                    double gq = grad[q];
                    double gain = update[q] * gq < 0 ? gains[q] + 0.2 : gains[q] * 0.8;
                    if (gain < minGain) gain = minGain;
                    gains[q] = gain;
                    gq *= gain;
                    grad[q] = gq;
                    update[q] = momentum * update[q] - lr * gq;
                    y[q] += update[q];
                }
            });
            if ((i + 1) % CheckEvery == 0)
            {
                history.Add((i + 1, err));
                o.Progress?.Invoke(i + 1, err);
                if (err < best) { best = err; bestIt = i; }
                else if (i - bestIt > noProgress) break;
                double norm = 0;
                foreach (var v in grad) norm += v * v;
                if (Math.Sqrt(norm) <= o.MinGradNorm) break;
            }
        }
        return Math.Min(i, itEnd - 1);
    }

    /// <summary>A t-SNE objective: fills the gradient (4 x the force sums) and optionally returns KL(P || Q).</summary>
    internal interface IGradient
    {
        double Compute(double[] y, double[] grad, double exaggeration, bool computeError);
        double Kl(double[] y);
    }

    /// <summary>Barnes-Hut gradient on a sparse P (2-D).</summary>
    internal sealed class BarnesHutGradient : IGradient
    {
        readonly SparseMatrix _p;
        readonly double _theta2;
        readonly int _threads, _n;
        readonly QuadTree _tree = new();
        readonly double[] _sumQ, _rep, _klRow;
        readonly int[] _order;

        public BarnesHutGradient(SparseMatrix p, double theta, int threads)
        {
            _p = p; _theta2 = theta * theta; _threads = threads; _n = p.N;
            _sumQ = new double[_n]; _rep = new double[2 * _n]; _klRow = new double[_n]; _order = new int[_n];
        }

        public double Compute(double[] y, double[] grad, double exaggeration, bool computeError)
        {
            int n = _n;
            _tree.Build(y, n);
            _tree.SpatialOrder(_order);
            var rs = _p.RowStart; var ci = _p.ColIndex; var pv = _p.Values;
            // Points in Z-curve order: the same per-point results, better cache use.
            Par.ForRanges(n, 256, _threads, (s, e) =>
            {
                Span<int> stack = stackalloc int[512];
                for (int k = s; k < e; k++)
                {
                    int i = _order[k];
                    double yx = y[2 * i], yy = y[2 * i + 1];
                    _sumQ[i] = _tree.Repulsion(yx, yy, _theta2, stack, out var fx, out var fy);
                    _rep[2 * i] = fx; _rep[2 * i + 1] = fy;
                    double ax = 0, ay = 0;
                    for (int q = rs[i]; q < rs[i + 1]; q++)
                    {
                        int j = ci[q];
                        double dx = yx - y[2 * j], dy = yy - y[2 * j + 1];
                        double w = pv[q] / (1.0 + dx * dx + dy * dy);
                        ax += w * dx; ay += w * dy;
                    }
                    grad[2 * i] = ax * exaggeration; grad[2 * i + 1] = ay * exaggeration;
                }
            });
            double z = 0;
            for (int i = 0; i < n; i++) z += _sumQ[i];
            double invZ = 1.0 / z;
            Par.ForRanges(n, 1024, _threads, (s, e) =>
            {
                for (int i = s; i < e; i++)
                {
                    grad[2 * i] = 4.0 * (grad[2 * i] - _rep[2 * i] * invZ);
                    grad[2 * i + 1] = 4.0 * (grad[2 * i + 1] - _rep[2 * i + 1] * invZ);
                }
            });
            return computeError ? KlWithZ(y, z, exaggeration) : double.NaN;
        }

        double KlWithZ(double[] y, double z, double exaggeration)
        {
            var rs = _p.RowStart; var ci = _p.ColIndex; var pv = _p.Values;
            Par.ForRanges(_n, 512, _threads, (s, e) =>
            {
                for (int i = s; i < e; i++)
                {
                    double acc = 0;
                    for (int q = rs[i]; q < rs[i + 1]; q++)
                    {
                        int j = ci[q];
                        double dx = y[2 * i] - y[2 * j], dy = y[2 * i + 1] - y[2 * j + 1];
                        double pij = pv[q] * exaggeration;
                        double qij = 1.0 / (1.0 + dx * dx + dy * dy) / z;
                        acc += pij * Math.Log(Math.Max(pij, 1e-300) / Math.Max(qij, 1e-300));
                    }
                    _klRow[i] = acc;
                }
            });
            double kl = 0;
            for (int i = 0; i < _n; i++) kl += _klRow[i];
            return kl;
        }

        /// <summary>KL with the tree's normaliser.</summary>
        public double Kl(double[] y)
        {
            var tmp = new double[y.Length];
            return Compute(y, tmp, 1.0, true);
        }

        /// <summary>KL with the exact normaliser Z over all pairs (O(n^2), no tree).</summary>
        public double ExactKl(double[] y) => KlWithZ(y, EmbeddingMetrics.StudentTNormaliser(new DenseMatrix(y, _n, 2), _threads), 1.0);
    }

    /// <summary>Exact gradient on a dense P (any output dimension).</summary>
    internal sealed class ExactGradient : IGradient
    {
        readonly double[] _p;
        readonly int _n, _c, _threads;
        readonly double[] _rowQ, _klRow;

        public ExactGradient(double[] p, int n, int components, int threads)
        {
            _p = p; _n = n; _c = components; _threads = threads;
            _rowQ = new double[n]; _klRow = new double[n];
        }

        double W(double[] y, int i, int j)
        {
            double d2 = 0;
            for (int a = 0; a < _c; a++) { double t = y[i * _c + a] - y[j * _c + a]; d2 += t * t; }
            return 1.0 / (1.0 + d2);
        }

        double Z(double[] y)
        {
            Par.ForRanges(_n, 64, _threads, (s, e) =>
            {
                for (int i = s; i < e; i++)
                {
                    double acc = 0;
                    for (int j = 0; j < _n; j++) if (j != i) acc += W(y, i, j);
                    _rowQ[i] = acc;
                }
            });
            double z = 0;
            for (int i = 0; i < _n; i++) z += _rowQ[i];
            return z;
        }

        public double Compute(double[] y, double[] grad, double exaggeration, bool computeError)
        {
            double invZ = 1.0 / Z(y);
            int n = _n, c = _c;
            Par.ForRanges(n, 64, _threads, (s, e) =>
            {
                Span<double> g = stackalloc double[c];
                for (int i = s; i < e; i++)
                {
                    g.Clear();
                    for (int j = 0; j < n; j++)
                    {
                        if (j == i) continue;
                        double w = W(y, i, j);
                        double f = (exaggeration * _p[(long)i * n + j] - w * invZ) * w;
                        for (int a = 0; a < c; a++) g[a] += f * (y[i * c + a] - y[j * c + a]);
                    }
                    for (int a = 0; a < c; a++) grad[i * c + a] = 4.0 * g[a];
                }
            });
            return computeError ? KlWith(y, invZ, exaggeration) : double.NaN;
        }

        double KlWith(double[] y, double invZ, double exaggeration)
        {
            int n = _n;
            Par.ForRanges(n, 64, _threads, (s, e) =>
            {
                for (int i = s; i < e; i++)
                {
                    double acc = 0;
                    for (int j = 0; j < n; j++)
                    {
                        if (j == i) continue;
                        double pij = _p[(long)i * n + j] * exaggeration;
                        if (pij <= 0) continue;
                        double qij = W(y, i, j) * invZ;
                        acc += pij * Math.Log(pij / Math.Max(qij, 1e-300));
                    }
                    _klRow[i] = acc;
                }
            });
            double kl = 0;
            for (int i = 0; i < n; i++) kl += _klRow[i];
            return kl;
        }

        public double Kl(double[] y) => KlWith(y, 1.0 / Z(y), 1.0);
    }

    /// <summary>
    /// The t-SNE gradient of KL(P || Q) at <paramref name="y"/> (<c>[n * 2]</c>) for a sparse P, by Barnes-Hut with
    /// angle <paramref name="theta"/> (theta = 0 is exact). For tests and teaching.
    /// </summary>
    public static double[] GradientBarnesHut(SparseMatrix p, double[] y, double theta, int threads = 0)
    {
        var grad = new double[y.Length];
        new BarnesHutGradient(p, theta, threads).Compute(y, grad, 1.0, false);
        return grad;
    }

    /// <summary>The exact t-SNE gradient for a dense P (<c>[n * n]</c>) at <paramref name="y"/> (<c>[n * components]</c>).</summary>
    public static double[] GradientExact(double[] p, double[] y, int n, int components, int threads = 0)
    {
        var grad = new double[y.Length];
        new ExactGradient(p, n, components, threads).Compute(y, grad, 1.0, false);
        return grad;
    }
}
