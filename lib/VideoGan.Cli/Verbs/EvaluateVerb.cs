using VideoGan.Metrics;
using VideoGan.Runtime;

namespace VideoGan.Cli.Verbs;

/// <summary><c>videogan evaluate</c>: FVD (+CI), KVD, per-frame FID, 3D IS and temporal diagnostics with the full protocol.</summary>
public sealed class EvaluateVerb : IVerb
{
    public string Name => "evaluate";
    public string Summary => "FVD with a CI, KVD, per-frame FID, 3D IS, temporal diagnostics (real vs generated clips)";
    public string Usage => """
        videogan evaluate --real SOURCE --fake SOURCE [--network classifier|i3d] [--n 2048] [--frames 16]
                          [--domain moving-mnist|synthetic-faces] [--classifier PATH] [--i3d-weights PATH] [--is-heads digit,motion]
                          [--bootstrap 100] [--batch 32] [--seed 0] [--size 64] [--cache DIR|none] [--json eval.json] [--threads N]
                          [--layout NCTHW|NTHW|TNHW] [--real-layout L] [--fake-layout L]
          SOURCE: moving-mnist[:test|train], digits[:test|train], faces[:test|train], untrained:digits, clips.npy
                  (uint8, layout from clips.npy.layout.json or --layout; mnist_test_seq.npy needs --layout TNHW),
                  a generator folder (config.json + generator.bin), a folder of frame folders.
          --network classifier (default): the domain's clip classifier shipped in data/clip-classifiers (its penultimate
          features give FVD/KVD, its heads the 3D Inception Score and the class histograms; NOT comparable with published FVD);
          --network i3d: the published protocol; needs i3d_pretrained_400.pt (--i3d-weights or VIDEOGAN_I3D_WEIGHTS).
          --is-heads: the heads whose joint label the 3D IS uses (default: the classifier's, digit x motion for digits).
          Real features are cached (data/cache/fvd, keyed by the whole protocol, checksummed). Prints a table; --json writes
          one JSON object (keys: fvd, fvd_ci, kvd, is3d_mean, is3d_std, network, n_real, n_fake, heads, speed_ks,
          grey_fraction_generated, grey_fraction_real, ...; null + not_applicable for a metric that does not apply).
        """;

    public int Run(ParsedArgs args)
    {
        if (args.Has("threads")) TorchRuntime.SetThreads(args.Int("threads", 2));
        string realSpec = args.Required("real"), fakeSpec = args.Required("fake");
        int n = args.Int("n", 2048), frames = args.Int("frames", 16), seed = args.Int("seed", 0), size = args.Int("size", 64);
        string network = args.String("network") ?? "classifier";
        string domain = args.String("domain") ?? (realSpec.StartsWith("faces") ? "synthetic-faces" : "moving-mnist");
        IVideoFeatureNetwork net;
        if (network == "i3d")
        {
            if (I3dFeatureNetwork.FindWeights(args.String("i3d-weights")) is null)
            {
                Console.Error.WriteLine("videogan evaluate: skipping I3D: " + I3dFeatureNetwork.WhereToGetWeights);
                return 3;
            }
            net = I3dFeatureNetwork.Load(args.String("i3d-weights"));
        }
        else if (network == "classifier")
            net = args.String("classifier") is { } p ? ClipClassifier.Load(p) : ClipClassifier.LoadShipped(domain);
        else throw new UsageException($"--network must be 'classifier' or 'i3d', got '{network}'.");
        using (net)
        {
            string? cache = args.String("cache");
            var options = new EvaluationOptions
            {
                BatchSize = args.Int("batch", 32), Bootstrap = args.Int("bootstrap", 100), Seed = seed,
                CacheDirectory = cache == "none" ? "" : cache, DataSet = realSpec.Split(':')[0], Split = realSpec.Contains(':') ? realSpec.Split(':')[1] : "file",
                InceptionHeads = args.String("is-heads") is { } heads ? heads.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null,
            };
            var real = ClipSources.Open(realSpec, n, frames, seed, size, Data.ClipLayouts.ParseOption(args.String("real-layout") ?? args.String("layout")));
            var fake = ClipSources.Open(fakeSpec, n, frames, seed + 1, size, Data.ClipLayouts.ParseOption(args.String("fake-layout") ?? args.String("layout")));
            var report = VideoEvaluation.Evaluate(net, real, fake, options);
            Console.WriteLine(report.ToTable());
            if ((args.String("json") ?? args.String("out")) is { } outPath) { report.Save(outPath); Console.WriteLine($"wrote {outPath}"); }
        }
        return 0;
    }
}
