using TorchSharp;
using static TorchSharp.torch;

namespace VideoGan.Metrics;

/// <summary>
/// Inception Score on class probabilities p(y|x) <c>[N, K]</c>: exp(E_x KL(p(y|x) || p(y))), p(y) the mean over the
/// split. High when each clip is classified confidently and the classes are used evenly; at most K (the number of classes
/// in use). The 3D version (TGAN, StyleGAN-V) uses a video classifier and reports the mean and standard deviation over
/// <see cref="LiteratureSplits"/> equal splits of the sample; here the classifier is the domain's clip classifier
/// (the joint softmax of its Inception heads, e.g. digit x motion) or I3D's Kinetics-400 softmax.
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb ("more metrics" step).</remarks>
public static class InceptionScore
{
    /// <summary>Splits of the sample in the published protocol (TGAN, StyleGAN-V): mean and std over 10.</summary>
    public const int LiteratureSplits = 10;

    /// <summary>The score as published: mean and std over <see cref="LiteratureSplits"/> splits (fewer when N &lt; 10: one clip per split at least).</summary>
    public static (double Mean, double Std) Published(Tensor probabilities) =>
        Compute(probabilities, (int)Math.Min(LiteratureSplits, probabilities.shape[0]));

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
