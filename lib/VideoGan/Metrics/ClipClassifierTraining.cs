using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using TorchSharp;
using TorchSharp.PyBridge;
using VideoGan.Data;
using VideoGan.Runtime;
using static TorchSharp.torch;

namespace VideoGan.Metrics;

/// <summary>Options of <see cref="ClipClassifierTraining.Train"/> (the <c>videogan train-classifier</c> verb).</summary>
public sealed record ClipClassifierTrainingOptions
{
    /// <summary>"moving-mnist" or "synthetic-faces".</summary>
    public string Domain { get; init; } = "moving-mnist";
    public int Steps { get; init; } = 2000;
    public int BatchSize { get; init; } = 32;
    /// <summary>Peak learning rate (AdamW, cosine decay to 2% of it).</summary>
    public double LearningRate { get; init; } = 2e-3;
    /// <summary>Held-out clips (digits: from the disjoint test digit pool), split over the clip families.</summary>
    public int TestClips { get; init; } = 3000;
    public int Frames { get; init; } = 16;
    public int Seed { get; init; } = 1;
    /// <summary>
    /// Moving MNIST: extra one-digit frames per step for the per-frame digit head alone (appearance stream only).
    /// A clip batch shows ~22 distinct digits; these show many more for ~40% more compute per step.
    /// </summary>
    public int DigitFrames { get; init; } = 256;
    /// <summary>
    /// Start from this shipped classifier's weights (a <c>.pt</c> with its <c>.json</c>; same architecture) instead of a
    /// fresh initialisation: continued training. Null = from scratch.
    /// </summary>
    public string? InitFrom { get; init; }
    /// <summary>Index of the first step's training batch (batches are a function of seed and step): continued training
    /// passes the steps already taken so that it sees new clips.</summary>
    public int FirstStep { get; init; }

    /// <summary>Throws for values that cannot train (the option named as on the command line).</summary>
    public void Validate()
    {
        if (Domain is not ("moving-mnist" or "synthetic-faces")) throw new ArgumentException($"--domain must be 'moving-mnist' or 'synthetic-faces', got '{Domain}'.");
        if (Steps < 1) throw new ArgumentOutOfRangeException(nameof(Steps), $"--steps must be >= 1, got {Steps}.");
        if (BatchSize is < 2 or > 1024) throw new ArgumentOutOfRangeException(nameof(BatchSize), $"--batch must be in [2, 1024], got {BatchSize}.");
        if (LearningRate is <= 0 or > 1 || double.IsNaN(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), $"--lr must be in (0, 1], got {LearningRate}.");
        if (TestClips is < 3 or > 100_000) throw new ArgumentOutOfRangeException(nameof(TestClips), $"--test-clips must be in [3, 100000], got {TestClips}.");
        if (Frames is < 8 or > 64) throw new ArgumentOutOfRangeException(nameof(Frames), $"--frames must be in [8, 64], got {Frames}.");
        if (FirstStep < 0) throw new ArgumentOutOfRangeException(nameof(FirstStep), $"--first-step must be >= 0, got {FirstStep}.");
        if (InitFrom is not null && !File.Exists(InitFrom)) throw new FileNotFoundException($"--init '{InitFrom}' does not exist: name a classifier .pt (with its .json beside it).", InitFrom);
        if (DigitFrames is < 0 or > 4096 || DigitFrames % 2 != 0) throw new ArgumentOutOfRangeException(nameof(DigitFrames), $"--digit-frames must be an even number in [0, 4096], got {DigitFrames}.");
    }
}

/// <summary>Clips with one class index per head (-1 = not applicable: no loss, not counted) and multi-hot targets for multi-label heads.</summary>
/// <param name="Family">Which clip family ("28px-casestudy", "64px-2digits", "faces").</param>
/// <param name="Clips">uint8 clips.</param>
/// <param name="Targets">Targets[h][i]: the class of clip i for single-label head h (-1 when it does not apply).</param>
/// <param name="MultiHot">MultiHot[h][i]: the classes present, for multi-label head h (null for single-label heads).</param>
public sealed record LabelledClips(string Family, VideoClips Clips, int[][] Targets, int[][]?[] MultiHot);

