namespace VideoGan.Analysis;

/// <summary>
/// Principal component analysis: the top eigenvectors of the sample covariance (divisor n - 1). Used to start
/// t-SNE and as a linear baseline view. Components are unit vectors with the sign fixed so that the entry of
/// largest magnitude is positive (deterministic output).
/// </summary>
/// <remarks>Taught in notebooks/05-latent-analysis.ipynb.</remarks>
public sealed class Pca
{
    /// <summary>Column means of the training data.</summary>
    public required double[] Mean { get; init; }
    /// <summary>Components, <c>k x d</c>, one unit vector per row, by decreasing variance.</summary>
    public required DenseMatrix Components { get; init; }
    /// <summary>Variance along each component.</summary>
    public required double[] ExplainedVariance { get; init; }
    /// <summary>Each component's share of the total variance.</summary>
    public required double[] ExplainedVarianceRatio { get; init; }

    /// <summary>Fits <paramref name="components"/> components to the rows of <paramref name="x"/>.</summary>
    public static Pca Fit(DenseMatrix x, int components, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.Rows, d = x.Cols;
        if (n < 2) throw new ArgumentException($"PCA needs at least 2 rows, got {n}.", nameof(x));
        if (components < 1 || components > d)
            throw new ArgumentOutOfRangeException(nameof(components), $"PCA components = {components} must be in [1, {d}] (the input dimension).");
        var mean = new double[d];
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) mean[j] += x.Data[i * d + j];
        for (int j = 0; j < d; j++) mean[j] /= n;
        // Covariance, one row per task, summed over samples in order (deterministic).
        var cov = new double[d * d];
        Par.ForRanges(d, 8, threads, (s, e) =>
        {
            for (int a = s; a < e; a++)
                for (int i = 0; i < n; i++)
                {
                    double xa = x.Data[i * d + a] - mean[a];
                    int off = i * d;
                    for (int b = a; b < d; b++) cov[a * d + b] += xa * (x.Data[off + b] - mean[b]);
                }
        });
        for (int a = 0; a < d; a++)
            for (int b = a; b < d; b++) { cov[a * d + b] /= n - 1; cov[b * d + a] = cov[a * d + b]; }
        double total = 0;
        for (int a = 0; a < d; a++) total += cov[a * d + a];
        var (vals, vecs) = SymmetricEigen.Top(cov, d, components);
        var comp = new DenseMatrix(components, d);
        for (int c = 0; c < components; c++)
        {
            int arg = 0;
            for (int j = 1; j < d; j++) if (Math.Abs(vecs[j * components + c]) > Math.Abs(vecs[arg * components + c])) arg = j;
            double sign = vecs[arg * components + c] < 0 ? -1 : 1;
            for (int j = 0; j < d; j++) comp[c, j] = sign * vecs[j * components + c];
        }
        var ratio = vals.Select(v => total > 0 ? v / total : 0).ToArray();
        return new Pca { Mean = mean, Components = comp, ExplainedVariance = vals, ExplainedVarianceRatio = ratio };
    }

    /// <summary>Projects rows onto the components: <c>n x k</c>.</summary>
    public DenseMatrix Transform(DenseMatrix x)
    {
        int d = Mean.Length, k = Components.Rows;
        if (x.Cols != d) throw new ArgumentException($"PCA was fitted on {d} columns, got {x.Cols}.", nameof(x));
        var t = new DenseMatrix(x.Rows, k);
        for (int i = 0; i < x.Rows; i++)
            for (int c = 0; c < k; c++)
            {
                double s = 0;
                for (int j = 0; j < d; j++) s += (x.Data[i * d + j] - Mean[j]) * Components.Data[c * d + j];
                t[i, c] = s;
            }
        return t;
    }

    /// <summary>Fits and projects in one call.</summary>
    public static DenseMatrix FitTransform(DenseMatrix x, int components, int threads = 0) => Fit(x, components, threads).Transform(x);
}

/// <summary>Eigenvalues and vectors of symmetric matrices (cyclic Jacobi; subspace iteration for a few of many).</summary>
internal static class SymmetricEigen
{
    /// <summary>All eigenpairs of a symmetric <c>d x d</c> matrix, descending; vectors as columns of <c>[d * d]</c>.</summary>
    public static (double[] Values, double[] Vectors) Jacobi(double[] a0, int d)
    {
        var a = (double[])a0.Clone();
        var v = new double[d * d];
        for (int i = 0; i < d; i++) v[i * d + i] = 1;
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, diag = 0;
            for (int p = 0; p < d; p++)
            {
                diag += a[p * d + p] * a[p * d + p];
                for (int q = p + 1; q < d; q++) off += a[p * d + q] * a[p * d + q];
            }
            if (off <= 1e-30 * Math.Max(diag, 1e-300)) break;
            for (int p = 0; p < d; p++)
                for (int q = p + 1; q < d; q++)
                {
                    double apq = a[p * d + q];
                    if (apq == 0) continue;
                    double app = a[p * d + p], aqq = a[q * d + q];
                    double theta = (aqq - app) / (2 * apq);
                    double t = Math.Sign(theta == 0 ? 1 : theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                    double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                    for (int k = 0; k < d; k++)
                    {
                        double akp = a[k * d + p], akq = a[k * d + q];
                        a[k * d + p] = c * akp - s * akq; a[k * d + q] = s * akp + c * akq;
                    }
                    for (int k = 0; k < d; k++)
                    {
                        double apk = a[p * d + k], aqk = a[q * d + k];
                        a[p * d + k] = c * apk - s * aqk; a[q * d + k] = s * apk + c * aqk;
                    }
                    for (int k = 0; k < d; k++)
                    {
                        double vkp = v[k * d + p], vkq = v[k * d + q];
                        v[k * d + p] = c * vkp - s * vkq; v[k * d + q] = s * vkp + c * vkq;
                    }
                }
        }
        var order = Enumerable.Range(0, d).OrderByDescending(i => a[i * d + i]).ThenBy(i => i).ToArray();
        var vals = new double[d];
        var vecs = new double[d * d];
        for (int c = 0; c < d; c++)
        {
            vals[c] = a[order[c] * d + order[c]];
            for (int k = 0; k < d; k++) vecs[k * d + c] = v[k * d + order[c]];
        }
        return (vals, vecs);
    }

