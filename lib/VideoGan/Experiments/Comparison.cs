using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using VideoGan.Metrics;
using VideoGan.Models;
using VideoGan.Training;
using VideoGan.Runtime;

namespace VideoGan.Experiments;

/// <summary>One setting to train and score: a name, which group it belongs to ("generators", "stabilisers") and its config.</summary>
/// <param name="Name">Short unique name, also the run folder's name.</param>
/// <param name="Group">Which question it answers: <see cref="Comparison.GeneratorsGroup"/> or <see cref="Comparison.StabilisersGroup"/>.</param>
/// <param name="Config">The complete training config.</param>
public sealed record ComparisonVariant(string Name, string Group, TrainingConfig Config)
{
    /// <summary>"motion-shape, SN on, unroll 0".</summary>
    public string Describe() => $"{Config.Model.Generator}, SN {(Config.Model.SpectralNorm ? "on" : "off")}, unroll {Config.UnrollSteps}";
}

/// <summary>One trained and scored variant: what it was, what training cost, and its metrics with intervals.</summary>
public sealed record VariantResult
{
    /// <summary>Variant name.</summary>
    public required string Name { get; init; }
    /// <summary>"generators" or "stabilisers".</summary>
    public required string Group { get; init; }
    /// <summary>Generator kind.</summary>
    public required string Generator { get; init; }
    /// <summary>Spectral norm in the discriminators.</summary>
    public required bool SpectralNorm { get; init; }
    /// <summary>Unrolled-GAN lookahead k.</summary>
    public required int UnrollSteps { get; init; }
    /// <summary>Generator steps trained.</summary>
    public required long Steps { get; init; }
    /// <summary>Generator parameters.</summary>
    public required long GeneratorParameters { get; init; }
    /// <summary>Wall-clock training seconds (machine dependent; not part of the deterministic numbers).</summary>
    public required double TrainSeconds { get; init; }
    /// <summary>Mean D loss over the last quarter of the steps.</summary>
    public required double FinalDLoss { get; init; }
    /// <summary>Mean G loss over the last quarter of the steps.</summary>
    public required double FinalGLoss { get; init; }
    /// <summary>FVD, KVD and temporal ratios.</summary>
    public required MetricSet Metrics { get; init; }
    /// <summary>The run folder (logs, checkpoints), or null when trained in memory.</summary>
    public string? RunDirectory { get; init; }
}

/// <summary>A whole comparison: the protocol, a real-vs-real floor, and every variant's result. JSON-serialisable.</summary>
/// <remarks>Taught in notebooks/06-results.ipynb.</remarks>
public sealed record ComparisonResult
{
    /// <summary>What the numbers mean (network, real data, N, bootstrap).</summary>
    public required ComparisonProtocol Protocol { get; init; }
    /// <summary>Held-out real clips (a second draw) scored like a generator: the smallest FVD this N can show.</summary>
    public required MetricSet RealFloor { get; init; }
    /// <summary>Every variant, in the order trained.</summary>
    public required IReadOnlyList<VariantResult> Variants { get; init; }
    /// <summary>Training steps per variant.</summary>
    public required int Steps { get; init; }
    /// <summary>Training seed shared by every variant.</summary>
    public required int Seed { get; init; }

    /// <summary>JSON options (camelCase, indented, NaN/infinity as strings).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The result as JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads JSON written by <see cref="ToJson"/>.</summary>
    public static ComparisonResult FromJson(string json) =>
        JsonSerializer.Deserialize<ComparisonResult>(json, JsonOptions) ?? throw new InvalidDataException("Comparison JSON is empty.");

    /// <summary>Writes the JSON atomically.</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>The variants of one group, in order.</summary>
    public IReadOnlyList<VariantResult> Group(string group) => Variants.Where(v => v.Group == group).ToList();

