using TorchSharp;
using VideoGan.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoGan.Models;

/// <summary>
/// The two-stream VideoGAN generator (Vondrick, Pirsiavash and Torralba 2016): a 3D foreground stream gives a
/// moving foreground f (tanh) and a mask m (sigmoid); a 2D stream gives one static background b (tanh);
/// video = m * f + (1 - m) * b. Both streams read the same z. The mask L1 penalty (weight model.maskL1) is
/// <see cref="RegularizationLoss"/>. With model.upsample "transpose" every x2 step is ConvTranspose k4 s2 p1 as
/// in the paper (and the PyTorch peer in bench/); "resize" uses nearest upsampling + 3x3(x3) conv instead.
/// z has ContentDim + MotionDim entries (the paper: 100).
/// </summary>
/// <remarks>Taught in notebooks/02-architecture.ipynb; timed against PyTorch in bench/videogan-step.</remarks>
public sealed class TwoStreamGenerator : VideoGeneratorBase
{
    readonly Sequential fg_trunk;
    readonly nn.Module<Tensor, Tensor> fg_video;
    readonly nn.Module<Tensor, Tensor> fg_mask;
    readonly Sequential bg;
    readonly bool transpose;
    Tensor? lastMaskPenalty;

    /// <summary>Builds the generator for <paramref name="config"/> (model.generator "two-stream").</summary>
    public TwoStreamGenerator(ModelConfig config) : base(nameof(TwoStreamGenerator), config)
    {
        var c = Config;
        transpose = c.Upsample == "transpose";
        var (s0, n) = Layers.SpatialLayout(c.Size);
        int t0 = c.Frames >> n;
        if (t0 < 1) throw new ArgumentException($"model.frames ({c.Frames}) is too short for model.size {c.Size}: the foreground needs at least 2^{n} frames.");
        var chans = Layers.Pyramid(c.GeneratorWidth, n, decreasing: true);
        int z = LatentDim;

        // Foreground: z as a 1x1x1 map -> chans[0] @ t0 x s0 x s0 (a full "projection" deconvolution), then x2 steps.
        var fg = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("project", nn.ConvTranspose3d(z, chans[0], (t0, s0, s0), bias: false)),
            ("project_bn", nn.BatchNorm3d(chans[0])),
            ("project_relu", nn.ReLU()),
        };
        for (int i = 0; i + 1 < chans.Length; i++)
            fg.Add(($"up{i + 1}", transpose ? Layers.DeconvBlock3d(chans[i], chans[i + 1]) : Layers.UpBlock3d(chans[i], chans[i + 1], (2, 2, 2))));
        fg_trunk = nn.Sequential(fg);
        int last = chans[^1];
        fg_video = transpose ? nn.ConvTranspose3d(last, c.Channels, 4, stride: 2, padding: 1) : Head3d(last, c.Channels);
        fg_mask = transpose ? nn.ConvTranspose3d(last, 1, 4, stride: 2, padding: 1) : Head3d(last, 1);

        var bgl = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("project", nn.ConvTranspose2d(z, chans[0], s0, bias: false)),
            ("project_bn", nn.BatchNorm2d(chans[0])),
            ("project_relu", nn.ReLU()),
        };
        for (int i = 0; i + 1 < chans.Length; i++)
            bgl.Add(($"up{i + 1}", transpose ? Layers.DeconvBlock2d(chans[i], chans[i + 1]) : Layers.UpBlock2d(chans[i], chans[i + 1])));
        bgl.Add(("to_image", transpose ? nn.ConvTranspose2d(last, c.Channels, 4, stride: 2, padding: 1)
                                       : nn.Sequential(("up", nn.Upsample(scale_factor: new[] { 2.0, 2.0 }, mode: UpsampleMode.Nearest)), ("conv", nn.Conv2d(last, c.Channels, 3, padding: 1)))));
        bgl.Add(("tanh", nn.Tanh()));
        bg = nn.Sequential(bgl);
        RegisterComponents();
        Layers.InitDcgan(this);
    }

    static Sequential Head3d(long inChannels, long outChannels) => nn.Sequential(
        ("up", nn.Upsample(scale_factor: new[] { 2.0, 2.0, 2.0 }, mode: UpsampleMode.Nearest)),
        ("conv", nn.Conv3d(inChannels, outChannels, 3, padding: 1)));

    /// <inheritdoc/>
    public override int LatentDim => Config.ContentDim + Config.MotionDim;

    /// <summary>The three streams: foreground <c>[B, C, T, H, W]</c>, mask <c>[B, 1, T, H, W]</c> in [0, 1], background <c>[B, C, H, W]</c>.</summary>
    public (Tensor Foreground, Tensor Mask, Tensor Background) StreamsRaw(Tensor z)
    {
        CheckLatent(z);
        long b = z.shape[0];
        var h = fg_trunk.call(z.view(b, -1, 1, 1, 1));
        var f = torch.tanh(fg_video.call(h));
        var m = torch.sigmoid(fg_mask.call(h));
        var bgImage = bg.call(z.view(b, -1, 1, 1));
        return (f, m, bgImage);
    }

    /// <summary>video = m * f + (1 - m) * b, with b repeated over time.</summary>
    public static Tensor Compose(Tensor foreground, Tensor mask, Tensor background)
        => Scalars.Add(mask * foreground, Scalars.OneMinus(mask) * background.unsqueeze(2));   // kept Scalars: see Scalars

    /// <summary>z -> video; remembers the mask penalty for <see cref="RegularizationLoss"/>.</summary>
    public override Tensor forward(Tensor z)
    {
        var (f, m, b) = StreamsRaw(z);
        lastMaskPenalty = Config.MaskL1 > 0 ? m.abs().mean() * Config.MaskL1 : null;
        return Compose(f, m, b);
    }

    /// <summary>model.maskL1 * mean |m| of the last forward (call it inside the same dispose scope); zero before any forward.</summary>
    public override Tensor RegularizationLoss() => lastMaskPenalty is { IsInvalid: false } p ? p : base.RegularizationLoss();

    /// <summary>"video", "foreground", "mask" (0 -> -1 black, 1 -> +1 white), "background" (held over time).</summary>
    public override IReadOnlyDictionary<string, Tensor> Streams(Tensor z)
    {
        var (f, m, b) = StreamsRaw(z);
        var c = Config;
        return new Dictionary<string, Tensor>
        {
            ["video"] = Compose(f, m, b),
            ["foreground"] = f,
            ["mask"] = m * 2 - 1,
            ["background"] = b.unsqueeze(2).expand(b.shape[0], c.Channels, c.Frames, c.Size, c.Size),
        };
    }
}
