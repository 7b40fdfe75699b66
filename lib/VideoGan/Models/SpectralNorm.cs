using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoGan.Models;

/// <summary>
/// Spectral normalisation (Miyato et al. 2018) of a wrapped Linear, Conv2d, Conv3d, ConvTranspose2d or
/// ConvTranspose3d: the layer runs with W / sigma(W), where sigma, the largest singular value of W reshaped to a
/// matrix, is estimated by power iteration with a persistent vector u (a buffer, saved with the model). Each
/// training forward does <see cref="PowerIterations"/> iterations (one by default, as in the paper: u carries over
/// between steps, so the estimate converges while the weights change slowly); evaluation reuses the stored u, v.
/// Gradients flow through sigma (u and v are constants for autograd).
/// </summary>
/// <remarks>Taught in notebooks/02-architecture.ipynb. TorchSharp has no spectral_norm or parametrizations.</remarks>
public sealed class SpectralNorm : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> module;
    // Left/right singular vector estimates; buffers so they are saved, restored and moved with the module.
    Tensor weight_u;
    Tensor weight_v;
    readonly int dim;

    /// <summary>Wraps <paramref name="layer"/>; its weight (the unnormalised W) stays its parameter.</summary>
    public SpectralNorm(nn.Module<Tensor, Tensor> layer, int powerIterations = 1, double eps = 1e-12, torch.Generator? init = null) : base(nameof(SpectralNorm))
    {
        if (powerIterations < 1) throw new ArgumentOutOfRangeException(nameof(powerIterations), powerIterations, "SpectralNorm needs at least one power iteration per training forward.");
        module = layer;
        PowerIterations = powerIterations;
        Eps = eps;
        var w = Weight;
        // ConvTranspose weights are [in, out, k...]: the output dimension is 1, as in PyTorch's spectral_norm.
        dim = layer is ConvTranspose2d or ConvTranspose3d ? 1 : 0;
        using (torch.no_grad())
        {
            var mat = WeightMatrix(w);
            weight_u = nn.functional.normalize(torch.randn(new[] { mat.shape[0] }, generator: init, dtype: w.dtype).to(w.device), dim: 0, eps: eps);
            weight_v = nn.functional.normalize(torch.randn(new[] { mat.shape[1] }, generator: init, dtype: w.dtype).to(w.device), dim: 0, eps: eps);
        }
        RegisterComponents();
    }

    /// <summary>Power iterations per training forward.</summary>
    public int PowerIterations { get; }
    /// <summary>Epsilon of the vector normalisation.</summary>
    public double Eps { get; }
    /// <summary>The wrapped layer.</summary>
    public nn.Module<Tensor, Tensor> Module => module;

    /// <summary>The wrapped layer's unnormalised weight W.</summary>
    public Parameter Weight => module switch
    {
        Convolution c => c.weight,
        Linear l => l.weight,
        _ => throw new NotSupportedException($"SpectralNorm supports Linear, Conv2d, Conv3d, ConvTranspose2d and ConvTranspose3d, not {module.GetType().Name}.")
    };

    Tensor? Bias => module switch { Convolution c => c.bias, Linear l => l.bias, _ => null };

    Tensor WeightMatrix(Tensor w)
    {
        if (dim != 0) w = w.transpose(0, dim);
        return w.reshape(w.shape[0], -1);
    }

    /// <summary>Runs <paramref name="iterations"/> power iterations on the stored u, v (no gradient); returns the updated estimate sigma.</summary>
    public double UpdateEstimate(int iterations = 1)
    {
        using var scope = torch.NewDisposeScope();
        using (torch.no_grad())
        {
            var mat = WeightMatrix(Weight);
            PowerIterate(mat, iterations);
            return Sigma(mat).ToDouble();
        }
    }

    void PowerIterate(Tensor mat, int iterations)
    {
        for (int i = 0; i < iterations; i++)
        {
            // v <- W^T u / |W^T u|, u <- W v / |W v|; copied in place so the buffers keep their identity.
            weight_v.copy_(nn.functional.normalize(torch.mv(mat.t(), weight_u), dim: 0, eps: Eps));
            weight_u.copy_(nn.functional.normalize(torch.mv(mat, weight_v), dim: 0, eps: Eps));
        }
    }

    Tensor Sigma(Tensor mat) => torch.dot(weight_u, torch.mv(mat, weight_v));

    /// <summary>The current estimate of sigma(W) (no update).</summary>
    public double SigmaEstimate
    {
        get
        {
            using var scope = torch.NewDisposeScope();
            using (torch.no_grad()) return Sigma(WeightMatrix(Weight)).ToDouble();
        }
    }

    /// <summary>
    /// Tensors that stand in for the layer's weight and bias (both, or null for none): the unrolled GAN's look-ahead
    /// discriminator, whose weights are functions of the generator's parameters. While set, forwards use them and the
    /// power iteration is paused (u, v are constants of the look-ahead).
    /// </summary>
    public (Tensor Weight, Tensor? Bias)? Override { get; set; }

    /// <summary>The wrapped layer's bias, or null.</summary>
    public Tensor? LayerBias => Bias;

    /// <summary>W / sigma(W) with the stored u, v; differentiable with respect to W.</summary>
    public Tensor NormalizedWeight()
    {
        if (Override is { } o) return o.Weight / torch.dot(weight_u.clone(), torch.mv(WeightMatrix(o.Weight), weight_v.clone()));
        var w = Weight;
        if (training)
            using (torch.no_grad()) PowerIterate(WeightMatrix(w.detach()), PowerIterations);
        // u and v are buffers (no grad): sigma = u^T W v is differentiable in W only, as in the paper. Autograd keeps
        // clones, so a second forward (real and fake scored in separate calls) may update the buffers before backward.
        var sigma = torch.dot(weight_u.clone(), torch.mv(WeightMatrix(w), weight_v.clone()));
        return w / sigma;
    }

    /// <summary>
    /// How power iteration converges for this layer's current weight: after each of <paramref name="iterations"/>
    /// iterations, the estimate sigma = u^T W v next to the exact top singular value (SVD, float64). Updates u, v.
    /// </summary>
    public IReadOnlyList<PowerIterationStep> Trace(int iterations)
    {
        double exact;
        using (var scope = torch.NewDisposeScope())
        using (torch.no_grad())
            exact = torch.linalg.svdvals(WeightMatrix(Weight).to(ScalarType.Float64))[0].ToDouble();
        var rows = new List<PowerIterationStep> { new(0, SigmaEstimate, exact) };
        for (int i = 1; i <= iterations; i++) rows.Add(new(i, UpdateEstimate(1), exact));
        return rows;
    }

    /// <summary>The wrapped layer's operation with the normalised weight.</summary>
    public override Tensor forward(Tensor input)
    {
        var w = NormalizedWeight();
        var b = Override is { } o ? o.Bias : Bias;
        switch (module)
        {
            case Linear:
                return nn.functional.linear(input, w, b);
            case Convolution c when c.padding_mode != PaddingModes.Zeros || c.padding is null:
                throw new NotSupportedException("SpectralNorm wraps convolutions with explicit zero padding only.");
            case Conv2d c:
                return nn.functional.conv2d(input, w, b, c.stride, c.padding, c.dilation, c.groups);
            case Conv3d c:
                return nn.functional.conv3d(input, w, b, c.stride, c.padding, c.dilation, c.groups);
            case ConvTranspose2d c:
                return nn.functional.conv_transpose2d(input, w, b, c.stride, c.padding, c.output_padding, c.dilation, c.groups);
            case ConvTranspose3d c:
                return nn.functional.conv_transpose3d(input, w, b, c.stride, c.padding, c.output_padding, c.dilation, c.groups);
            default:
                throw new NotSupportedException($"SpectralNorm cannot wrap {module.GetType().Name}.");
        }
    }
}

/// <summary>One row of <see cref="SpectralNorm.Trace"/>: the power-iteration estimate of sigma after some iterations and the SVD value.</summary>
public sealed record PowerIterationStep(int Iteration, double Estimate, double Exact)
{
    /// <summary>|estimate - exact| / exact.</summary>
    public double RelativeError => Math.Abs(Estimate - Exact) / Exact;
}
