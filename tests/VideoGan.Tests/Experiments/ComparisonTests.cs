using TorchSharp;
using VideoGan.Experiments;
using VideoGan.Metrics;
using VideoGan.Models;
using VideoGan.Training;
using static TorchSharp.torch;

namespace VideoGan.Tests.Experiments;

/// <summary>
/// The comparison harness on tiny sizes: 28x28x16 digits, width-8 networks, batch 2, a couple of steps, 8 clips scored
/// with a seeded random-init feature network. Shares the trainer tests' collection (the trainer seeds torch's global RNG).
/// </summary>
[Collection("torch-global-rng")]
public sealed class ComparisonTests
{
    internal static TrainingConfig Tiny() => new()
    {
        Name = "experiments-tiny",
        Model = ModelConfig.Tiny() with { FrameDiscriminatorFrames = 2 },
        Data = new DataConfig { Kind = "digits", Size = 28, Frames = 16, DigitScale = 0.5, BinaryInk = true },
        BatchSize = 2,
        Steps = 2,
        EmaDecay = 0.9,
        Seed = 3,
        SampleEvery = 0,
        CheckpointEvery = 0,
        TensorBoard = false,
    };

    internal static readonly EvaluationSettings Settings = new() { Clips = 8, Bootstrap = 10, Seed = 5, BatchSize = 8 };

    internal static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "videogan-tests", "experiments-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    static (IVideoFeatureNetwork Net, EvaluationReference Reference, Tensor Floor) Protocol(DataConfig data)
    {
        var net = ExperimentData.RandomFeatureNetwork(ExperimentData.FeatureDomain(data), seed: 1);
        var real = ExperimentData.HeldOutClips(data, Settings.Clips, seed: 11);
        var reference = new EvaluationReference(net, real, ExperimentData.DescribeHeldOut(data, Settings.Clips, 11), Settings);
        return (net, reference, ExperimentData.HeldOutClips(data, Settings.Clips, seed: 12));
    }

    static ComparisonResult RunTiny(IReadOnlyList<ComparisonVariant> variants, string? runs = null)
    {
        var (net, reference, floor) = Protocol(Tiny().Data);
        using (net)
        using (reference)
            return Comparison.Run(variants, reference, floor, runs);
    }

    [Fact]
    public void Standard_variants_cover_three_generators_and_both_stabilisers_with_one_seed_and_step_count()
    {
        var variants = Comparison.StandardVariants(Tiny(), new ComparisonOptions { Steps = 7, Seed = 9, UnrollSteps = 3 });
        Assert.Equal(ModelConfig.GeneratorKinds, variants.Where(v => v.Group == Comparison.GeneratorsGroup).Select(v => v.Config.Model.Generator));
        var stabilisers = variants.Where(v => v.Group == Comparison.StabilisersGroup).ToList();
        Assert.Equal(new[] { (true, 0), (false, 0), (true, 3) }, stabilisers.Select(v => (v.Config.Model.SpectralNorm, v.Config.UnrollSteps)));
        Assert.All(variants, v => { Assert.Equal(7, v.Config.Steps); Assert.Equal(9, v.Config.Seed); Assert.Equal(0, v.Config.SampleEvery); });
        Assert.Equal(variants.Count, variants.Select(v => v.Config.Name).Distinct().Count());
        Assert.Throws<ArgumentOutOfRangeException>(() => Comparison.StandardVariants(Tiny(), new ComparisonOptions { UnrollSteps = 0 }));
    }

