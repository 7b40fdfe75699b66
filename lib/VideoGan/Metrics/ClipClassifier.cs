using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VideoGan.Metrics;

/// <summary>One classification head of a <see cref="ClipClassifierModule"/>.</summary>
/// <param name="Name">What it predicts ("digit", "motion", "direction", "skin", ...).</param>
/// <param name="Classes">Class names, in logit order.</param>
/// <param name="MultiLabel">True when several classes can be present at once (the digits of a two-digit clip): sigmoid + BCE.
/// A multi-label head never enters the Inception Score or a class histogram.</param>
/// <param name="PerFrame">True when the head classifies each frame from its frame feature (what a frame shows: a digit, a
/// skin tone); the clip's logits are then the mean over frames. False: the head reads the whole clip feature (motion).</param>
public sealed record ClassifierHead(string Name, string[] Classes, bool MultiLabel = false, bool PerFrame = false);

/// <summary>Architecture and targets of a <see cref="ClipClassifierModule"/>, saved beside its weights.</summary>
public sealed record ClipClassifierConfig
{
    /// <summary>Domain the network was trained on ("moving-mnist", "synthetic-faces").</summary>
    public required string Domain { get; init; }
    /// <summary>Input channels (1 = grayscale, 3 = RGB); clips with the other count are converted.</summary>
    public int InChannels { get; init; } = 1;
    /// <summary>Every frame is resized to this side (bilinear) before the network: one scale for 28x28 and 64x64 canvases.</summary>
    public int InputSize { get; init; } = 32;
    /// <summary>Channels of the four per-frame 2D stages (the last is the frame-feature dimension).</summary>
    public int[] FrameChannels { get; init; } = { 16, 32, 64, 128 };
    /// <summary>Channels of the three space-time stages of the motion stream (the last is its feature dimension).</summary>
    public int[] MotionChannels { get; init; } = { 48, 96, 128 };
    /// <summary>
    /// Channels of the trajectory stream (0 = none): the ink's centre and spread per frame, read by dilated temporal
    /// convolutions over the whole clip. It sees a heading to a degree or two, which 16x16 feature maps cannot: a bounce
    /// at 40 degrees is otherwise called a diagonal (measured: 22% of bounces without it).
    /// </summary>
    public int TrajectoryChannels { get; init; }
    /// <summary>The classification heads.</summary>
    public required ClassifierHead[] Heads { get; init; }
    /// <summary>Heads whose joint label the 3D Inception Score uses (single-label heads only).</summary>
    public required string[] InceptionHeads { get; init; }

    /// <summary>Clip-feature dimension: the time-pooled frame feature and the motion feature, concatenated.</summary>
    [JsonIgnore] public int ClipFeatureDim => FrameChannels[^1] + MotionChannels[^1] + TrajectoryChannels;

    /// <summary>Throws when the configuration cannot build a network.</summary>
    public void Validate()
    {
        if (InChannels is not (1 or 3)) throw new ArgumentException($"classifier InChannels must be 1 or 3, got {InChannels}.");
        if (InputSize < 16 || InputSize % 8 != 0) throw new ArgumentException($"classifier InputSize must be a multiple of 8 and >= 16, got {InputSize}.");
        if (FrameChannels is not { Length: 4 } || MotionChannels is not { Length: 3 } || FrameChannels.Concat(MotionChannels).Any(c => c < 1))
            throw new ArgumentException("classifier FrameChannels must list 4 and MotionChannels 3 positive channel counts.");
        if (TrajectoryChannels < 0) throw new ArgumentException($"classifier TrajectoryChannels must be >= 0, got {TrajectoryChannels}.");
        if (Heads is null || Heads.Length == 0) throw new ArgumentException("a clip classifier needs at least one head.");
        foreach (var name in InceptionHeads ?? Array.Empty<string>())
            if (Heads.FirstOrDefault(h => h.Name == name) is not { MultiLabel: false })
                throw new ArgumentException($"Inception head '{name}' must name a single-label head of the classifier.");
    }
}