    /// <summary>Rows of the table: header first, then the real floor, then one row per variant.</summary>
    public IReadOnlyList<string[]> Rows()
    {
        var rows = new List<string[]>
        {
            new[] { "variant", "group", "generator", "SN", "unroll", "FVD", $"FVD {Protocol.Level * 100:0}% CI", "KVD", $"KVD {Protocol.Level * 100:0}% CI", "motion ratio", "train s" },
            new[] { "real vs real (floor)", "-", "-", "-", "-", F(RealFloor.Fvd.Estimate), Ci(RealFloor.Fvd), F(RealFloor.Kvd.Estimate), Ci(RealFloor.Kvd), F(RealFloor.MotionRatio), "-" },
        };
        foreach (var v in Variants)
            rows.Add(new[] { v.Name, v.Group, v.Generator, v.SpectralNorm ? "on" : "off", v.UnrollSteps.ToString(CultureInfo.InvariantCulture),
                             F(v.Metrics.Fvd.Estimate), Ci(v.Metrics.Fvd), F(v.Metrics.Kvd.Estimate), Ci(v.Metrics.Kvd), F(v.Metrics.MotionRatio),
                             v.TrainSeconds.ToString("F0", CultureInfo.InvariantCulture) });
        return rows;
    }

    /// <summary>A fixed-width text table, with the protocol underneath.</summary>
    public string ToTable()
    {
        var rows = Rows();
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        var sb = new StringBuilder();
        foreach (var (r, i) in rows.Select((r, i) => (r, i)))
        {
            sb.AppendLine(string.Join("  ", r.Select((cell, c) => c == 0 ? cell.PadRight(widths[c]) : cell.PadLeft(widths[c]))).TrimEnd());
            if (i == 0) sb.AppendLine(new string('-', widths.Sum() + 2 * (widths.Length - 1)));
        }
        sb.AppendLine(ProtocolLine());
        return sb.ToString();
    }

    /// <summary>An HTML table (notebooks, reports), with the protocol as its caption.</summary>
    public string ToHtml()
    {
        var rows = Rows();
        var sb = new StringBuilder("<table class=\"videogan-comparison\" style=\"border-collapse:collapse;font-family:monospace\">");
        sb.Append("<caption style=\"caption-side:bottom;text-align:left\">").Append(WebUtility.HtmlEncode(ProtocolLine())).Append("</caption>");
        foreach (var (r, i) in rows.Select((r, i) => (r, i)))
        {
            string tag = i == 0 ? "th" : "td";
            sb.Append("<tr>");
            foreach (var cell in r) sb.Append('<').Append(tag).Append(" style=\"padding:2px 8px;border-bottom:1px solid #ccc;text-align:right\">")
                                      .Append(WebUtility.HtmlEncode(cell)).Append("</").Append(tag).Append('>');
            sb.Append("</tr>");
        }
        return sb.Append("</table>").ToString();
    }

    /// <summary>One line: network, caveat, N, bootstrap, steps and seed.</summary>
    public string ProtocolLine() => FormattableString.Invariant(
        $"Protocol: {Protocol.Caveat}. Real: {Protocol.RealData}. N = {Protocol.NReal} real / {Protocol.NFake} generated clips, {Protocol.Bootstrap} bootstrap resamples, seed {Protocol.Seed}; every variant trained {Steps} steps with seed {Seed}.");

