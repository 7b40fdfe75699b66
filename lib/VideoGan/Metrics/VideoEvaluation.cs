using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using VideoGan.Data;
using VideoGan.Models;
using static TorchSharp.torch;
using VideoGan.Runtime;

namespace VideoGan.Metrics;

/// <summary>A set of clips to evaluate: a description, a fingerprint and a way to stream it in batches.</summary>
/// <param name="Description">What it is (printed and saved).</param>
/// <param name="Fingerprint">Identifies the data exactly (part of the cache key for real data).</param>
/// <param name="Count">Number of clips.</param>
/// <param name="Frames">Frames per clip.</param>
/// <param name="Batches">Streams <c>[B, C, T, H, W]</c> batches in [-1, 1] (each batch disposed by the consumer's scope).</param>
public sealed record ClipSet(string Description, string Fingerprint, long Count, long Frames, Func<int, IEnumerable<Tensor>> Batches)
{
    /// <summary>Clips held in a <see cref="VideoClips"/> (uint8), cut to <paramref name="frames"/> frames.</summary>
    public static ClipSet FromVideoClips(VideoClips clips, string description, string fingerprint, int frames = 0)
    {
        int t = frames <= 0 ? clips.Frames : Math.Min(frames, clips.Frames);
        return new ClipSet(description, fingerprint, clips.Count, t, bs => Enumerable.Range(0, (clips.Count + bs - 1) / bs)
            .Select(i => clips.ToTensor(Enumerable.Range(i * bs, Math.Min(bs, clips.Count - i * bs)).ToArray(), t)));
    }

    /// <summary>Clips in a tensor <c>[N, C, T, H, W]</c> in [-1, 1] (kept by reference).</summary>
    public static ClipSet FromTensor(Tensor clips, string description) =>
        new(description, Metrics.Fingerprint.OfClips(clips), clips.shape[0], clips.shape[2], bs => FeatureExtraction.Batches(clips, bs));

    /// <summary><paramref name="count"/> clips from a generator with seeded latents (eval mode, no gradients).</summary>
    public static ClipSet FromGenerator(VideoGeneratorBase generator, long count, string description, string weightsFingerprint, int seed = 0)
    {
        var probe = generator.SampleLatent(1);
        probe.Dispose();
        return new ClipSet(description, Metrics.Fingerprint.OfText($"{weightsFingerprint}/seed={seed}/n={count}"), count, -1, bs => Sample(generator, count, bs, seed));
    }

    static IEnumerable<Tensor> Sample(VideoGeneratorBase g, long count, int bs, int seed)
    {
        g.eval();
        var rng = Runtime.Seeding.CreateGenerator(seed, "evaluate/latents");
        for (long done = 0; done < count; done += bs)
        {
            using var _ = torch.no_grad();
            var z = g.SampleLatent(Math.Min(bs, count - done), rng);
            var x = g.call(z.to(Runtime.TorchRuntime.Device)).cpu();
            z.Dispose();
            yield return x;
        }
    }
}

