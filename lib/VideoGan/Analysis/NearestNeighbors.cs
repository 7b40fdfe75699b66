using System.Numerics;

namespace VideoGan.Analysis;

/// <summary>
/// Exact k-nearest neighbours (squared Euclidean) by blocked brute force, parallel over row blocks. Each row's
/// neighbour list depends only on that row, so the result is identical for any thread count. Candidates are
/// screened in float (SIMD), then the chosen neighbours' distances are recomputed in double and sorted by
/// (distance, index).
/// </summary>
/// <remarks>Used by t-SNE (notebooks/05-latent-analysis.ipynb) and the embedding metrics.</remarks>
public static class NearestNeighbors
{
    const int RowBlock = 32, ColBlock = 256;

    /// <summary>
    /// For every row, the indices of its <paramref name="k"/> nearest other rows and their squared distances,
    /// each <c>[n * k]</c> row-major, nearest first.
    /// </summary>
    public static (int[] Indices, double[] SquaredDistances) Exact(DenseMatrix x, int k, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(x);
        int n = x.Rows, d = x.Cols;
        if (k < 1 || k > n - 1)
            throw new ArgumentOutOfRangeException(nameof(k), $"k = {k} neighbours needs 1 <= k <= n - 1 = {n - 1}.");
        var xf = new float[(long)n * d];
        for (long i = 0; i < xf.Length; i++) xf[i] = (float)x.Data[i];
        var idx = new int[n * k];
        var dist = new double[n * k];
        int blocks = (n + RowBlock - 1) / RowBlock;
        Parallel.For(0, blocks, Par.Options(threads), b =>
        {
            int r0 = b * RowBlock, r1 = Math.Min(n, r0 + RowBlock);
            var heaps = new TopK[r1 - r0];
            for (int r = r0; r < r1; r++) heaps[r - r0] = new TopK(k);
            var tile = new float[RowBlock * ColBlock];
            for (int c0 = 0; c0 < n; c0 += ColBlock)
            {
                int c1 = Math.Min(n, c0 + ColBlock);
                for (int c = c0; c < c1; c++)
                {
                    var xc = new ReadOnlySpan<float>(xf, c * d, d);
                    for (int r = r0; r < r1; r++)
                        tile[(r - r0) * ColBlock + (c - c0)] = SquaredDistance(new ReadOnlySpan<float>(xf, r * d, d), xc);
                }
                for (int r = r0; r < r1; r++)
                {
                    var h = heaps[r - r0];
                    int tb = (r - r0) * ColBlock;
                    for (int c = c0; c < c1; c++)
                        if (c != r) h.Offer(tile[tb + c - c0], c);
                }
            }
            for (int r = r0; r < r1; r++)
            {
                var h = heaps[r - r0];
                var xr = x.Row(r);
                var pairs = new (double D, int J)[k];
                for (int t = 0; t < k; t++)
                {
                    int j = h.Index[t];
                    pairs[t] = (SquaredDistance(xr, x.Row(j)), j);
                }
                Array.Sort(pairs, (a, b2) => a.D != b2.D ? a.D.CompareTo(b2.D) : a.J.CompareTo(b2.J));
                for (int t = 0; t < k; t++) { idx[r * k + t] = pairs[t].J; dist[r * k + t] = pairs[t].D; }
            }
        });
        return (idx, dist);
    }

    /// <summary>Squared Euclidean distance, float SIMD.</summary>
    internal static float SquaredDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int d = a.Length, j = 0;
        float s = 0;
        if (Vector.IsHardwareAccelerated && d >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            for (; j <= d - Vector<float>.Count; j += Vector<float>.Count)
            {
                var diff = new Vector<float>(a.Slice(j)) - new Vector<float>(b.Slice(j));
                acc += diff * diff;
            }
            s = Vector.Sum(acc);
        }
        for (; j < d; j++) { float t = a[j] - b[j]; s += t * t; }
        return s;
    }

    /// <summary>Squared Euclidean distance in double.</summary>
    internal static double SquaredDistance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int j = 0; j < a.Length; j++) { double t = a[j] - b[j]; s += t * t; }
        return s;
    }

    /// <summary>A bounded max-heap keeping the k smallest (distance, index) pairs; ties keep the lower index.</summary>
    sealed class TopK
    {
        public readonly float[] Dist;
        public readonly int[] Index;
        int _count;
        public TopK(int k) { Dist = new float[k]; Index = new int[k]; }

        static bool Greater(float da, int ia, float db, int ib) => da > db || (da == db && ia > ib);

        public void Offer(float dist, int index)
        {
            int k = Dist.Length;
            if (_count < k)
            {
                int i = _count++;
                while (i > 0)
                {
                    int p = (i - 1) >> 1;
                    if (!Greater(dist, index, Dist[p], Index[p])) break;
                    Dist[i] = Dist[p]; Index[i] = Index[p]; i = p;
                }
                Dist[i] = dist; Index[i] = index;
                return;
            }
            if (!Greater(Dist[0], Index[0], dist, index)) return;
            int pos = 0;
            while (true)
            {
                int l = 2 * pos + 1;
                if (l >= k) break;
                int r = l + 1, m = l;
                if (r < k && Greater(Dist[r], Index[r], Dist[l], Index[l])) m = r;
                if (!Greater(Dist[m], Index[m], dist, index)) break;
                Dist[pos] = Dist[m]; Index[pos] = Index[m]; pos = m;
            }
            Dist[pos] = dist; Index[pos] = index;
        }
    }
}

/// <summary>Parallel options shared by the analysis code.</summary>
internal static class Par
{
    public static ParallelOptions Options(int threads) =>
        new() { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };

    /// <summary>Runs <paramref name="body"/>(start, end) over [0, n) in fixed chunks (the chunking never changes results).</summary>
    public static void ForRanges(int n, int chunk, int threads, Action<int, int> body)
    {
        int chunks = (n + chunk - 1) / chunk;
        if (chunks <= 1 || threads == 1) { body(0, n); return; }
        Parallel.For(0, chunks, Options(threads), c => body(c * chunk, Math.Min(n, (c + 1) * chunk)));
    }
}