/// <summary>
/// A small two-stream (2+1)D clip classifier. An <b>appearance</b> stream encodes every frame alone (four 3x3 Conv2d
/// stages, BN, ReLU; 32x32 -> 4x4, a 17-pixel receptive field that covers a whole digit) and pools it over space: the
/// per-frame feature (per-frame FID, per-frame heads such as "which digit"). A <b>motion</b> stream runs factorised
/// space-time convolutions (1x3x3 spatial, 3x1x1 temporal, then one 3x3x3) over the 16x16 maps of the second stage
/// across time (where things are and how they move), pooled over space and time. An optional <b>trajectory</b> stream reads
/// the ink's centre and spread in every frame (<see cref="InkTrajectory"/>) with dilated temporal convolutions, for exact
/// headings. The clip feature — time-pooled frame features, the motion feature and the trajectory feature, concatenated —
/// is the penultimate layer: the FVD/KVD feature, read by every clip-level head.
/// Input <c>[B, C, T, H, W]</c> in [-1, 1], any H, W (resized to <see cref="ClipClassifierConfig.InputSize"/>), T >= 4.
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb (the offline metrics).</remarks>
public sealed class ClipClassifierModule : Module<Tensor, Tensor>
{
    private readonly Sequential stage1, stage2, stage3, stage4;
    private readonly Sequential motion;
    private readonly Sequential? trajectory;
    private readonly ModuleList<Linear> heads;

    /// <summary>Per-frame ink statistics the trajectory stream reads: centre x, y, spreads xx, yy, xy, log mass, and their changes.</summary>
    public const int TrajectoryInputs = 12;

    /// <summary>The configuration it was built from.</summary>
    public ClipClassifierConfig Config { get; }

    public ClipClassifierModule(ClipClassifierConfig config) : base(nameof(ClipClassifierModule))
    {
        config.Validate();
        Config = config;
        int[] c = config.FrameChannels, m = config.MotionChannels;
        // Frames as a [B*T, C, H, W] batch of Conv2d: same maths as 1x3x3 Conv3d, much faster on the CPU.
        stage1 = Sequential(Conv2d(config.InChannels, c[0], 3, padding: 1, bias: false), BatchNorm2d(c[0]), ReLU());
        stage2 = Sequential(Conv2d(c[0], c[1], 3, stride: 2, padding: 1, bias: false), BatchNorm2d(c[1]), ReLU());
        stage3 = Sequential(Conv2d(c[1], c[2], 3, stride: 2, padding: 1, bias: false), BatchNorm2d(c[2]), ReLU());
        stage4 = Sequential(Conv2d(c[2], c[3], 3, stride: 2, padding: 1, bias: false), BatchNorm2d(c[3]), ReLU());
        // Motion reads the 16x16 maps (position to about a pixel of the 32x32 input). Factorised (2+1)D convolutions
        // cost half of full 3x3x3 ones on the CPU; the temporal receptive field is 9 frames, enough to tell a
        // reflection (bounce) from a smooth turn (sway).
        motion = Sequential(
            Conv3d(c[1], m[0], (1L, 3L, 3L), stride: (1L, 2L, 2L), padding: (0L, 1L, 1L), bias: false), BatchNorm3d(m[0]), ReLU(),
            Conv3d(m[0], m[0], (3L, 1L, 1L), stride: (1L, 1L, 1L), padding: (1L, 0L, 0L), bias: false), BatchNorm3d(m[0]), ReLU(),
            Conv3d(m[0], m[1], (1L, 3L, 3L), stride: (1L, 2L, 2L), padding: (0L, 1L, 1L), bias: false), BatchNorm3d(m[1]), ReLU(),
            Conv3d(m[1], m[1], (3L, 1L, 1L), stride: (2L, 1L, 1L), padding: (1L, 0L, 0L), bias: false), BatchNorm3d(m[1]), ReLU(),
            Conv3d(m[1], m[2], (3L, 3L, 3L), stride: (1L, 2L, 2L), padding: (1L, 1L, 1L), bias: false), BatchNorm3d(m[2]), ReLU());
        if (config.TrajectoryChannels > 0)
        {
            int k = config.TrajectoryChannels;
            // Dilations 1, 2, 4, 8: a 31-frame receptive field, so one unit sees a whole 16-frame path.
            trajectory = Sequential(
                Conv1d(TrajectoryInputs, k, 3, padding: 1, bias: false), BatchNorm1d(k), ReLU(),
                Conv1d(k, k, 3, padding: 2, dilation: 2, bias: false), BatchNorm1d(k), ReLU(),
                Conv1d(k, k, 3, padding: 4, dilation: 4, bias: false), BatchNorm1d(k), ReLU(),
                Conv1d(k, k, 3, padding: 8, dilation: 8, bias: false), BatchNorm1d(k), ReLU());
        }
        heads = new ModuleList<Linear>(config.Heads.Select(h => Linear(h.PerFrame ? c[3] : config.ClipFeatureDim, h.Classes.Length)).ToArray());
        RegisterComponents();
    }

