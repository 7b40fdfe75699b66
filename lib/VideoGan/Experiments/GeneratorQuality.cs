using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using VideoGan.Analysis;
using VideoGan.Metrics;
using VideoGan.Models;
using VideoGan.Runtime;
using VideoGan.Training;
using static TorchSharp.torch;

namespace VideoGan.Experiments;

/// <summary>Options of <see cref="GeneratorQuality.Measure"/>: the protocol of a shipped model's numbers.</summary>
public sealed record GeneratorQualityOptions
{
    /// <summary>Generated clips, and real clips per real draw.</summary>
    public int Clips { get; init; } = 512;
    /// <summary>Latent seed of the generated clips (stream "samples").</summary>
    public int Seed { get; init; }
    /// <summary>Seed of the first real draw; the floor's second draw uses the next seed.</summary>
    public int RealSeed { get; init; } = 2024;
    /// <summary>Bootstrap resamples of the FVD intervals.</summary>
    public int Bootstrap { get; init; } = 100;
    /// <summary>k of the k-NN motion-type accuracy in z_motion.</summary>
    public int Neighbours { get; init; } = 10;
    /// <summary>A frame shows a digit "confidently" when the classifier's per-frame digit head gives at least this.</summary>
    public double ConfidentProbability { get; init; } = 0.9;
    public int BatchSize { get; init; } = 64;

    /// <summary>Throws for values that cannot measure.</summary>
    public void Validate()
    {
        if (Clips < 16) throw new ArgumentOutOfRangeException(nameof(Clips), Clips, "Use at least 16 clips per set (FVD needs a covariance; k-NN needs neighbours).");
        if (Neighbours < 1 || Neighbours >= Clips) throw new ArgumentOutOfRangeException(nameof(Neighbours), Neighbours, $"k must be in [1, {Clips - 1}].");
        if (ConfidentProbability is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(ConfidentProbability), ConfidentProbability, "must be in (0, 1].");
        if (Bootstrap < 0) throw new ArgumentOutOfRangeException(nameof(Bootstrap), Bootstrap, "must be >= 0.");
    }
}

/// <summary>One bar of the case study's claims: a measured value, its threshold, which side passes, and whether it does.</summary>
public sealed record QualityBar(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("value")] double Value,
    [property: JsonPropertyName("bar")] double Bar,
    [property: JsonPropertyName("at_least")] bool AtLeast,
    [property: JsonPropertyName("passes")] bool Passes);

/// <summary>
/// A generator measured as the case study claims it: clip-set statistics against real clips, FVD against the real-vs-real
/// floor, confidently recognised frames, and whether its motion code clusters by motion type. The metrics issue's key
/// names (fvd, fvd_ci, kvd, is3d_mean, heads, speed_ks, grey_fraction_*) are repeated at the top level.
/// </summary>
public sealed record GeneratorQualityReport
{
    [JsonPropertyName("generator")] public required string Generator { get; init; }
    [JsonPropertyName("real")] public required string Real { get; init; }
    [JsonPropertyName("network")] public string Network => Evaluation.Network;
    [JsonPropertyName("n_generated")] public required int NGenerated { get; init; }
    [JsonPropertyName("n_real")] public required int NReal { get; init; }
    [JsonPropertyName("fvd")] public double Fvd => Evaluation.Fvd;
    [JsonPropertyName("fvd_ci")] public double[]? FvdCi => Evaluation.FvdCi;
    /// <summary>FVD of a second real draw against the first: what "as good as real" scores.</summary>
    [JsonPropertyName("fvd_floor")] public required double FvdFloor { get; init; }
    [JsonPropertyName("fvd_floor_ci")] public required double[]? FvdFloorCi { get; init; }
    /// <summary>FVD in units of the floor; null when the floor is 0 (two identical real draws).</summary>
    [JsonPropertyName("fvd_over_floor")] public double? FvdOverFloor => FvdFloor > 0 ? Fvd / FvdFloor : null;
    [JsonPropertyName("kvd")] public double Kvd => Evaluation.Kvd;
    [JsonPropertyName("is3d_mean")] public double? Is3dMean => Evaluation.Is3dMean;
    [JsonPropertyName("is3d_std")] public double? Is3dStd => Evaluation.Is3dStd;
    [JsonPropertyName("heads")] public IReadOnlyDictionary<string, HeadComparison> Heads => Evaluation.Heads;
    [JsonPropertyName("speed_ks")] public double SpeedKs => Evaluation.SpeedKs;
    [JsonPropertyName("grey_fraction_generated")] public double GreyFractionGenerated => Evaluation.GreyFractionGenerated;
    [JsonPropertyName("grey_fraction_real")] public double GreyFractionReal => Evaluation.GreyFractionReal;
    /// <summary>Share of generated frames whose per-frame digit probability reaches the confidence threshold.</summary>
    [JsonPropertyName("confident_frames_generated")] public required double? ConfidentFramesGenerated { get; init; }
    [JsonPropertyName("confident_frames_real")] public required double? ConfidentFramesReal { get; init; }
    [JsonPropertyName("confident_probability")] public required double ConfidentProbability { get; init; }
    /// <summary>Digit classes predicted for at least one generated clip.</summary>
    [JsonPropertyName("digit_classes_present")] public required int? DigitClassesPresent { get; init; }
    /// <summary>Leave-one-out k-NN accuracy of the classifier's motion type of each generated clip, from its z_motion.</summary>
    [JsonPropertyName("motion_knn_accuracy")] public required double? MotionKnnAccuracy { get; init; }
    /// <summary>The most frequent motion type's share: what k-NN scores when z_motion says nothing.</summary>
    [JsonPropertyName("motion_knn_chance")] public required double? MotionKnnChance { get; init; }
    [JsonPropertyName("motion_knn_k")] public required int MotionKnnK { get; init; }
    [JsonPropertyName("bars")] public required IReadOnlyList<QualityBar> Bars { get; init; }
    [JsonPropertyName("not_applicable")] public required IReadOnlyDictionary<string, string> NotApplicable { get; init; }
    /// <summary>Everything the evaluation measured (generated vs the first real draw).</summary>
    [JsonPropertyName("evaluation")] public required EvaluationReport Evaluation { get; init; }
    [JsonPropertyName("seconds")] public required double Seconds { get; init; }

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Writes <see cref="ToJson"/> atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>The bars as a table, then the evaluation's own table.</summary>
    public string ToTable()
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine($"generator: {Generator}");
        sb.AppendLine($"real     : {Real}");
        sb.AppendLine(string.Format(ci, "FVD {0:G4} [{1}] vs real-vs-real floor {2:G4}: {3:F2}x floor", Fvd,
            FvdCi is { } c ? string.Format(ci, "{0:G4}, {1:G4}", c[0], c[1]) : "no CI", FvdFloor, FvdOverFloor));
        sb.AppendLine();
        sb.AppendLine($"{"claim",-44} {"value",10} {"bar",10}  passes");
        foreach (var b in Bars)
            sb.AppendLine(string.Format(ci, "{0,-44} {1,10:G4} {2,10}  {3}", b.Name, b.Value, (b.AtLeast ? ">= " : "<= ") + b.Bar.ToString("G4", ci), b.Passes ? "yes" : "NO"));
        foreach (var (k, why) in NotApplicable) sb.AppendLine($"n/a: {k}: {why}");
        sb.AppendLine();
        sb.Append(Evaluation.ToTable());
        return sb.ToString();
    }
}

