namespace VideoGan.Analysis;

/// <summary>A sparse symmetric matrix in compressed-row form (the t-SNE input affinities P).</summary>
public sealed class SparseMatrix
{
    /// <summary>Row i's entries are <c>ColIndex[RowStart[i] .. RowStart[i+1])</c>, columns ascending.</summary>
    public int[] RowStart { get; }
    /// <summary>Column of each stored entry.</summary>
    public int[] ColIndex { get; }
    /// <summary>Value of each stored entry.</summary>
    public double[] Values { get; }
    /// <summary>Number of rows (= columns).</summary>
    public int N => RowStart.Length - 1;

    /// <summary>Wraps CSR arrays.</summary>
    public SparseMatrix(int[] rowStart, int[] colIndex, double[] values)
    {
        RowStart = rowStart; ColIndex = colIndex; Values = values;
        if (colIndex.Length != values.Length || rowStart[^1] != values.Length)
            throw new ArgumentException("CSR arrays disagree: RowStart[^1], ColIndex.Length and Values.Length must be equal.");
    }

    /// <summary>Sum of all stored values.</summary>
    public double Sum() { double s = 0; foreach (var v in Values) s += v; return s; }

    /// <summary>Value at (i, j), 0 when not stored.</summary>
    public double Get(int i, int j)
    {
        int k = Array.BinarySearch(ColIndex, RowStart[i], RowStart[i + 1] - RowStart[i], j);
        return k >= 0 ? Values[k] : 0.0;
    }
}

/// <summary>
/// t-SNE input affinities: each point's Gaussian bandwidth is found by binary search so that the conditional
/// distribution over its neighbours has the requested perplexity (2^entropy, entropy in bits; equivalently
/// log(perplexity) in nats), then P = (P_j|i + P_i|j) normalised to sum 1.
/// </summary>
/// <remarks>Taught in notebooks/05-latent-analysis.ipynb.</remarks>
public static class Affinities
{
    /// <summary>Binary-search tolerance on the entropy (nats) and step limit, as in scikit-learn.</summary>
    public const double EntropyTolerance = 1e-5;
    const int MaxSteps = 100;

    /// <summary>
    /// Conditional probabilities P_j|i over each row's candidate neighbours, given their squared distances
    /// <paramref name="sqDist"/> (<c>[n * k]</c> row-major). Returns the probabilities (same layout) and each row's
    /// precision beta = 1 / (2 sigma^2).
    /// </summary>
    public static (double[] P, double[] Beta) Conditional(double[] sqDist, int n, int k, double perplexity, int threads = 0)
    {
        if (perplexity <= 0) throw new ArgumentOutOfRangeException(nameof(perplexity), "Perplexity must be positive.");
        if (sqDist.Length != (long)n * k) throw new ArgumentException($"Distances have {sqDist.Length} values, expected n*k = {(long)n * k}.");
        if (perplexity >= k)
            throw new ArgumentException($"Perplexity {perplexity} needs more than {k} neighbours per point: use perplexity < k (fewer than the number of points).");
        var p = new double[sqDist.Length];
        var betas = new double[n];
        double target = Math.Log(perplexity);
        Par.ForRanges(n, 256, threads, (s, e) =>
        {
            for (int i = s; i < e; i++) betas[i] = CalibrateRow(sqDist.AsSpan(i * k, k), p.AsSpan(i * k, k), target);
        });
        return (p, betas);
    }

    /// <summary>Binary search for one row; writes normalised probabilities and returns beta.</summary>
    internal static double CalibrateRow(ReadOnlySpan<double> d, Span<double> p, double targetEntropy)
    {
        // Shifting by the smallest distance leaves P and the entropy unchanged but avoids exp underflow.
        double dmin = double.PositiveInfinity;
        foreach (var v in d) dmin = Math.Min(dmin, v);
        double beta = 1.0, lo = double.NegativeInfinity, hi = double.PositiveInfinity;
        for (int step = 0; step < MaxSteps; step++)
        {
            double sum = 0;
            for (int j = 0; j < d.Length; j++) { p[j] = Math.Exp(-(d[j] - dmin) * beta); sum += p[j]; }
            if (sum == 0) sum = 1e-8;
            double sumDP = 0;
            for (int j = 0; j < d.Length; j++) { p[j] /= sum; sumDP += (d[j] - dmin) * p[j]; }
            double entropy = Math.Log(sum) + beta * sumDP;
            double diff = entropy - targetEntropy;
            if (Math.Abs(diff) <= EntropyTolerance) break;
            if (diff > 0)
            {
                lo = beta;
                beta = double.IsPositiveInfinity(hi) ? beta * 2 : (beta + hi) / 2;
            }
            else
            {
                hi = beta;
                beta = double.IsNegativeInfinity(lo) ? beta / 2 : (beta + lo) / 2;
            }
        }
        return beta;
    }

