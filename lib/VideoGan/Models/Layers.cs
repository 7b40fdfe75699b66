using TorchSharp;
using VideoGan.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoGan.Models;

/// <summary>Shared building blocks and the layout rules (start size, number of doublings) of every model here.</summary>
/// <remarks>Taught in notebooks/02-architecture.ipynb.</remarks>
public static class Layers
{
    /// <summary>
    /// Spatial layout for a frame size: the smallest feature map and how many x2 steps reach the frame
    /// (28 = 7 x 2^2, 32 = 4 x 2^3, 64 = 4 x 2^4), as in DCGAN and VideoGAN.
    /// </summary>
    public static (int Start, int Doublings) SpatialLayout(int size) => size switch
    {
        28 => (7, 2),
        32 => (4, 3),
        64 => (4, 4),
        _ => throw new ArgumentException($"Frame size {size} is not supported: model.size must be 28, 32 or 64.")
    };

    /// <summary>Channels of a pyramid of <paramref name="levels"/> levels ending (or starting) at <paramref name="width"/>, doubling each level.</summary>
    public static int[] Pyramid(int width, int levels, bool decreasing)
    {
        var c = Enumerable.Range(0, levels).Select(i => width << i).ToArray();
        if (decreasing) Array.Reverse(c);
        return c;
    }

    /// <summary>
    /// DCGAN initialisation (Radford et al.): conv and linear weights N(0, 0.02), biases 0, batch-norm scales
    /// N(1, 0.02) and shifts 0. Recurrent cells keep their own initialisation.
    /// </summary>
    public static void InitDcgan(nn.Module root, torch.Generator? g = null)
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, m) in root.named_modules())
        {
            switch (m)
            {
                case Convolution c:
                    nn.init.normal_(c.weight, 0.0, 0.02, generator: g);
                    if (c.bias is not null) nn.init.zeros_(c.bias);
                    break;
                case Linear l:
                    nn.init.normal_(l.weight, 0.0, 0.02, generator: g);
                    if (l.bias is not null) nn.init.zeros_(l.bias);
                    break;
                case BatchNorm1d b1: InitNorm(b1.weight, b1.bias, g); break;
                case BatchNorm2d b2: InitNorm(b2.weight, b2.bias, g); break;
                case BatchNorm3d b3: InitNorm(b3.weight, b3.bias, g); break;
            }
        }
    }

    static void InitNorm(Tensor? weight, Tensor? bias, torch.Generator? g)
    {
        if (weight is not null) nn.init.normal_(weight, 1.0, 0.02, generator: g);
        if (bias is not null) nn.init.zeros_(bias);
    }

    /// <summary>
    /// The class projection of a conditional discriminator (Miyato and Koyama 2018): a bias-free Linear from the class
    /// one-hot to the last feature map's channels (an embedding table), spectrally normalised with the rest; null when
    /// model.classes is 0.
    /// </summary>
    public static nn.Module<Tensor, Tensor>? ClassProjection(ModelConfig c, long featureChannels) =>
        c.IsConditional ? MaybeSN(nn.Linear(c.Classes, featureChannels, hasBias: false), c.SpectralNorm) : null;

    /// <summary>
    /// logits + &lt;embed(y), pooled features&gt;: the projection term that makes a discriminator judge "real for this
    /// class". <paramref name="features"/> is <c>[N, C, ...]</c>, <paramref name="labels"/> <c>[N]</c>; an unconditional
    /// discriminator (no projection) must get no labels, a conditional one must get them.
    /// </summary>
    public static Tensor AddClassProjection(string who, ModelConfig c, Tensor logits, Tensor features, nn.Module<Tensor, Tensor>? projection, Tensor? labels)
    {
        if (projection is null)
            return labels is null ? logits : throw new ArgumentException($"{who} is unconditional (model.classes = 0): call it without labels.");
        if (labels is null)
            throw new ArgumentException($"{who} is class-conditional (model.classes = {c.Classes}): score clips with Score(video, labels), labels [B] in 0..{c.Classes - 1}.");
        if (labels.dim() != 1 || labels.shape[0] != logits.shape[0])
            throw new ArgumentException($"{who}: labels must be [N] = [{logits.shape[0]}], got [{string.Join(", ", labels.shape)}].");
        // Sum pooling scaled by 1/sqrt(positions): <e, pooled> is then a linear map of the flattened features with norm
        // |e| <= 1 under spectral norm, the same bound as the score layer, instead of sqrt(positions) times it.
        var flat = features.flatten(2);
        var pooled = flat.sum(2) / Math.Sqrt(flat.shape[2]);                                       // [N, C]
        var embedded = projection.call(nn.functional.one_hot(labels.to(torch.int64), c.Classes).to(features.dtype));
        return Scalars.Add(logits, (embedded * pooled).sum(1));
    }

    /// <summary>Runs every layer of a discriminator body but the last ("score"): (last features, logits <c>[N]</c>).</summary>
    public static (Tensor Features, Tensor Logits) FeaturesAndLogits(Sequential net, Tensor x)
    {
        var modules = net.children().Cast<nn.Module<Tensor, Tensor>>().ToArray();
        for (int i = 0; i < modules.Length - 1; i++) x = modules[i].call(x);
        return (x, modules[^1].call(x).view(-1));
    }

    /// <summary>Wraps a layer in <see cref="SpectralNorm"/> when <paramref name="on"/>.</summary>
    public static nn.Module<Tensor, Tensor> MaybeSN(nn.Module<Tensor, Tensor> layer, bool on) => on ? new SpectralNorm(layer) : layer;

    /// <summary>
    /// x2 nearest upsampling then a 3x3 conv, batch norm, ReLU: the cheap alternative to ConvTranspose2d
    /// (whose backward was ~5x slower on the project's CPU) and free of checkerboard artefacts.
    /// </summary>
    public static Sequential UpBlock2d(long inChannels, long outChannels) => nn.Sequential(
        ("up", nn.Upsample(scale_factor: new[] { 2.0, 2.0 }, mode: UpsampleMode.Nearest)),
        ("conv", nn.Conv2d(inChannels, outChannels, 3, padding: 1, bias: false)),
        ("bn", nn.BatchNorm2d(outChannels)),
        ("relu", nn.ReLU()));

    /// <summary>3D version of <see cref="UpBlock2d"/>; <paramref name="scale"/> is (T, H, W).</summary>
    public static Sequential UpBlock3d(long inChannels, long outChannels, (double T, double H, double W) scale) => nn.Sequential(
        ("up", nn.Upsample(scale_factor: new[] { scale.T, scale.H, scale.W }, mode: UpsampleMode.Nearest)),
        ("conv", nn.Conv3d(inChannels, outChannels, 3, padding: 1, bias: false)),
        ("bn", nn.BatchNorm3d(outChannels)),
        ("relu", nn.ReLU()));

    /// <summary>The paper's x2 step: ConvTranspose3d k4 s2 p1 (no bias), batch norm, ReLU.</summary>
    public static Sequential DeconvBlock3d(long inChannels, long outChannels) => nn.Sequential(
        ("deconv", nn.ConvTranspose3d(inChannels, outChannels, 4, stride: 2, padding: 1, bias: false)),
        ("bn", nn.BatchNorm3d(outChannels)),
        ("relu", nn.ReLU()));

    /// <summary>The paper's 2D x2 step: ConvTranspose2d k4 s2 p1 (no bias), batch norm, ReLU.</summary>
    public static Sequential DeconvBlock2d(long inChannels, long outChannels) => nn.Sequential(
        ("deconv", nn.ConvTranspose2d(inChannels, outChannels, 4, stride: 2, padding: 1, bias: false)),
        ("bn", nn.BatchNorm2d(outChannels)),
        ("relu", nn.ReLU()));
}