    /// <summary>Resizes and converts channels: <c>[B, C, T, H, W]</c> in [-1, 1] to the network's input (float32).</summary>
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
            else throw new ArgumentException($"Clips have {ch} channels; the {Config.Domain} classifier takes {Config.InChannels} (or 1/3, converted).");
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

    /// <summary>One forward pass: clip features, frame features and every head's logits.</summary>
    public ClassifierOutput Run(Tensor clips)
    {
        if (clips.shape[2] < 4) throw new ArgumentException($"The clip classifier needs at least 4 frames, got T={clips.shape[2]}.");
        var x = Prepare(clips);
        long b = x.shape[0], t = x.shape[2];
        var frames = x.permute(0, 2, 1, 3, 4).reshape(b * t, x.shape[1], x.shape[3], x.shape[4]);
        var h2 = stage2.call(stage1.call(frames));                                       // [B*T, c1, S/2, S/2]
        var frameFeat = stage4.call(stage3.call(h2)).mean(new long[] { 2, 3 });          // [B*T, c3]
        var maps = h2.reshape(b, t, h2.shape[1], h2.shape[2], h2.shape[3]).permute(0, 2, 1, 3, 4); // [B, c1, T, h, w]
        var motionFeat = motion.call(maps).mean(new long[] { 2, 3, 4 });                 // [B, m2]
        var parts = new List<Tensor> { frameFeat.reshape(b, t, -1).mean(new long[] { 1 }), motionFeat };
        if (trajectory is not null) parts.Add(trajectory.call(InkTrajectory(x)).mean(new long[] { 2 }));
        var clip = torch.cat(parts, 1);
        var logits = new Tensor[Config.Heads.Length];
        Tensor[]? frameLogits = null;
        for (int i = 0; i < logits.Length; i++)
        {
            if (Config.Heads[i].PerFrame)
            {
                frameLogits ??= new Tensor[logits.Length];
                frameLogits[i] = heads[i].call(frameFeat);                                // [B*T, K]
                logits[i] = frameLogits[i].reshape(b, t, -1).mean(new long[] { 1 });
            }
            else logits[i] = heads[i].call(clip);
        }
        return new ClassifierOutput(clip, frameFeat, logits, frameLogits);
    }

    /// <summary>
    /// Per-frame logits of per-frame head <paramref name="head"/> from the appearance stream alone, for prepared clips
    /// <c>[B, C, T, S, S]</c> of any length: <c>[B*T, K]</c>, frames in clip-major order.
    /// </summary>
    public Tensor FrameLogits(Tensor prepared, int head)
    {
        if (!Config.Heads[head].PerFrame) throw new ArgumentException($"head '{Config.Heads[head].Name}' is not a per-frame head.");
        long b = prepared.shape[0], t = prepared.shape[2];
        var frames = prepared.permute(0, 2, 1, 3, 4).reshape(b * t, prepared.shape[1], prepared.shape[3], prepared.shape[4]);
        var feat = stage4.call(stage3.call(stage2.call(stage1.call(frames)))).mean(new long[] { 2, 3 });
        return heads[head].call(feat);
    }

    /// <summary>Clip features.</summary>
    public override Tensor forward(Tensor clips) => Run(clips).Clip;

