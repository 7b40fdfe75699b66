using TorchSharp;
using static TorchSharp.torch;

namespace VideoGan.Training;

/// <summary>The adversarial objectives the trainer knows. JSON names: "non-saturating", "hinge", "wgan-gp".</summary>
public enum GanLossKind
{
    /// <summary>Goodfellow et al.'s BCE with the non-saturating generator loss -log D(G(z)) (VideoGAN, MoCoGAN).</summary>
    NonSaturating,
    /// <summary>Hinge loss (Lim and Ye; SAGAN, BigGAN, DVD-GAN): D minimises relu(1 - real) + relu(1 + fake).</summary>
    Hinge,
    /// <summary>Wasserstein critic loss; pair it with the gradient penalty (Gulrajani et al. 2017).</summary>
    WganGp,
}

/// <summary>How the generator sees an unrolled discriminator (Metz et al. 2017). JSON names: "first-order", "differentiable".</summary>
public enum UnrollMode
{
    /// <summary>G answers the look-ahead D (k extra Adam steps) as a fixed network: no gradient through D's updates.</summary>
    FirstOrder,
    /// <summary>
    /// The paper's method: the k look-ahead steps are differentiable SGD steps (create_graph), so G's loss
    /// back-propagates through them into G, including how D would react to G's change (the second-order terms).
    /// </summary>
    Differentiable,
}

/// <summary>
/// GAN losses on discriminator logits of any shape (per clip <c>[B]</c>, per frame <c>[B*k]</c>): each term is a mean,
/// so a video and a frame discriminator can be summed. Regularisers (WGAN-GP, R1) differentiate the discriminator
/// with respect to its input with <c>create_graph</c>, so their own gradient reaches the discriminator weights.
/// </summary>
/// <remarks>Taught in notebook 03-training.</remarks>
public static class GanLosses
{
    /// <summary>The discriminator's loss for logits on real and on generated samples.</summary>
    public static Tensor DiscriminatorLoss(GanLossKind kind, Tensor realLogits, Tensor fakeLogits) => kind switch
    {
        // softplus(-x) = -log sigmoid(x): BCE with logits, numerically stable for large |x|.
        GanLossKind.NonSaturating => nn.functional.softplus(-realLogits).mean() + nn.functional.softplus(fakeLogits).mean(),
        GanLossKind.Hinge => nn.functional.relu(1 - realLogits).mean() + nn.functional.relu(1 + fakeLogits).mean(),
        GanLossKind.WganGp => fakeLogits.mean() - realLogits.mean(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown GAN loss."),
    };

    /// <summary>The generator's loss for the discriminator's logits on generated samples.</summary>
    public static Tensor GeneratorLoss(GanLossKind kind, Tensor fakeLogits) => kind switch
    {
        GanLossKind.NonSaturating => nn.functional.softplus(-fakeLogits).mean(),
        // Hinge and WGAN share the generator objective: raise the critic's score of fakes.
        GanLossKind.Hinge or GanLossKind.WganGp => -fakeLogits.mean(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown GAN loss."),
    };

    /// <summary>
    /// WGAN-GP (Gulrajani et al. 2017): E[(||grad_x D(x_hat)||_2 - 1)^2] at random interpolates
    /// x_hat = e*real + (1-e)*fake, one e ~ U[0,1] per sample. Multiply by the weight (10 in the paper) yourself.
    /// </summary>
    public static Tensor GradientPenalty(Func<Tensor, Tensor> discriminator, Tensor real, Tensor fake, Generator? generator = null)
    {
        if (!real.shape.SequenceEqual(fake.shape))
            throw new ArgumentException($"GradientPenalty needs real and fake of one shape; got [{string.Join(",", real.shape)}] and [{string.Join(",", fake.shape)}].");
        var shape = new long[real.dim()];
        shape[0] = real.shape[0];
        for (int i = 1; i < shape.Length; i++) shape[i] = 1;
        var eps = rand(shape, dtype: real.dtype, device: real.device, generator: generator);
        var interp = (eps * real.detach() + (1 - eps) * fake.detach()).requires_grad_(true);
        var grads = GradOfSum(discriminator(interp), interp);
        // The epsilon keeps sqrt differentiable where a gradient happens to be exactly zero.
        var norm = grads.flatten(1).pow(2).sum(1).add(1e-12).sqrt();
        return (norm - 1).pow(2).mean();
    }

    /// <summary>
    /// R1 (Mescheder et al. 2018): E[||grad_x D(x)||^2] on real samples (zero-centred gradient penalty).
    /// Multiply by gamma/2 yourself.
    /// </summary>
    public static Tensor R1Penalty(Func<Tensor, Tensor> discriminator, Tensor real)
    {
        var x = real.detach().requires_grad_(true);
        var grads = GradOfSum(discriminator(x), x);
        return grads.flatten(1).pow(2).sum(1).mean();
    }

    static Tensor GradOfSum(Tensor logits, Tensor input) =>
        torch.autograd.grad(new[] { logits.sum() }, new[] { input }, retain_graph: true, create_graph: true)[0];
}
