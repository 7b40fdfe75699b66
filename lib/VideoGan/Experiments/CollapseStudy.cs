using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using VideoGan.Metrics;
using VideoGan.Runtime;
using VideoGan.Training;

namespace VideoGan.Experiments;

/// <summary>One technique against mode collapse: a name, what it changes, and the change to the base config.</summary>
public sealed record StudyVariant(string Name, string Description, Func<TrainingConfig, TrainingConfig> Apply);

/// <summary>Budget and protocol of a <see cref="CollapseStudy"/>.</summary>
public sealed record StudyOptions
{
    /// <summary>Generator steps per run (the run also stops at <see cref="Minutes"/>).</summary>
    public int Steps { get; init; } = 100_000;
    /// <summary>Wall-clock minutes per run (0 = steps only): the same time budget for every technique.</summary>
    public double Minutes { get; init; } = 10;
    /// <summary>Seeds; every variant runs once per seed.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [1, 2, 3];
    /// <summary>Generated and real clips per measurement.</summary>
    public int Clips { get; init; } = 256;
    public int Bootstrap { get; init; } = 50;
}

/// <summary>One run of a study: variant, seed, training cost and the measured claims (GeneratorQuality keys).</summary>
public sealed record StudyRow
{
    [JsonPropertyName("variant")] public required string Variant { get; init; }
    [JsonPropertyName("seed")] public required int Seed { get; init; }
    [JsonPropertyName("steps")] public required long Steps { get; init; }
    [JsonPropertyName("train_seconds")] public required double TrainSeconds { get; init; }
    [JsonPropertyName("confident_frames")] public double? ConfidentFrames { get; init; }
    [JsonPropertyName("digit_entropy_ratio")] public double? DigitEntropyRatio { get; init; }
    [JsonPropertyName("digit_classes_present")] public int? DigitClassesPresent { get; init; }
    [JsonPropertyName("motion_tv")] public double? MotionTv { get; init; }
    [JsonPropertyName("speed_ks")] public required double SpeedKs { get; init; }
    [JsonPropertyName("grey_fraction")] public required double GreyFraction { get; init; }
    [JsonPropertyName("fvd")] public required double Fvd { get; init; }
    [JsonPropertyName("fvd_floor")] public required double FvdFloor { get; init; }
    [JsonPropertyName("motion_knn_over_chance")] public double? MotionKnnOverChance { get; init; }
    [JsonPropertyName("run")] public required string RunDirectory { get; init; }
}

/// <summary>Every row so far, the base config and the protocol: <c>study.json</c>.</summary>
public sealed record StudyResult
{
    [JsonPropertyName("base")] public required string Base { get; init; }
    [JsonPropertyName("machine")] public required string Machine { get; init; }
    [JsonPropertyName("threads")] public required int Threads { get; init; }
    [JsonPropertyName("minutes_per_run")] public required double Minutes { get; init; }
    [JsonPropertyName("clips")] public required int Clips { get; init; }
    [JsonPropertyName("network")] public required string Network { get; init; }
    [JsonPropertyName("rows")] public required List<StudyRow> Rows { get; init; }

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static StudyResult? Read(string path) => File.Exists(path) ? JsonSerializer.Deserialize<StudyResult>(File.ReadAllText(path)) : null;

    /// <summary>Per variant: mean +- std over seeds of each claim (n = seeds measured).</summary>
    public string ToTable()
    {
        var ci = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine($"{"variant",-24} {"n",2} {"steps",7} {"confident",13} {"digit H/Hmax",13} {"motion TV",13} {"speed KS",13} {"grey",13} {"FVD/floor",13} {"kNN/chance",13}");
        foreach (var g in Rows.GroupBy(r => r.Variant))
        {
            string Stat(Func<StudyRow, double?> f)
            {
                var v = g.Select(f).Where(x => x is not null).Select(x => x!.Value).ToArray();
                if (v.Length == 0) return "n/a";
                double m = v.Average(), s = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - m) * (x - m)) / (v.Length - 1)) : 0;
                return string.Format(ci, "{0:F3}+-{1:F3}", m, s);
            }
            sb.AppendLine(string.Format(ci, "{0,-24} {1,2} {2,7:F0} {3,13} {4,13} {5,13} {6,13} {7,13} {8,13} {9,13}", g.Key, g.Count(), g.Average(r => r.Steps),
                Stat(r => r.ConfidentFrames), Stat(r => r.DigitEntropyRatio), Stat(r => r.MotionTv), Stat(r => r.SpeedKs), Stat(r => r.GreyFraction),
                Stat(r => r.FvdFloor > 0 ? r.Fvd / r.FvdFloor : null), Stat(r => r.MotionKnnOverChance)));
        }
        return sb.ToString();
    }
}

