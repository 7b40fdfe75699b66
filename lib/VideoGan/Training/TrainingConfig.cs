using System.Text.Json;
using System.Text.Json.Serialization;
using VideoGan.Models;

namespace VideoGan.Training;

/// <summary>Adam settings of one network (the generator and the discriminators each have their own).</summary>
public sealed record OptimizerConfig
{
    /// <summary>Learning rate.</summary>
    public double Lr { get; init; } = 2e-4;
    /// <summary>Adam beta1 (0.5 is the DCGAN/VideoGAN choice; 0 for TTUR/BigGAN-style).</summary>
    public double Beta1 { get; init; } = 0.5;
    /// <summary>Adam beta2.</summary>
    public double Beta2 { get; init; } = 0.999;
    /// <summary>L2 weight decay (MoCoGAN used 1e-5).</summary>
    public double WeightDecay { get; init; }
}

/// <summary>Which clips the trainer draws, and their size. Kinds: "digits", "moving-mnist", "faces".</summary>
public sealed record DataConfig
{
    /// <summary>"digits" (one digit, 28x28, binary ink), "moving-mnist" (Srivastava-style), "faces" (synthetic RGB).</summary>
    public string Kind { get; init; } = "digits";
    /// <summary>Canvas side in pixels.</summary>
    public int Size { get; init; } = 28;
    /// <summary>Frames per clip.</summary>
    public int Frames { get; init; } = 16;
    /// <summary>Digits per clip (digit kinds only).</summary>
    public int Digits { get; init; } = 1;
    /// <summary>Threshold ink to {0, 255} (the case study's binary digits).</summary>
    public bool BinaryInk { get; init; }
    /// <summary>Digit size relative to 28 px (0.5 = 14 px digits).</summary>
    public double DigitScale { get; init; } = 1.0;
    /// <summary>Speed as a fraction of the free range per frame (Srivastava: 0.1).</summary>
    public double Speed { get; init; } = 0.1;
    /// <summary>Relative per-clip speed spread (0 = fixed).</summary>
    public double SpeedJitter { get; init; }
    /// <summary>Motion types drawn per clip ("bounce", "horizontal-sway", "vertical-bob", "diagonal", "static", "rotate-zoom"); null = bounce.</summary>
    public VideoGan.Data.MotionType[]? MotionTypes { get; init; }
}

