using TorchSharp;
using static TorchSharp.torch;

namespace VideoGan.Metrics;

/// <summary>
/// A bootstrap confidence interval. <see cref="Lower"/>/<see cref="Upper"/> are the normal interval Estimate ± z·SE
/// (SE = standard deviation of the bootstrap replicates), centred on the estimate. The percentile bounds are kept too:
/// for the Fréchet distance they sit above the estimate, because resampling with replacement duplicates clips, which
/// shrinks the effective N and inflates FD (the same small-N bias as the estimator itself).
/// </summary>
/// <param name="Estimate">The statistic on the full sets.</param>
/// <param name="Lower">Estimate - z·SE.</param>
/// <param name="Upper">Estimate + z·SE.</param>
/// <param name="Level">Coverage, e.g. 0.95.</param>
/// <param name="StdError">Standard deviation of the bootstrap replicates.</param>
/// <param name="Resamples">Number of bootstrap replicates.</param>
public sealed record ConfidenceInterval(double Estimate, double Lower, double Upper, double Level, double StdError, int Resamples)
{
    /// <summary>Lower percentile of the bootstrap replicates.</summary>
    public double PercentileLower { get; init; } = double.NaN;
    /// <summary>Upper percentile of the bootstrap replicates.</summary>
    public double PercentileUpper { get; init; } = double.NaN;
    /// <summary>Mean of the bootstrap replicates (minus Estimate: the resampling bias).</summary>
    public double BootstrapMean { get; init; } = double.NaN;

    /// <summary>"12.3 [11.0, 13.9] (95% bootstrap, 200 resamples)".</summary>
    public override string ToString() =>
        FormattableString.Invariant($"{Estimate:G6} [{Lower:G6}, {Upper:G6}] ({Level * 100:0}% bootstrap, {Resamples} resamples)");
}

/// <summary>
/// Bootstrap for distances between two feature sets: both sets are resampled with replacement (same sizes) and the
/// distance recomputed; the interval is Estimate ± z·SE (percentiles kept alongside). It shows sampling noise at this
/// N; it does not remove the estimator's upward bias at small N (FD of two samples of one distribution is positive),
/// which is why FVDs are compared at equal N.
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb ("confidence intervals" step).</remarks>
public static class Bootstrap
{
    /// <summary>Bootstrap interval for any statistic of two feature matrices.</summary>
    public static ConfidenceInterval Interval(Tensor real, Tensor fake, Func<Tensor, Tensor, double> statistic,
                                              int resamples = 200, double level = 0.95, int seed = 0)
    {
        if (resamples < 2) throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "Use at least 2 bootstrap resamples (100-1000 is typical).");
        if (level is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(level), level, "Level must be in (0, 1), e.g. 0.95.");
        FeatureDistances.CheckShapes(real, fake);
        using var outer = torch.NewDisposeScope();
        var r = real.detach().to(float64).cpu();
        var f = fake.detach().to(float64).cpu();
        double estimate = statistic(r, f);
        var g = Runtime.Seeding.CreateGenerator(seed, "bootstrap");
        var values = new double[resamples];
        for (int i = 0; i < resamples; i++)
        {
            using var scope = torch.NewDisposeScope();
            var ir = torch.randint(0, r.shape[0], new long[] { r.shape[0] }, generator: g, dtype: int64);
            var iff = torch.randint(0, f.shape[0], new long[] { f.shape[0] }, generator: g, dtype: int64);
            values[i] = statistic(r.index_select(0, ir), f.index_select(0, iff));
        }
        Array.Sort(values);
        double alpha = (1 - level) / 2;
        double mean = values.Average();
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        double z = level switch
        {
            0.80 => 1.2815515655446004, 0.90 => 1.6448536269514722, 0.95 => 1.959963984540054, 0.99 => 2.5758293035489004,
            _ => throw new ArgumentOutOfRangeException(nameof(level), level, "Use level 0.80, 0.90, 0.95 or 0.99."),
        };
        return new ConfidenceInterval(estimate, estimate - z * sd, estimate + z * sd, level, sd, resamples)
        {
            PercentileLower = Quantile(values, alpha), PercentileUpper = Quantile(values, 1 - alpha), BootstrapMean = mean,
        };
    }

    /// <summary>Bootstrap interval for the Fréchet distance (FVD/FID) between two feature matrices.</summary>
    public static ConfidenceInterval Frechet(Tensor real, Tensor fake, int resamples = 200, double level = 0.95, int seed = 0) =>
        Interval(real, fake, (a, b) => FrechetDistance.Compute(GaussianStatistics.FromFeatures(a), GaussianStatistics.FromFeatures(b)),
                 resamples, level, seed);

    /// <summary>Linear-interpolation quantile of sorted values (numpy's default).</summary>
    internal static double Quantile(double[] sorted, double q)
    {
        double pos = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }
}