/// <summary>
/// Trains a <see cref="ClipClassifierModule"/> on clips rendered on the fly by the project's own generators, a fresh
/// seeded batch every step, and measures it on a fixed held-out set. Moving MNIST mixes three families, all six motion
/// types, from the <b>training</b> digit pool: the case study's 28x28 binary half-size digit (40%), 64x64 one digit
/// (30%) and 64x64 two digits (Srivastava, 30%); held-out clips come from the disjoint <b>test</b> pool. Synthetic faces:
/// training clips from training seeds, held-out clips from another seed. Targets:
/// <list type="bullet">
/// <item>moving-mnist: <c>digit</c> (per frame, one-digit clips), <c>digits</c> (multi-hot: which digits appear),
/// <c>motion</c> (6 types), <c>direction</c> (the initial heading in 8 sectors of 45 degrees, or none; one-digit clips);</item>
/// <item>synthetic-faces: <c>motion</c>, <c>direction</c> (negative/none/positive), <c>skin</c> and <c>hair</c> (the palette
/// entries the renderer draws; per frame).</item>
/// </list>
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb; data/clip-classifiers/README.md has the commands and numbers.</remarks>
public static class ClipClassifierTraining
{
    /// <summary>Names of the 9 direction classes (initial heading; y points down, as in images).</summary>
    public static readonly string[] DirectionClasses = { "right", "down-right", "down", "down-left", "left", "up-left", "up", "up-right", "none" };

    /// <summary>Width of a <see cref="SlopeClasses"/> bin, degrees.</summary>
    public const int SlopeStepDegrees = 5;

    /// <summary>
    /// Names of the 20 slope classes: the path's angle to the horizontal folded into [0, 90] degrees (a bounce keeps it:
    /// a reflection flips one velocity component), in 5-degree bins centred on 0, 5, ..., 90, or none.
    /// </summary>
    public static readonly string[] SlopeClasses = Enumerable.Range(0, 90 / SlopeStepDegrees + 1).Select(i => $"{i * SlopeStepDegrees}deg").Append("none").ToArray();

    /// <summary>The architecture and heads for a domain.</summary>
    public static ClipClassifierConfig ConfigFor(string domain) => domain switch
    {
        "moving-mnist" => new ClipClassifierConfig
        {
            // 128 frame + 96 motion + 32 trajectory = 256 clip features, so N = 256 clips give a full-rank covariance.
            Domain = domain, InChannels = 1, MotionChannels = new[] { 48, 96, 96 }, TrajectoryChannels = 32,
            Heads = new[]
            {
                new ClassifierHead("digit", Digits, PerFrame: true),
                new ClassifierHead("digits", Digits, MultiLabel: true),
                new ClassifierHead("motion", Enum.GetNames<MotionType>()),
                new ClassifierHead("direction", DirectionClasses),
                new ClassifierHead("slope", SlopeClasses),
            },
            InceptionHeads = new[] { "digit", "motion" },
        },
        "synthetic-faces" => new ClipClassifierConfig
        {
            Domain = domain, InChannels = 3,
            Heads = new[]
            {
                new ClassifierHead("motion", Enum.GetNames<FaceMotion>()),
                new ClassifierHead("direction", new[] { "negative", "none", "positive" }),
                new ClassifierHead("skin", Enumerable.Range(0, SyntheticFaces.SkinToneCount).Select(i => $"skin{i}").ToArray(), PerFrame: true),
                new ClassifierHead("hair", Enumerable.Range(0, SyntheticFaces.HairColourCount).Select(i => $"hair{i}").ToArray(), PerFrame: true),
            },
            InceptionHeads = new[] { "motion" },
        },
        _ => throw new ArgumentException($"Unknown classifier domain '{domain}': use 'moving-mnist' or 'synthetic-faces'."),
    };

    static readonly string[] Digits = Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray();

    /// <summary>The Moving MNIST clip families and their share of each batch.</summary>
    public static IReadOnlyList<(string Name, MovingMnistOptions Options, double Share)> DigitFamilies(int frames)
    {
        var motions = Enum.GetValues<MotionType>();
        return new (string, MovingMnistOptions, double)[]
        {
            ("28px-casestudy", MovingMnistOptions.CaseStudyDigits with { Frames = frames, MotionTypes = motions, SpeedJitter = 0.3 }, 0.4),
            ("64px-1digit", new MovingMnistOptions { DigitsPerClip = 1, Frames = frames, SpeedJitter = 0.3, MotionTypes = motions }, 0.3),
            ("64px-2digits", new MovingMnistOptions { DigitsPerClip = 2, Frames = frames, SpeedJitter = 0.3, MotionTypes = motions }, 0.3),
        };
    }