    /// <summary>
    /// Per-frame intensity moments of prepared clips <c>[B, C, T, S, S]</c>: centre (x, y in [-1, 1]), second central
    /// moments (xx, yy, xy), log mass, and their frame-to-frame changes: <c>[B, 12, T]</c>.
    /// </summary>
    public static Tensor InkTrajectory(Tensor x)
    {
        using var scope = torch.NewDisposeScope();
        // Every Scalar is a local that outlives its native call (see Runtime: implicit conversions can be finalised mid-call).
        using Scalar one = 1.0, half = 0.5, zero = 0.0, minMass = 1e-3, eps = 1e-4, four = 4.0, quarter = 0.25, eight = 8.0;
        using Scalar pixels = (double)(x.shape[3] * x.shape[4]);
        long b = x.shape[0], t = x.shape[2], h = x.shape[3], w = x.shape[4];
        var ink = x.detach().mean(new long[] { 1 }).add(one).mul(half).clamp(zero, one);      // [B, T, H, W]
        var mass = ink.sum(new long[] { 2, 3 });                                                // [B, T]
        var safe = mass.clamp_min(minMass);
        var ys = torch.linspace(-1, 1, h, dtype: x.dtype, device: x.device).view(1, 1, h, 1);
        var xs = torch.linspace(-1, 1, w, dtype: x.dtype, device: x.device).view(1, 1, 1, w);
        var cx = ink.mul(xs).sum(new long[] { 2, 3 }).div(safe);
        var cy = ink.mul(ys).sum(new long[] { 2, 3 }).div(safe);
        var dx = xs.sub(cx.view(b, t, 1, 1)); var dy = ys.sub(cy.view(b, t, 1, 1));
        var sxx = ink.mul(dx).mul(dx).sum(new long[] { 2, 3 }).div(safe);
        var syy = ink.mul(dy).mul(dy).sum(new long[] { 2, 3 }).div(safe);
        var sxy = ink.mul(dx).mul(dy).sum(new long[] { 2, 3 }).div(safe);
        var logMass = mass.div(pixels).add(eps).log();
        var m = torch.stack(new[] { cx, cy, sxx.mul(four), syy.mul(four), sxy.mul(four), logMass.mul(quarter) }, 1); // [B, 6, T], roughly unit scale
        var change = torch.cat(new[] { torch.zeros(b, 6, 1, dtype: m.dtype, device: m.device), m.narrow(2, 1, t - 1).sub(m.narrow(2, 0, t - 1)) }, 2).mul(eight);
        return torch.cat(new[] { m, change }, 1).MoveToOuterDisposeScope();
    }
}

/// <summary>What one forward pass of a <see cref="ClipClassifierModule"/> gives.</summary>
/// <param name="Clip">Clip features <c>[B, D]</c> (the FVD feature).</param>
/// <param name="Frame">Frame features <c>[B*T, d]</c>.</param>
/// <param name="Logits">Clip-level logits per head <c>[B, K]</c>.</param>
/// <param name="FrameLogits">Per-frame logits <c>[B*T, K]</c> of the per-frame heads (null entries for clip heads), or null.</param>
public sealed record ClassifierOutput(Tensor Clip, Tensor Frame, Tensor[] Logits, Tensor?[]? FrameLogits);

/// <summary>
/// The offline clip classifier of a domain, loaded from <c>data/clip-classifiers/&lt;domain&gt;.pt</c> + <c>.json</c>:
/// the default FVD/KVD/per-frame-FID feature network (its penultimate clip features), the classifier of the 3D Inception
/// Score (the joint softmax of <see cref="ClipClassifierConfig.InceptionHeads"/>) and of the clip-set statistics
/// (per-head class histograms). Its numbers are labelled <c>classifier/&lt;domain&gt;@&lt;sha&gt;</c>, the hash taken
/// from the weights actually loaded, and are NOT comparable with published (I3D) FVD.
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb.</remarks>
public sealed class ClipClassifier : IVideoFeatureNetwork
{
    /// <summary>The shipped classifiers' folder, relative to the repository root.</summary>
    public const string ShippedFolder = "data/clip-classifiers";