/// <summary>
/// Which techniques against mode collapse help, measured: every variant trained from the same base config for the same
/// wall-clock budget, once per seed, then measured by <see cref="GeneratorQuality"/> (the shipped clip classifier,
/// generated vs real test-digit clips). Resumable: a finished (variant, seed) in <c>study.json</c> is skipped, an
/// interrupted run resumes from its checkpoint.
/// </summary>
/// <remarks>The numbers are reported in data/trained/README.md and notebook 03.</remarks>
public static class CollapseStudy
{
    /// <summary>The techniques the case study names (unrolled GANs, both ways) and the usual others.</summary>
    public static IReadOnlyList<StudyVariant> Standard(int unroll = 3) =>
    [
        new("baseline", "hinge loss, spectral norm, D:G 1:1, Adam 2e-4", c => c),
        new("minibatch-std", "minibatch standard deviation before the video D's score (Karras et al. 2018)", c => c with { Model = c.Model with { MinibatchStd = true } }),
        new($"unroll-{unroll}-first-order", $"G answers D after {unroll} look-ahead Adam steps, as a constant", c => c with { UnrollSteps = unroll, UnrollMode = UnrollMode.FirstOrder }),
        new($"unroll-{unroll}-differentiable", $"Metz et al.: G's loss back-propagates through {unroll} look-ahead SGD steps", c => c with { UnrollSteps = unroll, UnrollMode = UnrollMode.Differentiable }),
        new("r1", "R1 penalty on real clips, gamma 1, every 4th D step (Mescheder et al. 2018)", c => c with { R1Gamma = 1, R1Every = 4 }),
        new("ttur", "two time-scale updates: G 1e-4, D 4e-4 (Heusel et al. 2017)",
            c => c with { GeneratorOptimizer = c.GeneratorOptimizer with { Lr = 1e-4 }, DiscriminatorOptimizer = c.DiscriminatorOptimizer with { Lr = 4e-4 } }),
    ];

    /// <summary>Runs every (variant, seed) not yet in <c>&lt;outDir&gt;/study.json</c>, appending a row after each.</summary>
    public static StudyResult Run(TrainingConfig baseConfig, IReadOnlyList<StudyVariant> variants, StudyOptions o, string outDir, ClipClassifier classifier,
                                  Action<string>? log = null)
    {
        log ??= Console.WriteLine;
        Directory.CreateDirectory(outDir);
        string path = Path.Combine(outDir, "study.json");
        var result = StudyResult.Read(path) ?? new StudyResult
        {
            Base = baseConfig.Name, Machine = ClipClassifierTraining.MachineDescription(), Threads = TorchSharp.torch.get_num_threads(),
            Minutes = o.Minutes, Clips = o.Clips, Network = classifier.Name, Rows = [],
        };
        foreach (var v in variants)
            foreach (int seed in o.Seeds)
            {
                if (result.Rows.Any(r => r.Variant == v.Name && r.Seed == seed)) continue;
                string runDir = Path.Combine(outDir, $"{v.Name}-seed{seed}");
                var config = v.Apply(baseConfig) with
                {
                    Name = $"{baseConfig.Name}-{v.Name}", Seed = seed, Steps = o.Steps, SampleEvery = 0, TensorBoard = false,
                    CheckpointEvery = Math.Max(baseConfig.CheckpointEvery, 50), KeepCheckpoints = 2,
                };
                config.Validate(v.Name);
                using var trainer = Checkpoints.Latest(runDir) is not null ? Trainer.Resume(runDir) : new Trainer(config, runDir);
                double left = o.Minutes > 0 ? o.Minutes * 60 - (trainer.History.LastOrDefault()?.ElapsedSeconds ?? 0) : double.PositiveInfinity;
                log($"[study] {v.Name} seed {seed}: from step {trainer.Step}, {(double.IsFinite(left) ? $"{left:F0} s left" : "no time limit")}");
                if (left > 0 && trainer.Step < config.Steps)
                {
                    using var cts = double.IsFinite(left) ? new CancellationTokenSource(TimeSpan.FromSeconds(left)) : new CancellationTokenSource();
                    trainer.Run(cancellation: cts.Token);
                }
                var quality = GeneratorQuality.Measure(trainer.SamplingGenerator, config.Data, classifier, $"{v.Name} seed {seed} (step {trainer.Step})",
                                                       new GeneratorQualityOptions { Clips = o.Clips, Bootstrap = o.Bootstrap });
                quality.Save(Path.Combine(runDir, "quality.json"));
                result.Rows.Add(new StudyRow
                {
                    Variant = v.Name, Seed = seed, Steps = trainer.Step, TrainSeconds = Math.Round(trainer.History.LastOrDefault()?.ElapsedSeconds ?? 0, 1),
                    ConfidentFrames = quality.ConfidentFramesGenerated,
                    DigitEntropyRatio = quality.Heads.TryGetValue("digit", out var d) ? d.EntropyRatio : null,
                    DigitClassesPresent = quality.DigitClassesPresent,
                    MotionTv = quality.Heads.TryGetValue("motion", out var m) ? m.TvDistance : null,
                    SpeedKs = quality.SpeedKs, GreyFraction = quality.GreyFractionGenerated, Fvd = quality.Fvd, FvdFloor = quality.FvdFloor,
                    MotionKnnOverChance = quality.MotionKnnAccuracy / quality.MotionKnnChance,
                    RunDirectory = Path.GetFileName(runDir),
                });
                AtomicFile.WriteAllText(path, result.ToJson());
                log($"[study] {v.Name} seed {seed}: step {trainer.Step}, confident {quality.ConfidentFramesGenerated:P1}, digit H/Hmax " +
                    $"{result.Rows[^1].DigitEntropyRatio:F3}, motion TV {result.Rows[^1].MotionTv:F3}, FVD {quality.Fvd:G4} (floor {quality.FvdFloor:G4})");
            }
        return result;
    }
}