/// <summary>
/// A DCGAN-style 2D image decoder built from upsample + conv: code <c>[N, inDim]</c> -> image <c>[N, C, H, W]</c>
/// in [-1, 1] (tanh), or ink in [0, 1] (<see cref="Output.Ink"/>). Linear to the smallest map, then one
/// <see cref="Layers.UpBlock2d"/> per doubling.
/// Used for the motion/shape generator's content image and the content/motion generator's frames.
/// </summary>
/// <remarks>Taught in notebooks/02-architecture.ipynb.</remarks>
public sealed class ImageDecoder : nn.Module<Tensor, Tensor>
{
    readonly Linear project;
    readonly BatchNorm2d project_bn;
    readonly Sequential blocks;
    readonly Conv2d to_image;
    readonly long startChannels;
    readonly int start;
    readonly Output output;

    /// <summary>What the last layer gives.</summary>
    public enum Output
    {
        /// <summary>tanh: values in [-1, 1].</summary>
        Tanh,
        /// <summary>
        /// Ink in [0, 1]: max(0, (1 + e) sigmoid(x) - e), e = 0.02. Exactly 0 wherever the decoder is sure (x below about
        /// -3.9), so a glyph has no faint background to show as a box once moved, yet every pixel still has a gradient
        /// while it is undecided.
        /// </summary>
        Ink,
    }

    /// <summary>Builds a decoder from <paramref name="inDim"/> to <paramref name="outChannels"/> x size x size; the last hidden layer has <paramref name="width"/> channels.</summary>
    public ImageDecoder(int inDim, int outChannels, int size, int width, Output output = Output.Tanh) : base(nameof(ImageDecoder))
    {
        this.output = output;
        var (s0, n) = Layers.SpatialLayout(size);
        start = s0;
        var chans = Layers.Pyramid(width, n + 1, decreasing: true); // n+1 levels: start map + one per doubling
        startChannels = chans[0];
        project = nn.Linear(inDim, startChannels * s0 * s0, hasBias: false);
        project_bn = nn.BatchNorm2d(startChannels);
        var list = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 0; i < n; i++) list.Add(($"up{i + 1}", Layers.UpBlock2d(chans[i], chans[i + 1])));
        blocks = nn.Sequential(list);
        to_image = nn.Conv2d(width, outChannels, 3, padding: 1);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor code)
    {
        var h = project.call(code).view(code.shape[0], startChannels, start, start);
        h = nn.functional.relu(project_bn.call(h));
        var x = to_image.call(blocks.call(h));
        if (output == Output.Tanh) return torch.tanh(x);
        return nn.functional.relu(Scalars.Add(Scalars.Mul(torch.sigmoid(x), 1 + InkCut), -InkCut));
    }

    const double InkCut = 0.02;

    /// <summary>
    /// Biases the last layer so an <see cref="Output.Ink"/> decoder starts nearly empty (sigmoid(-2) = 0.12 instead of
    /// 0.5 everywhere): strokes are drawn on black. Call after the network's weight initialisation.
    /// </summary>
    public void StartEmpty()
    {
        using var _ = torch.no_grad();
        to_image.bias!.fill_(-2.0);
    }
}
