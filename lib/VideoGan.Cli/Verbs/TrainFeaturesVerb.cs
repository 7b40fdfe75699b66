using VideoGan.Metrics;
using VideoGan.Runtime;

namespace VideoGan.Cli.Verbs;

/// <summary><c>videogan train-features</c>: trains the offline FVD feature network (data/feature-nets/README.md).</summary>
public sealed class TrainFeaturesVerb : IVerb
{
    public string Name => "train-features";
    public string Summary => "train the offline FVD feature network (Moving MNIST or synthetic faces)";
    public string Usage => """
        videogan train-features [--domain moving-mnist|synthetic-faces] [--out data/feature-nets/<domain>.pt]
                                [--steps 500] [--batch 32] [--lr 0.002] [--train-clips 6000] [--test-clips 1200]
                                [--frames 16] [--seed 1] [--threads 2]
          Trains a small (2+1)D CNN on the project's own generator (training split; targets: digit identity + motion
          type, or face motion + direction), reports held-out accuracy and writes <out> (PyTorch state_dict, readable by
          save_py/load_py) and <out>.json (config, accuracy, this command). Numbers computed with it are labelled with
          its name and are not comparable with published (I3D) FVD.
        """;

    public int Run(ParsedArgs args)
    {
        if (args.Has("threads")) TorchRuntime.SetThreads(args.Int("threads", 2));
        var o = new FeatureNetTrainingOptions
        {
            Domain = args.String("domain") ?? "moving-mnist",
            Steps = args.Int("steps", 500), BatchSize = args.Int("batch", 32), LearningRate = args.Double("lr", 2e-3),
            TrainClips = args.Int("train-clips", 6000), TestClips = args.Int("test-clips", 1200),
            Frames = args.Int("frames", 16), Seed = args.Int("seed", 1),
        };
        string outPath = args.String("out") ?? Path.Combine(VideoFeatureNet.ShippedFolder, o.Domain + ".pt");
        string command = "./videogan train-features " + string.Join(" ", Environment.GetCommandLineArgs().Skip(2));
        var report = FeatureNetTraining.Train(o, outPath, command.Trim());
        Console.WriteLine($"wrote {outPath} and {Path.ChangeExtension(outPath, ".json")} ({report.Seconds:F0} s)");
        return 0;
    }
}
