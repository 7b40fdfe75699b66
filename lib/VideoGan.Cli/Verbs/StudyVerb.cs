using VideoGan.Experiments;
using VideoGan.Metrics;
using VideoGan.Runtime;
using VideoGan.Training;

namespace VideoGan.Cli.Verbs;

/// <summary><c>videogan study</c>: which techniques against mode collapse help, over several seeds (CollapseStudy).</summary>
public sealed class StudyVerb : IVerb
{
    public string Name => "study";
    public string Summary => "train each anti-collapse technique for the same time over several seeds and measure the claims (resumable)";
    public string Usage => """
        videogan study --out runs/collapse-study [--config digits-motion] [--variants all|NAME,NAME] [--seeds 1,2,3]
                       [--minutes 10] [--steps N] [--clips 256] [--bootstrap 50] [--unroll 3] [--threads 2]

          Trains every variant (baseline, minibatch-std, unroll-K-first-order, unroll-K-differentiable, r1, ttur) from
          --config for --minutes of wall clock each (or --steps), once per seed, then measures each EMA generator with
          the domain's clip classifier (data/clip-classifiers): confident frames, digit class entropy, motion TV, speed
          KS, grey pixels, FVD against the real-vs-real floor, motion k-NN in z_motion. Appends one row per run to
          <out>/study.json and prints the mean +- std per variant. Rerun the same command to continue an interrupted
          study: finished runs are skipped, a stopped run resumes from its checkpoint.
        """;

    public int Run(ParsedArgs args)
    {
        if (args.Has("threads")) TorchRuntime.SetThreads(args.Int("threads", 2));
        string outDir = args.Required("out");
        var config = TrainingConfig.Load(args.String("config") ?? "digits-motion");
        var all = CollapseStudy.Standard(args.Int("unroll", 3));
        string pick = args.String("variants") ?? "all";
        var variants = pick == "all" ? all : pick.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(n => all.FirstOrDefault(v => v.Name == n) ?? throw new UsageException($"--variants: unknown variant '{n}'; known: {string.Join(", ", all.Select(v => v.Name))}"))
            .ToList();
        var seeds = (args.String("seeds") ?? "1,2,3").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.TryParse(s, out int v) ? v : throw new UsageException($"--seeds: '{s}' is not an integer")).ToArray();
        var options = new StudyOptions
        {
            Minutes = args.Double("minutes", 10), Steps = args.Int("steps", 100_000), Seeds = seeds,
            Clips = args.Int("clips", 256), Bootstrap = args.Int("bootstrap", 50),
        };
        if (options.Minutes < 0 || options.Steps < 1) throw new UsageException("--minutes must be >= 0 and --steps >= 1");
        string domain = ExperimentData.FeatureDomain(config.Data);
        string classifierPath = ClipClassifier.FindShipped(domain)
            ?? throw new FileNotFoundException($"No shipped clip classifier for '{domain}' under {ClipClassifier.ShippedFolder}/: the study measures with it (see data/clip-classifiers/README.md).");
        using var classifier = ClipClassifier.Load(classifierPath);
        var result = CollapseStudy.Run(config, variants, options, outDir, classifier, Console.WriteLine);
        Console.WriteLine();
        Console.WriteLine(result.ToTable());
        Console.WriteLine($"wrote {Path.Combine(outDir, "study.json")}");
        return 0;
    }
}
