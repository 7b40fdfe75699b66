using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoGan.Metrics;

/// <summary>
/// Pixel statistics of a clip set that a reader can act on, accumulated over batches of <c>[B, C, T, H, W]</c> in [-1, 1]:
/// <list type="bullet">
/// <item><b>speed</b> of each clip: the mean distance, in pixels per frame, that the intensity centre of mass (the ink's
/// centre for digits) moves between consecutive frames;</item>
/// <item><b>grey fraction</b>: the fraction of pixels strictly between 3% and 50% of full intensity — 0 for binary-ink
/// digits; a faint canvas box or blurred strokes raise it.</item>
/// </list>
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb ("clip-set statistics" step).</remarks>
public sealed class PixelStatistics
{
    /// <summary>Lower and upper bounds (fractions of full intensity) of a "grey" pixel, exclusive.</summary>
    public const double GreyLow = 0.03, GreyHigh = 0.5;

    readonly List<double> _speeds = new();
    double _grey, _pixels;

    /// <summary>Adds a batch of clips <c>[B, C, T, H, W]</c> in [-1, 1] (T >= 2).</summary>
    public void Add(Tensor clips)
    {
        using var scope = torch.NewDisposeScope();
        // Scalars as locals that outlive their native calls (an implicit conversion can be finalised mid-call).
        using Scalar one = 1.0, half = 0.5, zero = 0.0, low = GreyLow, high = GreyHigh, tiny = 1e-9, two = 2.0;
        var x = clips.dim() == 4 ? clips.unsqueeze(0) : clips;
        if (x.dim() != 5) throw new ArgumentException($"Clips must be [B, C, T, H, W], got [{string.Join(", ", clips.shape)}].");
        long t = x.shape[2], h = x.shape[3], w = x.shape[4];
        if (t < 2) throw new ArgumentException($"Clip speed needs at least 2 frames, got T={t}.");
        var ink = x.detach().to(float64).cpu().add(one).mul(half).clamp(zero, one).mean(new long[] { 1 });   // [B, T, H, W]
        _grey += ink.gt(low).logical_and(ink.lt(high)).sum().item<long>();
        _pixels += ink.numel();
        var mass = ink.sum(new long[] { 2, 3 }).clamp_min(tiny);
        var cy = ink.mul(torch.arange(h, dtype: float64).view(1, 1, h, 1)).sum(new long[] { 2, 3 }).div(mass);
        var cx = ink.mul(torch.arange(w, dtype: float64).view(1, 1, 1, w)).sum(new long[] { 2, 3 }).div(mass);
        var step = cy.narrow(1, 1, t - 1).sub(cy.narrow(1, 0, t - 1)).pow(two).add(cx.narrow(1, 1, t - 1).sub(cx.narrow(1, 0, t - 1)).pow(two), one).sqrt();
        _speeds.AddRange(step.mean(new long[] { 1 }).data<double>().ToArray());
    }

    /// <summary>Per-clip speeds so far, pixels per frame.</summary>
    public double[] Speeds => _speeds.ToArray();

    /// <summary>Fraction of grey pixels so far (0 when nothing was added).</summary>
    public double GreyFraction => _pixels > 0 ? _grey / _pixels : 0;

    /// <summary>The summary so far.</summary>
    public PixelSummary Result() => new(Speeds, GreyFraction);
}

/// <summary>Per-clip speeds (pixels per frame) and the grey-pixel fraction of a clip set.</summary>
public sealed record PixelSummary(double[] Speeds, double GreyFraction)
{
    /// <summary>Mean clip speed, pixels per frame.</summary>
    [JsonIgnore] public double MeanSpeed => Speeds.Length > 0 ? Speeds.Average() : 0;
}

