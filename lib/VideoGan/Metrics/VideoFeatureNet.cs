using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.PyBridge;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VideoGan.Metrics;

/// <summary>One classification head of the feature network.</summary>
/// <param name="Name">What it predicts ("digits", "motion").</param>
/// <param name="Classes">Class names, in logit order.</param>
/// <param name="MultiLabel">True when several classes can be present (two digits in one clip): sigmoid + BCE.</param>
public sealed record FeatureNetHead(string Name, string[] Classes, bool MultiLabel);

/// <summary>Architecture and provenance of a <see cref="VideoFeatureNetModule"/>, saved beside its weights.</summary>
public sealed record FeatureNetConfig
{
    /// <summary>Domain the network was trained on ("moving-mnist", "synthetic-faces").</summary>
    public required string Domain { get; init; }
    /// <summary>Input channels (1 = grayscale, 3 = RGB); other channel counts are converted.</summary>
    public int InChannels { get; init; } = 1;
    /// <summary>Every frame is resized to this side (bilinear) before the network.</summary>
    public int InputSize { get; init; } = 32;
    /// <summary>Channels of the three per-frame 2D stages; the last is the frame-feature dimension.</summary>
    public int[] FrameChannels { get; init; } = { 16, 32, 64 };
    /// <summary>Clip-feature dimension (output of the 3D stage).</summary>
    public int ClipChannels { get; init; } = 256;
    /// <summary>The classification heads.</summary>
    public required FeatureNetHead[] Heads { get; init; }
}

/// <summary>
/// A small factorised (2+1)D CNN used as an offline FVD feature extractor: three per-frame 2D convolutions (each frame
/// encoded alone: their spatially pooled output is the per-frame "2D" feature for per-frame
/// FID), then two temporal convolutions over the flattened 4x4 maps (the second with stride 2) whose time-pooled output is the clip feature
/// (the FVD/KVD feature); linear heads predict the training targets (digit identity, motion type, ...).
/// Input <c>[B, C, T, H, W]</c> in [-1, 1], any H, W (resized to <see cref="FeatureNetConfig.InputSize"/>), T >= 4.
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb (offline FVD).</remarks>
public sealed class VideoFeatureNetModule : Module<Tensor, Tensor>
{
    private readonly Sequential frame;
    private readonly Sequential temporal;
    private readonly ModuleList<Linear> heads;

    /// <summary>The configuration it was built from.</summary>
    public FeatureNetConfig Config { get; }

    public VideoFeatureNetModule(FeatureNetConfig config) : base(nameof(VideoFeatureNetModule))
    {
        Config = config;
        int[] c = config.FrameChannels;
        // Per-frame stage as Conv2d on [B*T, C, H, W]: the same maths as 1xkxk 3D kernels, and much faster on CPU.
        frame = Sequential(
            Conv2d(config.InChannels, c[0], 4, stride: 2, padding: 1), LeakyReLU(0.2),
            Conv2d(c[0], c[1], 4, stride: 2, padding: 1, bias: false), BatchNorm2d(c[1]), LeakyReLU(0.2),
            Conv2d(c[1], c[2], 4, stride: 2, padding: 1, bias: false), BatchNorm2d(c[2]), LeakyReLU(0.2));
        // Temporal stage: Conv1d over time on the flattened 4x4 maps (keeps where things are, so motion is visible), then
        // a stride-2 Conv1d; a full-spatial-kernel 3D convolution, written as Conv1d because CPU conv3d is slow.
        int spatial = config.InputSize / 8;
        temporal = Sequential(
            Conv1d(c[2] * spatial * spatial, config.ClipChannels, 3, padding: 1, bias: false), BatchNorm1d(config.ClipChannels), LeakyReLU(0.2),
            Conv1d(config.ClipChannels, config.ClipChannels, 3, stride: 2, padding: 1, bias: false), BatchNorm1d(config.ClipChannels), LeakyReLU(0.2));
        heads = new ModuleList<Linear>(config.Heads.Select(h => Linear(config.ClipChannels, h.Classes.Length)).ToArray());
        RegisterComponents();
    }

