using TorchSharp;
using static TorchSharp.torch;

namespace VideoGan.Metrics;

/// <summary>
/// A network that turns clips into features for FVD/KVD (and, where it has them, class probabilities for the 3D
/// Inception Score and per-frame 2D features for per-frame FID). Implemented by <see cref="I3dFeatureNetwork"/>
/// (the published FVD protocol) and <see cref="ClipClassifier"/> (the offline clip classifier trained here).
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb ("features" step).</remarks>
public interface IVideoFeatureNetwork : IDisposable
{
    /// <summary>Short name printed beside every number, e.g. "i3d-kinetics400" or "classifier/moving-mnist@1a2b3c4d".</summary>
    string Name { get; }
    /// <summary>SHA-256 of the weights file (or of the parameters), part of every cache key and JSON protocol.</summary>
    string WeightsSha256 { get; }
    /// <summary>Clip feature dimension d.</summary>
    int FeatureDim { get; }
    /// <summary>Per-frame (2D) feature dimension, 0 when the network has no frame features.</summary>
    int FrameFeatureDim { get; }
    /// <summary>Fewest frames the network's temporal receptive field needs.</summary>
    int MinFrames { get; }
    /// <summary>How clips are turned into network input (quantisation, channels, resize, range).</summary>
    string Preprocessing { get; }
    /// <summary>True only for I3D with the published Kinetics-400 weights: other numbers are not published-FVD comparable.</summary>
    bool ComparableWithPublishedFvd { get; }
    /// <summary>Features of clips <c>[B, C, T, H, W]</c> in [-1, 1] (C = 1 or 3).</summary>
    NetworkOutput Forward(Tensor clips);
}

/// <summary>One batch of network outputs (all on the CPU, float64, owned by the caller).</summary>
/// <param name="Features">Clip features <c>[B, d]</c>.</param>
/// <param name="Probabilities">Class probabilities <c>[B, K]</c> for the Inception Score, or null.</param>
/// <param name="FrameFeatures">Frame features <c>[B*T, d2]</c>, or null.</param>
public sealed record NetworkOutput(Tensor Features, Tensor? Probabilities, Tensor? FrameFeatures)
{
    /// <summary>Softmax of each single-label classifier head <c>[B, K]</c>, by head name (empty for networks without heads).</summary>
    public IReadOnlyDictionary<string, Tensor> HeadProbabilities { get; init; } = new Dictionary<string, Tensor>();
}

/// <summary>Every output of a network over a whole set of clips, plus the guard-rail warnings it raised.</summary>
public sealed class ExtractedFeatures : IDisposable
{
    /// <summary>Clip features <c>[N, d]</c>, float64 CPU.</summary>
    public required Tensor Features { get; init; }
    /// <summary>Class probabilities <c>[N, K]</c>, or null.</summary>
    public Tensor? Probabilities { get; init; }
    /// <summary>Frame features <c>[N*T, d2]</c>, or null.</summary>
    public Tensor? FrameFeatures { get; init; }
    /// <summary>Softmax of each single-label classifier head <c>[N, K]</c>, by head name.</summary>
    public IReadOnlyDictionary<string, Tensor> HeadProbabilities { get; init; } = new Dictionary<string, Tensor>();
    /// <summary>Temporal statistics of the same clips.</summary>
    public required TemporalStats Temporal { get; init; }
    /// <summary>Per-clip speeds and the grey-pixel fraction of the same clips.</summary>
    public PixelSummary Pixels { get; init; } = new(Array.Empty<double>(), 0);
    /// <summary>Warnings (short clips) raised while extracting.</summary>
    public required IReadOnlyList<string> Warnings { get; init; }
    /// <summary>Number of clips.</summary>
    public long Count => Features.shape[0];
    /// <summary>Frames per clip.</summary>
    public long Frames => Temporal.Frames;

    public void Dispose()
    {
        Features.Dispose(); Probabilities?.Dispose(); FrameFeatures?.Dispose();
        foreach (var p in HeadProbabilities.Values) p.Dispose();
    }
}

/// <summary>Runs a feature network over batches of clips, in eval mode without gradients.</summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb ("features" step).</remarks>
public static class FeatureExtraction
{
    /// <summary>Extracts features from a sequence of clip batches <c>[B, C, T, H, W]</c> in [-1, 1], up to <paramref name="maxClips"/>.</summary>
    public static ExtractedFeatures Run(IVideoFeatureNetwork network, IEnumerable<Tensor> batches, long maxClips = long.MaxValue)
    {
        var feats = new List<Tensor>(); var probs = new List<Tensor>(); var frames = new List<Tensor>();
        var heads = new Dictionary<string, List<Tensor>>();
        var temporal = new TemporalDiagnostics();
        var pixels = new PixelStatistics();
        var warnings = new List<string>();
        long count = 0;
        using (torch.no_grad())
        {
            foreach (var batch0 in batches)
            {
                if (count >= maxClips) break;
                using var scope = torch.NewDisposeScope();
                var batch = batch0.dim() == 4 ? batch0.unsqueeze(0) : batch0;
                if (batch.dim() != 5) throw new ArgumentException($"Clips must be [B, C, T, H, W], got [{string.Join(", ", batch0.shape)}].");
                if (count + batch.shape[0] > maxClips) batch = batch.narrow(0, 0, maxClips - count);
                if (count == 0 && MetricGuards.CheckClipLength(batch.shape[2], network.MinFrames, network.Name) is { } w) warnings.Add(w);
                temporal.Add(batch);
                pixels.Add(batch);
                var o = network.Forward(batch);
                foreach (var (name, p) in o.HeadProbabilities)
                {
                    if (!heads.TryGetValue(name, out var list)) heads[name] = list = new List<Tensor>();
                    list.Add(p.to(float64).cpu().DetachFromDisposeScope());
                }
                feats.Add(o.Features.to(float64).cpu().DetachFromDisposeScope());
                if (o.Probabilities is not null) probs.Add(o.Probabilities.to(float64).cpu().DetachFromDisposeScope());
                if (o.FrameFeatures is not null) frames.Add(o.FrameFeatures.to(float64).cpu().DetachFromDisposeScope());
                count += batch.shape[0];
            }
        }
        if (count == 0) throw new ArgumentException($"No clips were given to {network.Name}.");
        var result = new ExtractedFeatures
        {
            Features = Cat(feats)!, Probabilities = Cat(probs), FrameFeatures = Cat(frames),
            HeadProbabilities = heads.ToDictionary(kv => kv.Key, kv => Cat(kv.Value)!),
            Temporal = temporal.Result(), Pixels = pixels.Result(), Warnings = warnings,
        };
        return result;
    }

    /// <summary>Extracts features from one tensor of clips, in batches of <paramref name="batchSize"/>.</summary>
    public static ExtractedFeatures Run(IVideoFeatureNetwork network, Tensor clips, int batchSize = 32) =>
        Run(network, Batches(clips, batchSize));

    /// <summary>Splits <c>[N, ...]</c> into views of at most <paramref name="batchSize"/> rows.</summary>
    public static IEnumerable<Tensor> Batches(Tensor clips, int batchSize)
    {
        for (long i = 0; i < clips.shape[0]; i += batchSize)
            yield return clips.narrow(0, i, Math.Min(batchSize, clips.shape[0] - i));
    }

    static Tensor? Cat(List<Tensor> parts)
    {
        if (parts.Count == 0) return null;
        var t = torch.cat(parts, 0);
        foreach (var p in parts) p.Dispose();
        return t;
    }
}
