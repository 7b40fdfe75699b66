using VideoGan.Runtime;
using System.IO.Compression;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoGan.Training;

/// <summary>
/// Training checkpoints: one zip file per checkpoint holding the config, the generator, its EMA copy, the
/// discriminator(s), both Adam states, the torch CPU RNG state, the latent stream's state, the step, the elapsed time
/// and the step history. Written atomically (<c>.tmp</c> then rename). Data order needs no state: batches are a
/// function of (seed, step).
/// </summary>
/// <remarks>Taught in notebook 03-training.</remarks>
public static class Checkpoints
{
    /// <summary>Version of the layout below; bumped on incompatible changes.</summary>
    public const int FormatVersion = 1;

    const string ConfigEntry = "config.json", StateEntry = "state.json", HistoryEntry = "history.jsonl";
    const string GEntry = "generator.bin", EmaEntry = "generator_ema.bin", DEntry = "video_discriminator.bin", DfEntry = "frame_discriminator.bin";
    const string OptGEntry = "optimizer_g.bin", OptDEntry = "optimizer_d.bin", TorchRngEntry = "rng_torch.bin", LatentRngEntry = "rng_latent.bin";

    sealed record State(int FormatVersion, long Step, int Seed, double ElapsedSeconds, string Created, string TorchSharp, bool HasEma, bool HasFrameDiscriminator);

    /// <summary>The checkpoint path of step <paramref name="step"/> in a run folder.</summary>
    public static string PathFor(string runDirectory, long step) => Path.Combine(Path.GetFullPath(runDirectory), "checkpoints", $"step-{step:D7}.ckpt");

    /// <summary>Checkpoints of a run folder, oldest first.</summary>
    public static IReadOnlyList<string> List(string runDirectory)
    {
        string dir = Path.Combine(runDirectory, "checkpoints");
        return Directory.Exists(dir) ? Directory.GetFiles(dir, "step-*.ckpt").Order(StringComparer.Ordinal).ToList() : [];
    }

    /// <summary>The newest checkpoint of a run folder, or null.</summary>
    public static string? Latest(string runDirectory) => List(runDirectory).LastOrDefault();

    /// <summary>Deletes all but the newest <paramref name="keep"/> checkpoints.</summary>
    public static void Prune(string runDirectory, int keep)
    {
        var all = List(runDirectory);
        foreach (var old in all.Take(Math.Max(0, all.Count - keep))) File.Delete(old);
    }

