using System.Collections;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace VideoGan.Metrics;

/// <summary>
/// FVD's published feature extractor: <see cref="InceptionI3d"/> with Kinetics-400 weights and the reference
/// preprocessing — clips quantised to uint8, grayscale repeated to RGB, every frame resized bilinearly to 224x224
/// (no crop, align_corners=false), values mapped to [-1, 1] (2x/255 - 1); features = the 400 logits averaged over
/// time. The weights are not shipped (licence and size): supply <c>i3d_pretrained_400.pt</c> (the piergiaj-layout
/// PyTorch state_dict distributed with VideoGPT's FVD code and its ports) by path or with <see cref="WeightsVariable"/>.
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb (FVD with I3D).</remarks>
public sealed class I3dFeatureNetwork : IVideoFeatureNetwork
{
    /// <summary>Environment variable holding the path of <c>i3d_pretrained_400.pt</c>.</summary>
    public const string WeightsVariable = "VIDEOGAN_I3D_WEIGHTS";

    /// <summary>Where to get the weights (printed when they are missing).</summary>
    public const string WhereToGetWeights =
        "I3D weights not found. FVD with I3D needs the Kinetics-400 state_dict 'i3d_pretrained_400.pt' (piergiaj/pytorch-i3d layout), " +
        "the file VideoGPT's FVD code downloads (wilson1yan/VideoGPT, videogpt/fvd) and that its ports (e.g. JunyaoHu/common_metrics_on_video_quality, " +
        "fvd/videogpt/) carry. Download it, then pass --i3d-weights PATH or set VIDEOGAN_I3D_WEIGHTS=PATH. " +
        "Files saved by PyTorch < 1.6 (legacy format) must be re-saved once: torch.save(torch.load('in.pt'), 'i3d_pretrained_400.pt'). " +
        "Without them, use --network classifier (offline, not comparable with published FVD).";

    readonly InceptionI3d _model;
    readonly Device _device;

    public string Name { get; }
    public string WeightsSha256 { get; }
    public int FeatureDim => _model.NumClasses;
    public int FrameFeatureDim => 0;
    /// <summary>9 frames is the shortest input whose time axis survives the three stride-2 stages and the 2-frame pool; the protocol uses 16.</summary>
    public int MinFrames => 9;
    public string Preprocessing => "uint8 quantisation; grayscale repeated to RGB; per-frame bilinear resize to 224x224 (align_corners=false, no crop); 2x/255-1; " +
                                   "I3D logits [B,400,T'] averaged over time";
    public bool ComparableWithPublishedFvd { get; }

    /// <summary>The underlying module (eval mode).</summary>
    public InceptionI3d Model => _model;

    I3dFeatureNetwork(InceptionI3d model, string name, string sha, bool published, Device? device)
    {
        _device = device ?? Runtime.TorchRuntime.Device;
        _model = model; _model.to(_device); _model.eval();
        Name = name; WeightsSha256 = sha; ComparableWithPublishedFvd = published;
    }

    /// <summary>The path from <paramref name="path"/> or <see cref="WeightsVariable"/>, or null when neither names an existing file.</summary>
    public static string? FindWeights(string? path = null)
    {
        string? p = string.IsNullOrWhiteSpace(path) ? Environment.GetEnvironmentVariable(WeightsVariable) : path;
        return !string.IsNullOrWhiteSpace(p) && File.Exists(p) ? p : null;
    }

    /// <summary>Loads the Kinetics-400 weights; throws <see cref="FileNotFoundException"/> with <see cref="WhereToGetWeights"/> when absent.</summary>
    public static I3dFeatureNetwork Load(string? path = null, Device? device = null)
    {
        string file = FindWeights(path) ?? throw new FileNotFoundException(
            (path is not null ? $"'{path}' does not exist. " : "") + WhereToGetWeights, path ?? "i3d_pretrained_400.pt");
        var model = new InceptionI3d();
        StateDictFile.Load(model, file);
        // The label's hash is of the weights actually loaded, so a failed copy can never wear the file's name.
        return new I3dFeatureNetwork(model, "i3d-kinetics400", Fingerprint.OfModule(model), published: true, device);
    }

    /// <summary>I3D with random weights: for shape checks and speed measurements only (never a metric).</summary>
    public static I3dFeatureNetwork CreateUntrained(int seed = 0, Device? device = null)
    {
        torch.random.manual_seed(seed);
        var model = new InceptionI3d();
        return new I3dFeatureNetwork(model, "i3d-random-weights", Fingerprint.OfModule(model), published: false, device);
    }

    /// <summary>The reference preprocessing: clips <c>[B, C, T, H, W]</c> in [-1, 1] to I3D input <c>[B, 3, T, 224, 224]</c>.</summary>
    public static Tensor Preprocess(Tensor clips)
    {
        if (clips.dim() != 5 || (clips.shape[1] != 1 && clips.shape[1] != 3))
            throw new ArgumentException($"Clips must be [B, 1|3, T, H, W], got [{string.Join(", ", clips.shape)}].");
        using var scope = torch.NewDisposeScope();
        long b = clips.shape[0], t = clips.shape[2];
        var u8 = ((clips.to(float32) + 1) * 127.5).round().clamp(0, 255); // the uint8 values the protocol starts from
        if (u8.shape[1] == 1) u8 = u8.expand(b, 3, t, clips.shape[3], clips.shape[4]);
        var frames = u8.permute(0, 2, 1, 3, 4).reshape(b * t, 3, clips.shape[3], clips.shape[4]);
        var resized = nn.functional.interpolate(frames, new long[] { 224, 224 }, mode: InterpolationMode.Bilinear, align_corners: false);
        var x = resized.reshape(b, t, 3, 224, 224).permute(0, 2, 1, 3, 4) * (2.0 / 255.0) - 1.0;
        return x.contiguous().MoveToOuterDisposeScope();
    }

    public NetworkOutput Forward(Tensor clips)
    {
        if (clips.dim() == 5 && clips.shape[2] < MinFrames)
            throw new ArgumentException($"I3D needs at least {MinFrames} frames per clip (the FVD protocol uses 16); got T={clips.shape[2]}.");
        using var scope = torch.NewDisposeScope();
        using var _ = torch.no_grad();
        var x = Preprocess(clips.to(_device));
        var logits = _model.call(x).mean(new long[] { 2 }); // [B, 400]: logits averaged over time
        var feats = logits.to(float64).cpu();
        var probs = torch.softmax(feats, 1);
        return new NetworkOutput(feats.MoveToOuterDisposeScope(), probs.MoveToOuterDisposeScope(), null);
    }

    public void Dispose() => _model.Dispose();
}
