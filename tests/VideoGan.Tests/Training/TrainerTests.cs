using TorchSharp;
using VideoGan.Training;
using static TorchSharp.torch;

namespace VideoGan.Tests.Training;

[Collection("torch-global-rng")]
public class TrainerTests
{
    [Fact]
    public void Resume_continues_exactly_like_an_uninterrupted_run()
    {
        var config = TrainingTestKit.Tiny(steps: 4) with { CheckpointEvery = 2, UnrollSteps = 1, DiscriminatorSteps = 2 };
        string dirA = TrainingTestKit.TempDir(), dirB = TrainingTestKit.TempDir();

        float[] gA, dA;
        IReadOnlyList<StepRecord> straight;
        using (var a = new Trainer(config, dirA, TrainingTestKit.Noise()))
        {
            straight = a.Run();
            gA = TrainingTestKit.Flat(a.EmaGenerator!);
            dA = TrainingTestKit.Flat(a.VideoDiscriminator);
        }

        using (var b = new Trainer(config, dirB, TrainingTestKit.Noise()))
            b.Run(steps: 2);   // stop half way (checkpoint at step 2)
        // Disturb the global torch RNG as a new process would have: the checkpoint must restore it.
        torch.manual_seed(999);
        using var resumed = Trainer.Resume(dirB, TrainingTestKit.Noise());
        Assert.Equal(2, resumed.Step);
        resumed.Run();

        Assert.Equal(4, resumed.Step);
        var all = resumed.History;
        Assert.Equal(straight.Count, all.Count);
        for (int i = 0; i < straight.Count; i++)
        {
            Assert.Equal(straight[i].DLoss, all[i].DLoss);
            Assert.Equal(straight[i].GLoss, all[i].GLoss);
            Assert.Equal(straight[i].DReal, all[i].DReal);
        }
        Assert.Equal(gA, TrainingTestKit.Flat(resumed.EmaGenerator!));
        Assert.Equal(dA, TrainingTestKit.Flat(resumed.VideoDiscriminator));
        // The log on disk holds each step once, in order, after the resume.
        Assert.Equal(new long[] { 1, 2, 3, 4 }, TrainingLog.Read(dirB).Select(r => r.Step).ToArray());
    }

    [Fact]
    public void A_run_killed_while_writing_its_log_resumes_and_a_corrupt_middle_line_is_named()
    {
        var config = TrainingTestKit.Tiny(steps: 3) with { CheckpointEvery = 2 };
        string dir = TrainingTestKit.TempDir();
        using (var a = new Trainer(config, dir, TrainingTestKit.Noise()))
            a.Run(steps: 3);   // checkpoints at step 2 and (on stopping) 3; the log holds steps 1-3
        // The process died during step 4, before another checkpoint: the newest one left is step 2 if step 3's is gone.
        foreach (var f in Directory.GetFiles(Path.Combine(dir, "checkpoints"), "*3.ckpt")) File.Delete(f);
        string log = Path.Combine(dir, "log.jsonl");
        // A crash (a native segfault, in the case that found this) cut the next record off mid-line.
        File.AppendAllText(log, "{\"step\":4,\"d_loss\":1.2");
        Assert.Equal(new long[] { 1, 2, 3 }, TrainingLog.Read(log).Select(r => r.Step).ToArray());

        using (var resumed = Trainer.Resume(dir, TrainingTestKit.Noise()))
        {
            Assert.Equal(2, resumed.Step);
            resumed.Run(steps: 1);   // one more step: back to step 3
        }
        Assert.Equal(new long[] { 1, 2, 3 }, TrainingLog.Read(log).Select(r => r.Step).ToArray());

        var lines = File.ReadAllLines(log);
        lines[1] = "{not json";
        File.WriteAllLines(log, lines);
        var e = Assert.Throws<InvalidDataException>(() => TrainingLog.Read(log));
        Assert.Contains("line 2", e.Message);
    }