    /// <summary>Resizes and converts channels: <c>[B, C, T, H, W]</c> in [-1, 1] to the network's input.</summary>
    public Tensor Prepare(Tensor clips)
    {
        if (clips.dim() != 5) throw new ArgumentException($"Clips must be [B, C, T, H, W], got [{string.Join(", ", clips.shape)}].");
        using var scope = torch.NewDisposeScope();
        var x = clips.to(float32);
        long b = x.shape[0], ch = x.shape[1], t = x.shape[2];
        if (ch != Config.InChannels)
        {
            if (ch == 3 && Config.InChannels == 1) x = x.mean(new long[] { 1 }, keepdim: true);
            else if (ch == 1 && Config.InChannels == 3) x = x.expand(b, 3, t, x.shape[3], x.shape[4]);
            else throw new ArgumentException($"Clips have {ch} channels; the {Config.Domain} feature network takes {Config.InChannels} (or 1/3, converted).");
        }
        int s = Config.InputSize;
        if (x.shape[3] != s || x.shape[4] != s)
        {
            var f = x.permute(0, 2, 1, 3, 4).reshape(b * t, Config.InChannels, x.shape[3], x.shape[4]);
            f = functional.interpolate(f, new long[] { s, s }, mode: InterpolationMode.Bilinear, align_corners: false);
            x = f.reshape(b, t, Config.InChannels, s, s).permute(0, 2, 1, 3, 4);
        }
        return x.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Clip features <c>[B, ClipChannels]</c>, frame features <c>[B*T, FrameChannels[^1]]</c> and head logits.</summary>
    public (Tensor Clip, Tensor Frame, Tensor[] Logits) Run(Tensor clips)
    {
        if (clips.shape[2] < 4) throw new ArgumentException($"The feature network needs at least 4 frames, got T={clips.shape[2]}.");
        var x = Prepare(clips);
        long b = x.shape[0], t = x.shape[2];
        var frames = x.permute(0, 2, 1, 3, 4).reshape(b * t, x.shape[1], x.shape[3], x.shape[4]);
        var f = frame.call(frames);                                     // [B*T, c, h, w]
        var frameFeat = f.mean(new long[] { 2, 3 });                    // [B*T, c]
        var seq = f.reshape(b, t, f.shape[1] * f.shape[2] * f.shape[3]).permute(0, 2, 1); // [B, c*h*w, T]
        var clip = temporal.call(seq).mean(new long[] { 2 });          // [B, ClipChannels]
        var logits = heads.Select(h => h.call(clip)).ToArray();
        return (clip, frameFeat, logits);
    }

    /// <summary>Clip features.</summary>
    public override Tensor forward(Tensor clips) => Run(clips).Clip;
}

/// <summary>
/// The offline FVD feature extractor: a trained <see cref="VideoFeatureNetModule"/> with its config, loaded from
/// <c>data/feature-nets/&lt;domain&gt;.pt</c> + <c>.json</c>. Its numbers are labelled with its name and are NOT comparable
/// with published I3D FVD. The Inception Score uses the joint distribution of its single-label heads' softmaxes
/// (e.g. digit x motion = 60 classes for one-digit Moving MNIST).
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb (offline FVD).</remarks>
public sealed class VideoFeatureNet : IVideoFeatureNetwork
{
    /// <summary>The shipped networks' folder, relative to the repository root.</summary>
    public const string ShippedFolder = "data/feature-nets";

    readonly Device _device;

    /// <summary>The module (eval mode).</summary>
    public VideoFeatureNetModule Module { get; }
    /// <summary>Training report (held-out accuracy, command), when loaded from a shipped file.</summary>
    public FeatureNetReport? Report { get; }

    public string Name { get; }
    public string WeightsSha256 { get; }
    public int FeatureDim => Module.Config.ClipChannels;
    public int FrameFeatureDim => Module.Config.FrameChannels[^1];
    /// <summary>The two temporal kernels span 7 frames; shorter clips are mostly padding.</summary>
    public int MinFrames => 8;
    public string Preprocessing => $"uint8 -> [-1,1]; channels converted to {Module.Config.InChannels}; per-frame bilinear resize to {Module.Config.InputSize}x{Module.Config.InputSize}; " +
                                   $"clip features = pooled {FeatureDim}-d 3D-conv output; frame features = pooled {FrameFeatureDim}-d 2D output";
    public bool ComparableWithPublishedFvd => false;