    readonly Device _device;

    /// <summary>The module (eval mode).</summary>
    public ClipClassifierModule Module { get; }
    /// <summary>Training report (held-out accuracy, command, time), when loaded from a file.</summary>
    public ClipClassifierReport? Report { get; }

    public string Name { get; }
    public string WeightsSha256 { get; }
    public int FeatureDim => Module.Config.ClipFeatureDim;
    public int FrameFeatureDim => Module.Config.FrameChannels[^1];
    /// <summary>The motion stream's temporal receptive field is 9 frames; shorter clips are mostly padding.</summary>
    public int MinFrames => 8;
    public string Preprocessing => $"uint8 -> [-1,1]; channels converted to {Module.Config.InChannels}; per-frame bilinear resize to {Module.Config.InputSize}x{Module.Config.InputSize}; " +
                                   $"clip features = {FeatureDim}-d penultimate layer (time-pooled frame features + motion stream); frame features = pooled {FrameFeatureDim}-d 2D output";
    public bool ComparableWithPublishedFvd => false;
    /// <summary>The heads, in logit order.</summary>
    public IReadOnlyList<ClassifierHead> Heads => Module.Config.Heads;

    /// <summary>Wraps a module; the name's hash is computed from the module's own parameters (what is really loaded).</summary>
    public ClipClassifier(ClipClassifierModule module, ClipClassifierReport? report = null, Device? device = null)
    {
        Module = module; Report = report;
        WeightsSha256 = Fingerprint.OfModule(module);
        Name = $"classifier/{module.Config.Domain}@{WeightsSha256[..8]}";
        _device = device ?? Runtime.TorchRuntime.Device;
        Module.to(_device); Module.eval();
    }

    /// <summary>Loads <paramref name="path"/> (a PyTorch state_dict written by save_py) and its <c>.json</c> report beside it.</summary>
    public static ClipClassifier Load(string path, Device? device = null)
    {
        string json = Path.ChangeExtension(path, ".json");
        if (!File.Exists(path)) throw new FileNotFoundException($"Clip classifier weights '{path}' not found. Train them with `videogan train-classifier` (see {ShippedFolder}/README.md).", path);
        if (!File.Exists(json)) throw new FileNotFoundException($"Clip classifier report '{json}' (beside the weights '{path}') not found; it holds the architecture. Retrain with `videogan train-classifier`.", json);
        ClipClassifierReport report;
        try
        {
            report = JsonSerializer.Deserialize<ClipClassifierReport>(File.ReadAllText(json), ClipClassifierReport.JsonOptions)
                     ?? throw new InvalidDataException($"'{json}' is empty.");
        }
        catch (JsonException e) { throw new InvalidDataException($"Clip classifier report '{json}' is not valid JSON ({e.Message}). Retrain with `videogan train-classifier`.", e); }
        var module = new ClipClassifierModule(report.Config);
        int copied = StateDictFile.Load(module, path);
        if (report.WeightsSha256 is { Length: > 0 } expected)
        {
            string actual = Fingerprint.OfModule(module);
            if (actual != expected)
                throw new InvalidDataException($"Clip classifier '{path}': the loaded weights hash to {actual[..12]}, the report '{json}' says {expected[..Math.Min(12, expected.Length)]} " +
                                               $"({copied} tensors copied): the file is corrupt or belongs to another run. Restore it (git checkout {ShippedFolder}) or retrain.");
        }
        return new ClipClassifier(module, report, device);
    }

    /// <summary>The shipped classifier of a domain ("moving-mnist" or "synthetic-faces"), found from the current directory upwards.</summary>
    public static ClipClassifier LoadShipped(string domain = "moving-mnist", Device? device = null) =>
        Load(FindShipped(domain) ?? throw new FileNotFoundException(
            $"No shipped clip classifier '{domain}.pt' under {ShippedFolder}/ in this directory or its parents. Run from the repository, or train one with " +
            $"`videogan train-classifier --domain {domain}`."), device);

