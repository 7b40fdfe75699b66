using System.Text.Json.Serialization;
using VideoGan.Metrics;
using VideoGan.Models;
using VideoGan.Training;
using static TorchSharp.torch;

namespace VideoGan.Experiments;

/// <summary>How generated clips are scored: how many, the bootstrap, the seed of the generated latents.</summary>
/// <remarks>Taught in notebooks/06-results.ipynb.</remarks>
public sealed record EvaluationSettings
{
    /// <summary>Generated clips per variant; equal to the real clips' N, since FVD must be compared at equal N.</summary>
    public int Clips { get; init; } = 256;
    /// <summary>Bootstrap resamples for the confidence intervals.</summary>
    public int Bootstrap { get; init; } = 100;
    /// <summary>Coverage of the intervals.</summary>
    public double Level { get; init; } = 0.95;
    /// <summary>Seed of the generated latents (stream "samples") and of the bootstrap.</summary>
    public int Seed { get; init; }
    /// <summary>Clips per feature-network batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Throws naming the bad setting.</summary>
    public void Validate()
    {
        if (Clips < 2) throw new ArgumentOutOfRangeException(nameof(Clips), Clips, "EvaluationSettings.Clips must be >= 2 (FVD needs a covariance).");
        if (Bootstrap < 2) throw new ArgumentOutOfRangeException(nameof(Bootstrap), Bootstrap, "EvaluationSettings.Bootstrap must be >= 2 (100-1000 is typical).");
        if (Level is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Level), Level, "EvaluationSettings.Level must be in (0, 1), e.g. 0.95.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "EvaluationSettings.BatchSize must be >= 1.");
    }
}

/// <summary>What a comparison's numbers mean: network, weights, real data, N, bootstrap. Printed and saved with every result.</summary>
/// <param name="Network">Feature network name (includes a weights-hash prefix).</param>
/// <param name="NetworkWeightsSha256">SHA-256 of its weights.</param>
/// <param name="Caveat">Why the FVD here is not published-I3D FVD.</param>
/// <param name="RealData">Which real clips.</param>
/// <param name="RealFingerprint">SHA-256 of the real clips' pixels.</param>
/// <param name="NReal">Real clips.</param>
/// <param name="NFake">Generated clips per variant.</param>
/// <param name="Frames">Frames per clip.</param>
/// <param name="Bootstrap">Bootstrap resamples.</param>
/// <param name="Level">Interval coverage.</param>
/// <param name="Seed">Latent and bootstrap seed.</param>
public sealed record ComparisonProtocol(string Network, string NetworkWeightsSha256, string Caveat, string RealData, string RealFingerprint,
                                        long NReal, long NFake, long Frames, int Bootstrap, double Level, int Seed);

/// <summary>The metrics of one set of generated clips against the reference.</summary>
/// <param name="Fvd">Fréchet distance of the feature network's clip features ("FVD", offline network), with its bootstrap interval.</param>
/// <param name="Kvd">Unbiased polynomial-kernel MMD² on the same features, with its bootstrap interval.</param>
/// <param name="MotionRatio">Generated / real mean frame-to-frame change (1 = real-like motion, 0 = frozen clips); null when the real clips do not move.</param>
/// <param name="FlickerRatio">Generated / real global brightness flicker; null when the real clips never flicker (binary digits).</param>
/// <param name="Warnings">Guard-rail warnings (N below the feature dimension, short clips).</param>
public sealed record MetricSet(ConfidenceInterval Fvd, ConfidenceInterval Kvd, double? MotionRatio, double? FlickerRatio, IReadOnlyList<string> Warnings);

/// <summary>
/// The fixed side of the protocol: one feature network and one set of real clips, whose features are extracted once.
/// Every generator, variant or checkpoint is scored against the same features with the same N and bootstrap, so their
/// numbers can be compared with each other (and only with each other: offline-network FVD is not published I3D FVD).
/// </summary>
/// <remarks>Taught in notebooks/06-results.ipynb.</remarks>
public sealed class EvaluationReference : IDisposable
{
    readonly ExtractedFeatures _real;

    /// <summary>Extracts the real clips' features with <paramref name="network"/> (the network is not disposed here).</summary>
    public EvaluationReference(IVideoFeatureNetwork network, Tensor realClips, string realDescription, EvaluationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(network);
        settings.Validate();
        if (realClips.dim() != 5) throw new ArgumentException($"Real clips must be [N, C, T, H, W], got [{string.Join(", ", realClips.shape)}].", nameof(realClips));
        if (realClips.shape[0] != settings.Clips)
            throw new ArgumentException($"The protocol compares at equal N: {realClips.shape[0]} real clips but EvaluationSettings.Clips = {settings.Clips}; make them equal.", nameof(realClips));
        Network = network;
        Settings = settings;
        ClipShape = realClips.shape.Skip(1).ToArray();
        _real = FeatureExtraction.Run(network, realClips, settings.BatchSize);
        Protocol = new ComparisonProtocol(network.Name, network.WeightsSha256,
            network.ComparableWithPublishedFvd ? "I3D (Kinetics-400) features: published-FVD protocol"
                : $"offline feature network '{network.Name}': numbers are NOT comparable with published I3D FVD, only with each other",
            realDescription, Fingerprint.OfClips(realClips), realClips.shape[0], settings.Clips, realClips.shape[2], settings.Bootstrap, settings.Level, settings.Seed);
    }