    public VideoFeatureNet(VideoFeatureNetModule module, string weightsSha256, FeatureNetReport? report = null, Device? device = null)
    {
        Module = module; Report = report; WeightsSha256 = weightsSha256;
        Name = $"feature-net/{module.Config.Domain}@{weightsSha256[..Math.Min(8, weightsSha256.Length)]}";
        _device = device ?? Runtime.TorchRuntime.Device;
        Module.to(_device); Module.eval();
    }

    /// <summary>Loads <c>path</c> (.pt state_dict written by save_py) and its <c>.json</c> sidecar.</summary>
    public static VideoFeatureNet Load(string path, Device? device = null)
    {
        string json = Path.ChangeExtension(path, ".json");
        if (!File.Exists(path)) throw new FileNotFoundException($"Feature network weights '{path}' not found. Train them with `videogan train-features` (see {ShippedFolder}/README.md).", path);
        if (!File.Exists(json)) throw new FileNotFoundException($"Feature network config '{json}' (beside the weights) not found.", json);
        var report = JsonSerializer.Deserialize<FeatureNetReport>(File.ReadAllText(json), FeatureNetReport.JsonOptions)
                     ?? throw new InvalidDataException($"'{json}' is empty.");
        var module = new VideoFeatureNetModule(report.Config);
        I3dFeatureNetwork.LoadStateDict(module, path);
        return new VideoFeatureNet(module, Fingerprint.OfFile(path), report, device);
    }

    /// <summary>The shipped network for a domain ("moving-mnist" or "synthetic-faces"), found from the current directory upwards.</summary>
    public static VideoFeatureNet LoadShipped(string domain = "moving-mnist", Device? device = null) =>
        Load(FindShipped(domain) ?? throw new FileNotFoundException(
            $"No shipped feature network '{domain}.pt' under {ShippedFolder}/ in this directory or its parents. Run from the repository, or train one with " +
            $"`videogan train-features --domain {domain}`."), device);

    /// <summary>Path of <c>data/feature-nets/&lt;domain&gt;.pt</c> above the current directory, or null.</summary>
    public static string? FindShipped(string domain)
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                string p = Path.Combine(d.FullName, ShippedFolder, domain + ".pt");
                if (File.Exists(p)) return p;
            }
        return null;
    }

    public NetworkOutput Forward(Tensor clips)
    {
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var (clip, frameFeat, logits) = Module.Run(clips.to(_device));
        Tensor? joint = null;
        foreach (var (head, l) in Module.Config.Heads.Zip(logits))
        {
            if (head.MultiLabel) continue;
            var p = torch.softmax(l.to(float64), 1);
            joint = joint is null ? p : (joint.unsqueeze(2) * p.unsqueeze(1)).flatten(1);
        }
        return new NetworkOutput(clip.to(float64).cpu().MoveToOuterDisposeScope(), joint?.cpu().MoveToOuterDisposeScope(),
                                 frameFeat.to(float64).cpu().MoveToOuterDisposeScope());
    }

    public void Dispose() => Module.Dispose();
}

/// <summary>What a feature-network training run produced: config, data, held-out accuracy and the command to reproduce it.</summary>
public sealed record FeatureNetReport
{
    public required FeatureNetConfig Config { get; init; }
    /// <summary>The exact command that reproduces the weights.</summary>
    public required string Command { get; init; }
    /// <summary>Training data description (generator, options, split, seed, clip count).</summary>
    public required string TrainingData { get; init; }
    /// <summary>Held-out data description.</summary>
    public required string HeldOutData { get; init; }
    /// <summary>Held-out accuracy per head (multi-label heads: every present class in the top-k, k = number present).</summary>
    public required Dictionary<string, double> HeldOutAccuracy { get; init; }
    public required int Steps { get; init; }
    public required int BatchSize { get; init; }
    public required int Seed { get; init; }
    public required double Seconds { get; init; }
    public required double FinalLoss { get; init; }
    public string Note { get; init; } = "Offline feature network: distances computed with it are NOT comparable with published (I3D) FVD.";

    internal static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };
}
