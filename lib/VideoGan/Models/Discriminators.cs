using TorchSharp;
using TorchSharp.Modules;
using VideoGan.Runtime;
using static TorchSharp.torch;

namespace VideoGan.Models;

/// <summary>
/// The 3D-conv video discriminator (VideoGAN; the temporal D of MoCoGAN/DVD-GAN): Conv3d k4 s2 p1 layers halving
/// T, H and W (channels model.discriminatorWidth, doubling), LeakyReLU 0.2, then one Conv3d whose kernel covers
/// what is left (T', s0, s0) -> one logit per clip. Batch norm after every layer but the first, as in the paper,
/// unless model.spectralNorm is on: then every conv is spectrally normalised and there is no batch norm. When
/// model.classes &gt; 0 a projection term scores "real for this class" (<see cref="Layers.AddClassProjection"/>).
/// </summary>
/// <remarks>Taught in notebooks/02-architecture.ipynb; timed against PyTorch in bench/videogan-step.</remarks>
public sealed class VideoDiscriminator : VideoDiscriminatorBase
{
    readonly Sequential net;
    readonly nn.Module<Tensor, Tensor>? class_projection;

    /// <summary>Builds the discriminator for <paramref name="config"/>.</summary>
    public VideoDiscriminator(ModelConfig config) : base(nameof(VideoDiscriminator), config)
    {
        var c = Config;
        var (s0, n) = Layers.SpatialLayout(c.Size);
        int tLast = c.Frames >> n;
        var chans = Layers.Pyramid(c.DiscriminatorWidth, n, decreasing: false);
        bool sn = c.SpectralNorm;
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        long cin = c.Channels;
        for (int i = 0; i < n; i++)
        {
            layers.Add(($"conv{i + 1}", Layers.MaybeSN(nn.Conv3d(cin, chans[i], 4, stride: 2, padding: 1, bias: sn), sn)));
            if (i > 0 && !sn) layers.Add(($"bn{i + 1}", nn.BatchNorm3d(chans[i])));
            layers.Add(($"lrelu{i + 1}", nn.LeakyReLU(0.2)));
            cin = chans[i];
        }
        // Minibatch standard deviation (Karras et al. 2018) adds one channel before the score: how much the clips of a
        // group differ, so a generator that draws one digit for every z is caught by the spread it lacks.
        layers.Add(("score", Layers.MaybeSN(nn.Conv3d(cin + (c.MinibatchStd ? 1 : 0), 1, (tLast, s0, s0)), sn)));
        net = nn.Sequential(layers);
        class_projection = Layers.ClassProjection(c, cin);
        RegisterComponents();
        Layers.InitDcgan(this);
    }

    /// <summary>Clips per minibatch-std group: consecutive clips, so the real and the fake halves of a batch never mix.</summary>
    public const int MinibatchStdGroup = 4;

    /// <summary>Clip <c>[B, C, T, H, W]</c> (and classes <c>[B]</c> when conditional) -> logits <c>[B]</c>.</summary>
    public override Tensor Score(Tensor video, Tensor? labels)
    {
        CheckVideo(video);
        if (!Config.MinibatchStd && class_projection is null && labels is null) return net.call(video).view(-1);
        var modules = net.children().Cast<nn.Module<Tensor, Tensor>>().ToArray();
        var x = video;
        for (int i = 0; i < modules.Length - 1; i++) x = modules[i].call(x);
        var features = x;
        if (Config.MinibatchStd) x = torch.cat(new[] { x, MinibatchStd(x) }, 1);
        var logits = modules[^1].call(x).view(-1);
        return Layers.AddClassProjection(nameof(VideoDiscriminator), Config, logits, features, class_projection, labels);
    }

