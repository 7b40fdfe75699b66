using VideoGan.Runtime;
using VideoGan.Metrics;
using VideoGan.Models;

namespace VideoGan.Training;

/// <summary>
/// The networks shipped under <c>data/trained/</c>: the digits generator (EMA weights of the digits preset trained on a
/// 2-core CPU; see data/trained/README.md for the command, seed and quality numbers) and the digit classifier that
/// measures it. Later notebooks (evaluation, latent analysis, results) start from these instead of hours of training.
/// </summary>
/// <remarks>Taught in notebook 03-training.</remarks>
public static class TrainedModels
{
    /// <summary>File names inside a shipped generator folder.</summary>
    public const string GeneratorFile = "generator.bin", ConfigFile = "config.json", ClassifierFile = "digit-classifier.bin";

    /// <summary><c>data/trained</c> of the repository.</summary>
    public static string Directory => Path.Combine(ConfigPresets.RepositoryRoot(), "data", "trained");

    /// <summary>The folder of the shipped digits generator.</summary>
    public static string DigitsDirectory => Path.Combine(Directory, "digits");

    /// <summary>The training config the shipped digits generator was trained with.</summary>
    public static TrainingConfig LoadDigitsConfig(string? directory = null)
    {
        string path = Path.Combine(directory ?? DigitsDirectory, ConfigFile);
        if (!File.Exists(path)) throw new FileNotFoundException($"The shipped digits generator's config '{path}' is missing (see data/trained/README.md).", path);
        return TrainingConfig.FromJson(File.ReadAllText(path), path);
    }

    /// <summary>The shipped digits generator (EMA weights), in eval mode on the CPU: z <c>[B, LatentDim]</c> -> <c>[B, 1, 16, 28, 28]</c>.</summary>
    public static VideoGeneratorBase LoadDigitsGenerator(string? directory = null) => LoadGenerator(directory ?? DigitsDirectory);

    /// <summary>A generator exported with <see cref="ExportGenerator"/> from <paramref name="directory"/>.</summary>
    public static VideoGeneratorBase LoadGenerator(string directory)
    {
        var config = LoadDigitsConfig(directory);
        string weights = Path.Combine(directory, GeneratorFile);
        if (!File.Exists(weights)) throw new FileNotFoundException($"Generator weights '{weights}' are missing (see data/trained/README.md).", weights);
        var g = ModelFactory.CreateGenerator(config.Model);
        try { g.load(weights, strict: true); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or EndOfStreamException)
        {
            throw new InvalidDataException($"'{weights}' does not fit the {config.Model.Generator} generator built from '{Path.Combine(directory, ConfigFile)}': {e.Message}", e);
        }
        g.eval();
        return g;
    }

    /// <summary>
    /// Writes a checkpoint's EMA generator (or its generator when there is no EMA) and its config into
    /// <paramref name="directory"/>: the small, shippable form <see cref="LoadGenerator"/> reads.
    /// </summary>
    public static void ExportGenerator(string checkpoint, string directory)
    {
        var config = Checkpoints.ReadConfig(checkpoint);
        using var g = ModelFactory.CreateGenerator(config.Model);
        Checkpoints.LoadGenerator(checkpoint, g, preferEma: true);
        System.IO.Directory.CreateDirectory(directory);
        AtomicFile.WriteVia(Path.Combine(directory, GeneratorFile), tmp => g.save(tmp));
        AtomicFile.WriteAllText(Path.Combine(directory, ConfigFile), config.ToJson());
    }

    /// <summary>The shipped digit classifier (for the digits preset's 28x28 rendering).</summary>
    public static DigitClassifier LoadDigitClassifier(string? path = null) => DigitClassifier.Load(path ?? Path.Combine(Directory, ClassifierFile));
}