/// <summary>
/// Measures a generator the way data/trained/README.md reports it: N generated clips (seeded latents) against N real
/// clips rendered like its training data from the MNIST <b>test</b> digits, with the domain's shipped clip classifier;
/// the FVD floor from a second real draw; per-frame digit confidence; and the k-NN motion-type accuracy in z_motion.
/// </summary>
/// <remarks>Taught in notebooks/05-latent-space.ipynb and 06-results.ipynb; the CLI is <c>videogan sample --evaluate</c>.</remarks>
public static class GeneratorQuality
{
    /// <summary>The case study's bars for a shipped digits generator (issue: the learned motion module).</summary>
    public static readonly (string Name, double Bar, bool AtLeast)[] DigitsBars =
    [
        ("confident_frames_generated", 0.85, true),
        ("digit_classes_present", 10, true),
        ("heads.digit.entropy_ratio", 0.95, true),
        ("heads.motion.tv_distance", 0.15, false),
        ("speed_ks", 0.2, false),
        ("grey_fraction_generated", 0.02, false),
        ("fvd_over_floor", 3, false),
        ("motion_knn_over_chance", 2, true),
    ];

    /// <summary>Measures <paramref name="generator"/> against real clips described by <paramref name="data"/>.</summary>
    public static GeneratorQualityReport Measure(VideoGeneratorBase generator, DataConfig data, ClipClassifier classifier, string description,
                                                 GeneratorQualityOptions? options = null, IReadOnlyList<(string Name, double Bar, bool AtLeast)>? bars = null)
    {
        var o = options ?? new GeneratorQualityOptions();
        o.Validate();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var scope = NewDisposeScope();
        var drawn = Sampling.Draw(generator, o.Clips, o.Seed, o.BatchSize);
        var real = ExperimentData.HeldOutClips(data, o.Clips, o.RealSeed);
        var real2 = ExperimentData.HeldOutClips(data, o.Clips, o.RealSeed + 1);
        string realText = ExperimentData.DescribeHeldOut(data, o.Clips, o.RealSeed);
        var eo = new EvaluationOptions { Bootstrap = o.Bootstrap, Seed = o.Seed, CacheDirectory = "", BatchSize = o.BatchSize, DataSet = data.Kind };
        var evaluation = VideoEvaluation.Evaluate(classifier, ClipSet.FromTensor(real, realText), ClipSet.FromTensor(drawn.Video, description), eo);
        var floor = VideoEvaluation.Evaluate(classifier, ClipSet.FromTensor(real, realText),
                                             ClipSet.FromTensor(real2, ExperimentData.DescribeHeldOut(data, o.Clips, o.RealSeed + 1)), eo);
        var notApplicable = new SortedDictionary<string, string>(StringComparer.Ordinal);

        bool hasDigit = classifier.Heads.Any(h => h.Name == "digit" && h.PerFrame);
        double? confident = null, confidentReal = null;
        if (hasDigit)
        {
            confident = ConfidentFrames(classifier, drawn.Video, o);
            confidentReal = ConfidentFrames(classifier, real, o);
        }
        else notApplicable["confident_frames_generated"] = $"{classifier.Name} has no per-frame digit head.";
        int? present = evaluation.Heads.TryGetValue("digit", out var digitHead) ? digitHead.GeneratedHistogram.Count(v => v > 0) : null;

        double? knn = null, chance = null;
        var code = generator.MotionCode(drawn.Latents);
        if (code is null) notApplicable["motion_knn_accuracy"] = $"{generator.GetType().Name} has no clip-level motion code.";
        else if (!classifier.Heads.Any(h => h.Name == "motion")) notApplicable["motion_knn_accuracy"] = $"{classifier.Name} has no motion head.";
        else
        {
            var labels = MotionLabels(classifier, drawn.Video, o.BatchSize);
            var score = EmbeddingMetrics.ClusterScore(LatentAnalysis.ToMatrix(code), labels, o.Neighbours);
            (knn, chance) = (score.Accuracy, score.Chance);
        }

        if (floor.Fvd <= 0) notApplicable["fvd_over_floor"] = "the two real draws gave FVD 0 (identical sets?): no floor to divide by.";
        var report = new GeneratorQualityReport
        {
            Generator = description, Real = realText, NGenerated = o.Clips, NReal = o.Clips,
            FvdFloor = floor.Fvd, FvdFloorCi = floor.FvdCi,
            ConfidentFramesGenerated = confident, ConfidentFramesReal = confidentReal, ConfidentProbability = o.ConfidentProbability,
            DigitClassesPresent = present, MotionKnnAccuracy = knn, MotionKnnChance = chance, MotionKnnK = o.Neighbours,
            Bars = [], NotApplicable = notApplicable, Evaluation = evaluation, Seconds = 0,
        };
        var measured = new List<QualityBar>();
        foreach (var (name, bar, atLeast) in bars ?? (data.Kind == "faces" ? [] : DigitsBars))
            if (Value(report, name) is { } v)
                measured.Add(new QualityBar(name, v, bar, atLeast, atLeast ? v >= bar : v <= bar));
            else notApplicable[name] = notApplicable.GetValueOrDefault(name) ?? "not measured for this generator or classifier.";
        return report with { Bars = measured, Seconds = Math.Round(clock.Elapsed.TotalSeconds, 1) };
    }

