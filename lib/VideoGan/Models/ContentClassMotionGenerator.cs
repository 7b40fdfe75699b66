using TorchSharp;
using static TorchSharp.torch;

namespace VideoGan.Models;

/// <summary>
/// A generator whose latent is laid out <c>z = [content (ContentLatentDim - Classes) | class one-hot (Classes, when
/// model.classes &gt; 0) | z_motion (MotionDim)]</c>: the motion/shape and motion-heatmap generators. The class block is
/// part of the content code, so a class changes the shape and never the path; z_motion is the clip's motion code.
/// </summary>
/// <remarks>Taught in notebooks/02-architecture.ipynb.</remarks>
public abstract class ContentClassMotionGenerator : VideoGeneratorBase
{
    /// <summary>Creates the base with the configuration it was built from.</summary>
    protected ContentClassMotionGenerator(string name, ModelConfig config) : base(name, config) { }

    /// <inheritdoc/>
    public override int LatentDim => Config.ContentLatentDim + Config.MotionDim;

    /// <summary>Where the class one-hot starts in z (after the content block).</summary>
    int ClassOffset => Config.ContentLatentDim - Config.Classes;

    /// <inheritdoc/>
    public override Tensor? MotionCode(Tensor z)
    {
        CheckLatent(z);
        return z.narrow(1, Config.ContentLatentDim, Config.MotionDim);
    }

    /// <summary>z ~ N(0, I), except that a conditional generator's class block is the one-hot of a uniformly drawn class.</summary>
    public override Tensor SampleLatent(long batch, torch.Generator? g = null)
    {
        var z = base.SampleLatent(batch, g);
        if (!Config.IsConditional) return z;
        var labels = torch.randint(0, Config.Classes, new long[] { batch }, generator: g).to(z.device);
        return WithClasses(z, labels);
    }

    /// <inheritdoc/>
    public override Tensor? ClassLabels(Tensor z)
    {
        CheckLatent(z);
        return Config.IsConditional ? z.narrow(1, ClassOffset, Config.Classes).argmax(1) : null;
    }

    /// <inheritdoc/>
    public override Tensor WithClasses(Tensor z, Tensor labels)
    {
        CheckLatent(z);
        var c = Config;
        if (!c.IsConditional) return base.WithClasses(z, labels);
        if (labels.dim() != 1 || labels.shape[0] != z.shape[0])
            throw new ArgumentException($"WithClasses: labels must be [B] = [{z.shape[0]}], got [{string.Join(", ", labels.shape)}].");
        using (torch.no_grad())
        {
            var cpu = labels.cpu();
            long lo = cpu.min().item<long>(), hi = cpu.max().item<long>();
            if (lo < 0 || hi >= c.Classes) throw new ArgumentException($"WithClasses: labels must lie in [0, {c.Classes - 1}] (model.classes = {c.Classes}), got {lo}..{hi}.");
        }
        var oneHot = nn.functional.one_hot(labels.to(torch.int64).to(z.device), c.Classes).to(z.dtype);
        return torch.cat(new[] { z.narrow(1, 0, ClassOffset), oneHot, z.narrow(1, c.ContentLatentDim, c.MotionDim) }, 1);
    }
}