/// <summary>Drawing clips from a trained generator and writing them as GIFs and <c>.npy</c> (what <c>videogan sample</c> does).</summary>
/// <remarks>Taught in notebook 03-training.</remarks>
public static class Sampling
{
    /// <summary>
    /// A generator (eval mode) from <paramref name="source"/>: "digits" (the shipped one), a folder written by
    /// <see cref="TrainedModels.ExportGenerator"/>, a run folder (its newest checkpoint) or a checkpoint file (EMA weights when present).
    /// </summary>
    public static VideoGeneratorBase LoadGenerator(string source)
    {
        if (ShippedFolder(source) is { } shipped) return TrainedModels.LoadGenerator(shipped);
        if (System.IO.Directory.Exists(source) && File.Exists(Path.Combine(source, TrainedModels.GeneratorFile))) return TrainedModels.LoadGenerator(source);
        string checkpoint = File.Exists(source) ? source
            : System.IO.Directory.Exists(source) ? Checkpoints.Latest(source) ?? throw new FileNotFoundException($"Run folder '{source}' has no checkpoints.")
            : throw new FileNotFoundException($"'{source}' is neither a checkpoint, a run folder, an exported generator folder nor \"digits\".", source);
        var config = Checkpoints.ReadConfig(checkpoint);
        var g = ModelFactory.CreateGenerator(config.Model);
        Checkpoints.LoadGenerator(checkpoint, g, preferEma: true);
        g.eval();
        return g;
    }

    /// <summary>
    /// The folder of a shipped generator named <paramref name="source"/> ("digits", "trained:digits-motion", ...: a folder
    /// of data/trained with a generator in it), or null when it names none.
    /// </summary>
    public static string? ShippedFolder(string source)
    {
        string name = source.StartsWith("trained:", StringComparison.Ordinal) ? source["trained:".Length..] : source;
        if (name.Length == 0 || name.IndexOfAny(new[] { '/', '\\', '.' }) >= 0) return null;
        string folder = Path.Combine(TrainedModels.Directory, name);
        return File.Exists(Path.Combine(folder, TrainedModels.GeneratorFile)) ? folder : null;
    }

    /// <summary>The training config behind <paramref name="source"/> (any form <see cref="LoadGenerator"/> accepts).</summary>
    public static TrainingConfig LoadConfig(string source)
    {
        if (ShippedFolder(source) is { } shipped) return TrainedModels.LoadDigitsConfig(shipped);
        if (System.IO.Directory.Exists(source) && File.Exists(Path.Combine(source, TrainedModels.ConfigFile)) && File.Exists(Path.Combine(source, TrainedModels.GeneratorFile)))
            return TrainedModels.LoadDigitsConfig(source);
        string checkpoint = File.Exists(source) ? source
            : Checkpoints.Latest(source) ?? throw new FileNotFoundException($"'{source}' is neither a checkpoint, a run folder, an exported generator folder nor a shipped generator's name.", source);
        return Checkpoints.ReadConfig(checkpoint);
    }

    /// <summary><paramref name="count"/> clips <c>[N, C, T, H, W]</c> in [-1, 1] (CPU) from latents of the named stream "samples" of <paramref name="seed"/>.</summary>
    public static TorchSharp.torch.Tensor Generate(VideoGeneratorBase generator, int count, int seed = 0, int batchSize = 64) =>
        GenerateWithClasses(generator, count, seed, batchSize).Video;

    /// <summary>
    /// Like <see cref="Generate"/>, also returning the class each clip was asked for <c>[N]</c> (null for an unconditional
    /// generator). <paramref name="digit"/> asks a class-conditional generator for one class only (null: drawn uniformly).
    /// </summary>
    public static (TorchSharp.torch.Tensor Video, TorchSharp.torch.Tensor? Classes) GenerateWithClasses(VideoGeneratorBase generator, int count, int seed = 0,
                                                                                                    int batchSize = 64, int? digit = null)
    {
        var drawn = Draw(generator, count, seed, batchSize, digit);
        drawn.Latents.Dispose();
        return (drawn.Video, drawn.Classes);
    }