    /// <summary>
    /// A short discussion generated from the numbers, so it stays true when the numbers change: which variant scored
    /// best, whether its interval separates it from the others, how far every variant is from the real floor, and what
    /// each stabiliser did relative to its baseline (the first variant of the stabilisers group).
    /// </summary>
    /// <param name="includeCosts">Whether to mention training-time ratios (measured, so they vary between runs; leave them out of recorded metrics).</param>
    public IReadOnlyList<string> Discussion(bool includeCosts = true)
    {
        var lines = new List<string>();
        string Fvd(VariantResult v) => $"{v.Name} (FVD {F(v.Metrics.Fvd.Estimate)} [{F(v.Metrics.Fvd.Lower)}, {F(v.Metrics.Fvd.Upper)}])";
        foreach (var group in Variants.Select(v => v.Group).Distinct())
        {
            var vs = Group(group);
            if (vs.Count == 0) continue;
            var best = vs.MinBy(v => v.Metrics.Fvd.Estimate)!;
            var overlapping = vs.Where(v => v != best && Overlap(v.Metrics.Fvd, best.Metrics.Fvd)).ToList();
            if (vs.Count == 1)
                lines.Add($"{group}: only {Fvd(best)} was run.");
            else if (overlapping.Count == 0)
                lines.Add($"{group}: {Fvd(best)} has the lowest FVD, and its interval does not overlap any other variant's, so at this N and step count the ranking is more than bootstrap noise.");
            else
                lines.Add($"{group}: {Fvd(best)} has the lowest FVD, but its interval overlaps {string.Join(", ", overlapping.Select(Fvd))}: at this N and step count those differences are within bootstrap noise and do not rank them.");
            if (group == Comparison.StabilisersGroup && vs.Count > 1)
            {
                var baseline = vs[0];
                foreach (var v in vs.Skip(1))
                {
                    string change = v.SpectralNorm != baseline.SpectralNorm ? $"turning spectral norm {(v.SpectralNorm ? "on" : "off")}"
                        : v.UnrollSteps != baseline.UnrollSteps ? $"unrolling k = {v.UnrollSteps}" : "this change";
                    string verdict = Overlap(v.Metrics.Fvd, baseline.Metrics.Fvd) ? "made no difference beyond bootstrap noise"
                        : v.Metrics.Fvd.Estimate < baseline.Metrics.Fvd.Estimate ? "lowered FVD (intervals do not overlap)" : "raised FVD (intervals do not overlap)";
                    string cost = includeCosts && baseline.TrainSeconds > 0 ? $"; it cost {v.TrainSeconds / baseline.TrainSeconds:F1}x the baseline's training time" : "";
                    lines.Add($"Against {baseline.Name}, {change} {verdict}: {F(v.Metrics.Fvd.Estimate)} vs {F(baseline.Metrics.Fvd.Estimate)}{cost}.");
                }
            }
        }
        var all = Variants.Select(v => v.Metrics.Fvd.Estimate).DefaultIfEmpty(double.NaN).ToArray();
        double floor = RealFloor.Fvd.Estimate;
        if (Variants.Count > 0 && floor > 0)
            lines.Add($"Every variant is {all.Min() / floor:F1}x to {all.Max() / floor:F1}x the real-vs-real floor (FVD {F(floor)} at this N): " +
                      (all.Min() / floor > 2 ? $"after {Steps} steps none of them is close to the real data yet." : "the best one is within a factor of two of real data at this N."));
        var frozen = Variants.Where(v => v.Metrics.MotionRatio < 0.5).Select(v => v.Name).ToList();
        var lively = Variants.Where(v => v.Metrics.MotionRatio > 2).Select(v => v.Name).ToList();
        if (frozen.Count > 0) lines.Add($"Motion: {string.Join(", ", frozen)} move(s) less than half as much as real clips (motion ratio < 0.5; nearly frozen).");
        if (lively.Count > 0) lines.Add($"Motion: {string.Join(", ", lively)} change(s) more than twice as much per frame as real clips (motion ratio > 2; flicker or noise rather than motion).");
        if (frozen.Count == 0 && lively.Count == 0 && Variants.Count > 0) lines.Add("Motion: every variant's frame-to-frame change is within a factor of two of the real clips'.");
        lines.Add($"These are {Protocol.Caveat.Split(':')[0]} numbers at N = {Protocol.NFake}: compare them only with each other.");
        return lines;
    }

    static bool Overlap(ConfidenceInterval a, ConfidenceInterval b) => a.Lower <= b.Upper && b.Lower <= a.Upper;
    static string F(double? v) => v is { } x ? F(x) : "n/a";
    static string F(double v) => double.IsFinite(v) ? v.ToString(Math.Abs(v) >= 100 ? "F1" : Math.Abs(v) >= 1 ? "F2" : "G3", CultureInfo.InvariantCulture) : v.ToString(CultureInfo.InvariantCulture);
    static string Ci(ConfidenceInterval c) => $"[{F(c.Lower)}, {F(c.Upper)}]";
}

/// <summary>Options of <see cref="Comparison.Run"/>.</summary>
public sealed record ComparisonOptions
{
    /// <summary>Generator steps per variant.</summary>
    public int Steps { get; init; } = 200;
    /// <summary>Training seed shared by every variant (same weights init stream, same data, same latents).</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Checkpoint every this many steps (0 = only at the end); only used with a runs folder.</summary>
    public int CheckpointEvery { get; init; }
    /// <summary>Unroll k of the unrolling variant.</summary>
    public int UnrollSteps { get; init; } = 2;
}

