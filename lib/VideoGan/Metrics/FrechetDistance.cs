using TorchSharp;
using VideoGan.Runtime;
using static TorchSharp.torch;

namespace VideoGan.Metrics;

/// <summary>
/// The Fréchet distance between two Gaussians, FD = |mu1 - mu2|^2 + Tr(S1) + Tr(S2) - 2 Tr((S1 S2)^(1/2)), in float64
/// with an exact matrix square root: sqrt(S1) S2 sqrt(S1) is symmetric positive semi-definite and has the same
/// eigenvalues as S1 S2, so Tr((S1 S2)^(1/2)) = sum sqrt(eig(sqrt(S1) S2 sqrt(S1))), computed with two symmetric
/// eigendecompositions (no complex arithmetic, no iterative sqrtm, no "+eps I" retry). Covariances are the N-1
/// sample covariances of <see cref="GaussianStatistics"/>. With FVD features this is FVD; with 2D frame features, FID.
/// </summary>
/// <remarks>
/// Taught in notebooks/04-evaluation.ipynb ("the formula" step). Every Scalar passed to libtorch here is one of the
/// process-lifetime <see cref="Scalars"/> (no implicit double-to-Scalar conversions, no implicit alpha): a temporary
/// Scalar finalised by a garbage collection during the native call made this function fail with "Expected false to be
/// true ... toDouble" in notebook kernels (tests/VideoGan.Tests/Runtime/ScalarLifetimeTests.cs).
/// </remarks>
public static class FrechetDistance
{
    /// <summary>FD between two sets of statistics.</summary>
    public static double Compute(GaussianStatistics a, GaussianStatistics b)
    {
        if (a.Dim != b.Dim) throw new ArgumentException($"Feature dimensions differ: {a.Dim} vs {b.Dim}. Both sets must come from the same network.");
        using var scope = torch.NewDisposeScope();
        return Compute(a.MeanTensor(), a.CovarianceTensor(), b.MeanTensor(), b.CovarianceTensor());
    }

    /// <summary>FD from means <c>[d]</c> and covariances <c>[d, d]</c> (converted to float64 on the CPU).</summary>
    public static double Compute(Tensor mu1, Tensor sigma1, Tensor mu2, Tensor sigma2)
    {
        using var scope = torch.NewDisposeScope();
        var m1 = mu1.to(float64).cpu(); var m2 = mu2.to(float64).cpu();
        var s1 = sigma1.to(float64).cpu(); var s2 = sigma2.to(float64).cpu();
        var diff = m1.sub(m2);
        double meanTerm = diff.dot(diff).item<double>();
        double tr = s1.trace().item<double>() + s2.trace().item<double>();
        return meanTerm + tr - 2.0 * TraceSqrtProduct(s1, s2);
    }

    /// <summary>Tr((S1 S2)^(1/2)) for symmetric PSD S1, S2, via sqrt(S1) S2 sqrt(S1).</summary>
    public static double TraceSqrtProduct(Tensor sigma1, Tensor sigma2)
    {
        using var scope = torch.NewDisposeScope();
        var r = SqrtPsd(sigma1);
        var m = r.matmul(sigma2.to(float64).cpu()).matmul(r);
        m = Scalars.Add(m, m.T).mul(Scalars.Half); // remove rounding asymmetry before eigvalsh
        var w = torch.linalg.eigvalsh(m).clamp_min(Scalars.Zero);
        return w.sqrt().sum().item<double>();
    }

    /// <summary>The symmetric PSD square root V diag(sqrt(max(l, 0))) V^T of a symmetric matrix (float64, CPU).</summary>
    public static Tensor SqrtPsd(Tensor sigma)
    {
        using var scope = torch.NewDisposeScope();
        var s = sigma.to(float64).cpu();
        s = Scalars.Add(s, s.T).mul(Scalars.Half);
        var (l, v) = torch.linalg.eigh(s);
        var root = v.mul(l.clamp_min(Scalars.Zero).sqrt().unsqueeze(0)).matmul(v.T);
        return root.MoveToOuterDisposeScope();
    }
}