    [Fact]
    public void Checkpoint_round_trips_weights_optimisers_rng_and_history()
    {
        string dir = TrainingTestKit.TempDir();
        var config = TrainingTestKit.Tiny(steps: 2);
        using var a = new Trainer(config, dir, TrainingTestKit.Noise());
        a.Run();
        string path = a.LastCheckpoint!;
        Assert.True(File.Exists(path));
        Assert.False(File.Exists(path + ".tmp"));
        Assert.Equal(2, Checkpoints.ReadStep(path));
        Assert.Equal(config.ToJson(), Checkpoints.ReadConfig(path).ToJson());

        using var b = new Trainer(config, null, TrainingTestKit.Noise());
        Assert.NotEqual(TrainingTestKit.Flat(a.Generator), TrainingTestKit.Flat(b.Generator)); // b holds step-0 weights
        Checkpoints.Load(b, path);
        Assert.Equal(TrainingTestKit.Flat(a.Generator), TrainingTestKit.Flat(b.Generator));
        Assert.Equal(TrainingTestKit.Flat(a.EmaGenerator!), TrainingTestKit.Flat(b.EmaGenerator!));
        Assert.Equal(TrainingTestKit.Flat(a.VideoDiscriminator), TrainingTestKit.Flat(b.VideoDiscriminator));
        Assert.Equal(TrainingTestKit.Flat(a.FrameDiscriminator!), TrainingTestKit.Flat(b.FrameDiscriminator!));
        Assert.Equal(a.Step, b.Step);
        Assert.Equal(a.History.Select(r => r.GLoss), b.History.Select(r => r.GLoss));
        // Same optimiser and RNG states: the next step is identical (the load restores torch's global RNG, which a's step
        // advanced, so reload before b's step).
        var nextA = a.TrainStep();
        Checkpoints.Load(b, path);
        var next = (a: nextA, b: b.TrainStep());
        Assert.Equal(next.a.DLoss, next.b.DLoss);
        Assert.Equal(next.a.GLoss, next.b.GLoss);
    }

    [Fact]
    public void Non_finite_loss_stops_with_a_clear_message_and_keeps_the_last_good_checkpoint()
    {
        string dir = TrainingTestKit.TempDir();
        var config = TrainingTestKit.Tiny(steps: 6) with { CheckpointEvery = 2 };
        using var t = new Trainer(config, dir, TrainingTestKit.Noise(poison: (step, _) => step == 2)); // 0-based step 2 = step 3
        var e = Assert.Throws<TrainingDivergedException>(() => t.Run());
        Assert.Equal(3, e.Step);
        Assert.Equal("d_loss", e.LossName);
        Assert.Contains("step 3", e.Message);
        Assert.Contains("step-0000002.ckpt", e.Message);
        Assert.Equal(new[] { "step-0000002.ckpt" }, Checkpoints.List(dir).Select(Path.GetFileName).ToArray());
        Assert.Equal(2, t.Step);
        // The kept checkpoint is intact and resumable, and the weights in memory were not touched by the NaN.
        var before = TrainingTestKit.Flat(t.VideoDiscriminator);
        Assert.All(before, v => Assert.True(float.IsFinite(v)));
        using var resumed = Trainer.Resume(dir, TrainingTestKit.Noise());
        Assert.Equal(2, resumed.Step);
        Assert.Equal(TrainingTestKit.Flat(resumed.VideoDiscriminator), before);
    }

    [Fact]
    public void Unrolling_restores_the_discriminator_but_changes_the_generator_update()
    {
        var plain = TrainingTestKit.Tiny(steps: 1) with { EmaDecay = 0 };
        using var a = new Trainer(plain, null, TrainingTestKit.Noise());
        var ra = a.TrainStep();
        using var b = new Trainer(plain with { UnrollSteps = 3 }, null, TrainingTestKit.Noise());
        var rb = b.TrainStep();
        Assert.Equal(ra.DLoss, rb.DLoss);                                              // same first D step
        Assert.Equal(TrainingTestKit.Flat(a.VideoDiscriminator), TrainingTestKit.Flat(b.VideoDiscriminator)); // D restored after the look-ahead
        Assert.NotEqual(TrainingTestKit.Flat(a.Generator), TrainingTestKit.Flat(b.Generator));               // G answered a different D
        Assert.NotEqual(ra.GLoss, rb.GLoss);
    }

    [Fact]
    public void Differentiable_unrolling_leaves_D_alone_and_shows_G_the_look_ahead_D()
    {
        var plain = TrainingTestKit.Tiny(steps: 1) with { EmaDecay = 0 };
        using var a = new Trainer(plain, null, TrainingTestKit.Noise());
        a.TrainStep();
        var unrolled = plain with { UnrollSteps = 2, UnrollMode = UnrollMode.Differentiable };
        StepRecord Run(double lr, out float[] d, out float[] g)
        {
            using var t = new Trainer(unrolled with { UnrollLr = lr }, null, TrainingTestKit.Noise());
            var r = t.TrainStep();
            d = TrainingTestKit.Flat(t.VideoDiscriminator);
            g = TrainingTestKit.Flat(t.Generator);
            return r;
        }
        var tiny = Run(1e-7, out var dTiny, out _);
        var tinier = Run(1e-8, out _, out _);
        var big = Run(2.0, out var dBig, out var gBig);
        // D's own update is the plain one: the look-ahead's weights were stand-ins, never written back.
        Assert.Equal(TrainingTestKit.Flat(a.VideoDiscriminator), dTiny);
        Assert.Equal(dTiny, dBig);
        // A vanishing look-ahead step is D itself; a real one is another D, and G's loss is taken against it.
        Assert.Equal(tinier.GLoss, tiny.GLoss, 4);
        Assert.True(Math.Abs(big.GLoss - tiny.GLoss) > 1e-3, $"G loss {big.GLoss} against the look-ahead D equals {tiny.GLoss} against D");
        Assert.All(gBig, v => Assert.True(float.IsFinite(v)));
        Assert.True(big.DMs > 0);
        // The look-ahead needs spectrally normalised layers to stand in for.
        var e = Assert.Throws<InvalidDataException>(() => (unrolled with { Model = unrolled.Model with { SpectralNorm = false } }).Validate());
        Assert.Contains("unrollMode", e.Message);
    }

