using VideoGan.Experiments;
using VideoGan.Runtime;
using VideoGan.Training;

namespace VideoGan.Cli.Verbs;

/// <summary><c>videogan compare</c>: trains the three generators and the stabiliser variants on one protocol and prints the table.</summary>
public sealed class CompareVerb : IVerb
{
    public string Name => "compare";
    public string Summary => "train the three generators and the stabiliser variants briefly, score them on one FVD/KVD protocol with CIs";
    public string Usage => """
        videogan compare [--config smoke|digits|<file.json>] [--steps 150] [--seed 1] [--unroll 2] [--clips 128]
                         [--bootstrap 100] [--real-seed 100] [--out runs/compare] [--threads N] [--device auto|cpu|cuda]

          Trains motion-shape, two-stream and content-motion generators, then the config's generator with spectral
          norm on/off and with unrolling k = --unroll, each for --steps steps with the same seed and data; scores each
          against the same --clips held-out real clips (MNIST test digits) with the offline feature network
          (data/clip-classifiers/, else a seeded random-init one: the table says which), FVD and KVD with bootstrap
          intervals, plus a real-vs-real floor. Writes <out>/comparison.json and one run folder per variant under
          <out>/runs. Offline-network FVD is NOT comparable with published I3D FVD.
        """;

    public int Run(ParsedArgs args)
    {
        if (args.String("device") is { } d) TorchRuntime.Device = TorchRuntime.ParseDevice(d);
        TorchRuntime.Initialize();
        if (args.Has("threads")) TorchRuntime.SetThreads(args.Int("threads", 2));
        var config = TrainingConfig.Load(args.String("config") ?? "smoke");
        var options = new ComparisonOptions { Steps = args.Int("steps", 150), Seed = args.Int("seed", 1), UnrollSteps = args.Int("unroll", 2) };
        var settings = new EvaluationSettings { Clips = args.Int("clips", 128), Bootstrap = args.Int("bootstrap", 100), Seed = args.Int("seed", 1) };
        string outDir = args.String("out") ?? Path.Combine("runs", "compare");
        var result = Comparison.RunStandard(config, options, settings, args.Int("real-seed", 100), Path.Combine(outDir, "runs"), Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine(result.ToTable());
        foreach (var line in result.Discussion()) Console.WriteLine("- " + line);
        string json = Path.Combine(outDir, "comparison.json");
        result.Save(json);
        Console.WriteLine($"wrote {json}");
        return 0;
    }
}
