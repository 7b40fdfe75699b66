namespace VideoGan.Analysis;

/// <summary>The result of <see cref="EmbeddingMetrics.ClusterScore"/>.</summary>
/// <param name="Accuracy">Leave-one-out k-NN accuracy of the label in the embedding (1 = every point's neighbours share its label).</param>
/// <param name="Chance">Accuracy of always guessing the most frequent label (what "no clusters" scores).</param>
/// <param name="K">Neighbours voted over.</param>
/// <param name="PerLabel">Accuracy per label.</param>
public sealed record ClusterScoreResult(double Accuracy, double Chance, int K, IReadOnlyDictionary<int, double> PerLabel);

/// <summary>
/// Quality numbers for an embedding: trustworthiness (are embedding neighbours real neighbours?), a cluster
/// score (does a label cluster?), and KL(P || Q) with the exact Student-t Q.
/// </summary>
/// <remarks>Taught in notebooks/05-latent-analysis.ipynb.</remarks>
public static class EmbeddingMetrics
{
    /// <summary>
    /// Trustworthiness (Venna and Kaski 2001), as scikit-learn's <c>trustworthiness</c>: 1 minus a penalty for each
    /// of a point's <paramref name="k"/> embedding neighbours that is not among its k input neighbours, weighted by
    /// how far down the input ranking it is. 1 = perfectly trustworthy. O(n^2 d): use a subsample for large n.
    /// </summary>
    public static double Trustworthiness(DenseMatrix x, DenseMatrix embedding, int k = 10, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(x); ArgumentNullException.ThrowIfNull(embedding);
        int n = x.Rows;
        if (embedding.Rows != n) throw new ArgumentException($"Input has {n} rows but the embedding has {embedding.Rows}.");
        if (k < 1 || k >= n / 2.0)
            throw new ArgumentOutOfRangeException(nameof(k), $"Trustworthiness needs 1 <= k < n/2 = {n / 2.0}, got {k}.");
        var (nnE, _) = NearestNeighbors.Exact(embedding, k, threads);
        var penalty = new double[n];
        Par.ForRanges(n, 16, threads, (s, e) =>
        {
            var dist = new double[n];
            for (int i = s; i < e; i++)
            {
                var xi = x.Row(i);
                for (int j = 0; j < n; j++) dist[j] = j == i ? double.PositiveInfinity : NearestNeighbors.SquaredDistance(xi, x.Row(j));
                double pen = 0;
                for (int t = 0; t < k; t++)
                {
                    int j = nnE[i * k + t];
                    double dj = dist[j];
                    // Rank of j among i's input neighbours (1 = nearest); ties broken by index, as a stable sort.
                    int rank = 1;
                    for (int m = 0; m < n; m++)
                        if (dist[m] < dj || (dist[m] == dj && m < j)) rank++;
                    if (rank > k) pen += rank - k;
                }
                penalty[i] = pen;
            }
        });
        double total = 0;
        for (int i = 0; i < n; i++) total += penalty[i];
        return 1.0 - total * (2.0 / (n * (double)k * (2.0 * n - 3.0 * k - 1.0)));
    }

    /// <summary>
    /// Cluster score: leave-one-out k-NN classification accuracy of <paramref name="labels"/> in
    /// <paramref name="embedding"/> (majority of the k nearest other points; a tie goes to the label of the
    /// nearest tied neighbour), with the chance level for comparison.
    /// </summary>
    public static ClusterScoreResult ClusterScore(DenseMatrix embedding, IReadOnlyList<int> labels, int k = 10, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(embedding); ArgumentNullException.ThrowIfNull(labels);
        int n = embedding.Rows;
        if (labels.Count != n) throw new ArgumentException($"{labels.Count} labels for {n} embedded points.", nameof(labels));
        if (n < 2) throw new ArgumentException("The cluster score needs at least 2 points.");
        k = Math.Min(k, n - 1);
        var (nn, _) = NearestNeighbors.Exact(embedding, k, threads);
        var correct = new bool[n];
        Par.ForRanges(n, 256, threads, (s, e) =>
        {
            var votes = new Dictionary<int, int>();
            for (int i = s; i < e; i++)
            {
                votes.Clear();
                for (int t = 0; t < k; t++) { int l = labels[nn[i * k + t]]; votes[l] = votes.GetValueOrDefault(l) + 1; }
                int best = votes.Values.Max();
                int pred = 0;
                for (int t = 0; t < k; t++) { int l = labels[nn[i * k + t]]; if (votes[l] == best) { pred = l; break; } }
                correct[i] = pred == labels[i];
            }
        });
        var counts = labels.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        var per = counts.Keys.OrderBy(l => l).ToDictionary(l => l,
            l => Enumerable.Range(0, n).Count(i => labels[i] == l && correct[i]) / (double)counts[l]);
        return new ClusterScoreResult(correct.Count(c => c) / (double)n, counts.Values.Max() / (double)n, k, per);
    }

    /// <summary>Z = sum over i != j of 1 / (1 + |y_i - y_j|^2), exact (O(n^2)), fixed-order reduction.</summary>
    public static double StudentTNormaliser(DenseMatrix y, int threads = 0)
    {
        int n = y.Rows, c = y.Cols;
        var row = new double[n];
        var d = y.Data;
        Par.ForRanges(n, 64, threads, (s, e) =>
        {
            for (int i = s; i < e; i++)
            {
                double acc = 0;
                for (int j = i + 1; j < n; j++)
                {
                    double d2 = 0;
                    for (int a = 0; a < c; a++) { double t = d[i * c + a] - d[j * c + a]; d2 += t * t; }
                    acc += 1.0 / (1.0 + d2);
                }
                row[i] = acc;
            }
        });
        double z = 0;
        for (int i = 0; i < n; i++) z += row[i];
        return 2 * z;
    }

    /// <summary>KL(P || Q) for a sparse P (sum 1) and the exact Student-t Q of <paramref name="y"/>.</summary>
    public static double KlDivergence(SparseMatrix p, DenseMatrix y, int threads = 0)
    {
        double z = StudentTNormaliser(y, threads);
        int c = y.Cols;
        double kl = 0;
        for (int i = 0; i < p.N; i++)
            for (int q = p.RowStart[i]; q < p.RowStart[i + 1]; q++)
            {
                int j = p.ColIndex[q];
                double d2 = 0;
                for (int a = 0; a < c; a++) { double t = y.Data[i * c + a] - y.Data[j * c + a]; d2 += t * t; }
                double pij = p.Values[q];
                if (pij > 0) kl += pij * Math.Log(pij / Math.Max(1.0 / (1.0 + d2) / z, 1e-300));
            }
        return kl;
    }
}