    /// <summary>Path of <c>data/clip-classifiers/&lt;domain&gt;.pt</c> above the current directory (or the library), or null.</summary>
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
        var o = Module.Run(clips.to(_device));
        var config = Module.Config;
        var heads = new Dictionary<string, Tensor>();
        for (int i = 0; i < config.Heads.Length; i++)
        {
            var head = config.Heads[i];
            if (head.MultiLabel) continue;
            heads[head.Name] = torch.softmax(o.Logits[i].to(float64), 1).cpu().MoveToOuterDisposeScope();
        }
        var joint = config.InceptionHeads.Length > 0 ? JointProbabilities(heads, config.InceptionHeads) : null;
        return new NetworkOutput(o.Clip.to(float64).cpu().MoveToOuterDisposeScope(), joint?.MoveToOuterDisposeScope(),
                                 o.Frame.to(float64).cpu().MoveToOuterDisposeScope()) { HeadProbabilities = heads };
    }

    /// <summary>
    /// The joint label of the 3D Inception Score: the outer product of the named single-label heads' probabilities,
    /// <c>[N, K1 * K2 * ...]</c> (the first head's class varies slowest). Throws, naming the head, when a name is not a
    /// single-label head of this classifier (a multi-label head's probabilities do not sum to one).
    /// </summary>
    public Tensor JointProbabilities(IReadOnlyDictionary<string, Tensor> heads, IReadOnlyList<string> names)
    {
        if (names.Count == 0) throw new ArgumentException("The joint label needs at least one head.", nameof(names));
        Tensor? joint = null;
        foreach (var n in names)
        {
            if (Heads.FirstOrDefault(h => h.Name == n) is not { MultiLabel: false })
                throw new ArgumentException($"Inception head '{n}' is not a single-label head of {Name} (single-label heads: {string.Join(", ", Heads.Where(h => !h.MultiLabel).Select(h => h.Name))}).");
            joint = joint is null ? heads[n].clone() : (joint.unsqueeze(2) * heads[n].unsqueeze(1)).flatten(1);
        }
        return joint!;
    }

    /// <summary>Classes of the joint label of <paramref name="names"/> (the product of the heads' class counts).</summary>
    public int JointClassCount(IReadOnlyList<string> names) => names.Select(n => Heads.First(h => h.Name == n).Classes.Length).Aggregate(1, (a, b) => a * b);

    /// <summary>
    /// Per-frame class probabilities <c>[B, T, K]</c> of a per-frame head (e.g. "digit": what each frame shows), for
    /// clips <c>[B, C, T, H, W]</c> in [-1, 1].
    /// </summary>
    public Tensor FrameProbabilities(Tensor clips, string head)
    {
        int i = Array.FindIndex(Module.Config.Heads, h => h.Name == head);
        if (i < 0 || !Module.Config.Heads[i].PerFrame)
            throw new ArgumentException($"'{head}' is not a per-frame head of {Name} (per-frame heads: {string.Join(", ", Module.Config.Heads.Where(h => h.PerFrame).Select(h => h.Name))}).");
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var o = Module.Run(clips.to(_device));
        return torch.softmax(o.FrameLogits![i]!.to(float64), 1).reshape(clips.shape[0], clips.shape[2], -1).cpu().MoveToOuterDisposeScope();
    }

    public void Dispose() => Module.Dispose();
}

/// <summary>What a clip-classifier training run produced: config, data, held-out accuracy, the command, time and machine.</summary>
public sealed record ClipClassifierReport
{
    public required ClipClassifierConfig Config { get; init; }
    /// <summary>SHA-256 of the trained parameters (<see cref="Fingerprint.OfModule"/>); a load that gives another hash is refused.</summary>
    public required string WeightsSha256 { get; init; }
    /// <summary>The exact command that reproduces the weights.</summary>
    public required string Command { get; init; }
    /// <summary>Training data description (generator, options, digit pool, seed).</summary>
    public required string TrainingData { get; init; }
    /// <summary>Held-out data description (the disjoint pool).</summary>
    public required string HeldOutData { get; init; }
    /// <summary>Held-out accuracy per head and per head/family ("digit/28px-casestudy"); multi-label heads: the top-k classes equal the true set.</summary>
    public required Dictionary<string, double> HeldOutAccuracy { get; init; }
    /// <summary>Held-out clips per family.</summary>
    public required Dictionary<string, int> HeldOutClips { get; init; }
    public required int Steps { get; init; }
    public required int BatchSize { get; init; }
    public required int Seed { get; init; }
    public required double Seconds { get; init; }
    public required int Threads { get; init; }
    public required string Machine { get; init; }
    public required double FinalLoss { get; init; }
    public string Note { get; init; } = "Offline clip classifier: distances computed with it are NOT comparable with published (I3D) FVD.";

