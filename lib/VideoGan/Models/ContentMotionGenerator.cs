using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoGan.Models;

/// <summary>
/// A MoCoGAN-style generator (Tulyakov et al. 2018): one content code z_c per clip, and a motion code per frame
/// from a GRU run over per-frame noise; frame t is an image decoder applied to [z_c, m_t]. Content and motion are
/// separate inputs, so either can be held while the other changes (<see cref="Generate"/>,
/// <see cref="GenerateFromCodes"/>). z = [z_c (ContentDim) | noise_1..noise_T (T x MotionDim)].
/// </summary>
/// <remarks>Taught in notebooks/02-architecture.ipynb.</remarks>
public sealed class ContentMotionGenerator : VideoGeneratorBase
{
    readonly GRUCell motion_rnn;
    readonly ImageDecoder frame_decoder;

    /// <summary>Builds the generator for <paramref name="config"/> (model.generator "content-motion").</summary>
    public ContentMotionGenerator(ModelConfig config) : base(nameof(ContentMotionGenerator), config)
    {
        var c = Config;
        motion_rnn = nn.GRUCell(c.MotionDim, c.MotionDim);
        frame_decoder = new ImageDecoder(c.ContentDim + c.MotionDim, c.Channels, c.Size, c.GeneratorWidth);
        RegisterComponents();
        Layers.InitDcgan(this);
    }

    /// <inheritdoc/>
    public override int LatentDim => Config.ContentDim + Config.Frames * Config.MotionDim;

    /// <summary>Splits z into (z_content <c>[B, ContentDim]</c>, motion noise <c>[B, T, MotionDim]</c>).</summary>
    public (Tensor Content, Tensor MotionNoise) SplitLatent(Tensor z)
    {
        CheckLatent(z);
        var c = Config;
        return (z.narrow(1, 0, c.ContentDim), z.narrow(1, c.ContentDim, c.Frames * c.MotionDim).reshape(z.shape[0], c.Frames, c.MotionDim));
    }

    /// <summary>Joins a content code <c>[B, ContentDim]</c> and motion noise <c>[B, T, MotionDim]</c> into z.</summary>
    public Tensor JoinLatent(Tensor zContent, Tensor zMotionNoise)
    {
        CheckParts(zContent, zMotionNoise);
        return torch.cat(new[] { zContent, zMotionNoise.reshape(zMotionNoise.shape[0], -1) }, 1);
    }

    /// <summary>Samples a content code <c>[B, ContentDim]</c>.</summary>
    public Tensor SampleContent(long batch, torch.Generator? g = null) => torch.randn(new long[] { batch, Config.ContentDim }, generator: g).to(ParameterDevice);

    /// <summary>Samples motion noise <c>[B, T, MotionDim]</c>.</summary>
    public Tensor SampleMotionNoise(long batch, torch.Generator? g = null) => torch.randn(new long[] { batch, Config.Frames, Config.MotionDim }, generator: g).to(ParameterDevice);

    /// <summary>Motion codes <c>[B, T, MotionDim]</c>: the GRU's hidden state after each frame's noise (h_0 = 0). They do not depend on content.</summary>
    public Tensor MotionCodes(Tensor zMotionNoise)
    {
        var c = Config;
        if (zMotionNoise.dim() != 3 || zMotionNoise.shape[2] != c.MotionDim)
            throw new ArgumentException($"MotionCodes: noise must be [B, T, {c.MotionDim}] (model.motionDim), got [{string.Join(", ", zMotionNoise.shape)}].");
        long b = zMotionNoise.shape[0], t = zMotionNoise.shape[1];
        var h = torch.zeros(new long[] { b, c.MotionDim }, dtype: zMotionNoise.dtype, device: zMotionNoise.device);
        var codes = new Tensor[t];
        for (int i = 0; i < t; i++)
        {
            h = motion_rnn.call(zMotionNoise.select(1, i), h);
            codes[i] = h;
        }
        return torch.stack(codes, 1);
    }

    /// <summary>Frames from a content code <c>[B, ContentDim]</c> and motion codes <c>[B, T', MotionDim]</c> (any T'): <c>[B, C, T', H, W]</c>.</summary>
    public Tensor GenerateFromCodes(Tensor zContent, Tensor motionCodes)
    {
        var c = Config;
        if (zContent.dim() != 2 || zContent.shape[1] != c.ContentDim)
            throw new ArgumentException($"GenerateFromCodes: content code must be [B, {c.ContentDim}] (model.contentDim), got [{string.Join(", ", zContent.shape)}].");
        if (motionCodes.dim() != 3 || motionCodes.shape[0] != zContent.shape[0] || motionCodes.shape[2] != c.MotionDim)
            throw new ArgumentException($"GenerateFromCodes: motion codes must be [B={zContent.shape[0]}, T, {c.MotionDim}], got [{string.Join(", ", motionCodes.shape)}].");
        long b = zContent.shape[0], t = motionCodes.shape[1];
        var codes = torch.cat(new[] { zContent.unsqueeze(1).expand(b, t, c.ContentDim), motionCodes }, 2).reshape(b * t, -1);
        var frames = frame_decoder.call(codes);                                   // [B*T, C, H, W]
        return frames.view(b, t, c.Channels, c.Size, c.Size).permute(0, 2, 1, 3, 4).contiguous();
    }

    /// <summary>A clip from a content code <c>[B, ContentDim]</c> and motion noise <c>[B, T, MotionDim]</c>: swap either to change content or motion alone.</summary>
    public Tensor Generate(Tensor zContent, Tensor zMotionNoise)
    {
        CheckParts(zContent, zMotionNoise);
        return GenerateFromCodes(zContent, MotionCodes(zMotionNoise));
    }

    void CheckParts(Tensor zContent, Tensor zMotionNoise)
    {
        var c = Config;
        if (zContent.dim() != 2 || zContent.shape[1] != c.ContentDim)
            throw new ArgumentException($"Content code must be [B, {c.ContentDim}] (model.contentDim), got [{string.Join(", ", zContent.shape)}].");
        if (zMotionNoise.dim() != 3 || zMotionNoise.shape[0] != zContent.shape[0] || zMotionNoise.shape[1] != c.Frames || zMotionNoise.shape[2] != c.MotionDim)
            throw new ArgumentException($"Motion noise must be [B={zContent.shape[0]}, T={c.Frames}, {c.MotionDim}] (model.frames, model.motionDim), got [{string.Join(", ", zMotionNoise.shape)}].");
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor z)
    {
        var (zc, noise) = SplitLatent(z);
        return Generate(zc, noise);
    }

    /// <summary>"video"; "content" (the first frame's motion code held: the content with motion frozen).</summary>
    public override IReadOnlyDictionary<string, Tensor> Streams(Tensor z)
    {
        var (zc, noise) = SplitLatent(z);
        var codes = MotionCodes(noise);
        var held = codes.narrow(1, 0, 1).expand(codes.shape[0], Config.Frames, Config.MotionDim);
        return new Dictionary<string, Tensor>
        {
            ["video"] = GenerateFromCodes(zc, codes),
            ["content"] = GenerateFromCodes(zc, held),
        };
    }
}