    /// <summary>Perplexity (exp of the entropy in nats) of one probability row.</summary>
    public static double Perplexity(ReadOnlySpan<double> p)
    {
        double h = 0;
        foreach (var v in p) if (v > 0) h -= v * Math.Log(v);
        return Math.Exp(h);
    }

    /// <summary>
    /// Sparse joint P from k nearest neighbours (Barnes-Hut t-SNE): conditional P per row, symmetrised
    /// (P + P^T) and normalised to sum 1. Deterministic: rows are built independently, columns sorted.
    /// </summary>
    public static SparseMatrix SparseJoint(int[] nnIndex, double[] nnSqDist, int n, int k, double perplexity, int threads = 0)
    {
        var (cond, _) = Conditional(nnSqDist, n, k, perplexity, threads);
        // Transposed adjacency: for each j, the rows i that list j (ascending i).
        var tCount = new int[n + 1];
        foreach (var j in nnIndex) tCount[j + 1]++;
        for (int i = 0; i < n; i++) tCount[i + 1] += tCount[i];
        var tFrom = new int[nnIndex.Length];
        var tVal = new double[nnIndex.Length];
        var fill = (int[])tCount.Clone();
        for (int i = 0; i < n; i++)
            for (int t = 0; t < k; t++)
            {
                int j = nnIndex[i * k + t];
                int pos = fill[j]++;
                tFrom[pos] = i; tVal[pos] = cond[i * k + t];
            }
        var rowCols = new int[n][];
        var rowVals = new double[n][];
        Par.ForRanges(n, 256, threads, (s, e) =>
        {
            var colBuf = new List<int>(); var valBuf = new List<double>();
            for (int i = s; i < e; i++)
            {
                colBuf.Clear(); valBuf.Clear();
                for (int t = 0; t < k; t++) { colBuf.Add(nnIndex[i * k + t]); valBuf.Add(cond[i * k + t]); }
                for (int q = tCount[i]; q < tCount[i + 1]; q++) { colBuf.Add(tFrom[q]); valBuf.Add(tVal[q]); }
                var cArr = colBuf.ToArray(); var vArr = valBuf.ToArray();
                Array.Sort(cArr, vArr);
                // Merge the (at most two) entries of a column: P_j|i + P_i|j; a + b == b + a, so sort order cannot matter.
                int m = 0;
                for (int q = 0; q < cArr.Length; q++)
                {
                    if (m > 0 && cArr[m - 1] == cArr[q]) vArr[m - 1] += vArr[q];
                    else { cArr[m] = cArr[q]; vArr[m] = vArr[q]; m++; }
                }
                rowCols[i] = cArr[..m];
                rowVals[i] = vArr[..m];
            }
        });
        var start = new int[n + 1];
        for (int i = 0; i < n; i++) start[i + 1] = start[i] + rowCols[i].Length;
        var cols = new int[start[n]];
        var vals = new double[start[n]];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            rowCols[i].CopyTo(cols, start[i]);
            rowVals[i].CopyTo(vals, start[i]);
            foreach (var v in rowVals[i]) total += v;
        }
        total = Math.Max(total, double.Epsilon);
        for (int q = 0; q < vals.Length; q++) vals[q] /= total;
        return new SparseMatrix(start, cols, vals);
    }

    /// <summary>
    /// Dense joint P over all pairs (exact t-SNE): <c>[n * n]</c>, zero diagonal, sums to 1.
    /// </summary>
    public static double[] DenseJoint(DenseMatrix x, double perplexity, int threads = 0)
    {
        int n = x.Rows;
        if (n < 2) throw new ArgumentException("t-SNE needs at least 2 points.");
        if ((long)n * n > 200_000_000L)
            throw new ArgumentException($"Exact t-SNE needs an {n}x{n} dense matrix; use the Barnes-Hut method for n = {n}.");
        int k = n - 1;
        var d = new double[(long)n * k];
        Par.ForRanges(n, 64, threads, (s, e) =>
        {
            for (int i = s; i < e; i++)
            {
                int t = 0;
                for (int j = 0; j < n; j++)
                    if (j != i) d[(long)i * k + t++] = NearestNeighbors.SquaredDistance(x.Row(i), x.Row(j));
            }
        });
        var (cond, _) = Conditional(d, n, k, perplexity, threads);
        var p = new double[(long)n * n];
        for (int i = 0; i < n; i++)
        {
            int t = 0;
            for (int j = 0; j < n; j++) if (j != i) p[(long)i * n + j] = cond[(long)i * k + t++];
        }
        double total = 0;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double v = p[(long)i * n + j] + p[(long)j * n + i];
                p[(long)i * n + j] = v; p[(long)j * n + i] = v;
                total += 2 * v;
            }
        total = Math.Max(total, double.Epsilon);
        for (long q = 0; q < p.Length; q++) p[q] /= total;
        return p;
    }
}