    /// <summary>
    /// The minibatch-std channel of features <c>[B, C, T, H, W]</c>: per group of <see cref="MinibatchStdGroup"/>
    /// consecutive clips (fewer when B is not a multiple), the std over the group of every feature, averaged to one number,
    /// broadcast to <c>[B, 1, T, H, W]</c>.
    /// </summary>
    public static Tensor MinibatchStd(Tensor x)
    {
        long b = x.shape[0];
        long g = Enumerable.Range(1, MinibatchStdGroup).Reverse().First(k => b % k == 0);
        if (g == 1) return torch.zeros(new long[] { b, 1, x.shape[2], x.shape[3], x.shape[4] }, dtype: x.dtype, device: x.device);
        var y = x.view(b / g, g, x.shape[1], x.shape[2], x.shape[3], x.shape[4]);
        y = y.sub(y.mean(new long[] { 1 }, keepdim: true));
        var std = Scalars.Add(y.pow(Scalars.Two).mean(new long[] { 1 }), 1e-8).sqrt().mean(new long[] { 1, 2, 3, 4 }); // [B/g]
        return std.repeat_interleave(g).view(b, 1, 1, 1, 1).expand(b, 1, x.shape[2], x.shape[3], x.shape[4]);
    }
}

/// <summary>
/// The per-frame image discriminator of a dual-discriminator GAN (MoCoGAN's image D, DVD-GAN's spatial D):
/// a DCGAN 2D conv net scoring <see cref="ModelConfig.FrameDiscriminatorFrames"/> random frames of each clip
/// (different frames per clip, without repetition). <see cref="FrameLogits"/> gives every chosen frame's logit
/// <c>[B, k]</c>; the module's output is their mean per clip <c>[B]</c>.
/// </summary>
/// <remarks>Taught in notebooks/02-architecture.ipynb.</remarks>
public sealed class FrameDiscriminator : VideoDiscriminatorBase
{
    readonly Sequential net;
    readonly nn.Module<Tensor, Tensor>? class_projection;
    readonly Sequential? class_head;

    /// <summary>Builds the frame discriminator for <paramref name="config"/>.</summary>
    public FrameDiscriminator(ModelConfig config) : base(nameof(FrameDiscriminator), config)
    {
        var c = Config;
        var (s0, n) = Layers.SpatialLayout(c.Size);
        var chans = Layers.Pyramid(c.DiscriminatorWidth, n, decreasing: false);
        bool sn = c.SpectralNorm;
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>();
        long cin = c.Channels;
        for (int i = 0; i < n; i++)
        {
            layers.Add(($"conv{i + 1}", Layers.MaybeSN(nn.Conv2d(cin, chans[i], 4, stride: 2, padding: 1, bias: sn), sn)));
            if (i > 0 && !sn) layers.Add(($"bn{i + 1}", nn.BatchNorm2d(chans[i])));
            layers.Add(($"lrelu{i + 1}", nn.LeakyReLU(0.2)));
            cin = chans[i];
        }
        layers.Add(("score", Layers.MaybeSN(nn.Conv2d(cin, 1, s0), sn)));
        net = nn.Sequential(layers);
        class_projection = Layers.ClassProjection(c, cin);
        // AC-GAN's class head on the last feature map, used when the trainer's auxiliaryClassWeight > 0. One more 3x3 conv
        // widens the receptive field to a whole digit, and global max pooling makes the answer independent of where the
        // digit is: a linear read-out of the flattened map (or the projection's pooled local features) learned the
        // digits of moving clips far too slowly here. The features of spectrally normalised layers are small, so a
        // per-frame layer norm (no parameters, no batch statistics) first brings them to unit scale.
        class_head = c.IsConditional
            ? nn.Sequential(("conv", nn.Conv2d(cin, 2 * cin, 3, padding: 1)), ("lrelu", nn.LeakyReLU(0.2)),
                            ("pool", nn.AdaptiveMaxPool2d(new long[] { 1, 1 })), ("flatten", nn.Flatten()), ("fc", nn.Linear(2 * cin, c.Classes)))
            : null;
        RegisterComponents();
        Layers.InitDcgan(this);
    }