/// <summary>The result of one distance between two feature sets, with the guard-rail warnings it raised.</summary>
/// <param name="Value">The distance.</param>
/// <param name="NReal">Rows (clips) in the first (real) set.</param>
/// <param name="NFake">Rows in the second (generated) set.</param>
/// <param name="Dim">Feature dimension.</param>
/// <param name="Warnings">Guard-rail warnings (rank-deficient covariance, short clips); empty when none.</param>
public sealed record DistanceResult(double Value, long NReal, long NFake, int Dim, IReadOnlyList<string> Warnings);

/// <summary>
/// Checks that make a Fréchet/kernel distance trustworthy: an error below 2 clips (no covariance), a warning when N is
/// below the feature dimension (the covariance is rank-deficient and FD is biased upward and noisy; published FVD uses
/// 2048 clips), and a warning when clips are shorter than the feature network's receptive field.
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb.</remarks>
public static class MetricGuards
{
    /// <summary>Throws for fewer than 2 rows in either set; returns warnings for N &lt; d.</summary>
    public static List<string> CheckSampleCounts(long nReal, long nFake, int dim)
    {
        if (nReal < 2 || nFake < 2)
            throw new ArgumentException($"A Fréchet distance needs at least 2 clips per set (got real={nReal}, generated={nFake}): " +
                                        "the covariance of one clip is undefined. Evaluate more clips (published FVD uses 2048).");
        var warnings = new List<string>();
        foreach (var (name, n) in new[] { ("real", nReal), ("generated", nFake) })
            if (n < dim)
                warnings.Add($"{name} set has N={n} clips < feature dimension d={dim}: its covariance is rank-deficient, " +
                             "so the distance is biased upward and noisy; use N >= d (2048 for published FVD) and compare only at equal N.");
        return warnings;
    }

    /// <summary>A warning when clips have fewer frames than the network needs; null when they are long enough.</summary>
    public static string? CheckClipLength(long frames, int minFrames, string network) =>
        frames < minFrames
            ? $"clips have T={frames} frames but {network} needs at least {minFrames}: its temporal receptive field sees padding, " +
              "so the features (and the distance) are not comparable with the standard protocol."
            : null;
}

/// <summary>FVD-style distances from feature matrices, with guard rails.</summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb.</remarks>
public static class FeatureDistances
{
    /// <summary>Fréchet distance between two feature matrices <c>[N, d]</c>, with guard-rail warnings.</summary>
    public static DistanceResult Frechet(Tensor real, Tensor fake)
    {
        CheckShapes(real, fake);
        var warnings = MetricGuards.CheckSampleCounts(real.shape[0], fake.shape[0], (int)real.shape[1]);
        double fd = FrechetDistance.Compute(GaussianStatistics.FromFeatures(real), GaussianStatistics.FromFeatures(fake));
        return new DistanceResult(fd, real.shape[0], fake.shape[0], (int)real.shape[1], warnings);
    }

    /// <summary>Fréchet distance between cached real statistics and a generated feature matrix.</summary>
    public static DistanceResult Frechet(GaussianStatistics real, Tensor fake)
    {
        if (fake.dim() != 2 || fake.shape[1] != real.Dim)
            throw new ArgumentException($"Generated features must be [N, {real.Dim}] to match the real statistics, got [{string.Join(", ", fake.shape)}].");
        var warnings = MetricGuards.CheckSampleCounts(real.Count, fake.shape[0], real.Dim);
        double fd = FrechetDistance.Compute(real, GaussianStatistics.FromFeatures(fake));
        return new DistanceResult(fd, real.Count, fake.shape[0], real.Dim, warnings);
    }

    internal static void CheckShapes(Tensor real, Tensor fake)
    {
        if (real.dim() != 2 || fake.dim() != 2)
            throw new ArgumentException($"Feature matrices must be 2-D [N, d]; got real [{string.Join(", ", real.shape)}], generated [{string.Join(", ", fake.shape)}].");
        if (real.shape[1] != fake.shape[1])
            throw new ArgumentException($"Feature dimensions differ: real d={real.shape[1]}, generated d={fake.shape[1]}. Both must come from the same network.");
    }
}