    [Fact]
    public void The_same_tiny_comparison_twice_gives_identical_numbers()
    {
        var all = Comparison.StandardVariants(Tiny(), new ComparisonOptions { Steps = 2, Seed = 3, UnrollSteps = 1 });
        ComparisonVariant Named(string name) => all.Single(v => v.Name == name);
        var variants = new[] { Named("motion-shape"), Named("content-motion"), Named("motion-shape SN off"), Named("motion-shape SN on, unroll 1") };
        var a = RunTiny(variants);
        var b = RunTiny(variants);
        static double[] Numbers(ComparisonResult r) => new[] { r.RealFloor.Fvd.Estimate, r.RealFloor.Kvd.Estimate }
            .Concat(r.Variants.SelectMany(v => new[] { v.Metrics.Fvd.Estimate, v.Metrics.Fvd.Lower, v.Metrics.Fvd.Upper, v.Metrics.Kvd.Estimate,
                                                        v.Metrics.Kvd.Lower, v.Metrics.Kvd.Upper, v.Metrics.MotionRatio ?? -1, v.FinalDLoss, v.FinalGLoss })).ToArray();
        Assert.Equal(Numbers(a), Numbers(b));
        Assert.Equal(a.Protocol, b.Protocol);
        // The variants differ from each other (different generators and stabilisers give different clips and losses).
        Assert.Equal(4, a.Variants.Select(v => v.Metrics.Fvd.Estimate).Distinct().Count());
        Assert.All(a.Variants, v =>
        {
            Assert.True(double.IsFinite(v.Metrics.Fvd.Estimate) && v.Metrics.Fvd.Estimate >= 0, $"{v.Name}: FVD {v.Metrics.Fvd}");
            Assert.InRange(v.Metrics.Fvd.Estimate, v.Metrics.Fvd.Lower - 1e-9, v.Metrics.Fvd.Upper + 1e-9);
            Assert.Equal(2, v.Steps);
        });
    }

    [Fact]
    public void Identical_configs_are_trained_once_and_the_result_round_trips_through_json_and_tables()
    {
        var all = Comparison.StandardVariants(Tiny(), new ComparisonOptions { Steps = 1, Seed = 3, UnrollSteps = 1 });
        // motion-shape (generators) and motion-shape SN on (stabilisers): the same config.
        var variants = new[] { all.Single(v => v.Name == "motion-shape"), all.Single(v => v.Name == "motion-shape SN on") };
        var lines = new List<string>();
        var (net, reference, floor) = Protocol(Tiny().Data);
        ComparisonResult result;
        using (net) using (reference) result = Comparison.Run(variants, reference, floor, log: lines.Add);
        Assert.Contains(lines, l => l.Contains("reused"));
        Assert.Equal(result.Variants[0].Metrics, result.Variants[1].Metrics);
        Assert.Equal(new[] { Comparison.GeneratorsGroup, Comparison.StabilisersGroup }, result.Variants.Select(v => v.Group));

        var back = ComparisonResult.FromJson(result.ToJson());
        Assert.Equal(result.Variants.Select(v => v.Metrics.Fvd), back.Variants.Select(v => v.Metrics.Fvd));
        Assert.Equal(result.Protocol, back.Protocol);
        string table = result.ToTable();
        Assert.Contains("real vs real (floor)", table);
        Assert.All(result.Variants, v => Assert.Contains(v.Name, table));
        Assert.Contains("NOT comparable with published I3D FVD", table);
        Assert.Contains("<table", result.ToHtml());
        Assert.NotEmpty(result.Discussion());
        Assert.Contains(result.Discussion(), s => s.Contains("real-vs-real floor"));
    }

    [Fact]
    public void Reference_ranks_real_clips_above_noise_and_enforces_equal_n()
    {
        var (net, reference, floor) = Protocol(Tiny().Data);
        using (net)
        using (reference)
        {
            var realScore = reference.Score(floor);
            using var g = new torch.Generator(4);
            using var noise = rand(new long[] { Settings.Clips, 1, 16, 28, 28 }, generator: g) * 2 - 1;
            var noiseScore = reference.Score(noise);
            Assert.True(noiseScore.Fvd.Estimate > 2 * realScore.Fvd.Estimate, $"noise FVD {noiseScore.Fvd} vs real {realScore.Fvd}");
            Assert.True(noiseScore.Kvd.Estimate > realScore.Kvd.Estimate);
            Assert.True(noiseScore.MotionRatio > 2, $"noise changes every pixel every frame: motion ratio {noiseScore.MotionRatio}");
            Assert.InRange(realScore.MotionRatio!.Value, 0.5, 2.0);
            Assert.Contains(realScore.Warnings, w => w.Contains("N", StringComparison.Ordinal)); // 8 clips < 256 features: rank-deficient warning
            var e = Assert.Throws<ArgumentException>(() => reference.Score(noise.narrow(0, 0, 4)));
            Assert.Contains("equal N", e.Message);
        }
    }

