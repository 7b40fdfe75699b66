using TorchSharp;
using static TorchSharp.torch;

namespace VideoGan.Metrics;

/// <summary>
/// KVD / KID: the unbiased squared maximum mean discrepancy with the polynomial kernel k(x, y) = (x.y/d + 1)^3
/// (Bińkowski et al. 2018), on the same features as FVD/FID. Unbiased means the diagonal terms k(x_i, x_i) are left
/// out, so the estimate can be slightly negative for identical distributions; unlike FD it has no bias that grows as
/// N shrinks, which makes it the better choice at small N.
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb ("more metrics" step).</remarks>
public static class KernelDistance
{
    /// <summary>Unbiased polynomial-kernel MMD^2 between feature matrices <c>[m, d]</c> and <c>[n, d]</c>, in float64.</summary>
    public static double PolynomialMmd2(Tensor x, Tensor y)
    {
        FeatureDistances.CheckShapes(x, y);
        long m = x.shape[0], n = y.shape[0];
        if (m < 2 || n < 2) throw new ArgumentException($"Unbiased MMD needs at least 2 rows per set (got {m} and {n}).");
        using var scope = torch.NewDisposeScope();
        var a = x.detach().to(float64).cpu(); var b = y.detach().to(float64).cpu();
        double d = a.shape[1];
        var kxx = (a.matmul(a.T) / d + 1).pow(3);
        var kyy = (b.matmul(b.T) / d + 1).pow(3);
        var kxy = (a.matmul(b.T) / d + 1).pow(3);
        double sxx = (kxx.sum().item<double>() - kxx.trace().item<double>()) / (m * (m - 1.0));
        double syy = (kyy.sum().item<double>() - kyy.trace().item<double>()) / (n * (n - 1.0));
        double sxy = kxy.sum().item<double>() / ((double)m * n);
        return sxx + syy - 2 * sxy;
    }

    /// <summary>KVD between two feature matrices as a <see cref="DistanceResult"/> (with the sample-count guard).</summary>
    public static DistanceResult Kvd(Tensor real, Tensor fake)
    {
        FeatureDistances.CheckShapes(real, fake);
        // MMD needs no covariance: N < d is fine, so only the N >= 2 check applies (inside PolynomialMmd2).
        return new DistanceResult(PolynomialMmd2(real, fake), real.shape[0], fake.shape[0], (int)real.shape[1], Array.Empty<string>());
    }
}
