using VideoGan.Metrics;
using VideoGan.Runtime;

namespace VideoGan.Cli.Verbs;

/// <summary><c>videogan train-classifier</c>: trains a domain's clip classifier (data/clip-classifiers/README.md).</summary>
public sealed class TrainClassifierVerb : IVerb
{
    public string Name => "train-classifier";
    public string Summary => "train the clip classifier of a domain (the offline FVD/IS network; Moving MNIST or synthetic faces)";
    public string Usage => """
        videogan train-classifier --out FILE.pt [--domain moving-mnist|synthetic-faces] [--steps 2000] [--batch 32]
                                  [--lr 0.002] [--test-clips 3000] [--frames 16] [--seed 1] [--threads 2]
                                  [--digit-frames 256] [--init FILE.pt --first-step N]
          Trains the domain's two-stream (2+1)D clip classifier on clips rendered on the fly from the training split
          (digits: the train digit pool; heads digit, digits, motion, direction, slope; faces: motion, direction, skin, hair),
          measures it on held-out clips (the disjoint test pool) and writes FILE.pt (PyTorch state_dict) with FILE.json
          (architecture, held-out accuracy, this command, time, machine) beside it, both or neither. The shipped ones
          live in data/clip-classifiers/; write there only on purpose (--out data/clip-classifiers/moving-mnist.pt).
          --digit-frames: extra one-digit frames per step for the per-frame digit head (moving-mnist).
          --init FILE.pt --first-step N: continue training a classifier (same architecture) with a new learning-rate
          schedule, on the training batches from step N on (pass the steps it was trained for, so it sees new clips).
        """;

    public int Run(ParsedArgs args)
    {
        if (args.Has("threads")) TorchRuntime.SetThreads(args.Int("threads", 2));
        var o = new ClipClassifierTrainingOptions
        {
            Domain = args.String("domain") ?? "moving-mnist",
            Steps = args.Int("steps", 2000), BatchSize = args.Int("batch", 32), LearningRate = args.Double("lr", 2e-3),
            TestClips = args.Int("test-clips", 3000), Frames = args.Int("frames", 16), Seed = args.Int("seed", 1),
            DigitFrames = args.Int("digit-frames", 256),
            InitFrom = args.String("init"), FirstStep = args.Int("first-step", 0),
        };
        string outPath = args.Required("out");
        if (!outPath.EndsWith(".pt", StringComparison.Ordinal)) throw new UsageException($"--out must name a .pt file, got '{outPath}'.");
        string command = "./videogan train-classifier " + string.Join(" ", Environment.GetCommandLineArgs().Skip(2));
        var report = ClipClassifierTraining.Train(o, outPath, command.Trim());
        Console.WriteLine($"wrote {outPath} and {Path.ChangeExtension(outPath, ".json")} ({report.Seconds:F0} s)");
        return 0;
    }
}