    [Fact]
    public void Fvd_over_steps_scores_every_checkpoint_and_curves_match_the_log()
    {
        string runs = TempDir();
        try
        {
            var variant = Comparison.StandardVariants(Tiny(), new ComparisonOptions { Steps = 3, Seed = 3, CheckpointEvery = 1 })[0];
            var (net, reference, _) = Protocol(Tiny().Data);
            using (net)
            using (reference)
            {
                var result = Comparison.TrainAndScore(variant, reference, Path.Combine(runs, variant.Config.Name));
                var scores = RunEvaluation.FvdOverSteps(result.RunDirectory!, reference);
                Assert.Equal(new long[] { 1, 2, 3 }, scores.Select(s => s.Step));
                Assert.All(scores, s => Assert.True(double.IsFinite(s.Metrics.Fvd.Estimate) && s.Metrics.Fvd.Estimate >= 0));
                // The last checkpoint holds the generator the harness scored.
                Assert.Equal(result.Metrics.Fvd.Estimate, scores[^1].Metrics.Fvd.Estimate, 9);
                var two = RunEvaluation.FvdOverSteps(result.RunDirectory!, reference, maxCheckpoints: 2);
                Assert.Equal(new long[] { 1, 3 }, two.Select(s => s.Step));

                var curves = TrainingCurves.Read(result.RunDirectory!);
                Assert.Equal(new double[] { 1, 2, 3 }, curves.Steps);
                Assert.Equal(result.FinalDLoss, curves.DLoss[^1], 9); // last quarter of 3 steps = the last step
                Assert.All(curves.GLoss, v => Assert.True(double.IsFinite(v)));
                Assert.NotNull(ExperimentCharts.FvdOverSteps(scores, "test"));
                Assert.NotNull(ExperimentCharts.Losses("test", 1, ("a", curves)));
            }
        }
        finally { Directory.Delete(runs, recursive: true); }
    }

    [Fact]
    public void Faces_source_is_a_pure_function_of_the_step_and_trains()
    {
        var data = new DataConfig { Kind = "faces", Size = 32, Frames = 16 };
        var source = ExperimentData.TrainingSource(data, seed: 2);
        Assert.Equal((3, 16, 32, 32), source.ClipShape);
        using var a = source.Batch(4, 0, 2);
        using var b = source.Batch(4, 0, 2);
        using var c = source.Batch(5, 0, 2);
        Assert.Equal(new long[] { 2, 3, 16, 32, 32 }, a.shape);
        Assert.True(a.equal(b).all().item<bool>());
        Assert.False(a.equal(c).all().item<bool>());
        Assert.InRange(a.min().item<float>(), -1f, 1f);

        var config = Tiny() with { Model = ModelConfig.Tiny(ModelConfig.ContentMotion) with { Size = 32, Channels = 3, FrameDiscriminatorFrames = 2 }, Data = data, Steps = 1 };
        using var trainer = new Trainer(config, data: source);
        var records = trainer.Run();
        Assert.True(double.IsFinite(records[0].DLoss));
        using var held = ExperimentData.HeldOutClips(data, 2, seed: 1);
        Assert.Equal(new long[] { 2, 3, 16, 32, 32 }, held.shape);
    }

    [Fact]
    public void Random_feature_network_is_seeded_labelled_and_leaves_the_global_rng_alone()
    {
        using var before = torch.get_rng_state();
        using var a = ExperimentData.RandomFeatureNetwork("moving-mnist", seed: 1);
        using var b = ExperimentData.RandomFeatureNetwork("moving-mnist", seed: 1);
        using var c = ExperimentData.RandomFeatureNetwork("moving-mnist", seed: 2);
        using var after = torch.get_rng_state();
        Assert.True(before.equal(after).all().item<bool>());
        Assert.Equal(a.WeightsSha256, b.WeightsSha256);
        Assert.NotEqual(a.WeightsSha256, c.WeightsSha256);
        Assert.Contains("random-init", a.Name);
        Assert.False(a.ComparableWithPublishedFvd);
    }
}