/// <summary>
/// Everything a training run needs, as one JSON document: model, data, loss, optimisers, schedule, logging.
/// Presets live in one place, <c>data/configs/*.json</c> (see <see cref="ConfigPresets"/>); unknown keys and bad values
/// are errors that name the key.
/// </summary>
/// <remarks>Taught in notebook 03-training.</remarks>
public sealed record TrainingConfig
{
    /// <summary>Preset or run name (informational).</summary>
    public string Name { get; init; } = "custom";
    /// <summary>One line on what the preset is for.</summary>
    public string? Description { get; init; }
    /// <summary>Generator and discriminator architecture (owned by VideoGan.Models).</summary>
    public ModelConfig Model { get; init; } = new();
    /// <summary>The training clips.</summary>
    public DataConfig Data { get; init; } = new();
    /// <summary>Adversarial loss.</summary>
    public GanLossKind Loss { get; init; } = GanLossKind.Hinge;
    /// <summary>Generator's Adam.</summary>
    public OptimizerConfig GeneratorOptimizer { get; init; } = new();
    /// <summary>Discriminators' Adam (video and frame discriminator share it).</summary>
    public OptimizerConfig DiscriminatorOptimizer { get; init; } = new();
    /// <summary>Clips per batch.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Generator updates in the run.</summary>
    public int Steps { get; init; } = 1000;
    /// <summary>Discriminator updates per generator update (the D:G ratio; WGAN-GP used 5).</summary>
    public int DiscriminatorSteps { get; init; } = 1;
    /// <summary>Unrolled GAN lookahead k (Metz et al. 2017); 0 = off.</summary>
    public int UnrollSteps { get; init; }
    /// <summary>"first-order" (G answers a look-ahead D as a constant) or "differentiable" (the paper's: G's loss
    /// back-propagates through the k look-ahead SGD steps; needs model.spectralNorm, no AC-GAN head).</summary>
    public UnrollMode UnrollMode { get; init; } = UnrollMode.FirstOrder;
    /// <summary>Learning rate of the differentiable look-ahead's SGD steps.</summary>
    public double UnrollLr { get; init; } = 0.05;
    /// <summary>EMA decay of the generator's weights; 0 = no EMA.</summary>
    public double EmaDecay { get; init; } = 0.999;
    /// <summary>Weight of the WGAN-GP penalty (used when <see cref="Loss"/> is wgan-gp).</summary>
    public double GradientPenaltyWeight { get; init; } = 10;
    /// <summary>R1 gamma (penalty gamma/2 * E||grad D(real)||^2); 0 = off.</summary>
    public double R1Gamma { get; init; }
    /// <summary>Apply R1 every this many discriminator steps (lazy regularisation), scaled to match.</summary>
    public int R1Every { get; init; } = 1;
    /// <summary>Weight of the frame discriminator's loss terms relative to the video discriminator's.</summary>
    public double FrameDiscriminatorWeight { get; init; } = 1;
    /// <summary>
    /// AC-GAN (Odena et al. 2017) weight; 0 = off. Needs model.classes &gt; 0 and the frame discriminator: its class
    /// head learns the digit of real frames (cross-entropy), and the generator is asked to make frames that head reads
    /// as the class it was given, a direct class signal where the projection term alone proved too weak here.
    /// </summary>
    public double AuxiliaryClassWeight { get; init; }
    /// <summary>Seed of every random stream of the run (weights, latents, data order).</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Write a log line (JSONL, TensorBoard) every this many steps.</summary>
    public int LogEvery { get; init; } = 1;
    /// <summary>Write a sample GIF of the EMA generator every this many steps; 0 = never.</summary>
    public int SampleEvery { get; init; } = 250;
    /// <summary>Clips in each sample GIF (a grid).</summary>
    public int SampleCount { get; init; } = 16;
    /// <summary>Write a checkpoint every this many steps (and at the end); 0 = only at the end.</summary>
    public int CheckpointEvery { get; init; } = 500;
    /// <summary>Keep only the newest this many step checkpoints; 0 = keep all.</summary>
    public int KeepCheckpoints { get; init; }
    /// <summary>Write TensorBoard event files beside the JSONL log.</summary>
    public bool TensorBoard { get; init; } = true;

    /// <summary>JSON options: camelCase keys, kebab-case enums, unknown keys rejected.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = CreateJsonOptions();