    internal static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };
}

/// <summary>Copies a PyTorch state_dict file into a module: every key must be present with its shape, every value a usable tensor.</summary>
public static class StateDictFile
{
    /// <summary>
    /// Loads <paramref name="file"/> (zip-format torch.save of a state_dict, as TorchSharp.PyBridge save_py writes) into
    /// <paramref name="model"/> and returns how many tensors were copied. Fails loudly — naming the file and the key —
    /// on a missing or unexpected key, a shape mismatch, or a value that is not a tensor of this process's TorchSharp
    /// (two TorchSharp assemblies in one host would otherwise leave random weights under a shipped file's name).
    /// </summary>
    public static int Load(nn.Module model, string file)
    {
        if (!File.Exists(file)) throw new FileNotFoundException($"State dict '{file}' not found.", file);
        Hashtable source;
        // Read from memory: the unpickler keeps the stream it is given open, and a file left open blocks a later write.
        try { source = TorchSharp.PyBridge.PyTorchUnpickler.UnpickleStateDict(new MemoryStream(File.ReadAllBytes(file), writable: false)); }
        catch (Exception e) when (e is not FileNotFoundException)
        {
            throw new InvalidDataException($"Could not read '{file}' as a PyTorch state_dict ({e.GetType().Name}: {e.Message}). " +
                                           "It must be a zip-format torch.save of a state_dict; re-save legacy files with torch.save(torch.load(f), f2).", e);
        }
        var target = model.state_dict();
        var missing = target.Keys.Where(k => !source.ContainsKey(k) && !k.EndsWith("num_batches_tracked", StringComparison.Ordinal)).ToList();
        var unexpected = source.Keys.Cast<string>().Where(k => !target.ContainsKey(k)).ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException($"'{file}' does not match the {model.GetName()} layout: missing [{string.Join(", ", missing.Take(8))}{(missing.Count > 8 ? ", ..." : "")}], " +
                                           $"unexpected [{string.Join(", ", unexpected.Take(8))}{(unexpected.Count > 8 ? ", ..." : "")}].");
        int copied = 0;
        using (torch.no_grad())
        {
            foreach (var (key, dst) in target)
            {
                if (!source.ContainsKey(key)) continue; // num_batches_tracked only (checked above)
                if (source[key] is not Tensor src)
                    throw new InvalidDataException($"'{file}': '{key}' was read as {source[key]?.GetType().AssemblyQualifiedName ?? "null"}, not a TorchSharp tensor of this process " +
                                                   $"({typeof(Tensor).Assembly.Location}). Two TorchSharp assemblies are loaded: reference the library's TorchSharp only (see environment.md).");
                if (!src.shape.SequenceEqual(dst.shape))
                    throw new InvalidDataException($"'{file}': '{key}' has shape [{string.Join(", ", src.shape)}], the model expects [{string.Join(", ", dst.shape)}].");
                if (src.is_floating_point() && !src.isfinite().all().item<bool>())
                    throw new InvalidDataException($"'{file}': '{key}' holds NaN or infinite values: the weights are corrupt. Restore or retrain them.");
                dst.copy_(src.to(dst.dtype));
                src.Dispose();
                copied++;
            }
        }
        int expectedCount = target.Keys.Count(k => source.ContainsKey(k));
        if (copied != expectedCount || copied == 0)
            throw new InvalidDataException($"'{file}': copied {copied} of {expectedCount} tensors into {model.GetName()}.");
        return copied;
    }
}
