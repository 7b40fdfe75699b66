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

/// <summary>
/// Everything <c>videogan evaluate</c> reports, with the full protocol; serialised as its <c>--json</c> output with stable
/// snake_case keys (later tools read them): <c>fvd</c>, <c>fvd_ci</c>, <c>kvd</c>, <c>is3d_mean</c>, <c>is3d_std</c>,
/// <c>network</c>, <c>n_real</c>, <c>n_fake</c>, <c>heads</c>, <c>speed_ks</c>, <c>grey_fraction_generated</c>,
/// <c>grey_fraction_real</c>, and more. No value is NaN or infinite: a metric that does not apply is null and
/// <c>not_applicable</c> says why.
/// </summary>
public sealed record EvaluationReport
{
    [JsonPropertyName("network")] public required string Network { get; init; }
    [JsonPropertyName("caveat")] public required string Caveat { get; init; }
    [JsonPropertyName("real")] public required string Real { get; init; }
    [JsonPropertyName("fake")] public required string Fake { get; init; }
    [JsonPropertyName("fake_fingerprint")] public required string FakeFingerprint { get; init; }
    [JsonPropertyName("n_real")] public required long NReal { get; init; }
    [JsonPropertyName("n_fake")] public required long NFake { get; init; }
    /// <summary>FVD with its bootstrap interval (level, resamples, standard error); the JSON keys below are read from it.</summary>
    [JsonIgnore] public ConfidenceInterval FvdInterval { get; init; } = null!;
    /// <summary>FVD: Fréchet distance of the clip features (unbiased covariances, float64).</summary>
    [JsonPropertyName("fvd")] public double Fvd => FvdInterval.Estimate;
    /// <summary>Bootstrap interval [lower, upper] of FVD (null without resamples).</summary>
    [JsonPropertyName("fvd_ci")] public double[]? FvdCi => FvdInterval.Resamples >= 2 ? new[] { FvdInterval.Lower, FvdInterval.Upper } : null;
    [JsonPropertyName("fvd_ci_level")] public double FvdCiLevel => FvdInterval.Level;
    [JsonPropertyName("fvd_bootstrap_resamples")] public int FvdResamples => FvdInterval.Resamples;
    /// <summary>KVD: unbiased polynomial-kernel MMD^2 of the clip features.</summary>
    [JsonPropertyName("kvd")] public required double Kvd { get; init; }
    /// <summary>Per-frame FID: Fréchet distance of the 2D frame features (null when the network has none).</summary>
    [JsonPropertyName("frame_fid")] public double? FrameFid { get; init; }
    /// <summary>3D Inception Score of the generated clips: mean over splits (null without a classifier).</summary>
    [JsonPropertyName("is3d_mean")] public double? Is3dMean { get; init; }
    [JsonPropertyName("is3d_std")] public double? Is3dStd { get; init; }
    /// <summary>The same score on the real clips: the ceiling to compare with.</summary>
    [JsonPropertyName("is3d_real_mean")] public double? Is3dRealMean { get; init; }
    [JsonPropertyName("is3d_real_std")] public double? Is3dRealStd { get; init; }
    /// <summary>Which label the score uses and how it is split.</summary>
    [JsonPropertyName("is3d_label")] public string? Is3dLabel { get; init; }
    /// <summary>Per classifier head: predicted-class histograms of generated and real clips, their TV distance and entropy ratios.</summary>
    [JsonPropertyName("heads")] public required IReadOnlyDictionary<string, HeadComparison> Heads { get; init; }
    /// <summary>Kolmogorov-Smirnov statistic between the per-clip speed distributions (ink centre, px/frame).</summary>
    [JsonPropertyName("speed_ks")] public required double SpeedKs { get; init; }
    [JsonPropertyName("speed_mean_generated")] public required double SpeedMeanGenerated { get; init; }
    [JsonPropertyName("speed_mean_real")] public required double SpeedMeanReal { get; init; }
    /// <summary>Fraction of pixels strictly between 3% and 50% of full intensity (0 for binary ink).</summary>
    [JsonPropertyName("grey_fraction_generated")] public required double GreyFractionGenerated { get; init; }
    [JsonPropertyName("grey_fraction_real")] public required double GreyFractionReal { get; init; }
    [JsonPropertyName("temporal")] public required TemporalComparison Temporal { get; init; }
    /// <summary>Metrics reported as null, with the reason.</summary>
    [JsonPropertyName("not_applicable")] public required IReadOnlyDictionary<string, string> NotApplicable { get; init; }
    [JsonPropertyName("warnings")] public required IReadOnlyList<string> Warnings { get; init; }
    [JsonPropertyName("protocol")] public required EvaluationProtocol Protocol { get; init; }
    [JsonPropertyName("real_from_cache")] public required bool RealFromCache { get; init; }
    [JsonPropertyName("seconds")] public required double Seconds { get; init; }
    [JsonPropertyName("created_utc")] public DateTime CreatedUtc { get; init; } = DateTime.UtcNow;

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Indented JSON (throws if any number is NaN or infinite: the report promises none).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Writes <see cref="ToJson"/> atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>A plain-text table; every number is labelled with the network that produced it.</summary>
    public string ToTable()
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        string Num(double? v, string format = "G6") => v is { } x ? x.ToString(format, ci) : "n/a";
        sb.AppendLine($"network : {Network}");
        sb.AppendLine($"note    : {Caveat}");
        sb.AppendLine($"real    : {Real} (N={NReal}{(RealFromCache ? ", features from cache" : "")})");
        sb.AppendLine($"fake    : {Fake} (N={NFake})");
        sb.AppendLine($"frames  : {Protocol.Frames}, {Protocol.Preprocessing}");
        sb.AppendLine();
        sb.AppendLine($"{"metric",-28} {"value",12}  detail");
        string ciText = FvdCi is { } b ? string.Format(ci, "{0:P0} CI [{1:G6}, {2:G6}], {3} bootstrap resamples", FvdInterval.Level, b[0], b[1], FvdInterval.Resamples) : "no interval";
        sb.AppendLine(string.Format(ci, "{0,-28} {1,12:G6}  {2}", "FVD", Fvd, ciText));
        sb.AppendLine(string.Format(ci, "{0,-28} {1,12:G6}  unbiased MMD^2, k(x,y) = (x.y/d + 1)^3", "KVD", Kvd));
        if (FrameFid is { } f) sb.AppendLine(string.Format(ci, "{0,-28} {1,12:G6}  Fréchet distance of 2D frame features", "per-frame FID", f));
        if (Is3dMean is { } s)
            sb.AppendLine(string.Format(ci, "{0,-28} {1,12}  {2}; real clips {3} +- {4}", "3D IS", $"{s:G4}+-{Is3dStd:G2}", Is3dLabel, Num(Is3dRealMean, "G4"), Num(Is3dRealStd, "G2")));
        foreach (var (name, h) in Heads)
            sb.AppendLine(string.Format(ci, "{0,-28} {1,12:F3}  total variation to real; class entropy {2:F3} of uniform (real {3:F3})", $"{name}: class shares", h.TvDistance, h.EntropyRatio, h.RealEntropyRatio));
        sb.AppendLine(string.Format(ci, "{0,-28} {1,12:F3}  Kolmogorov-Smirnov; mean {2:F2} vs real {3:F2} px/frame", "clip speed", SpeedKs, SpeedMeanGenerated, SpeedMeanReal));
        sb.AppendLine(string.Format(ci, "{0,-28} {1,12:P2}  pixels in (3%, 50%) of full intensity; real {2:P2}", "grey pixels", GreyFractionGenerated, GreyFractionReal));
        var t = Temporal;
        sb.AppendLine(string.Format(ci, "{0,-28} {1,12}  fake {2:G4} vs real {3:G4} mean |x[t+1]-x[t]| (0 = frozen)", "motion ratio", Num(t.MotionRatio, "G4"), t.Fake.Motion, t.Real.Motion));
        sb.AppendLine(string.Format(ci, "{0,-28} {1,12}  real {2}; |last-first| / motion (~1 loops)", "loop closure (fake)", Num(t.Fake.LoopClosure, "G4"), Num(t.Real.LoopClosure, "G4")));
        sb.AppendLine(string.Format(ci, "{0,-28} {1,12}  fake {2:G4} vs real {3:G4} mean |Δ frame mean|", "flicker ratio", Num(t.FlickerRatio, "G4"), t.Fake.Flicker, t.Real.Flicker));
        foreach (var (metric, why) in NotApplicable) sb.AppendLine($"n/a     : {metric}: {why}");
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
    /// <summary>Heads whose joint label the 3D Inception Score uses; null = the network's own choice (the classifier's Inception heads).</summary>
    public IReadOnlyList<string>? InceptionHeads { get; init; }
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
                                              ex.Probabilities, ex.HeadProbabilities, ex.Pixels);
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
        var warnings = new List<string>(fake.Warnings.Concat(real.Warnings));
        var notApplicable = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var fd = FeatureDistances.Frechet(real.ClipFeatures, fake.Features);
        warnings.AddRange(fd.Warnings);
        if (real.Protocol.Frames > 0 && fake.Frames != real.Protocol.Frames)
            warnings.Add($"real clips have {real.Protocol.Frames} frames, generated {fake.Frames}: compare equal lengths.");
        var ci = o.Bootstrap >= 2
            ? Bootstrap.Frechet(real.ClipFeatures, fake.Features, o.Bootstrap, o.Level, o.Seed) with { Estimate = fd.Value }
            : new ConfidenceInterval(fd.Value, double.NaN, double.NaN, o.Level, double.NaN, 0);
        if (o.Bootstrap < 2) notApplicable["fvd_ci"] = $"no bootstrap interval: {o.Bootstrap} resamples requested (2 or more needed).";
        double kvd = KernelDistance.PolynomialMmd2(real.ClipFeatures, fake.Features);
        double? frameFid = real.FrameStatistics is not null && fake.FrameFeatures is not null
            ? FrechetDistance.Compute(real.FrameStatistics, GaussianStatistics.FromFeatures(fake.FrameFeatures)) : null;
        if (frameFid is null) notApplicable["frame_fid"] = $"{net.Name} has no per-frame features.";

        // The 3D Inception Score: joint softmax of the chosen heads (or the network's own probabilities), 10 splits.
        using var scope = torch.NewDisposeScope();
        var (fakeProbs, realProbs, label) = InceptionInputs(net, real, fake, o);
        (double Mean, double Std)? isFake = fakeProbs is null ? null : InceptionScore.Published(fakeProbs);
        (double Mean, double Std)? isReal = realProbs is null ? null : InceptionScore.Published(realProbs);
        if (isFake is null) notApplicable["is3d_mean"] = $"{net.Name} has no classifier.";

        var heads = new SortedDictionary<string, HeadComparison>(StringComparer.Ordinal);
        if (net is ClipClassifier classifier)
            foreach (var head in classifier.Heads.Where(h => !h.MultiLabel))
                if (fake.HeadProbabilities.TryGetValue(head.Name, out var g) && real.HeadProbabilities.TryGetValue(head.Name, out var r))
                    heads[head.Name] = ClipSetStatistics.Compare(head.Classes, g, r);
        if (heads.Count == 0) notApplicable["heads"] = $"{net.Name} has no single-label classifier heads.";

        var temporal = TemporalDiagnostics.Compare(real.Temporal, fake.Temporal);
        if (temporal.MotionRatio is null) notApplicable["motion_ratio"] = "the real clips do not change over time (real motion is 0).";
        if (temporal.FlickerRatio is null) notApplicable["flicker_ratio"] = "the real clips' mean brightness never changes (real flicker is 0), so a ratio to it is undefined; compare temporal.fake.Flicker with 0.";
        if (temporal.Fake.LoopClosure is null) notApplicable["loop_closure_generated"] = "the generated clips do not change over time (motion 0).";
        return new EvaluationReport
        {
            Network = net.Name, Caveat = real.Protocol.Caveat, Protocol = real.Protocol,
            Real = realDescription, Fake = fakeDescription, FakeFingerprint = fakeFingerprint,
            NReal = real.ClipFeatures.shape[0], NFake = fake.Count,
            FvdInterval = ci,
            Kvd = kvd, FrameFid = frameFid,
            Is3dMean = isFake?.Mean, Is3dStd = isFake?.Std, Is3dRealMean = isReal?.Mean, Is3dRealStd = isReal?.Std, Is3dLabel = fakeProbs is null ? null : label,
            Heads = heads,
            SpeedKs = ClipSetStatistics.KolmogorovSmirnov(fake.Pixels.Speeds, real.Pixels.Speeds),
            SpeedMeanGenerated = fake.Pixels.MeanSpeed, SpeedMeanReal = real.Pixels.MeanSpeed,
            GreyFractionGenerated = fake.Pixels.GreyFraction, GreyFractionReal = real.Pixels.GreyFraction,
            Temporal = temporal, NotApplicable = notApplicable, Warnings = warnings.Distinct().ToList(),
            RealFromCache = real.FromCache, Seconds = 0,
        };
    }

    /// <summary>The probabilities the 3D Inception Score uses for both sets, and a sentence saying what they are.</summary>
    static (Tensor? Fake, Tensor? Real, string Label) InceptionInputs(IVideoFeatureNetwork net, RealFeatureCache.Entry real, ExtractedFeatures fake, EvaluationOptions o)
    {
        string splits = $"mean and std over {InceptionScore.LiteratureSplits} splits";
        if (net is ClipClassifier c)
        {
            var names = o.InceptionHeads ?? c.Module.Config.InceptionHeads;
            if (names.Count == 0) return (null, null, "");
            return (c.JointProbabilities(fake.HeadProbabilities, names), c.JointProbabilities(real.HeadProbabilities, names),
                    $"joint {string.Join(" x ", names)} label ({c.JointClassCount(names)} classes) of {net.Name}, {splits}");
        }
        return (fake.Probabilities, real.Probabilities, $"{net.Name} class softmax, {splits}");
    }
}