    /// <summary>A named number of a report: a top-level key, "heads.&lt;head&gt;.&lt;statistic&gt;", or "motion_knn_over_chance".</summary>
    public static double? Value(GeneratorQualityReport r, string name)
    {
        if (name.StartsWith("heads.", StringComparison.Ordinal))
        {
            var parts = name.Split('.');
            if (parts.Length != 3 || !r.Heads.TryGetValue(parts[1], out var h)) return null;
            return parts[2] switch { "tv_distance" => h.TvDistance, "entropy_ratio" => h.EntropyRatio, _ => null };
        }
        return name switch
        {
            "confident_frames_generated" => r.ConfidentFramesGenerated,
            "digit_classes_present" => r.DigitClassesPresent,
            "speed_ks" => r.SpeedKs,
            "grey_fraction_generated" => r.GreyFractionGenerated,
            "fvd_over_floor" => r.FvdOverFloor,
            "motion_knn_accuracy" => r.MotionKnnAccuracy,
            "motion_knn_over_chance" => r.MotionKnnAccuracy / r.MotionKnnChance,
            _ => throw new ArgumentException($"'{name}' is not a bar this report can measure."),
        };
    }

    /// <summary>Share of frames whose per-frame digit head's top probability is at least the threshold.</summary>
    static double ConfidentFrames(ClipClassifier classifier, Tensor clips, GeneratorQualityOptions o)
    {
        long confident = 0, frames = 0;
        for (long i = 0; i < clips.shape[0]; i += o.BatchSize)
        {
            using var scope = NewDisposeScope();
            var p = classifier.FrameProbabilities(clips.narrow(0, i, Math.Min(o.BatchSize, clips.shape[0] - i)), "digit"); // [B, T, 10]
            var top = p.amax(new long[] { 2 });
            confident += (top >= o.ConfidentProbability).sum().item<long>();
            frames += top.numel();
        }
        return (double)confident / frames;
    }

    /// <summary>The classifier's motion type (argmax of the motion head) of every clip.</summary>
    public static int[] MotionLabels(ClipClassifier classifier, Tensor clips, int batchSize = 64) =>
        LatentClaims.HeadProbabilities(classifier, clips, "motion", batchSize).argmax(1).data<long>().ToArray().Select(v => (int)v).ToArray();
}