/// <summary>
/// The comparison harness: trains each variant with the <see cref="Trainer"/> on the same data, seed and step count, then
/// scores every one on the same <see cref="EvaluationReference"/> (same real clips, feature network and N) with FVD, KVD
/// and bootstrap intervals, plus a real-vs-real floor. Deterministic for a seed on the CPU (wall-clock times aside).
/// </summary>
/// <remarks>Taught in notebooks/06-results.ipynb.</remarks>
public static class Comparison
{
    /// <summary>Group name of the three-generator comparison.</summary>
    public const string GeneratorsGroup = "generators";
    /// <summary>Group name of the stabiliser comparison.</summary>
    public const string StabilisersGroup = "stabilisers";

    /// <summary>
    /// The standard variants over <paramref name="baseConfig"/>: the three generators (motion-shape, two-stream,
    /// content-motion) with the base's stabilisers, then the stabilisers on the base generator: spectral norm on and off
    /// with unroll 0, and spectral norm on with unroll k. Every variant gets the options' steps and seed; sample GIFs and
    /// TensorBoard files are off (the harness reads log.jsonl and checkpoints).
    /// </summary>
    public static IReadOnlyList<ComparisonVariant> StandardVariants(TrainingConfig baseConfig, ComparisonOptions options)
    {
        if (options.Steps < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Steps, "ComparisonOptions.Steps must be >= 1.");
        if (options.UnrollSteps < 1) throw new ArgumentOutOfRangeException(nameof(options), options.UnrollSteps, "ComparisonOptions.UnrollSteps must be >= 1 (the unrolling variant needs k > 0).");
        var common = baseConfig with
        {
            Steps = options.Steps, Seed = options.Seed, SampleEvery = 0, TensorBoard = false, UnrollSteps = 0,
            CheckpointEvery = options.CheckpointEvery, KeepCheckpoints = 0, LogEvery = 1,
        };
        var list = new List<ComparisonVariant>();
        foreach (var kind in ModelConfig.GeneratorKinds)
            list.Add(new ComparisonVariant(kind, GeneratorsGroup, common with { Name = kind, Model = common.Model with { Generator = kind, SpectralNorm = true } }));
        string g = common.Model.Generator;
        list.Add(new ComparisonVariant($"{g} SN on", StabilisersGroup, common with { Name = $"{g}-sn-on", Model = common.Model with { SpectralNorm = true } }));
        list.Add(new ComparisonVariant($"{g} SN off", StabilisersGroup, common with { Name = $"{g}-sn-off", Model = common.Model with { SpectralNorm = false } }));
        list.Add(new ComparisonVariant($"{g} SN on, unroll {options.UnrollSteps}", StabilisersGroup,
            common with { Name = $"{g}-unroll-{options.UnrollSteps}", Model = common.Model with { SpectralNorm = true }, UnrollSteps = options.UnrollSteps }));
        foreach (var v in list) v.Config.Validate(v.Name);
        return list;
    }

    /// <summary>
    /// Trains every variant and scores it on <paramref name="reference"/>. Variants whose configs are identical (the base
    /// generator appears in both groups) are trained once and reported under each name.
    /// </summary>
    /// <param name="variants">What to train (see <see cref="StandardVariants"/>).</param>
    /// <param name="reference">The fixed real side of the protocol.</param>
    /// <param name="realFloorClips">A second draw of held-out real clips (same N) for the real-vs-real floor.</param>
    /// <param name="runsDirectory">Parent folder for one run folder per variant (logs, checkpoints); null = train in memory.</param>
    /// <param name="log">Progress lines.</param>
    public static ComparisonResult Run(IReadOnlyList<ComparisonVariant> variants, EvaluationReference reference, TorchSharp.torch.Tensor realFloorClips,
                                       string? runsDirectory = null, Action<string>? log = null)
    {
        if (variants.Count == 0) throw new ArgumentException("Comparison.Run needs at least one variant.", nameof(variants));
        if (variants.Select(v => v.Name).Distinct().Count() != variants.Count) throw new ArgumentException("Variant names must be unique.", nameof(variants));
        int steps = variants[0].Config.Steps, seed = variants[0].Config.Seed;
        if (variants.Any(v => v.Config.Steps != steps || v.Config.Seed != seed))
            throw new ArgumentException("Every variant must train the same number of steps with the same seed (use Comparison.StandardVariants).", nameof(variants));
        var floor = reference.Score(realFloorClips);
        log?.Invoke($"real vs real floor: FVD {floor.Fvd}");
        var done = new Dictionary<string, VariantResult>();
        var results = new List<VariantResult>();
        foreach (var v in variants)
        {
            // Same architecture, data and stabilisers = same run: reuse it (names differ only for the reader).
            string key = (v.Config with { Name = "" }).ToJson();
            if (done.TryGetValue(key, out var same))
            {
                results.Add(same with { Name = v.Name, Group = v.Group });
                log?.Invoke($"{v.Name}: same configuration as {same.Name}, reused");
                continue;
            }
            var r = TrainAndScore(v, reference, runsDirectory is null ? null : Path.Combine(runsDirectory, v.Config.Name), log);
            done[key] = r;
            results.Add(r);
        }
        return new ComparisonResult { Protocol = reference.Protocol, RealFloor = floor, Variants = results, Steps = steps, Seed = seed };
    }

