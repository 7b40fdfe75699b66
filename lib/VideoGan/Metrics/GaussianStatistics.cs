using System.Text;
using TorchSharp;
using static TorchSharp.torch;
using VideoGan.Runtime;

namespace VideoGan.Metrics;

/// <summary>
/// Mean and covariance of a feature set, in float64. The covariance is the unbiased sample covariance
/// (normalised by N-1), as in the reference FID/FVD code (<c>np.cov</c>).
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb ("statistics" step).</remarks>
public sealed class GaussianStatistics
{
    /// <summary>Feature dimension d.</summary>
    public int Dim { get; }
    /// <summary>Number of feature vectors (clips) the statistics summarise.</summary>
    public long Count { get; }
    /// <summary>Mean, length d.</summary>
    public double[] Mean { get; }
    /// <summary>Covariance, d x d row-major, normalised by N-1.</summary>
    public double[] Covariance { get; }

    /// <summary>Wraps a mean and a covariance, checking their sizes.</summary>
    public GaussianStatistics(double[] mean, double[] covariance, long count)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(covariance);
        if (covariance.Length != (long)mean.Length * mean.Length)
            throw new ArgumentException($"Covariance has {covariance.Length} entries but the mean has d={mean.Length} (expected d*d={mean.Length * mean.Length}).");
        Dim = mean.Length; Mean = mean; Covariance = covariance; Count = count;
    }

    /// <summary>Statistics of a feature matrix <c>[N, d]</c> (any float dtype/device), accumulated in float64.</summary>
    public static GaussianStatistics FromFeatures(Tensor features)
    {
        var m = new StreamingMoments(checked((int)features.shape[^1]));
        m.Add(features);
        return m.ToStatistics();
    }

    /// <summary>The mean as a float64 CPU tensor <c>[d]</c> (caller disposes).</summary>
    public Tensor MeanTensor() => torch.tensor(Mean, dtype: float64);
    /// <summary>The covariance as a float64 CPU tensor <c>[d, d]</c> (caller disposes).</summary>
    public Tensor CovarianceTensor() => torch.tensor(Covariance, new long[] { Dim, Dim }, dtype: float64);

    const string Magic = "VGSTATS1";

    /// <summary>
    /// Writes the statistics with an optional protocol description (JSON) atomically: <c>path.tmp</c>, then a move.
    /// Layout: "VGSTATS1", int32 JSON length, UTF-8 JSON, int32 d, int64 N, d doubles, d*d doubles (little endian).
    /// </summary>
    public void Save(string path, string protocolJson = "{}")
    {
        AtomicFile.Write(path, s =>
        {
            using var w = new BinaryWriter(s, Encoding.UTF8, leaveOpen: true);
            w.Write(Encoding.ASCII.GetBytes(Magic));
            byte[] json = Encoding.UTF8.GetBytes(protocolJson);
            w.Write(json.Length); w.Write(json);
            w.Write(Dim); w.Write(Count);
            foreach (double v in Mean) w.Write(v);
            foreach (double v in Covariance) w.Write(v);
        });
    }

    /// <summary>Reads a file written by <see cref="Save"/>; returns the statistics and the stored protocol JSON.</summary>
    public static (GaussianStatistics Stats, string ProtocolJson) Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Statistics file '{path}' does not exist.", path);
        using var fs = File.OpenRead(path);
        using var r = new BinaryReader(fs);
        string magic = Encoding.ASCII.GetString(r.ReadBytes(Magic.Length));
        if (magic != Magic) throw new InvalidDataException($"'{path}' is not a statistics file (magic '{magic}', expected '{Magic}'). Delete it and recompute.");
        int jlen = r.ReadInt32();
        string json = Encoding.UTF8.GetString(r.ReadBytes(jlen));
        int d = r.ReadInt32(); long n = r.ReadInt64();
        if (d <= 0 || (long)d * d * 8 > fs.Length) throw new InvalidDataException($"'{path}' has an impossible dimension {d}; the file is damaged. Delete it and recompute.");
        var mean = new double[d];
        for (int i = 0; i < d; i++) mean[i] = r.ReadDouble();
        var cov = new double[(long)d * d];
        for (long i = 0; i < cov.Length; i++) cov[i] = r.ReadDouble();
        return (new GaussianStatistics(mean, cov, n), json);
    }
}

/// <summary>
/// Streaming mean and covariance in float64: each chunk's mean and centred scatter matrix are merged with the running
/// ones (Chan, Golub and LeVeque's pairwise update), so features can be added batch by batch without keeping them and
/// without the cancellation of the naive sum-of-squares formula.
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb ("statistics" step).</remarks>
public sealed class StreamingMoments
{
    readonly double[] _mean;
    readonly double[] _scatter; // sum of outer products of deviations from the mean (M2), d x d

    /// <summary>Feature dimension d.</summary>
    public int Dim { get; }
    /// <summary>Rows added so far.</summary>
    public long Count { get; private set; }

    /// <summary>An empty accumulator for d-dimensional features.</summary>
    public StreamingMoments(int dim)
    {
        if (dim < 1) throw new ArgumentOutOfRangeException(nameof(dim), dim, "Feature dimension must be at least 1.");
        Dim = dim;
        _mean = new double[dim];
        _scatter = new double[(long)dim * dim];
    }

    /// <summary>Adds a chunk of features <c>[n, d]</c> (any float dtype, any device).</summary>
    public void Add(Tensor features)
    {
        if (features.dim() != 2 || features.shape[1] != Dim)
            throw new ArgumentException($"Features must be [n, {Dim}], got [{string.Join(", ", features.shape)}].", nameof(features));
        long nb = features.shape[0];
        if (nb == 0) return;
        using var scope = torch.NewDisposeScope();
        var x = features.detach().to(float64).cpu();
        var mb = x.mean(new long[] { 0 });
        var xc = x - mb;
        var m2b = xc.T.matmul(xc);
        long na = Count, n = na + nb;
        if (na == 0)
        {
            mb.data<double>().CopyTo(_mean, 0);
            m2b.contiguous().data<double>().CopyTo(_scatter, 0);
        }
        else
        {
            var ma = torch.tensor(_mean, dtype: float64);
            var m2a = torch.tensor(_scatter, new long[] { Dim, Dim }, dtype: float64);
            var delta = mb - ma;
            var mean = ma + delta * ((double)nb / n);
            var m2 = m2a + m2b + torch.outer(delta, delta) * ((double)na * nb / n);
            mean.data<double>().CopyTo(_mean, 0);
            m2.contiguous().data<double>().CopyTo(_scatter, 0);
        }
        Count = n;
    }

    /// <summary>The mean and the covariance normalised by N-1; needs at least 2 rows.</summary>
    public GaussianStatistics ToStatistics()
    {
        if (Count < 2)
            throw new InvalidOperationException($"A covariance needs at least 2 feature vectors (clips); got {Count}. Evaluate more clips.");
        var cov = new double[_scatter.Length];
        double inv = 1.0 / (Count - 1);
        for (long i = 0; i < cov.Length; i++) cov[i] = _scatter[i] * inv;
        return new GaussianStatistics((double[])_mean.Clone(), cov, Count);
    }
}
