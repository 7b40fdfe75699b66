using TorchSharp;
using static TorchSharp.torch;

namespace VideoGan.Models;

/// <summary>
/// A video generator: z <c>[B, LatentDim]</c> -> video <c>[B, C, T, H, W]</c> in [-1, 1]. Subclasses expose their
/// intermediate streams (motion field, mask, foreground, background...) for display and their own regulariser.
/// </summary>
/// <remarks>Taught in notebooks/02-architecture.ipynb.</remarks>
public abstract class VideoGeneratorBase : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the base with the configuration it was built from.</summary>
    protected VideoGeneratorBase(string name, ModelConfig config) : base(name)
    {
        Config = config.Validate();
    }

    /// <summary>The (validated) configuration the generator was built from.</summary>
    public ModelConfig Config { get; }

    /// <summary>Size of the latent vector z.</summary>
    public abstract int LatentDim { get; }

    /// <summary>Output channels C.</summary>
    public int Channels => Config.Channels;
    /// <summary>Output frames T.</summary>
    public int Frames => Config.Frames;
    /// <summary>Output height = width.</summary>
    public int Size => Config.Size;

    /// <summary>z ~ N(0, I), shape <c>[batch, LatentDim]</c>, on the generator's device; <paramref name="g"/> makes it reproducible.</summary>
    public virtual Tensor SampleLatent(long batch, torch.Generator? g = null)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "Batch must be at least 1.");
        var z = torch.randn(new long[] { batch, LatentDim }, generator: g);
        return z.to(ParameterDevice);
    }

    /// <summary>
    /// The class each latent asks for, <c>[B]</c> int64 (the argmax of z's one-hot block), or null when the generator is
    /// unconditional (model.classes = 0).
    /// </summary>
    public virtual Tensor? ClassLabels(Tensor z) => null;

    /// <summary>z with its class block set to <paramref name="labels"/> <c>[B]</c> (a copy); unconditional generators throw.</summary>
    public virtual Tensor WithClasses(Tensor z, Tensor labels) =>
        throw new InvalidOperationException($"{GetType().Name} is not class-conditional (model.classes = 0): it has no class to set.");

    /// <summary>
    /// The part of z that decides the motion, <c>[B, D]</c> (z_motion), for latent analysis; null when the generator has no
    /// clip-level motion code (the content/motion generator's motion is a per-frame sequence).
    /// </summary>
    public virtual Tensor? MotionCode(Tensor z) => null;

    /// <summary>Named intermediate streams for display, each <c>[B, C, T, H, W]</c> in [-1, 1] (C = 1 or 3), plus "video".</summary>
    public abstract IReadOnlyDictionary<string, Tensor> Streams(Tensor z);

    /// <summary>The generator's own loss term from its last training forward (already weighted); zero when it has none.</summary>
    public virtual Tensor RegularizationLoss() => torch.zeros(Array.Empty<long>(), device: ParameterDevice);

    /// <summary>Number of trainable parameters.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>The device of the first parameter (CPU when there are none).</summary>
    protected Device ParameterDevice => parameters().FirstOrDefault()?.device ?? torch.CPU;

    /// <summary>Throws a clear error unless z is <c>[B, LatentDim]</c>.</summary>
    protected void CheckLatent(Tensor z, string name = "z")
    {
        if (z.dim() != 2 || z.shape[1] != LatentDim)
            throw new ArgumentException($"{GetType().Name}: {name} must have shape [B, {LatentDim}] (LatentDim), got [{string.Join(", ", z.shape)}]. Use SampleLatent(batch).");
    }
}

/// <summary>A video discriminator: <c>[B, C, T, H, W]</c> in [-1, 1] -> real/fake logits <c>[B]</c>.</summary>
/// <remarks>Taught in notebooks/02-architecture.ipynb.</remarks>
public abstract class VideoDiscriminatorBase : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the base with the configuration it was built from.</summary>
    protected VideoDiscriminatorBase(string name, ModelConfig config) : base(name)
    {
        Config = config.Validate();
    }

    /// <summary>The (validated) configuration the discriminator was built from.</summary>
    public ModelConfig Config { get; }

    /// <summary>Number of trainable parameters.</summary>
    public long ParameterCount => parameters().Sum(p => p.numel());

    /// <summary>
    /// Clip logits <c>[B]</c>; a class-conditional discriminator (model.classes &gt; 0) needs the clips' classes
    /// <paramref name="labels"/> <c>[B]</c>, an unconditional one takes null. <c>forward(video)</c> is Score(video, null).
    /// </summary>
    public abstract Tensor Score(Tensor video, Tensor? labels);

    /// <inheritdoc/>
    public override Tensor forward(Tensor video) => Score(video, null);

    /// <summary>Throws a clear error unless x is <c>[B, C, T, H, W]</c> with the configured C, T, H, W.</summary>
    protected void CheckVideo(Tensor x)
    {
        var c = Config;
        if (x.dim() != 5 || x.shape[1] != c.Channels || x.shape[2] != c.Frames || x.shape[3] != c.Size || x.shape[4] != c.Size)
            throw new ArgumentException($"{GetType().Name}: input must be [B, {c.Channels}, {c.Frames}, {c.Size}, {c.Size}] ([B, C, T, H, W] from model.channels/frames/size), got [{string.Join(", ", x.shape)}].");
    }
}