    /// <summary>The direction class of a Moving MNIST clip (one digit): the initial heading's 45-degree sector, or "none".</summary>
    public static int DirectionClass(MovingMnistLabel l)
    {
        double deg = l.DirectionDegrees[0];
        if (double.IsNaN(deg) || l.Motion is MotionType.Static or MotionType.RotateZoom) return 8;
        return (int)(((Math.Round(deg / 45.0) % 8) + 8) % 8);
    }

    /// <summary>
    /// The slope class of a one-digit Moving MNIST clip: a straight path's angle to the horizontal folded into [0, 90]
    /// (bounce-invariant; a diagonal is exactly 45), sway 0, bob 90, "none" for Static and RotateZoom. It teaches the
    /// network the heading to a few degrees, which tells a bounce at 40 degrees from a diagonal.
    /// </summary>
    public static int SlopeClass(MovingMnistLabel l)
    {
        int none = SlopeClasses.Length - 1;
        switch (l.Motion)
        {
            case MotionType.Static or MotionType.RotateZoom: return none;
            case MotionType.HorizontalSway: return 0;
            case MotionType.VerticalBob: return none - 1;
        }
        double rad = l.DirectionDegrees[0] * Math.PI / 180;
        double folded = Math.Atan2(Math.Abs(Math.Sin(rad)), Math.Abs(Math.Cos(rad))) * 180 / Math.PI; // [0, 90]
        return (int)Math.Round(folded / SlopeStepDegrees);
    }

    /// <summary>Labels Moving MNIST clips for the heads of <see cref="ConfigFor"/>("moving-mnist").</summary>
    public static LabelledClips Label(string family, MovingMnistSet set)
    {
        int n = set.Count;
        bool one = set.Options.DigitsPerClip == 1;
        var digit = set.Labels.Select(l => one ? l.Digits[0] : -1).ToArray();
        var motion = set.Labels.Select(l => (int)l.Motion).ToArray();
        var direction = set.Labels.Select(l => one ? DirectionClass(l) : -1).ToArray();
        var slope = set.Labels.Select(l => one ? SlopeClass(l) : -1).ToArray();
        var present = set.Labels.Select(l => l.Digits.Distinct().ToArray()).ToArray();
        return new LabelledClips(family, set.Clips, new[] { digit, Enumerable.Repeat(-1, n).ToArray(), motion, direction, slope },
                                 new int[][]?[] { null, present, null, null, null });
    }

    /// <summary>Labels synthetic face clips for the heads of <see cref="ConfigFor"/>("synthetic-faces").</summary>
    public static LabelledClips Label(string family, SyntheticFacesSet set) =>
        new(family, set.Clips, new[]
        {
            set.Labels.Select(l => (int)l.Motion).ToArray(),
            set.Labels.Select(l => Math.Sign(l.Direction) + 1).ToArray(),
            set.Labels.Select(l => l.SkinTone).ToArray(),
            set.Labels.Select(l => l.HairColour).ToArray(),
        }, new int[][]?[4]);

    /// <summary>Fresh labelled clips of a domain: <paramref name="count"/> in all, split over the families by share.</summary>
    public static List<LabelledClips> Render(string domain, int count, int frames, int seed, bool heldOut, MnistDigits? digits = null)
    {
        var all = new List<LabelledClips>();
        if (domain == "moving-mnist")
        {
            var pool = digits ?? MnistDigits.LoadEmbedded(heldOut ? MnistSplit.Test : MnistSplit.Train);
            var families = DigitFamilies(frames);
            int left = count;
            for (int f = 0; f < families.Count; f++)
            {
                var (name, o, share) = families[f];
                int k = f == families.Count - 1 ? left : (int)Math.Round(count * share);
                left -= k;
                if (k <= 0) continue;
                var set = MovingMnist.Generate(pool, k, o, Seeding.Derive(seed, $"classifier/{name}/{(heldOut ? "test" : "train")}"), maxThreads: 1);
                all.Add(Label(name, set));
            }
        }
        else
        {
            var set = SyntheticFaces.Generate(count, new SyntheticFacesOptions { Frames = frames },
                                              Seeding.Derive(seed, $"classifier/faces/{(heldOut ? "test" : "train")}"), maxThreads: 1);
            all.Add(Label("faces", set));
        }
        return all;
    }