    [Fact]
    public void Run_writes_logs_samples_checkpoints_and_reports_progress()
    {
        string dir = TrainingTestKit.TempDir();
        var config = TrainingTestKit.Tiny(steps: 3) with { SampleEvery = 2, CheckpointEvery = 2, KeepCheckpoints = 1, TensorBoard = true, SampleCount = 2 };
        var progress = new List<TrainingProgress>();
        using var t = new Trainer(config, dir, TrainingTestKit.Noise());
        t.Run(onProgress: progress.Add);
        Assert.Equal(new long[] { 1, 2, 3 }, progress.Select(p => p.Step).ToArray());
        Assert.All(progress, p => Assert.Equal(3, p.TotalSteps));
        Assert.True(progress[^1].Fraction == 1 && progress[^1].CheckpointPath is not null);
        var log = TrainingLog.Read(dir);
        Assert.Equal(3, log.Count);
        Assert.All(log, r => Assert.True(r.StepMs > 0 && double.IsFinite(r.DLoss) && double.IsFinite(r.GLoss)));
        Assert.True(File.Exists(Path.Combine(dir, "samples", "step-0000000.gif")));
        Assert.True(File.Exists(Path.Combine(dir, "samples", "step-0000002.gif")));
        Assert.True(File.Exists(Path.Combine(dir, "samples", "step-0000003.gif")));
        Assert.Equal(new[] { "step-0000003.ckpt" }, Checkpoints.List(dir).Select(Path.GetFileName).ToArray()); // pruned to 1
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir, "tensorboard"), "events.out.tfevents.*"));
        Assert.Contains("3/3", ConsoleProgressBar.Format(progress[^1]));
    }

    [Fact]
    public void Ema_follows_the_formula()
    {
        using var src = nn.Linear(2, 1);
        using var shadow = nn.Linear(2, 1);
        var ema = new ExponentialMovingAverage(src, shadow, decay: 0.5);
        Assert.Equal(TrainingTestKit.Flat(src), TrainingTestKit.Flat(shadow));
        var before = TrainingTestKit.Flat(shadow);
        using (no_grad()) foreach (var p in src.parameters()) p.add_(1.0);
        ema.Update(step: 1000);   // warm-up over: d = 0.5
        var after = TrainingTestKit.Flat(shadow);
        for (int i = 0; i < before.Length; i++) Assert.Equal(before[i] + 0.5f, after[i], 5);
        ema.Update(step: 0);      // warm-up: d = min(0.5, 1/10) = 0.1 -> shadow moves 90% of the way
        var third = TrainingTestKit.Flat(shadow);
        for (int i = 0; i < before.Length; i++) Assert.Equal(before[i] + 0.5f + 0.45f, third[i], 5);
    }

    [Fact]
    public void Class_conditional_training_on_labelled_digits_resumes_exactly()
    {
        // The real digits source gives each clip's digit; the trainer feeds it to both projection discriminators.
        var config = TrainingTestKit.Tiny(steps: 4) with { Model = TrainingTestKit.Tiny().Model with { Classes = 10 }, CheckpointEvery = 2 };
        string dirA = TrainingTestKit.TempDir(), dirB = TrainingTestKit.TempDir();
        IReadOnlyList<StepRecord> straight;
        float[] gA;
        using (var a = new Trainer(config, dirA))
        {
            straight = a.Run();
            gA = TrainingTestKit.Flat(a.EmaGenerator!);
        }
        Assert.All(straight, r => Assert.True(double.IsFinite(r.DLoss) && double.IsFinite(r.GLoss)));
        using (var b = new Trainer(config, dirB)) b.Run(steps: 2);
        torch.manual_seed(999);
        using var resumed = Trainer.Resume(dirB);
        resumed.Run();
        Assert.Equal(straight.Select(r => r.DLoss), resumed.History.Select(r => r.DLoss));
        Assert.Equal(straight.Select(r => r.GLoss), resumed.History.Select(r => r.GLoss));
        Assert.Equal(gA, TrainingTestKit.Flat(resumed.EmaGenerator!));
    }

    [Fact]
    public void AC_GAN_class_head_learns_the_real_digits()
    {
        // The class loss on real frames starts near ln 10 (a uniform guess) and must fall as the head learns the digits.
        // The digits preset's discriminators and batch (its run fell from 2.29 to about 2.0 by step 100), a tiny generator.
        var digits = ConfigPresets.Load("digits");
        var config = TrainingTestKit.Tiny(steps: 100) with
        {
            Model = TrainingTestKit.Tiny().Model with { Classes = 10, DiscriminatorWidth = digits.Model.DiscriminatorWidth, FrameDiscriminatorFrames = 4 },
            AuxiliaryClassWeight = 1, BatchSize = digits.BatchSize,
        };
        using var t = new Trainer(config);
        var records = t.Run();
        Assert.All(records, r => Assert.True(r.DClassLoss > 0 && r.GClassLoss > 0));
        double first = records.Take(5).Average(r => r.DClassLoss), last = records.TakeLast(10).Average(r => r.DClassLoss);
        Assert.InRange(first, 2.0, 2.6);
        Assert.True(last < first - 0.15, $"D class loss {first:F3} -> {last:F3}");
    }

    [Fact]
    public void Class_conditional_training_on_a_source_without_labels_is_a_clear_error()
    {
        var config = TrainingTestKit.Tiny(steps: 1) with { Model = TrainingTestKit.Tiny().Model with { Classes = 10 } };
        using var t = new Trainer(config, null, TrainingTestKit.Noise());
        var e = Assert.Throws<InvalidOperationException>(() => t.Run());
        Assert.Contains("model.classes = 10", e.Message);
        Assert.Contains("labels", e.Message);
    }

    [Fact]
    public void Smoke_preset_trains_on_real_moving_digits()
    {
        string dir = TrainingTestKit.TempDir();
        var config = ConfigPresets.Load("smoke") with { Steps = 2, SampleEvery = 0, TensorBoard = false };
        using var t = new Trainer(config, dir);
        var records = t.Run();
        Assert.Equal(2, records.Count);
        using var clips = t.Sample(3);
        Assert.Equal(new long[] { 3, 1, 16, 28, 28 }, clips.shape);
        Assert.True(clips.min().item<float>() >= -1.0001f && clips.max().item<float>() <= 1.0001f);
    }
}