    /// <summary>The feature network.</summary>
    public IVideoFeatureNetwork Network { get; }
    /// <summary>N, bootstrap and seed.</summary>
    public EvaluationSettings Settings { get; }
    /// <summary>Everything that decides what the numbers mean.</summary>
    public ComparisonProtocol Protocol { get; }
    /// <summary><c>[C, T, H, W]</c> of the real clips; generated clips must match.</summary>
    public long[] ClipShape { get; }
    /// <summary>Temporal statistics of the real clips.</summary>
    public TemporalStats RealTemporal => _real.Temporal;

    /// <summary>Scores generated (or other) clips <c>[N, C, T, H, W]</c> in [-1, 1] against the reference.</summary>
    public MetricSet Score(Tensor clips)
    {
        if (clips.dim() != 5 || !clips.shape.Skip(1).SequenceEqual(ClipShape))
            throw new ArgumentException($"Clips must be [N, {string.Join(", ", ClipShape)}] like the real clips, got [{string.Join(", ", clips.shape)}].", nameof(clips));
        if (clips.shape[0] != Settings.Clips)
            throw new ArgumentException($"The protocol compares at equal N: got {clips.shape[0]} clips, the reference has {Settings.Clips}.", nameof(clips));
        using var fake = FeatureExtraction.Run(Network, clips, Settings.BatchSize);
        var warnings = new List<string>(fake.Warnings);
        warnings.AddRange(MetricGuards.CheckSampleCounts(_real.Count, fake.Count, (int)_real.Features.shape[1]));
        var fvd = Bootstrap.Frechet(_real.Features, fake.Features, Settings.Bootstrap, Settings.Level, Settings.Seed);
        var kvd = Bootstrap.Interval(_real.Features, fake.Features, KernelDistance.PolynomialMmd2, Settings.Bootstrap, Settings.Level, Settings.Seed);
        var t = TemporalDiagnostics.Compare(_real.Temporal, fake.Temporal);
        return new MetricSet(fvd, kvd, t.MotionRatio, t.FlickerRatio, warnings.Distinct().ToList());
    }

    /// <summary>Samples <see cref="EvaluationSettings.Clips"/> clips from <paramref name="generator"/> (latent stream "samples" of the seed) and scores them.</summary>
    public MetricSet Score(VideoGeneratorBase generator)
    {
        using var scope = NewDisposeScope();
        return Score(SampleClips(generator, Settings.Clips, Settings.Seed, Settings.BatchSize));
    }

    /// <summary>
    /// <paramref name="count"/> clips <c>[N, C, T, H, W]</c> (CPU) from latents of the named stream "samples" of
    /// <paramref name="seed"/>, in eval mode without gradients, on the generator's own device; its training mode is restored.
    /// </summary>
    public static Tensor SampleClips(VideoGeneratorBase generator, int count, int seed, int batchSize = 32)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Sample at least one clip.");
        bool wasTraining = generator.training;
        var device = generator.parameters().FirstOrDefault()?.device ?? CPU;
        generator.eval();
        try
        {
            using var _ = no_grad();
            using var rng = Runtime.Seeding.CreateGenerator(seed, "samples");
            var parts = new List<Tensor>();
            for (int i = 0; i < count; i += batchSize)
            {
                using var step = NewDisposeScope();
                var z = generator.SampleLatent(Math.Min(batchSize, count - i), rng).to(device);
                parts.Add(generator.call(z).cpu().MoveToOuterDisposeScope());
            }
            var all = cat(parts, 0);
            foreach (var p in parts) p.Dispose();
            return all;
        }
        finally
        {
            generator.train(wasTraining);
        }
    }

    /// <summary>Disposes the real features (not the network).</summary>
    public void Dispose() => _real.Dispose();
}

/// <summary>FVD and KVD of one checkpoint of a run.</summary>
/// <param name="Step">Training step of the checkpoint.</param>
/// <param name="Checkpoint">Its file name.</param>
/// <param name="Metrics">Its scores (EMA generator when the run has one).</param>
public sealed record CheckpointScore(long Step, string Checkpoint, MetricSet Metrics);

/// <summary>Scores over training: "FVD over steps" from the checkpoints of a run folder.</summary>
/// <remarks>Taught in notebooks/06-results.ipynb.</remarks>
public static class RunEvaluation
{
    /// <summary>
    /// Scores every checkpoint of <paramref name="runDirectory"/> (oldest first; at most <paramref name="maxCheckpoints"/>,
    /// spread evenly and always including the last) against <paramref name="reference"/>, using the EMA weights when present.
    /// </summary>
    public static IReadOnlyList<CheckpointScore> FvdOverSteps(string runDirectory, EvaluationReference reference, int maxCheckpoints = int.MaxValue)
    {
        var all = Checkpoints.List(runDirectory);
        if (all.Count == 0) throw new FileNotFoundException($"Run folder '{runDirectory}' has no checkpoints (expected checkpoints/step-*.ckpt); train with checkpointEvery > 0.");
        if (maxCheckpoints < 1) throw new ArgumentOutOfRangeException(nameof(maxCheckpoints), maxCheckpoints, "Score at least one checkpoint.");
        var chosen = all.Count <= maxCheckpoints ? all
            : Enumerable.Range(0, maxCheckpoints).Select(i => all[(int)Math.Round(i * (all.Count - 1.0) / (maxCheckpoints - 1 == 0 ? 1 : maxCheckpoints - 1))])
                .Append(all[^1]).Distinct().ToList();
        var result = new List<CheckpointScore>();
        foreach (var path in chosen)
        {
            var config = Checkpoints.ReadConfig(path);
            using var g = ModelFactory.CreateGenerator(config.Model);
            Checkpoints.LoadGenerator(path, g, preferEma: true);
            result.Add(new CheckpointScore(Checkpoints.ReadStep(path), Path.GetFileName(path), reference.Score(g)));
        }
        return result;
    }
}