    /// <summary>
    /// <paramref name="frames"/> single frames of one-digit clips (two frames from each of frames/2 clips, half from the
    /// 28x28 case-study family, half from 64x64, all motion types) and their digits: the per-frame digit head's extra data.
    /// </summary>
    public static (VideoClips Clips, int[] Digits)[] RenderDigitFrames(int frames, int seed, MnistDigits pool)
    {
        var oneDigit = DigitFamilies(2).Where(f => f.Options.DigitsPerClip == 1).ToArray();
        var parts = new (VideoClips, int[])[oneDigit.Length];
        int left = frames / 2;
        for (int f = 0; f < oneDigit.Length; f++)
        {
            int k = f == oneDigit.Length - 1 ? left : left / (oneDigit.Length - f);
            left -= k;
            var set = MovingMnist.Generate(pool, k, oneDigit[f].Options, Seeding.Derive(seed, $"classifier/digit-frames/{oneDigit[f].Name}"), maxThreads: 1);
            parts[f] = (set.Clips, set.Labels.Select(l => l.Digits[0]).ToArray());
        }
        return parts;
    }

    /// <summary>
    /// Trains, evaluates on held-out clips, and writes <paramref name="outPath"/> (PyTorch state_dict) with its
    /// <c>.json</c> report; both are written to temporary files first and appear together (a failed run leaves neither).
    /// </summary>
    public static ClipClassifierReport Train(ClipClassifierTrainingOptions o, string outPath, string command, Action<string>? log = null)
    {
        static string tagFor(ClipClassifierTrainingOptions x) => $"[classifier/{x.Domain}]";
        o.Validate();
        log ??= Console.WriteLine;
        var sw = Stopwatch.StartNew();
        Seeding.SeedEverything(o.Seed);
        var config = ConfigFor(o.Domain);
        var test = Render(o.Domain, o.TestClips, o.Frames, o.Seed, heldOut: true);
        var device = TorchRuntime.Device;
        var model = new ClipClassifierModule(config);
        string? initName = null;
        if (o.InitFrom is not null)
        {
            // The shipped loader: refuses another architecture, a missing key, a NaN, or weights that are not the report's.
            using var init = ClipClassifier.Load(o.InitFrom, torch.CPU);
            if (JsonSerializer.Serialize(init.Module.Config) != JsonSerializer.Serialize(config))
                throw new ArgumentException($"--init {o.InitFrom}: its architecture differs from the {o.Domain} classifier this command trains; train from scratch.");
            using (torch.no_grad())
                foreach (var (dst, src) in model.state_dict().Values.Zip(init.Module.state_dict().Values)) dst.copy_(src);
            initName = init.Name;
            log($"{tagFor(o)} continuing from {init.Name} ({o.InitFrom}) at batch {o.FirstStep}");
        }
        model.to(device);
        var opt = torch.optim.AdamW(model.parameters(), o.LearningRate, weight_decay: 1e-4);
        double ema = double.NaN;
        string tag = $"[classifier/{o.Domain}]";
        var pools = o.Domain == "moving-mnist" ? new[] { MnistDigits.LoadEmbedded(MnistSplit.Train) } : null;
        double dataSeconds = 0;
        int digitHead = Array.FindIndex(config.Heads, h => h.Name == "digit" && h.PerFrame);
        for (int step = 0; step < o.Steps; step++)
        {
            // Rendered in the loop, not on a worker thread: a third busy thread beside libtorch's two stalls its
            // OpenMP barriers (measured: 3x slower steps); rendering is ~7% of a step.
            var renderClock = Stopwatch.StartNew();
            var batch = Render(o.Domain, o.BatchSize, o.Frames, Seeding.Derive(o.Seed, $"classifier/step{step + o.FirstStep}"), heldOut: false, pools?[0]);
            dataSeconds += renderClock.Elapsed.TotalSeconds;
            using var scope = torch.NewDisposeScope();
            model.train();
            double lr = o.LearningRate * (0.02 + 0.98 * 0.5 * (1 + Math.Cos(Math.PI * step / o.Steps)));
            foreach (var g in opt.ParamGroups) g.LearningRate = lr;
            var x = torch.cat(batch.Select(b => model.Prepare(b.Clips.ToTensor())).ToList(), 0).to(device);
            var output = model.Run(x);
            var loss = Loss(config, output, batch, o.Frames, device);
            if (digitHead >= 0 && o.DigitFrames > 0)
            {
                var extra = RenderDigitFrames(o.DigitFrames, Seeding.Derive(o.Seed, $"classifier/step{step + o.FirstStep}"), pools![0]);
                var frames = torch.cat(extra.Select(e => model.Prepare(e.Clips.ToTensor())).ToList(), 0).to(device);
                var y = torch.tensor(extra.SelectMany(e => e.Digits.SelectMany(d => new long[] { d, d })).ToArray()).to(device);
                loss = loss + nn.functional.cross_entropy(model.FrameLogits(frames, digitHead), y);
            }
            double l = loss.item<float>();
            if (!double.IsFinite(l))
                throw new InvalidOperationException($"{tag} the loss became {l} at step {step + 1}: nothing was written. Lower --lr (now {o.LearningRate}) and rerun.");
            opt.zero_grad(); loss.backward(); opt.step();
            ema = double.IsNaN(ema) ? l : 0.97 * ema + 0.03 * l;
            if ((step + 1) % 50 == 0 || step == 0)
                log($"{tag} step {step + 1}/{o.Steps} loss {ema:F4} lr {lr:G3} ({sw.Elapsed.TotalSeconds:F0} s, data {dataSeconds:F0} s)");
        }
        var acc = Evaluate(model, config, test, device);
        log($"{tag} held-out accuracy: {string.Join(", ", acc.Select(kv => $"{kv.Key} {kv.Value:P2}"))}");
        var report = new ClipClassifierReport
        {
            Config = config, WeightsSha256 = Fingerprint.OfModule(model), Command = command,
            TrainingData = Describe(o.Domain, "train", o) + (initName is null ? "" : $"; continued from {initName} at batch {o.FirstStep}"),
            HeldOutData = Describe(o.Domain, "held-out", o),
            HeldOutAccuracy = acc, HeldOutClips = test.ToDictionary(t => t.Family, t => t.Clips.Count),
            Steps = o.Steps, BatchSize = o.BatchSize, Seed = o.Seed,
            Seconds = Math.Round(sw.Elapsed.TotalSeconds, 1), Threads = torch.get_num_threads(), Machine = MachineDescription(),
            FinalLoss = Math.Round(ema, 5),
        };
        Save(model, report, outPath);
        model.Dispose();
        return report;
    }