    /// <summary>
    /// The whole standard comparison in one call (what <c>videogan compare</c> runs): the feature network of the data's
    /// domain (<see cref="ExperimentData.FeatureNetwork"/>), held-out real clips from the test digits (seed
    /// <paramref name="realSeed"/>) and a second draw for the floor, then <see cref="StandardVariants"/> trained and scored.
    /// </summary>
    public static ComparisonResult RunStandard(TrainingConfig baseConfig, ComparisonOptions options, EvaluationSettings settings, int realSeed,
                                               string? runsDirectory = null, Action<string>? log = null)
    {
        var variants = StandardVariants(baseConfig, options);
        using var net = ExperimentData.FeatureNetwork(ExperimentData.FeatureDomain(baseConfig.Data), realSeed, out string note);
        log?.Invoke(note);
        using var real = ExperimentData.HeldOutClips(baseConfig.Data, settings.Clips, realSeed);
        using var floor = ExperimentData.HeldOutClips(baseConfig.Data, settings.Clips, realSeed + 1);
        using var reference = new EvaluationReference(net, real, ExperimentData.DescribeHeldOut(baseConfig.Data, settings.Clips, realSeed), settings);
        return Run(variants, reference, floor, runsDirectory, log);
    }

    /// <summary>Trains one variant (into <paramref name="runDirectory"/> when given) and scores its sampling generator.</summary>
    public static VariantResult TrainAndScore(ComparisonVariant variant, EvaluationReference reference, string? runDirectory = null, Action<string>? log = null)
    {
        if (runDirectory is not null && Directory.Exists(runDirectory) && Directory.EnumerateFileSystemEntries(runDirectory).Any())
        {
            // A fresh run, never a resumed one; but only ever delete what looks like a run folder.
            if (!File.Exists(Path.Combine(runDirectory, "config.json")))
                throw new IOException($"'{runDirectory}' exists and is not a run folder (no config.json): choose another runs directory for the comparison.");
            Directory.Delete(runDirectory, recursive: true);
        }
        var data = ExperimentData.TrainingSource(variant.Config.Data, variant.Config.Seed);
        using var trainer = new Trainer(variant.Config, runDirectory, data);
        var clock = Stopwatch.StartNew();
        var history = trainer.Run();
        double seconds = clock.Elapsed.TotalSeconds;
        var tail = history.Skip(history.Count * 3 / 4).ToList();
        var metrics = reference.Score(trainer.SamplingGenerator);
        log?.Invoke(FormattableString.Invariant($"{variant.Name} ({variant.Describe()}): {history.Count} steps in {seconds:F0} s, FVD {metrics.Fvd}"));
        return new VariantResult
        {
            Name = variant.Name, Group = variant.Group, Generator = variant.Config.Model.Generator, SpectralNorm = variant.Config.Model.SpectralNorm,
            UnrollSteps = variant.Config.UnrollSteps, Steps = trainer.Step, GeneratorParameters = trainer.Generator.ParameterCount,
            TrainSeconds = seconds, FinalDLoss = tail.Average(r => r.DLoss), FinalGLoss = tail.Average(r => r.GLoss),
            Metrics = metrics, RunDirectory = trainer.OutputDirectory,
        };
    }
}
