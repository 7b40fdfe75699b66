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

/// <summary>
/// Inception Score on class probabilities p(y|x) <c>[N, K]</c>: exp(E_x KL(p(y|x) || p(y))), p(y) the mean over the
/// split. High when each clip is classified confidently and the classes are used evenly; at most K. The 3D version
/// (TGAN) uses a video classifier; here it is the feature network's classifier (or I3D's Kinetics-400 softmax).
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb ("more metrics" step).</remarks>
public static class InceptionScore
{
    /// <summary>Mean and standard deviation of the score over <paramref name="splits"/> equal splits (1 = whole set).</summary>
    public static (double Mean, double Std) Compute(Tensor probabilities, int splits = 1)
    {
        if (probabilities.dim() != 2) throw new ArgumentException($"Probabilities must be [N, K], got [{string.Join(", ", probabilities.shape)}].");
        long n = probabilities.shape[0];
        if (splits < 1 || n < splits) throw new ArgumentException($"Need at least one clip per split (N={n}, splits={splits}).");
        using var scope = torch.NewDisposeScope();
        var p = probabilities.detach().to(float64).cpu();
        var rowSums = p.sum(1);
        if ((rowSums - 1).abs().max().item<double>() > 1e-3 || p.min().item<double>() < 0)
            throw new ArgumentException("Rows of the probability matrix must be non-negative and sum to 1 (apply softmax to logits first).");
        var scores = new double[splits];
        for (int s = 0; s < splits; s++)
        {
            long start = s * n / splits, end = (s + 1) * n / splits;
            var part = p.narrow(0, start, end - start);
            var py = part.mean(new long[] { 0 }, keepdim: true);
            // KL with 0 log 0 = 0
            var kl = torch.where(part > 0, part * (part.clamp_min(1e-300).log() - py.clamp_min(1e-300).log()), torch.zeros_like(part)).sum(1);
            scores[s] = Math.Exp(kl.mean().item<double>());
        }
        double mean = scores.Average();
        double std = splits > 1 ? Math.Sqrt(scores.Sum(v => (v - mean) * (v - mean)) / splits) : 0;
        return (mean, std);
    }
}
