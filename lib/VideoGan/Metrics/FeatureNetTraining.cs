using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using TorchSharp.PyBridge;
using VideoGan.Data;
using static TorchSharp.torch;
using VideoGan.Runtime;

namespace VideoGan.Metrics;

/// <summary>Options of <see cref="FeatureNetTraining.Train"/> (the <c>videogan train-features</c> verb).</summary>
public sealed record FeatureNetTrainingOptions
{
    /// <summary>"moving-mnist" or "synthetic-faces".</summary>
    public string Domain { get; init; } = "moving-mnist";
    public int Steps { get; init; } = 500;
    public int BatchSize { get; init; } = 32;
    public double LearningRate { get; init; } = 2e-3;
    /// <summary>Training clips generated from the training split (digits: the train digit pool).</summary>
    public int TrainClips { get; init; } = 6000;
    /// <summary>Held-out clips (digits: the disjoint test digit pool).</summary>
    public int TestClips { get; init; } = 1200;
    public int Frames { get; init; } = 16;
    public int Seed { get; init; } = 1;
}

/// <summary>A labelled clip set for one training source; <c>Labels[h][i]</c> = classes of clip i for head h.</summary>
internal sealed record LabelledClips(string Name, VideoClips Clips, int[][][] Labels);

/// <summary>
/// Trains the offline feature network on the project's own generators: Moving MNIST (targets: digit identity,
/// multi-label, and motion type) mixing three clip families from the <b>training</b> digit pool — 64x64 one digit, 64x64
/// two digits (Srivastava), 28x28 half-size binary digit (the case study) — all six motion types, 16 frames; or
/// synthetic faces (targets: motion and its direction). Held-out accuracy is measured on clips from the disjoint test
/// digit pool (faces: another seed).
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb (offline FVD); data/feature-nets/README.md has the commands.</remarks>
public static class FeatureNetTraining
{
    /// <summary>Config (heads) for a domain.</summary>
    public static FeatureNetConfig ConfigFor(string domain) => domain switch
    {
        "moving-mnist" => new FeatureNetConfig
        {
            Domain = domain, InChannels = 1,
            Heads = new[]
            {
                new FeatureNetHead("digits", Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray(), MultiLabel: true),
                new FeatureNetHead("motion", Enum.GetNames<MotionType>(), MultiLabel: false),
            },
        },
        "synthetic-faces" => new FeatureNetConfig
        {
            Domain = domain, InChannels = 3,
            Heads = new[]
            {
                new FeatureNetHead("motion", Enum.GetNames<FaceMotion>(), MultiLabel: false),
                new FeatureNetHead("direction", new[] { "negative", "none", "positive" }, MultiLabel: false),
            },
        },
        _ => throw new ArgumentException($"Unknown feature-network domain '{domain}': use 'moving-mnist' or 'synthetic-faces'."),
    };

    /// <summary>The clip families of a domain for one split.</summary>
    internal static List<LabelledClips> Sources(string domain, int count, int frames, int seed, bool heldOut)
    {
        var all = new List<LabelledClips>();
        if (domain == "moving-mnist")
        {
            var pool = MnistDigits.LoadEmbedded(heldOut ? MnistSplit.Test : MnistSplit.Train);
            var motions = Enum.GetValues<MotionType>();
            var families = new (string Name, MovingMnistOptions Options, double Share)[]
            {
                ("64px-1digit", new MovingMnistOptions { DigitsPerClip = 1, Frames = frames, SpeedJitter = 0.2, MotionTypes = motions }, 0.4),
                ("64px-2digits", new MovingMnistOptions { DigitsPerClip = 2, Frames = frames, SpeedJitter = 0.2, MotionTypes = motions }, 0.3),
                ("28px-casestudy", MovingMnistOptions.CaseStudyDigits with { Frames = frames, MotionTypes = motions }, 0.3),
            };
            foreach (var (name, o, share) in families)
            {
                var set = MovingMnist.Generate(pool, (int)(count * share), o, Runtime.Seeding.Derive(seed, $"feature-net/{name}/{(heldOut ? "test" : "train")}"));
                var digits = set.Labels.Select(l => l.Digits.Distinct().ToArray()).ToArray();
                var motion = set.Labels.Select(l => new[] { (int)l.Motion }).ToArray();
                all.Add(new LabelledClips(name, set.Clips, new[] { digits, motion }));
            }
        }
        else if (domain == "synthetic-faces")
        {
            var set = SyntheticFaces.Generate(count, new SyntheticFacesOptions { Frames = frames }, Runtime.Seeding.Derive(seed, $"feature-net/faces/{(heldOut ? "test" : "train")}"));
            var motion = set.Labels.Select(l => new[] { (int)l.Motion }).ToArray();
            var dir = set.Labels.Select(l => new[] { Math.Sign(l.Direction) + 1 }).ToArray();
            all.Add(new LabelledClips("faces", set.Clips, new[] { motion, dir }));
        }
        else ConfigFor(domain);
        return all;
    }

