using TorchSharp;
using static TorchSharp.torch;

namespace VideoGan.Training;

/// <summary>
/// Exponential moving average of a network's weights (Yazici et al. 2019; used by BigGAN and StyleGAN for sampling):
/// shadow = d*shadow + (1-d)*weights after each generator update, with a warm-up d_t = min(d, (1+t)/(10+t)) so early
/// averages are not dominated by the random initial weights. Buffers (for example spectral-norm vectors, batch-norm
/// statistics) are copied, not averaged.
/// </summary>
/// <remarks>Taught in notebook 03-training.</remarks>
public sealed class ExponentialMovingAverage
{
    readonly (Tensor shadow, Tensor source)[] _parameters;
    readonly (Tensor shadow, Tensor source)[] _buffers;

    /// <summary>Tracks <paramref name="source"/> in <paramref name="shadow"/> (same architecture); copies the weights first.</summary>
    public ExponentialMovingAverage(nn.Module source, nn.Module shadow, double decay)
    {
        if (!(decay >= 0 && decay < 1)) throw new ArgumentOutOfRangeException(nameof(decay), decay, "EMA decay must be in [0, 1).");
        Decay = decay;
        Shadow = shadow;
        _parameters = Pair(source.named_parameters().Select(p => (p.name, (Tensor)p.parameter)), shadow.named_parameters().Select(p => (p.name, (Tensor)p.parameter)), "parameter");
        _buffers = Pair(source.named_buffers(), shadow.named_buffers(), "buffer");
        foreach (var p in shadow.parameters()) p.requires_grad_(false);
        CopyFrom();
        shadow.eval();
    }

    /// <summary>The target decay.</summary>
    public double Decay { get; }

    /// <summary>The averaged network (in eval mode, no gradients).</summary>
    public nn.Module Shadow { get; }

    /// <summary>Sets the shadow equal to the source.</summary>
    public void CopyFrom()
    {
        using var _ = no_grad();
        foreach (var (s, p) in _parameters) s.copy_(p);
        foreach (var (s, b) in _buffers) s.copy_(b);
    }

    /// <summary>One update after generator step <paramref name="step"/> (0-based).</summary>
    public void Update(long step)
    {
        double d = Math.Min(Decay, (1.0 + step) / (10.0 + step));
        using var _ = no_grad();
        foreach (var (s, p) in _parameters) s.mul_(d).add_(p, alpha: 1 - d);
        foreach (var (s, b) in _buffers) s.copy_(b);
    }

    static (Tensor, Tensor)[] Pair(IEnumerable<(string name, Tensor t)> source, IEnumerable<(string name, Tensor t)> shadow, string what)
    {
        var shadowByName = shadow.ToDictionary(x => x.name, x => x.t);
        var pairs = new List<(Tensor, Tensor)>();
        foreach (var (name, t) in source)
        {
            if (!shadowByName.TryGetValue(name, out var s) || !s.shape.SequenceEqual(t.shape))
                throw new ArgumentException($"EMA shadow network does not match the source: {what} '{name}' is missing or has another shape.");
            pairs.Add((s, t));
        }
        return pairs.ToArray();
    }
}