    /// <summary>Writes <paramref name="trainer"/>'s complete state to <paramref name="path"/> atomically.</summary>
    public static void Save(Trainer trainer, string path)
    {
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            Text(zip, ConfigEntry, trainer.Config.ToJson());
            Text(zip, StateEntry, JsonSerializer.Serialize(new State(FormatVersion, trainer.Step, trainer.Config.Seed, trainer.ElapsedBefore,
                DateTime.UtcNow.ToString("O"), typeof(torch).Assembly.GetName().Version?.ToString() ?? "?",
                trainer.EmaGenerator is not null, trainer.FrameDiscriminator is not null), TrainingConfig.JsonOptions));
            Text(zip, HistoryEntry, string.Join("\n", trainer.History.Select(r => JsonSerializer.Serialize(r, TrainingLog.JsonOptions))));
            Binary(zip, GEntry, w => trainer.Generator.save(w));
            if (trainer.EmaGenerator is not null) Binary(zip, EmaEntry, w => trainer.EmaGenerator.save(w));
            Binary(zip, DEntry, w => trainer.VideoDiscriminator.save(w));
            if (trainer.FrameDiscriminator is not null) Binary(zip, DfEntry, w => trainer.FrameDiscriminator.save(w));
            Binary(zip, OptGEntry, w => trainer.GeneratorOptimizer.save_state_dict(w));
            Binary(zip, OptDEntry, w => trainer.DiscriminatorOptimizer.save_state_dict(w));
            using (var rng = get_rng_state()) Binary(zip, TorchRngEntry, w => w.Write(rng.data<byte>().ToArray()));
            using (var rng = trainer.LatentRng.get_state()) Binary(zip, LatentRngEntry, w => w.Write(rng.data<byte>().ToArray()));
        });
    }

    /// <summary>The config stored in a checkpoint.</summary>
    public static TrainingConfig ReadConfig(string path)
    {
        using var zip = Open(path);
        return TrainingConfig.FromJson(ReadText(zip, ConfigEntry, path), $"{path}!{ConfigEntry}");
    }

    /// <summary>The step stored in a checkpoint.</summary>
    public static long ReadStep(string path)
    {
        using var zip = Open(path);
        return ReadState(zip, path).Step;
    }

    /// <summary>Restores everything <see cref="Save"/> wrote into a trainer built from the same config.</summary>
    public static void Load(Trainer trainer, string path)
    {
        using var zip = Open(path);
        var state = ReadState(zip, path);
        if (state.HasEma != (trainer.EmaGenerator is not null) || state.HasFrameDiscriminator != (trainer.FrameDiscriminator is not null))
            throw new InvalidDataException($"Checkpoint '{path}' was written with EMA={state.HasEma}, frame discriminator={state.HasFrameDiscriminator}; " +
                                           "the trainer's config differs. Resume with the checkpoint's own config.");
        LoadModule(zip, GEntry, trainer.Generator, path);
        if (trainer.EmaGenerator is not null) LoadModule(zip, EmaEntry, trainer.EmaGenerator, path);
        LoadModule(zip, DEntry, trainer.VideoDiscriminator, path);
        if (trainer.FrameDiscriminator is not null) LoadModule(zip, DfEntry, trainer.FrameDiscriminator, path);
        using (var r = Reader(zip, OptGEntry, path)) trainer.GeneratorOptimizer.load_state_dict(r);
        using (var r = Reader(zip, OptDEntry, path)) trainer.DiscriminatorOptimizer.load_state_dict(r);
        using (var t = ByteTensor(zip, TorchRngEntry, path)) set_rng_state(t);
        using (var t = ByteTensor(zip, LatentRngEntry, path)) trainer.LatentRng.set_state(t);
        trainer.MutableHistory.Clear();
        foreach (var line in ReadText(zip, HistoryEntry, path).Split('\n', StringSplitOptions.RemoveEmptyEntries))
            trainer.MutableHistory.Add(JsonSerializer.Deserialize<StepRecord>(line, TrainingLog.JsonOptions)!);
        trainer.ElapsedBefore = state.ElapsedSeconds;
        trainer.SetStep(state.Step, Path.GetFullPath(path));
    }

    /// <summary>Loads just the (EMA when present) generator weights of a checkpoint into <paramref name="generator"/>.</summary>
    public static void LoadGenerator(string path, nn.Module generator, bool preferEma = true)
    {
        using var zip = Open(path);
        bool hasEma = zip.GetEntry(EmaEntry) is not null;
        LoadModule(zip, preferEma && hasEma ? EmaEntry : GEntry, generator, path);
    }

    static ZipArchive Open(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        try { return ZipFile.OpenRead(path); }
        catch (InvalidDataException e) { throw new InvalidDataException($"Checkpoint '{path}' is not a valid checkpoint (zip): {e.Message}", e); }
    }

    static State ReadState(ZipArchive zip, string path)
    {
        var state = JsonSerializer.Deserialize<State>(ReadText(zip, StateEntry, path), TrainingConfig.JsonOptions)
                    ?? throw new InvalidDataException($"Checkpoint '{path}': {StateEntry} is empty.");
        if (state.FormatVersion != FormatVersion)
            throw new InvalidDataException($"Checkpoint '{path}' has format version {state.FormatVersion}; this library reads version {FormatVersion}.");
        return state;
    }

    static void Text(ZipArchive zip, string name, string text)
    {
        using var w = new StreamWriter(zip.CreateEntry(name, CompressionLevel.Fastest).Open());
        w.Write(text);
    }

    static void Binary(ZipArchive zip, string name, Action<BinaryWriter> write)
    {
        using var w = new BinaryWriter(zip.CreateEntry(name, CompressionLevel.Fastest).Open());
        write(w);
    }

    static ZipArchiveEntry Entry(ZipArchive zip, string name, string path) =>
        zip.GetEntry(name) ?? throw new InvalidDataException($"Checkpoint '{path}' has no '{name}' entry (truncated or not a training checkpoint).");

    static string ReadText(ZipArchive zip, string name, string path)
    {
        using var r = new StreamReader(Entry(zip, name, path).Open());
        return r.ReadToEnd();
    }

    static MemoryStream Bytes(ZipArchive zip, string name, string path)
    {
        var ms = new MemoryStream();
        using (var s = Entry(zip, name, path).Open()) s.CopyTo(ms);
        ms.Position = 0;
        return ms;
    }

    static BinaryReader Reader(ZipArchive zip, string name, string path) => new(Bytes(zip, name, path));

    static Tensor ByteTensor(ZipArchive zip, string name, string path) => tensor(Bytes(zip, name, path).ToArray(), dtype: ScalarType.Byte);

    static void LoadModule(ZipArchive zip, string name, nn.Module module, string path)
    {
        using var r = Reader(zip, name, path);
        try { module.load(r, strict: true); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or EndOfStreamException)
        {
            throw new InvalidDataException($"Checkpoint '{path}': '{name}' does not fit the network built from the config ({e.Message}).", e);
        }
    }
}