/// <summary>Everything <c>videogan evaluate</c> reports, with the full protocol; serialised as the JSON output.</summary>
public sealed record EvaluationReport
{
    public required string Network { get; init; }
    public required string Caveat { get; init; }
    public required EvaluationProtocol Protocol { get; init; }
    public required string Real { get; init; }
    public required string Fake { get; init; }
    public required string FakeFingerprint { get; init; }
    public required long NReal { get; init; }
    public required long NFake { get; init; }
    /// <summary>FVD (Fréchet distance of clip features) with its bootstrap interval.</summary>
    public required ConfidenceInterval Fvd { get; init; }
    /// <summary>KVD (unbiased polynomial-kernel MMD^2 of clip features).</summary>
    public required double Kvd { get; init; }
    /// <summary>Per-frame FID (Fréchet distance of the network's 2D frame features), null when the network has none.</summary>
    public double? FrameFid { get; init; }
    /// <summary>3D Inception Score of the generated clips (network classifier), null when it has none.</summary>
    public double? InceptionScore { get; init; }
    /// <summary>The same score on the real clips: the ceiling to compare with.</summary>
    public double? InceptionScoreReal { get; init; }
    public required TemporalComparison Temporal { get; init; }
    public required IReadOnlyList<string> Warnings { get; init; }
    public required bool RealFromCache { get; init; }
    public required double Seconds { get; init; }
    public DateTime CreatedUtc { get; init; } = DateTime.UtcNow;

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Writes <see cref="ToJson"/> atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>A plain-text table; every number is labelled with the network that produced it.</summary>
    public string ToTable()
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine($"network : {Network}");
        sb.AppendLine($"note    : {Caveat}");
        sb.AppendLine($"real    : {Real} (N={NReal}{(RealFromCache ? ", features from cache" : "")})");
        sb.AppendLine($"fake    : {Fake} (N={NFake})");
        sb.AppendLine($"frames  : {Protocol.Frames}, {Protocol.Preprocessing}");
        sb.AppendLine();
        sb.AppendLine($"{"metric",-26} {"value",12}  detail");
        sb.AppendLine(string.Format(ci, "{0,-26} {1,12:G6}  {2:P0} CI [{3:G6}, {4:G6}], {5} bootstrap resamples", $"FVD [{Network}]", Fvd.Estimate, Fvd.Level, Fvd.Lower, Fvd.Upper, Fvd.Resamples));
        sb.AppendLine(string.Format(ci, "{0,-26} {1,12:G6}  unbiased MMD^2, k(x,y) = (x.y/d + 1)^3", $"KVD [{Network}]", Kvd));
        if (FrameFid is { } f) sb.AppendLine(string.Format(ci, "{0,-26} {1,12:G6}  Fréchet distance of 2D frame features", $"per-frame FID [{Network}]", f));
        if (InceptionScore is { } s) sb.AppendLine(string.Format(ci, "{0,-26} {1,12:G5}  real clips: {2:G5}", $"3D IS [{Network}]", s, InceptionScoreReal));
        var t = Temporal;
        sb.AppendLine(string.Format(ci, "{0,-26} {1,12:G4}  fake {2:G4} vs real {3:G4} mean |x[t+1]-x[t]| (0 = frozen)", "motion ratio", t.MotionRatio, t.Fake.Motion, t.Real.Motion));
        sb.AppendLine(string.Format(ci, "{0,-26} {1,12:G4}  real {2:G4}; |last-first| / motion (~1 loops)", "loop closure (fake)", t.Fake.LoopClosure, t.Real.LoopClosure));
        sb.AppendLine(string.Format(ci, "{0,-26} {1,12:G4}  fake {2:G4} vs real {3:G4} mean |Δ frame mean|", "flicker ratio", t.FlickerRatio, t.Fake.Flicker, t.Real.Flicker));
        foreach (var w in Warnings) sb.AppendLine($"warning : {w}");
        return sb.ToString();
    }
}

/// <summary>Options of <see cref="VideoEvaluation.Evaluate"/>.</summary>
public sealed record EvaluationOptions
{
    public int BatchSize { get; init; } = 32;
    /// <summary>Bootstrap resamples for the FVD interval (0 = none).</summary>
    public int Bootstrap { get; init; } = 100;
    public double Level { get; init; } = 0.95;
    public int Seed { get; init; } = 0;
    /// <summary>Where real features are cached; null = <see cref="RealFeatureCache.DefaultDirectory"/>; "" = no cache.</summary>
    public string? CacheDirectory { get; init; }
    /// <summary>Data set and split names for the protocol.</summary>
    public string DataSet { get; init; } = "unnamed";
    public string Split { get; init; } = "test";
}

/// <summary>
/// The whole evaluation: real features (cached under the full protocol), generated features, FVD with a bootstrap CI,
/// KVD, per-frame FID, 3D IS and temporal diagnostics, in one report. <c>videogan evaluate</c> is a thin verb over it.
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb.</remarks>
public static class VideoEvaluation
{
    /// <summary>The protocol for a real clip set under a network.</summary>
    public static EvaluationProtocol ProtocolFor(IVideoFeatureNetwork net, ClipSet real, EvaluationOptions o, string resize) =>
        new(net.Name, net.WeightsSha256, net.ComparableWithPublishedFvd, net.Preprocessing, o.DataSet, real.Fingerprint, o.Split,
            real.Count, real.Frames, resize, net.FeatureDim);