/// <summary>How the predicted classes of one classifier head are spread in generated versus real clips.</summary>
/// <param name="Classes">Class names, in histogram order.</param>
/// <param name="GeneratedHistogram">Share of generated clips per predicted class (sums to 1).</param>
/// <param name="RealHistogram">Share of real clips per predicted class.</param>
/// <param name="TvDistance">Total-variation distance between the two histograms: half their L1 distance, in [0, 1].</param>
/// <param name="EntropyRatio">Entropy of the generated histogram over ln K (1 = every class equally often, 0 = one class).</param>
/// <param name="RealEntropyRatio">The same for the real clips.</param>
public sealed record HeadComparison(
    [property: JsonPropertyName("classes")] string[] Classes,
    [property: JsonPropertyName("generated_hist")] double[] GeneratedHistogram,
    [property: JsonPropertyName("real_hist")] double[] RealHistogram,
    [property: JsonPropertyName("tv_distance")] double TvDistance,
    [property: JsonPropertyName("entropy_ratio")] double EntropyRatio,
    [property: JsonPropertyName("real_entropy_ratio")] double RealEntropyRatio);

/// <summary>The statistics of <see cref="HeadComparison"/> and the two-sample Kolmogorov-Smirnov statistic.</summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb ("clip-set statistics" step).</remarks>
public static class ClipSetStatistics
{
    /// <summary>Share of rows <c>[N, K]</c> whose most probable class is k (ties: the lowest k).</summary>
    public static double[] PredictedHistogram(Tensor probabilities)
    {
        if (probabilities.dim() != 2) throw new ArgumentException($"Probabilities must be [N, K], got [{string.Join(", ", probabilities.shape)}].");
        using var scope = torch.NewDisposeScope();
        long n = probabilities.shape[0], k = probabilities.shape[1];
        if (n == 0) throw new ArgumentException("A class histogram needs at least one clip.");
        var counts = torch.bincount(probabilities.argmax(1).cpu(), minlength: k).to(float64) / n;
        return counts.data<double>().ToArray();
    }

    /// <summary>Total-variation distance of two distributions over the same classes: 0.5 * sum |p - q|.</summary>
    public static double TotalVariation(double[] p, double[] q)
    {
        if (p.Length != q.Length) throw new ArgumentException($"Histograms differ in length ({p.Length} vs {q.Length}).");
        return 0.5 * p.Zip(q, (a, b) => Math.Abs(a - b)).Sum();
    }

    /// <summary>Entropy of a distribution over K classes divided by ln K (K = 1: 1 by definition).</summary>
    public static double EntropyRatio(double[] p)
    {
        if (p.Length <= 1) return 1;
        double h = -p.Where(v => v > 0).Sum(v => v * Math.Log(v));
        return Math.Max(0, h) / Math.Log(p.Length);
    }

    /// <summary>Compares a head's predicted classes on generated and real clips.</summary>
    public static HeadComparison Compare(string[] classes, Tensor generated, Tensor real)
    {
        var g = PredictedHistogram(generated);
        var r = PredictedHistogram(real);
        return new HeadComparison(classes, g.Select(v => Math.Round(v, 6)).ToArray(), r.Select(v => Math.Round(v, 6)).ToArray(),
                                  TotalVariation(g, r), EntropyRatio(g), EntropyRatio(r));
    }

    /// <summary>
    /// Two-sample Kolmogorov-Smirnov statistic: the largest gap between the empirical distribution functions of
    /// <paramref name="a"/> and <paramref name="b"/> (0 = same distribution, 1 = disjoint ranges), as scipy.stats.ks_2samp.
    /// </summary>
    public static double KolmogorovSmirnov(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count == 0 || b.Count == 0) throw new ArgumentException("The KS statistic needs at least one value in each sample.");
        if (a.Concat(b).Any(double.IsNaN)) throw new ArgumentException("The KS statistic is undefined for NaN values.");
        var x = a.OrderBy(v => v).ToArray(); var y = b.OrderBy(v => v).ToArray();
        int i = 0, j = 0;
        double d = 0;
        while (i < x.Length && j < y.Length)
        {
            double v = Math.Min(x[i], y[j]);
            while (i < x.Length && x[i] <= v) i++;
            while (j < y.Length && y[j] <= v) j++;
            d = Math.Max(d, Math.Abs((double)i / x.Length - (double)j / y.Length));
        }
        return d;
    }
}
