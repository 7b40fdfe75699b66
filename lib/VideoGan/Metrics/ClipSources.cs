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
/// <item><c>file.npy</c> — uint8 clips (or float32 in [-1, 1]) in the layout its side file <c>file.npy.layout.json</c> records
/// (<c>videogan data</c> and <c>videogan sample</c> write one) or the one passed as <c>layout</c> (<c>--layout</c>):
/// <see cref="ClipLayout.NCTHW"/>, <see cref="ClipLayout.NTHW"/> or <see cref="ClipLayout.TNHW"/> (<c>mnist_test_seq.npy</c>).
/// An unrecorded 4-D array is refused; an unrecorded 5-D one is read as <c>[N, C, T, H, W]</c>.</item>
/// <item>a folder of per-clip frame folders (PNG/JPEG), or a generator folder with <c>config.json</c> + <c>generator.bin</c>
/// (as exported by the trainer: data/trained/digits); <c>untrained:&lt;preset&gt;</c> — a freshly initialised generator.</item>
/// </list>
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb.</remarks>
public static class ClipSources
{
    /// <summary>Parses a source specification; <paramref name="n"/> clips (fewer when a file holds fewer).</summary>
    /// <param name="spec">The source (see the class summary).</param>
    /// <param name="n">Clips to take.</param>
    /// <param name="frames">Frames per clip (longer clips are cut).</param>
    /// <param name="seed">Seed of generated data and generator latents.</param>
    /// <param name="size">Frame size of synthetic faces and frame folders.</param>
    /// <param name="layout">Axis order of a <c>.npy</c> source that does not record its own (null: the record decides,
    /// see <see cref="Npy.ResolveClipLayout"/>); ignored by the other sources.</param>
    public static ClipSet Open(string spec, int n, int frames = 16, int seed = 0, int size = 64, ClipLayout? layout = null)
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
            // The layout comes from the file's record or the caller (Npy.ResolveClipLayout): an unrecorded 4-D array is
            // refused rather than read in an order that silently mixes frames of different clips.
            var info = Npy.ResolveClipLayout(spec, layout);
            string desc(long count) => $"{Path.GetFileName(spec)} ({count} clips, {info.Layout} {info.Layout.Axes()} from the {info.Source})";
            if (info.Header.Descr == "<f4")
            {
                var t = Npy.ReadClipTensor(spec, info.Layout, n, frames);
                return ClipSet.FromTensor(t, desc(t.shape[0]));
            }
            var clips = Npy.ReadClips(spec, info.Layout, n, frames);
            return ClipSet.FromVideoClips(clips, desc(clips.Count), FingerprintOf(clips), frames);
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

    // The same hash as Fingerprint.OfClips of the [-1, 1] tensor (which quantises back to these bytes), without building it.
    static string FingerprintOf(VideoClips clips)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        sha.AppendData(System.Text.Encoding.ASCII.GetBytes(string.Join("x", clips.Shape)));
        sha.AppendData(clips.Data);
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
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