    /// <summary>Real features from the cache or extracted (and cached).</summary>
    public static RealFeatureCache.Entry RealFeatures(IVideoFeatureNetwork net, ClipSet real, EvaluationOptions o, string resize = "network default")
    {
        var protocol = ProtocolFor(net, real, o, resize);
        ExtractedFeatures Extract() => FeatureExtraction.Run(net, real.Batches(o.BatchSize), real.Count);
        if (o.CacheDirectory == "")
        {
            var ex = Extract();
            return new RealFeatureCache.Entry(protocol, ex.Features, ex.FrameFeatures is null ? null : GaussianStatistics.FromFeatures(ex.FrameFeatures), ex.Temporal, false,
                                              ex.Probabilities is null ? null : InceptionScore.Compute(ex.Probabilities).Mean);
        }
        return new RealFeatureCache(o.CacheDirectory).GetOrCompute(protocol, Extract);
    }

    /// <summary>Evaluates generated clips against real ones.</summary>
    public static EvaluationReport Evaluate(IVideoFeatureNetwork net, ClipSet real, ClipSet fake, EvaluationOptions? options = null)
    {
        var o = options ?? new EvaluationOptions();
        var sw = Stopwatch.StartNew();
        var r = RealFeatures(net, real, o);
        using var f = FeatureExtraction.Run(net, fake.Batches(o.BatchSize), fake.Count);
        var report = Compare(net, r, f, real.Description, fake.Description, fake.Fingerprint, o);
        return report with { Seconds = Math.Round(sw.Elapsed.TotalSeconds, 2) };
    }

    /// <summary>All metrics from already-extracted real and generated features.</summary>
    public static EvaluationReport Compare(IVideoFeatureNetwork net, RealFeatureCache.Entry real, ExtractedFeatures fake,
                                           string realDescription, string fakeDescription, string fakeFingerprint, EvaluationOptions? options = null)
    {
        var o = options ?? new EvaluationOptions();
        var warnings = new List<string>(fake.Warnings);
        var fd = FeatureDistances.Frechet(real.ClipFeatures, fake.Features);
        warnings.AddRange(fd.Warnings);
        if (real.Protocol.Frames > 0 && fake.Frames != real.Protocol.Frames)
            warnings.Add($"real clips have {real.Protocol.Frames} frames, generated {fake.Frames}: compare equal lengths.");
        var ci = o.Bootstrap >= 2
            ? Bootstrap.Frechet(real.ClipFeatures, fake.Features, o.Bootstrap, o.Level, o.Seed) with { Estimate = fd.Value }
            : new ConfidenceInterval(fd.Value, double.NaN, double.NaN, o.Level, double.NaN, 0);
        double kvd = KernelDistance.PolynomialMmd2(real.ClipFeatures, fake.Features);
        double? frameFid = real.FrameStatistics is not null && fake.FrameFeatures is not null
            ? FrechetDistance.Compute(real.FrameStatistics, GaussianStatistics.FromFeatures(fake.FrameFeatures)) : null;
        double? isFake = fake.Probabilities is not null ? InceptionScore.Compute(fake.Probabilities).Mean : null;
        double? isReal = real.InceptionScore;
        return new EvaluationReport
        {
            Network = net.Name, Caveat = real.Protocol.Caveat, Protocol = real.Protocol,
            Real = realDescription, Fake = fakeDescription, FakeFingerprint = fakeFingerprint,
            NReal = real.ClipFeatures.shape[0], NFake = fake.Count, Fvd = ci, Kvd = kvd, FrameFid = frameFid,
            InceptionScore = isFake, InceptionScoreReal = isReal,
            Temporal = TemporalDiagnostics.Compare(real.Temporal, fake.Temporal), Warnings = warnings.Distinct().ToList(),
            RealFromCache = real.FromCache, Seconds = 0,
        };
    }
}