public class TrainingDataTests
{
    [Theory]
    [InlineData("digits", 1, 28)]
    [InlineData("faces", 3, 64)]
    public void Preset_sources_are_pure_functions_of_the_step(string preset, int channels, int size)
    {
        var config = ConfigPresets.Load(preset);
        var source = TrainingData.Create(config.Data, config.Seed);
        using var a = source.Batch(5, 0, 2);
        using var b = source.Batch(5, 0, 2);
        using var c = source.Batch(6, 0, 2);
        Assert.Equal(new long[] { 2, channels, 16, size, size }, a.shape);
        Assert.True(a.allclose(b, rtol: 0, atol: 0));
        Assert.False(a.allclose(c, rtol: 0, atol: 0));
        Assert.True(a.min().item<float>() >= -1f && a.max().item<float>() <= 1f);
    }
}

public class LabelledDigitsTests
{
    [Fact]
    public void Labelled_batches_name_the_digit_each_clip_shows()
    {
        // The shipped classifier (94.8 % on test-digit frames) must agree with the labels on most training frames.
        var config = ConfigPresets.Load("digits");
        var source = TrainingData.Create(config.Data with { Digits = 1 }, config.Seed);
        var (clips, labels) = source.LabeledBatch(3, 0, 64);
        Assert.NotNull(labels);
        Assert.Equal(new long[] { 64 }, labels!.shape);
        using var classifier = TrainedModels.LoadDigitClassifier();
        var predicted = classifier.ClipProbabilities(clips).argmax(2);                     // [B, T]
        double agreement = predicted.eq(labels.unsqueeze(1)).to(ScalarType.Float32).mean().item<float>();
        Assert.True(agreement > 0.85, $"classifier agrees with the labels on {agreement:P1} of frames");
        Assert.Null(TrainingData.Create(config.Data with { Digits = 2 }, config.Seed).LabeledBatch(3, 0, 4).Labels);
    }
}

[CollectionDefinition("torch-global-rng", DisableParallelization = true)]
public class TorchGlobalRngCollection;