    /// <summary>Writes the weights and the report side by side: both to temporary files, then both moved in.</summary>
    public static void Save(ClipClassifierModule model, ClipClassifierReport report, string outPath)
    {
        string json = Path.ChangeExtension(outPath, ".json");
        AtomicFile.WriteVia(outPath + ".weights", tmp => model.save_py(tmp));
        try
        {
            AtomicFile.WriteAllText(json + ".report", JsonSerializer.Serialize(report, ClipClassifierReport.JsonOptions));
            File.Move(outPath + ".weights", outPath, overwrite: true);
            File.Move(json + ".report", json, overwrite: true);
        }
        finally
        {
            File.Delete(outPath + ".weights");
            File.Delete(json + ".report");
        }
    }

    /// <summary>CPU model, cores and OS, for the report.</summary>
    public static string MachineDescription()
    {
        string cpu = TorchRuntime.CpuModel();
        return $"{cpu}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {TorchRuntime.Device}";
    }

    static string Describe(string domain, string split, ClipClassifierTrainingOptions o) => domain == "moving-mnist"
        ? $"VideoGan.Data.MovingMnist from the embedded MNIST {(split == "train" ? "train" : "test")} digit pool, all 6 motion types, speed jitter 0.3, {o.Frames} frames, seed {o.Seed}; " +
          (split == "train" ? $"a fresh batch of {o.BatchSize} clips every step (and {o.DigitFrames} single frames of one-digit clips for the digit head)" : $"{o.TestClips} fixed clips") + ", families: " +
          string.Join(", ", DigitFamilies(o.Frames).Select(f => $"{f.Name} {f.Share:P0}"))
        : $"VideoGan.Data.SyntheticFaces (all motions, {o.Frames} frames), {(split == "train" ? "a fresh seeded batch every step" : $"{o.TestClips} clips of a separate seed")}, seed {o.Seed}";