    /// <summary>
    /// AC-GAN: per-frame real/fake logits <c>[B, k]</c> and class logits <c>[B*k, classes]</c> (clip-major) from one
    /// forward of k frames per clip; <paramref name="labels"/> <c>[B]</c> feed the projection term.
    /// </summary>
    public (Tensor Logits, Tensor ClassLogits) FrameLogitsAndClasses(Tensor video, Tensor labels, Tensor? frameIndices = null)
    {
        if (class_head is null) throw new InvalidOperationException("FrameDiscriminator has no class head: set model.classes > 0.");
        var (frames, b, k) = PickFrames(video, frameIndices);
        var (features, logits) = ProjectedScores(frames, labels.repeat_interleave(k));
        var flat = features.flatten(1);
        var normed = (flat - flat.mean(new long[] { 1 }, keepdim: true)) / (flat.var(1, keepdim: true) + 1e-5).sqrt();
        return (logits.view(b, k), class_head.call(normed.view_as(features)));
    }

    /// <summary>Frames per clip that are scored.</summary>
    public int FramesPerClip => Config.FrameDiscriminatorFrames;

    /// <summary>Optional generator for the frame choice (null: torch's global generator, seeded by Seeding).</summary>
    public torch.Generator? FrameSampler { get; set; }

    /// <summary>Random frame indices <c>[B, k]</c>, distinct within each clip.</summary>
    public Tensor SampleFrameIndices(long batch, Device device)
    {
        var keys = torch.rand(new long[] { batch, Config.Frames }, generator: FrameSampler);
        return keys.argsort(1).narrow(1, 0, FramesPerClip).to(device);
    }

    /// <summary>Scores single images <c>[N, C, H, W]</c> (and their classes <c>[N]</c> when conditional) -> logits <c>[N]</c>.</summary>
    public Tensor ScoreImages(Tensor images, Tensor? labels = null)
    {
        if (class_projection is null && labels is null) return net.call(images).view(-1);
        return ProjectedScores(images, labels).Logits;
    }

    /// <summary>(last features, logits with the class projection term) of images <c>[N, C, H, W]</c>.</summary>
    (Tensor Features, Tensor Logits) ProjectedScores(Tensor images, Tensor? labels)
    {
        var (features, logits) = Layers.FeaturesAndLogits(net, images);
        return (features, Layers.AddClassProjection(nameof(FrameDiscriminator), Config, logits, features, class_projection, labels));
    }

    /// <summary>
    /// Logits <c>[B, k]</c> of k frames per clip; <paramref name="frameIndices"/> <c>[B, k]</c> picks them (random when
    /// null); <paramref name="labels"/> <c>[B]</c> are the clips' classes when the discriminator is conditional.
    /// </summary>
    public Tensor FrameLogits(Tensor video, Tensor? frameIndices = null, Tensor? labels = null)
    {
        var (frames, b, k) = PickFrames(video, frameIndices);
        return ScoreImages(frames, labels?.repeat_interleave(k)).view(b, k);
    }

    /// <summary>The chosen frames <c>[B*k, C, H, W]</c> (clip-major), B and k.</summary>
    (Tensor Frames, long B, long K) PickFrames(Tensor video, Tensor? frameIndices)
    {
        CheckVideo(video);
        var c = Config;
        long b = video.shape[0];
        var idx = frameIndices ?? SampleFrameIndices(b, video.device);
        var flat = (idx + torch.arange(b, device: video.device).unsqueeze(1) * c.Frames).reshape(-1);
        return (video.transpose(1, 2).reshape(b * c.Frames, c.Channels, c.Size, c.Size).index_select(0, flat), b, idx.shape[1]);
    }

    /// <summary>Clip <c>[B, C, T, H, W]</c> (and classes <c>[B]</c> when conditional) -> mean logit of k random frames <c>[B]</c>.</summary>
    public override Tensor Score(Tensor video, Tensor? labels) => FrameLogits(video, null, labels).mean(new long[] { 1 });
}