    /// <summary>Trains, evaluates on held-out clips, and saves <paramref name="outPath"/> (.pt, PyTorch state_dict) + .json report.</summary>
    public static FeatureNetReport Train(FeatureNetTrainingOptions o, string outPath, string command, Action<string>? log = null)
    {
        log ??= Console.WriteLine;
        var sw = Stopwatch.StartNew();
        Runtime.Seeding.SeedEverything(o.Seed);
        var config = ConfigFor(o.Domain);
        var train = Sources(o.Domain, o.TrainClips, o.Frames, o.Seed, heldOut: false);
        var test = Sources(o.Domain, o.TestClips, o.Frames, o.Seed, heldOut: true);
        log($"[feature-net/{o.Domain}] generated {train.Sum(s => s.Clips.Count)} train / {test.Sum(s => s.Clips.Count)} held-out clips in {sw.Elapsed.TotalSeconds:F1} s");

        var device = Runtime.TorchRuntime.Device;
        var model = new VideoFeatureNetModule(config);
        model.to(device);
        var opt = torch.optim.Adam(model.parameters(), o.LearningRate);
        var rng = Runtime.Seeding.CreateRandom(o.Seed, "feature-net/batches");
        double ema = double.NaN;
        for (int step = 0; step < o.Steps; step++)
        {
            using var scope = torch.NewDisposeScope();
            model.train();
            var src = train[step % train.Count];
            var idx = Enumerable.Range(0, o.BatchSize).Select(_ => rng.Next(src.Clips.Count)).ToArray();
            var x = src.Clips.ToTensor(idx).to(device);
            var (_, _, logits) = model.Run(x);
            var loss = Loss(config, logits, src, idx, device);
            opt.zero_grad(); loss.backward(); opt.step();
            double l = loss.item<float>();
            ema = double.IsNaN(ema) ? l : 0.95 * ema + 0.05 * l;
            if ((step + 1) % 50 == 0 || step == 0) log($"[feature-net/{o.Domain}] step {step + 1}/{o.Steps} loss {ema:F4} ({sw.Elapsed.TotalSeconds:F0} s)");
        }
        var acc = Evaluate(model, config, test, device);
        log($"[feature-net/{o.Domain}] held-out accuracy: {string.Join(", ", acc.Select(kv => $"{kv.Key} {kv.Value:P1}"))}");

        AtomicFile.WriteVia(outPath, tmp => model.save_py(tmp));
        var report = new FeatureNetReport
        {
            Config = config, Command = command,
            TrainingData = Describe(o.Domain, train, "train", o.Seed), HeldOutData = Describe(o.Domain, test, "held-out", o.Seed),
            HeldOutAccuracy = acc, Steps = o.Steps, BatchSize = o.BatchSize, Seed = o.Seed,
            Seconds = Math.Round(sw.Elapsed.TotalSeconds, 1), FinalLoss = Math.Round(ema, 5),
        };
        string json = Path.ChangeExtension(outPath, ".json");
        AtomicFile.WriteAllText(json, JsonSerializer.Serialize(report, FeatureNetReport.JsonOptions));
        model.Dispose();
        return report;
    }

    static string Describe(string domain, List<LabelledClips> s, string split, int seed) => domain == "moving-mnist"
        ? $"VideoGan.Data.MovingMnist from the embedded MNIST {(split == "train" ? "train" : "test")} digit pool, all 6 motion types, seed {seed}: " +
          string.Join(", ", s.Select(x => $"{x.Name} x{x.Clips.Count} ({x.Clips.Height}x{x.Clips.Width}, {x.Clips.Frames} frames)"))
        : $"VideoGan.Data.SyntheticFaces (all motions), {split} seed derived from {seed}: {s.Sum(x => x.Clips.Count)} clips";

    static Tensor Loss(FeatureNetConfig config, Tensor[] logits, LabelledClips src, int[] idx, Device device)
    {
        Tensor? total = null;
        for (int h = 0; h < config.Heads.Length; h++)
        {
            var head = config.Heads[h];
            Tensor l;
            if (head.MultiLabel)
            {
                var target = new float[idx.Length * head.Classes.Length];
                for (int i = 0; i < idx.Length; i++) foreach (int c in src.Labels[h][idx[i]]) target[i * head.Classes.Length + c] = 1;
                l = nn.functional.binary_cross_entropy_with_logits(logits[h], torch.tensor(target, new long[] { idx.Length, head.Classes.Length }).to(device));
            }
            else
            {
                var target = torch.tensor(idx.Select(i => (long)src.Labels[h][i][0]).ToArray()).to(device);
                l = nn.functional.cross_entropy(logits[h], target);
            }
            total = total is null ? l : total + l;
        }
        return total!;
    }

    /// <summary>Held-out accuracy per head (and per clip family); multi-label: the top-k classes equal the true set.</summary>
    internal static Dictionary<string, double> Evaluate(VideoFeatureNetModule model, FeatureNetConfig config, List<LabelledClips> test, Device device)
    {
        model.eval();
        var correct = new Dictionary<string, (int Ok, int N)>();
        void Count(string key, bool ok) { correct.TryGetValue(key, out var v); correct[key] = (v.Ok + (ok ? 1 : 0), v.N + 1); }
        using var _ = torch.no_grad();
        foreach (var src in test)
            for (int start = 0; start < src.Clips.Count; start += 64)
            {
                using var scope = torch.NewDisposeScope();
                var idx = Enumerable.Range(start, Math.Min(64, src.Clips.Count - start)).ToArray();
                var (_, _, logits) = model.Run(src.Clips.ToTensor(idx).to(device));
                for (int h = 0; h < config.Heads.Length; h++)
                {
                    var scores = logits[h].cpu().to(float32);
                    int k = config.Heads[h].Classes.Length;
                    var data = scores.data<float>().ToArray();
                    for (int i = 0; i < idx.Length; i++)
                    {
                        var truth = src.Labels[h][idx[i]];
                        var row = data.AsSpan(i * k, k).ToArray();
                        var top = Enumerable.Range(0, k).OrderByDescending(c => row[c]).Take(truth.Length).ToHashSet();
                        bool ok = top.SetEquals(truth);
                        Count(config.Heads[h].Name, ok);
                        if (test.Count > 1) Count($"{config.Heads[h].Name}/{src.Name}", ok);
                    }
                }
            }
        return correct.ToDictionary(kv => kv.Key, kv => Math.Round((double)kv.Value.Ok / kv.Value.N, 4));
    }
}