    static Tensor Loss(ClipClassifierConfig config, ClassifierOutput output, List<LabelledClips> batch, int frames, Device device)
    {
        Tensor? total = null;
        for (int h = 0; h < config.Heads.Length; h++)
        {
            var head = config.Heads[h];
            Tensor l;
            if (head.MultiLabel)
            {
                int k = head.Classes.Length;
                var target = new List<float>();
                foreach (var b in batch)
                    foreach (var present in b.MultiHot[h]!)
                    {
                        var row = new float[k];
                        foreach (int c in present) row[c] = 1;
                        target.AddRange(row);
                    }
                l = nn.functional.binary_cross_entropy_with_logits(output.Logits[h], torch.tensor(target.ToArray(), new long[] { target.Count / k, k }).to(device));
            }
            else
            {
                var labels = batch.SelectMany(b => b.Targets[h]).Select(v => (long)v).ToArray();
                if (labels.All(v => v < 0)) continue;
                var y = torch.tensor(labels).to(device);
                if (head.PerFrame)
                {
                    // Every frame of a clip shows the clip's class: train the per-frame logits directly.
                    y = y.repeat_interleave(frames);
                    l = nn.functional.cross_entropy(output.FrameLogits![h]!, y, ignore_index: -1);
                }
                else l = nn.functional.cross_entropy(output.Logits[h], y, ignore_index: -1);
            }
            total = total is null ? l : total + l;
        }
        return total!;
    }

    /// <summary>Held-out accuracy per head and per head/family; multi-label heads: the top-k classes equal the true set (k = number present).</summary>
    public static Dictionary<string, double> Evaluate(ClipClassifierModule model, ClipClassifierConfig config, List<LabelledClips> test, Device device, int batchSize = 64)
    {
        model.eval();
        var correct = new SortedDictionary<string, (int Ok, int N)>(StringComparer.Ordinal);
        void Count(string key, bool ok) { correct.TryGetValue(key, out var v); correct[key] = (v.Ok + (ok ? 1 : 0), v.N + 1); }
        using var _ = torch.no_grad();
        foreach (var src in test)
            for (int start = 0; start < src.Clips.Count; start += batchSize)
            {
                using var scope = torch.NewDisposeScope();
                var idx = Enumerable.Range(start, Math.Min(batchSize, src.Clips.Count - start)).ToArray();
                var output = model.Run(src.Clips.ToTensor(idx).to(device));
                for (int h = 0; h < config.Heads.Length; h++)
                {
                    var head = config.Heads[h];
                    int k = head.Classes.Length;
                    var data = output.Logits[h].cpu().to(float32).data<float>().ToArray();
                    for (int i = 0; i < idx.Length; i++)
                    {
                        var row = data.AsSpan(i * k, k).ToArray();
                        bool ok;
                        if (head.MultiLabel)
                        {
                            var truth = src.MultiHot[h]![idx[i]];
                            ok = Enumerable.Range(0, k).OrderByDescending(c => row[c]).Take(truth.Length).ToHashSet().SetEquals(truth);
                        }
                        else
                        {
                            int truth = src.Targets[h][idx[i]];
                            if (truth < 0) continue;
                            ok = Array.IndexOf(row, row.Max()) == truth;
                        }
                        Count(head.Name, ok);
                        if (test.Count > 1) Count($"{head.Name}/{src.Family}", ok);
                        // Recall per true class for the small single-label heads: where the errors are (a bounce called diagonal).
                        if (!head.MultiLabel && k <= 10) Count($"{head.Name}={head.Classes[src.Targets[h][idx[i]]]}", ok);
                    }
                }
            }
        return correct.ToDictionary(kv => kv.Key, kv => Math.Round((double)kv.Value.Ok / kv.Value.N, 4));
    }
}