    static JsonSerializerOptions CreateJsonOptions()
    {
        var o = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            PropertyNameCaseInsensitive = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            WriteIndented = true,
            NumberHandling = JsonNumberHandling.Strict,
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false));
        return o;
    }

    /// <summary>This config as indented JSON (the format of presets and of checkpoints).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>
    /// Parses and validates a config. <paramref name="source"/> names the file or preset in error messages.
    /// Throws <see cref="InvalidDataException"/> naming the key for unknown keys, wrong types and bad values.
    /// </summary>
    public static TrainingConfig FromJson(string json, string source = "config")
    {
        TrainingConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<TrainingConfig>(json, JsonOptions);
        }
        catch (JsonException e)
        {
            string key = string.IsNullOrEmpty(e.Path) ? "(document)" : e.Path.TrimStart('$', '.');
            string what = e.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? $"unknown key '{UnknownKeyName(e.Message) ?? key}' (check the spelling against data/configs/smoke.json)"
                : $"bad value at key '{key}': {FirstSentence(e.Message)}";
            throw new InvalidDataException($"Training config '{source}': {what}.", e);
        }
        if (config is null) throw new InvalidDataException($"Training config '{source}' is empty (null).");
        config.Validate(source);
        return config;
    }

    /// <summary>Loads a preset name ("digits", "smoke", ...) or a JSON file path.</summary>
    public static TrainingConfig Load(string presetOrPath) => ConfigPresets.Load(presetOrPath);

    /// <summary>Checks every value; the exception names the key and the allowed range.</summary>
    public void Validate(string source = "config")
    {
        void Fail(string key, object? value, string rule) =>
            throw new InvalidDataException($"Training config '{source}': key '{key}' = {Format(value)} is invalid: {rule}.");

        if (Model is null) Fail("model", null, "a model section is required");
        if (Data is null) Fail("data", null, "a data section is required");
        if (GeneratorOptimizer is null) Fail("generatorOptimizer", null, "an optimiser section is required");
        if (DiscriminatorOptimizer is null) Fail("discriminatorOptimizer", null, "an optimiser section is required");
        if (!Enum.IsDefined(Loss)) Fail("loss", Loss, "use non-saturating, hinge or wgan-gp");
        foreach (var (key, opt) in new[] { ("generatorOptimizer", GeneratorOptimizer!), ("discriminatorOptimizer", DiscriminatorOptimizer!) })
        {
            if (!(opt.Lr > 0 && opt.Lr < 1)) Fail($"{key}.lr", opt.Lr, "must be in (0, 1)");
            if (!(opt.Beta1 >= 0 && opt.Beta1 < 1)) Fail($"{key}.beta1", opt.Beta1, "must be in [0, 1)");
            if (!(opt.Beta2 >= 0 && opt.Beta2 < 1)) Fail($"{key}.beta2", opt.Beta2, "must be in [0, 1)");
            if (!(opt.WeightDecay >= 0)) Fail($"{key}.weightDecay", opt.WeightDecay, "must be >= 0");
        }
        string[] kinds = ["digits", "moving-mnist", "faces"];
        if (!kinds.Contains(Data!.Kind)) Fail("data.kind", Data.Kind, $"use one of {string.Join(", ", kinds)}");
        if (Data.Size is < 8 or > 512) Fail("data.size", Data.Size, "must be in [8, 512]");
        if (Data.Frames is < 2 or > 256) Fail("data.frames", Data.Frames, "must be in [2, 256]");
        if (Data.Digits is < 1 or > 8) Fail("data.digits", Data.Digits, "must be in [1, 8]");
        if (!(Data.DigitScale > 0 && Data.DigitScale * 28 <= Data.Size)) Fail("data.digitScale", Data.DigitScale, $"must be > 0 with 28*digitScale <= data.size ({Data.Size})");
        if (!(Data.Speed >= 0 && Data.Speed <= 1)) Fail("data.speed", Data.Speed, "must be in [0, 1]");
        if (!(Data.SpeedJitter >= 0 && Data.SpeedJitter <= 1)) Fail("data.speedJitter", Data.SpeedJitter, "must be in [0, 1]");
        if (Data.MotionTypes is { Length: 0 }) Fail("data.motionTypes", "[]", "name at least one motion type or leave it out");
        if (BatchSize < 1) Fail("batchSize", BatchSize, "must be >= 1");
        if (Steps < 0) Fail("steps", Steps, "must be >= 0");
        if (DiscriminatorSteps < 1) Fail("discriminatorSteps", DiscriminatorSteps, "must be >= 1");
        if (UnrollSteps < 0) Fail("unrollSteps", UnrollSteps, "must be >= 0 (0 = off)");
        if (!Enum.IsDefined(UnrollMode)) Fail("unrollMode", UnrollMode, "use first-order or differentiable");
        if (!(UnrollLr > 0 && UnrollLr <= 10)) Fail("unrollLr", UnrollLr, "must be in (0, 10]");
        if (UnrollSteps > 0 && UnrollMode == UnrollMode.Differentiable && Model is { SpectralNorm: false })
            Fail("unrollMode", "differentiable", "needs model.spectralNorm true (the look-ahead replaces the spectrally normalised layers' weights; batch norm has no such path)");
        if (UnrollSteps > 0 && UnrollMode == UnrollMode.Differentiable && AuxiliaryClassWeight > 0)
            Fail("unrollMode", "differentiable", "does not unroll the AC-GAN class head; set auxiliaryClassWeight to 0 or unrollMode to first-order");
        if (!(EmaDecay >= 0 && EmaDecay < 1)) Fail("emaDecay", EmaDecay, "must be in [0, 1) (0 = off)");
        if (!(GradientPenaltyWeight >= 0)) Fail("gradientPenaltyWeight", GradientPenaltyWeight, "must be >= 0");
        if (!(R1Gamma >= 0)) Fail("r1Gamma", R1Gamma, "must be >= 0 (0 = off)");
        if (R1Every < 1) Fail("r1Every", R1Every, "must be >= 1");
        if (!(FrameDiscriminatorWeight >= 0)) Fail("frameDiscriminatorWeight", FrameDiscriminatorWeight, "must be >= 0");
        if (!(AuxiliaryClassWeight >= 0)) Fail("auxiliaryClassWeight", AuxiliaryClassWeight, "must be >= 0 (0 = off)");
        if (AuxiliaryClassWeight > 0 && Model is not { IsConditional: true, FrameDiscriminator: true })
            Fail("auxiliaryClassWeight", AuxiliaryClassWeight, "needs model.classes > 0 and model.frameDiscriminator true (the class head sits on the frame discriminator); set it to 0");
        if (LogEvery < 1) Fail("logEvery", LogEvery, "must be >= 1");
        if (SampleEvery < 0) Fail("sampleEvery", SampleEvery, "must be >= 0 (0 = never)");
        if (SampleCount < 1) Fail("sampleCount", SampleCount, "must be >= 1");
        if (CheckpointEvery < 0) Fail("checkpointEvery", CheckpointEvery, "must be >= 0 (0 = only at the end)");
        if (KeepCheckpoints < 0) Fail("keepCheckpoints", KeepCheckpoints, "must be >= 0 (0 = keep all)");
        ValidateModel(source);
    }

    void ValidateModel(string source)
    {
        try { Model.Validate("model"); }
        catch (ArgumentException e) { throw new InvalidDataException($"Training config '{source}': {e.Message}", e); }
        // The data and the model must agree on the clip shape, or the first step fails with a shape error deep in a conv.
        if (Model.Size != Data.Size)
            throw new InvalidDataException($"Training config '{source}': key 'model.size' = {Model.Size} does not match 'data.size' = {Data.Size}; make them equal.");
        if (Model.Frames != Data.Frames)
            throw new InvalidDataException($"Training config '{source}': key 'model.frames' = {Model.Frames} does not match 'data.frames' = {Data.Frames}; make them equal.");
        int channels = Data.Kind == "faces" ? 3 : 1;
        if (Model.Channels != channels)
            throw new InvalidDataException($"Training config '{source}': key 'model.channels' = {Model.Channels} but data kind '{Data.Kind}' has {channels} channel(s).");
        // Class conditioning needs one class per clip: the digit of a one-digit Moving MNIST clip.
        if (Model.IsConditional && (Data.Kind == "faces" || Data.Digits != 1 || Model.Classes != 10))
            throw new InvalidDataException($"Training config '{source}': key 'model.classes' = {Model.Classes} needs clips with one class each: " +
                                           $"data.kind 'digits' or 'moving-mnist' with data.digits = 1 and model.classes = 10 (got kind '{Data.Kind}', digits {Data.Digits}); or set model.classes to 0.");
    }

    static string Format(object? v) => v switch
    {
        null => "null",
        string s => $"\"{s}\"",
        double d => d.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "?",
    };

    static string? UnknownKeyName(string message)
    {
        int a = message.IndexOf('\'');
        int b = a >= 0 ? message.IndexOf('\'', a + 1) : -1;
        return b > a ? message[(a + 1)..b] : null;
    }

    static string FirstSentence(string message)
    {
        int i = message.IndexOf(". ", StringComparison.Ordinal);
        return i > 0 ? message[..i] : message.TrimEnd('.');
    }
}
