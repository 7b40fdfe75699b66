using VideoGan.Runtime;
using VideoGan.Training;

namespace VideoGan.Cli.Verbs;

/// <summary><c>videogan train</c>: trains a preset or JSON config into a run folder (logs, samples, checkpoints); resumable.</summary>
public sealed class TrainVerb : IVerb
{
    public string Name => "train";
    public string Summary => "train a video GAN from a preset or JSON config (resumable; logs, sample GIFs, checkpoints)";
    public string Usage => """
        videogan train --config <preset|file.json> --out runs/NAME [--resume] [--steps N] [--seed S]
                       [--minutes M] [--threads N] [--device auto|cpu|cuda]

          --config   a preset name (digits, moving-mnist, faces, smoke: data/configs/*.json) or a JSON file
          --out      run folder: config.json, log.jsonl, tensorboard/, samples/step-*.gif, checkpoints/step-*.ckpt
          --resume   continue from the newest checkpoint in --out (its stored config; --steps raises the total)
          --steps    total generator steps of the run (overrides the config's "steps")
          --seed     seed of every random stream (overrides the config's "seed"; not with --resume)
          --minutes  stop after this wall-clock time, writing a checkpoint (resume later with --resume)

        videogan train --classifier --out data/trained/digit-classifier.bin [--config digits] [--seed S]
                       [--epochs E] [--frames N] [--threads N]
          trains the DigitClassifier on frames rendered like the config's data from the MNIST training digits
          and reports its accuracy on frames from the test digits (written beside it as .json)
          --epochs   passes over the training frames (6)      --frames  training frames rendered (40000)
        """;

    public int Run(ParsedArgs args)
    {
        if (args.Flag("classifier")) return TrainClassifier(args);
        string outDir = args.Required("out");
        bool resume = args.Flag("resume");
        int? steps = args.Has("steps") ? args.Int("steps", 0) : null;
        int? seed = args.Has("seed") ? args.Int("seed", 0) : null;
        double minutes = args.Double("minutes", 0);
        if (args.String("device") is { } d) TorchRuntime.Device = TorchRuntime.ParseDevice(d);
        TorchRuntime.Initialize();
        if (args.Has("threads")) TorchRuntime.SetThreads(args.Int("threads", 2));

        Trainer trainer;
        if (resume)
        {
            if (seed is not null) throw new UsageException("--seed cannot change a resumed run (the checkpoint holds its seed and RNG states)");
            string? preset = args.String("config");
            trainer = Trainer.Resume(outDir, configure: c => steps is { } s ? c with { Steps = s } : c);
            if (preset is not null) Console.Error.WriteLine($"videogan train: --resume uses the config stored in the checkpoint; --config {preset} ignored.");
            Console.WriteLine($"Resuming '{outDir}' at step {trainer.Step} of {trainer.Config.Steps} from {trainer.LastCheckpoint}");
        }
        else
        {
            var config = TrainingConfig.Load(args.Required("config"));
            if (steps is { } s) config = config with { Steps = s };
            if (seed is { } sd) config = config with { Seed = sd };
            config.Validate();
            if (Checkpoints.Latest(outDir) is { } existing)
                throw new InvalidOperationException($"'{outDir}' already holds checkpoints ({Path.GetFileName(existing)}): pass --resume to continue, or choose another --out.");
            trainer = new Trainer(config, outDir);
            Console.WriteLine($"Training '{config.Name}' for {config.Steps} steps into '{Path.GetFullPath(outDir)}' (seed {config.Seed}, device {trainer.Device}, " +
                              $"{torch_threads()} threads; G {trainer.Generator.ParameterCount:N0} params, D {trainer.VideoDiscriminator.ParameterCount:N0}" +
                              (trainer.FrameDiscriminator is { } f ? $" + frame D {f.ParameterCount:N0}" : "") + ")");
        }

        using (trainer)
        {
            using var cts = minutes > 0 ? new CancellationTokenSource(TimeSpan.FromMinutes(minutes)) : new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; cts.Cancel(); };
            var bar = new ConsoleProgressBar();
            try
            {
                trainer.Run(onProgress: bar.Report, cancellation: cts.Token);
            }
            catch (TrainingDivergedException e)
            {
                Console.Error.WriteLine($"\nvideogan train: {e.Message}");
                return 3;
            }
            string stop = trainer.Step >= trainer.Config.Steps ? "finished" : $"stopped early (time limit or Ctrl+C); resume with --resume";
            Console.WriteLine($"\n{stop} at step {trainer.Step}; last checkpoint {trainer.LastCheckpoint}; " +
                              $"{trainer.History.LastOrDefault()?.ElapsedSeconds ?? 0:0} s of training.");
        }
        return 0;
    }

    /// <summary><c>--classifier</c>: the digit classifier for the config's rendering, saved to --out (a .bin file) with a .json report.</summary>
    static int TrainClassifier(ParsedArgs args)
    {
        string outPath = args.Required("out");
        var config = TrainingConfig.Load(args.String("config") ?? "digits");
        int seed = args.Int("seed", 1);
        TorchRuntime.Initialize();
        if (args.Has("threads")) TorchRuntime.SetThreads(args.Int("threads", 2));
        var render = TrainingData.MovingMnistOptionsFor(config.Data);
        int epochs = args.Int("epochs", 6), frames = args.Int("frames", 40000);
        if (epochs < 1) throw new UsageException($"--epochs must be >= 1 (got {epochs})");
        if (frames < 128) throw new UsageException($"--frames must be >= 128, one batch (got {frames})");
        var (classifier, report) = VideoGan.Metrics.DigitClassifier.Train(render, trainFrames: frames, epochs: epochs, seed: seed, log: Console.WriteLine);
        using (classifier) classifier.Save(outPath);
        AtomicFile.WriteAllText(Path.ChangeExtension(outPath, ".json"),
            System.Text.Json.JsonSerializer.Serialize(report, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"saved {outPath} (held-out accuracy {report.HeldOutAccuracy:P2})");
        return 0;
    }

    static int torch_threads() => TorchSharp.torch.get_num_threads();
}