    /// <summary>The <paramref name="k"/> largest eigenpairs; vectors as columns of <c>[d * k]</c>.</summary>
    public static (double[] Values, double[] Vectors) Top(double[] a, int d, int k)
    {
        if (d <= 160)
        {
            var (vals, vecs) = Jacobi(a, d);
            var v = new double[d * k];
            for (int r = 0; r < d; r++) for (int c = 0; c < k; c++) v[r * k + c] = vecs[r * d + c];
            return (vals.Take(k).ToArray(), v);
        }
        // Subspace iteration with oversampling and Rayleigh-Ritz, from a fixed start (deterministic).
        int m = Math.Min(d, k + 10);
        var q = new double[d * m];
        var rng = new Random(12345);
        for (int i = 0; i < q.Length; i++) q[i] = rng.NextDouble() - 0.5;
        Orthonormalise(q, d, m);
        double[] ritzVals = [], ritzVecs = [];
        double[] prev = new double[k];
        for (int it = 0; it < 500; it++)
        {
            var z = new double[d * m];
            for (int r = 0; r < d; r++)
                for (int j = 0; j < d; j++)
                {
                    double arj = a[r * d + j];
                    if (arj == 0) continue;
                    for (int c = 0; c < m; c++) z[r * m + c] += arj * q[j * m + c];
                }
            // Rayleigh-Ritz: H = Q^T A Q = Q^T Z.
            var h = new double[m * m];
            for (int c1 = 0; c1 < m; c1++)
                for (int c2 = 0; c2 < m; c2++)
                {
                    double s = 0;
                    for (int r = 0; r < d; r++) s += q[r * m + c1] * z[r * m + c2];
                    h[c1 * m + c2] = s;
                }
            for (int c1 = 0; c1 < m; c1++) for (int c2 = c1 + 1; c2 < m; c2++) h[c1 * m + c2] = h[c2 * m + c1] = 0.5 * (h[c1 * m + c2] + h[c2 * m + c1]);
            (ritzVals, ritzVecs) = Jacobi(h, m);
            bool done = it > 5;
            for (int c = 0; c < k; c++)
            {
                if (Math.Abs(ritzVals[c] - prev[c]) > 1e-12 * Math.Max(1, Math.Abs(ritzVals[c]))) done = false;
                prev[c] = ritzVals[c];
            }
            var qn = new double[d * m];
            for (int r = 0; r < d; r++)
                for (int c = 0; c < m; c++)
                {
                    double s = 0;
                    for (int t = 0; t < m; t++) s += q[r * m + t] * ritzVecs[t * m + c];
                    qn[r * m + c] = s;
                }
            if (done) { q = qn; break; }
            // Next iterate: the Ritz-rotated Z, orthonormalised.
            var zn = new double[d * m];
            for (int r = 0; r < d; r++)
                for (int c = 0; c < m; c++)
                {
                    double s = 0;
                    for (int t = 0; t < m; t++) s += z[r * m + t] * ritzVecs[t * m + c];
                    zn[r * m + c] = s;
                }
            Orthonormalise(zn, d, m);
            q = zn;
        }
        var outV = new double[d * k];
        for (int r = 0; r < d; r++) for (int c = 0; c < k; c++) outV[r * k + c] = q[r * m + c];
        return (ritzVals.Take(k).ToArray(), outV);
    }

    static void Orthonormalise(double[] q, int d, int m)
    {
        for (int c = 0; c < m; c++)
        {
            for (int pass = 0; pass < 2; pass++)
                for (int p = 0; p < c; p++)
                {
                    double dot = 0;
                    for (int r = 0; r < d; r++) dot += q[r * m + c] * q[r * m + p];
                    for (int r = 0; r < d; r++) q[r * m + c] -= dot * q[r * m + p];
                }
            double norm = 0;
            for (int r = 0; r < d; r++) norm += q[r * m + c] * q[r * m + c];
            norm = Math.Sqrt(norm);
            if (norm < 1e-300) norm = 1;
            for (int r = 0; r < d; r++) q[r * m + c] /= norm;
        }
    }
}
