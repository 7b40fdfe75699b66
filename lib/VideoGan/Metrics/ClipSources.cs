using System.Text.Json;
using TorchSharp;
using VideoGan.Data;
using VideoGan.Models;
using static TorchSharp.torch;

namespace VideoGan.Metrics;

/// <summary>
/// Turns the <c>--real</c>/<c>--fake</c> arguments of <c>videogan evaluate</c> into <see cref="ClipSet"/>s:
/// <list type="bullet">
/// <item><c>moving-mnist[:train|test]</c> — Srivastava Moving MNIST (64x64, 2 digits) from that digit pool;
/// <c>digits[:train|test]</c> — the case study's 28x28 one-digit binary clips; <c>faces[:train|test]</c> — synthetic faces.</item>
/// <item><c>file.npy</c> — uint8 clips <c>[N, T, H, W]</c> or <c>[N, C, T, H, W]</c> (or float32 in [-1, 1]).</item>
/// <item>a folder of per-clip frame folders (PNG/JPEG), or a generator folder with <c>config.json</c> + <c>generator.bin</c>
/// (as exported by the trainer: data/trained/digits); <c>untrained:&lt;preset&gt;</c> — a freshly initialised generator.</item>
/// </list>
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb.</remarks>
public static class ClipSources
{
    /// <summary>Parses a source specification; <paramref name="n"/> clips (fewer when a file holds fewer).</summary>
    public static ClipSet Open(string spec, int n, int frames = 16, int seed = 0, int size = 64)
    {
        string kind = spec, split = "test";
        int colon = spec.IndexOf(':');
        if (colon > 0 && !File.Exists(spec) && !Directory.Exists(spec)) { kind = spec[..colon]; split = spec[(colon + 1)..]; }
        bool test = split switch { "test" => true, "train" => false, _ when kind.StartsWith("untrained") => true,
            _ => throw new ArgumentException($"Unknown split '{split}' in '{spec}': use :train or :test.") };
        switch (kind)
        {
            case "moving-mnist":
            case "digits":
            {
                var o = kind == "digits" ? MovingMnistOptions.CaseStudyDigits with { Frames = frames } : MovingMnistOptions.Srivastava with { Frames = frames };
                var pool = MnistDigits.LoadEmbedded(test ? MnistSplit.Test : MnistSplit.Train);
                int s = Runtime.Seeding.Derive(seed, $"evaluate/{kind}/{split}");
                var set = MovingMnist.Generate(pool, n, o, s);
                string desc = $"{kind}:{split} (MovingMnist {o.CanvasSize}x{o.CanvasSize}, {o.DigitsPerClip} digit(s), {frames} frames, {pool.Source}, seed {s})";
                return ClipSet.FromVideoClips(set.Clips, desc, Fingerprint.OfText(JsonSerializer.Serialize(o) + $"|{pool.Source}|{s}|{n}"), frames);
            }
            case "faces":
            {
                int s = Runtime.Seeding.Derive(seed, $"evaluate/faces/{split}");
                var set = SyntheticFaces.Generate(n, new SyntheticFacesOptions { Frames = frames, Size = size }, s);
                return ClipSet.FromVideoClips(set.Clips, $"faces:{split} (SyntheticFaces {size}x{size}, {frames} frames, seed {s})",
                                              Fingerprint.OfText($"faces|{size}|{frames}|{s}|{n}"), frames);
            }
        }
        if (spec.StartsWith("untrained:", StringComparison.Ordinal))
        {
            var config = spec[10..] switch
            {
                "digits" or "digits28" => ModelConfig.Digits28,
                var other => throw new ArgumentException($"Unknown untrained preset '{other}': use untrained:digits."),
            };
            Runtime.Seeding.SeedEverything(seed);
            var g = ModelFactory.CreateGenerator(config);
            g.to(Runtime.TorchRuntime.Device);
            return ClipSet.FromGenerator(g, n, $"untrained {config.Generator} generator (seed {seed})", Fingerprint.OfModule(g), seed);
        }
        if (File.Exists(spec) && spec.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            var t = Npy.ReadTensor(spec);
            Tensor clips = t.dim() switch
            {
                4 => t.unsqueeze(1),
                5 => t,
                _ => throw new InvalidDataException($"'{spec}' has shape [{string.Join(", ", t.shape)}]; clips must be [N, T, H, W] or [N, C, T, H, W] " +
                                                    "(the canonical mnist_test_seq.npy is [T, N, H, W]: transpose it with np.swapaxes(a, 0, 1))."),
            };
            clips = clips.dtype == ScalarType.Byte ? clips.to(float32) * (2.0 / 255) - 1 : clips.to(float32);
            if (clips.shape[0] > n) clips = clips.narrow(0, 0, n);
            if (clips.shape[2] > frames) clips = clips.narrow(2, 0, frames);
            return ClipSet.FromTensor(clips.contiguous(), $"{Path.GetFileName(spec)} ({clips.shape[0]} clips)");
        }
        if (Directory.Exists(spec) && File.Exists(Path.Combine(spec, "config.json")) && File.Exists(Path.Combine(spec, "generator.bin")))
        {
            var g = LoadGeneratorFolder(spec);
            return ClipSet.FromGenerator(g, n, $"generator {spec}", Fingerprint.OfFile(Path.Combine(spec, "generator.bin")), seed);
        }
        if (Directory.Exists(spec))
        {
            var set = FrameFolders.Load(spec, frames, size, channels: 3, maxClips: n);
            return ClipSet.FromVideoClips(set.Clips, $"frame folders {spec} ({set.Clips.Count} clips, {set.Skipped.Length} skipped)",
                                          Fingerprint.OfText(string.Join("|", set.ClipNames) + $"|{frames}|{size}"), frames);
        }
        throw new ArgumentException($"Cannot read clips from '{spec}': use moving-mnist[:test|train], digits[:test|train], faces[:test|train], untrained:digits, " +
                                    "a .npy file, a generator folder (config.json + generator.bin) or a folder of frame folders.");
    }

    /// <summary>A generator from a folder with the trainer's <c>config.json</c> (its "model" object) and <c>generator.bin</c>.</summary>
    public static VideoGeneratorBase LoadGeneratorFolder(string folder)
    {
        string cfg = Path.Combine(folder, "config.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(cfg));
        var model = doc.RootElement.EnumerateObject().FirstOrDefault(p => p.Name.Equals("model", StringComparison.OrdinalIgnoreCase));
        if (model.Value.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"'{cfg}' has no \"model\" object (the generator's ModelConfig).");
        var g = ModelFactory.CreateGenerator(ModelConfig.FromJson(model.Value.GetRawText()));
        g.load(Path.Combine(folder, "generator.bin"), strict: true);
        g.to(Runtime.TorchRuntime.Device);
        g.eval();
        return g;
    }
}
