using VideoGan.Runtime;
using VideoGan.Training;

namespace VideoGan.Cli.Verbs;

/// <summary><c>videogan sample</c>: clips from a checkpoint, run folder or the shipped generator, as GIFs and .npy.</summary>
public sealed class SampleVerb : IVerb
{
    public string Name => "sample";
    public string Summary => "draw clips from a checkpoint / run / shipped generator: GIFs + .npy (and digit quality numbers)";
    public string Usage => """
        videogan sample --checkpoint <file.ckpt|runs/NAME|NAME> --count N --out DIR [--seed S] [--fps F] [--evaluate]
                        [--json FILE] [--digit D] [--export DIR2]

          --checkpoint  a checkpoint file, a run folder (newest checkpoint), an exported generator folder,
                        or the name of a shipped generator (data/trained/NAME, e.g. digits); EMA weights when present
          --count       clips to draw (default 16)
          --out         folder for samples.gif (grid), clip-NNN.gif and samples.npy (uint8 [N, C, T, H, W], recorded in
                        samples.npy.layout.json)
          --seed        latent seed (default 0)
          --digit       class-conditional generators (model.classes > 0): draw only this class (default: uniform)
          --evaluate    measure the clips as data/trained/README.md does: the domain's clip classifier
                        (data/clip-classifiers), --count generated vs --count real test-digit clips, the FVD floor,
                        confident frames, class shares, speed, grey pixels, motion k-NN in z_motion, and the case
                        study's bars; writes quality.json in --out (and --json FILE)
          --export      also write the checkpoint's EMA generator and config into DIR2 (the small form that
                        TrainedModels.LoadGenerator and data/trained/digits use)
        """;

    public int Run(ParsedArgs args)
    {
        string source = args.Required("checkpoint");
        string outDir = args.Required("out");
        int count = args.Int("count", 16);
        int seed = args.Int("seed", 0);
        int fps = args.Int("fps", 8);
        bool evaluate = args.Flag("evaluate");
        int? digit = args.Has("digit") ? args.Int("digit", 0) : null;
        if (count < 1) throw new UsageException($"--count must be at least 1, got {count}");
        TorchRuntime.Initialize();
        if (args.Has("threads")) TorchRuntime.SetThreads(args.Int("threads", 2));
        if (args.String("export") is { } exportDir)
        {
            string checkpoint = File.Exists(source) ? source : Checkpoints.Latest(source)
                ?? throw new FileNotFoundException($"--export needs a checkpoint file or a run folder with checkpoints; '{source}' has none.");
            TrainedModels.ExportGenerator(checkpoint, exportDir);
            Console.WriteLine($"exported the generator of {checkpoint} (step {Checkpoints.ReadStep(checkpoint)}) to {Path.GetFullPath(exportDir)}");
            source = exportDir;
        }

        using var generator = Sampling.LoadGenerator(source);
        if (digit is { } d && (!generator.Config.IsConditional || d < 0 || d >= generator.Config.Classes))
            throw new UsageException(generator.Config.IsConditional
                ? $"--digit must lie in 0..{generator.Config.Classes - 1}, got {d}"
                : "--digit needs a class-conditional generator (model.classes > 0); this one is unconditional");
        var (video, classes) = Sampling.GenerateWithClasses(generator, count, seed, digit: digit);
        using var videoScope = video;
        using var classScope = classes;
        var paths = Sampling.Write(video, outDir, fps);
        // samples.npy is [N, C, T, H, W]; record it so every reader takes it in that order.
        if (paths.FirstOrDefault(p => p.EndsWith(".npy", StringComparison.Ordinal)) is { } npy)
            Data.ClipLayouts.WriteSideFile(npy, Data.ClipLayout.NCTHW);
        Console.WriteLine($"wrote {paths.Count} files to {Path.GetFullPath(outDir)} ({count} clips [{string.Join(", ", video.shape)}], seed {seed}" +
                          (classes is null ? ")" : digit is null ? ", classes drawn uniformly)" : $", class {digit})"));

        var config = evaluate ? Sampling.LoadConfig(source) : null;
        if (config is not null && Metrics.ClipClassifier.FindShipped(Experiments.ExperimentData.FeatureDomain(config.Data)) is { } classifierPath)
        {
            // The case study's numbers: the domain's clip classifier, N generated vs N real test-digit clips, the FVD floor.
            using var classifier = Metrics.ClipClassifier.Load(classifierPath);
            var options = new Experiments.GeneratorQualityOptions { Clips = count, Seed = seed };
            var report = Experiments.GeneratorQuality.Measure(generator, config.Data, classifier, $"{source} ({count} clips, latent seed {seed})", options);
            report.Save(Path.Combine(outDir, "quality.json"));
            using (var real = Experiments.ExperimentData.HeldOutClips(config.Data, 12, options.RealSeed))
                Visualization.Clip.FromTensor(real).SavePng(Path.Combine(outDir, "real-frames.png"), scale: generator.Size <= 32 ? 3 : 2);
            if (args.String("json") is { } json) report.Save(json);
            Console.WriteLine(report.ToTable());
        }
        else if (evaluate)
        {
            if (generator.Channels != 1 || generator.Size != 28)
                throw new UsageException("--evaluate measures single-digit 28x28 clips (the digits preset); this generator makes " +
                                         $"{generator.Channels}-channel {generator.Size}x{generator.Size} clips");
            using var classifier = TrainedModels.LoadDigitClassifier();
            var render = TrainingData.MovingMnistOptionsFor(ConfigPresets.Load("digits").Data);
            var report = DigitsQuality.Compare(classifier, video, render, requestedClasses: classes);
            AtomicFile.WriteAllText(Path.Combine(outDir, "quality.json"), report.ToJson());
            Console.WriteLine(DigitsQuality.Table(report));
        }
        return 0;
    }
}