    /// <summary>Clips, the latents they came from <c>[N, LatentDim]</c> and their classes (see <see cref="GenerateWithClasses"/>).</summary>
    public static GeneratedClips Draw(VideoGeneratorBase generator, int count, int seed = 0, int batchSize = 64, int? digit = null)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Sample count must be at least 1.");
        if (digit is not null && !generator.Config.IsConditional)
            throw new ArgumentException($"Asking for class {digit} needs a class-conditional generator (model.classes > 0); this one is unconditional.", nameof(digit));
        if (digit is { } d && (d < 0 || d >= generator.Config.Classes))
            throw new ArgumentOutOfRangeException(nameof(digit), d, $"The class must lie in 0..{generator.Config.Classes - 1}.");
        generator.eval();
        using var _ = TorchSharp.torch.no_grad();
        using var rng = Runtime.Seeding.CreateGenerator(seed, "samples");
        var parts = new List<TorchSharp.torch.Tensor>();
        var latents = new List<TorchSharp.torch.Tensor>();
        var classes = new List<TorchSharp.torch.Tensor>();
        for (int i = 0; i < count; i += batchSize)
        {
            var z = generator.SampleLatent(Math.Min(batchSize, count - i), rng);
            if (digit is { } wanted) z = generator.WithClasses(z, TorchSharp.torch.full(z.shape[0], (long)wanted));
            parts.Add(generator.call(z).cpu());
            latents.Add(z.cpu());
            if (generator.ClassLabels(z) is { } labels) classes.Add(labels.cpu());
        }
        return new GeneratedClips(TorchSharp.torch.cat(parts, 0), TorchSharp.torch.cat(latents, 0), classes.Count > 0 ? TorchSharp.torch.cat(classes, 0) : null);
    }

    /// <summary>
    /// Writes <c>samples.gif</c> (all clips as a grid), <c>clip-NNN.gif</c> for the first <paramref name="maxSingleGifs"/>
    /// clips, <c>frames.png</c> (the first 12 clips' frames, enlarged) and <c>samples.npy</c> (uint8 <c>[N, C, T, H, W]</c>) into <paramref name="directory"/>; returns the paths.
    /// </summary>
    public static IReadOnlyList<string> Write(TorchSharp.torch.Tensor video, string directory, int fps = 8, int maxSingleGifs = 64)
    {
        System.IO.Directory.CreateDirectory(directory);
        var clip = Visualization.Clip.FromTensor(video);
        var paths = new List<string>();
        string grid = Path.Combine(directory, "samples.gif");
        clip.SaveGif(grid, fps: fps, scale: 2);
        paths.Add(grid);
        for (int i = 0; i < Math.Min(clip.Batch, maxSingleGifs); i++)
        {
            string p = Path.Combine(directory, $"clip-{i:D3}.gif");
            clip.Slice(i, 1).SaveGif(p, fps: fps, scale: 4);
            paths.Add(p);
        }
        // Enlarged frames to look at (one row per clip, one column per frame): what a person judges the model by.
        string png = Path.Combine(directory, "frames.png");
        clip.Slice(0, Math.Min(clip.Batch, 12)).SavePng(png, scale: clip.Height <= 32 ? 3 : 2);
        paths.Add(png);
        string npy = Path.Combine(directory, "samples.npy");
        using (var bytes = clip.ToTensor()) Data.Npy.Write(npy, bytes);
        paths.Add(npy);
        return paths;
    }
}

/// <summary>Clips drawn from a generator with what they were drawn from.</summary>
/// <param name="Video">The clips <c>[N, C, T, H, W]</c> in [-1, 1] (CPU).</param>
/// <param name="Latents">Their latents z <c>[N, LatentDim]</c> (CPU).</param>
/// <param name="Classes">The class each was asked for <c>[N]</c>, or null (unconditional).</param>
public sealed record GeneratedClips(TorchSharp.torch.Tensor Video, TorchSharp.torch.Tensor Latents, TorchSharp.torch.Tensor? Classes);
