using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoGan.Models;

/// <summary>
/// Everything that decides a generator's and discriminators' shapes: which generator, clip size, latent sizes,
/// widths and the stabilisers. A JSON-serialisable record (camelCase keys, unknown keys rejected) that
/// <c>TrainingConfig.Model</c> embeds; <see cref="Validate"/> names the offending key ("model.frames ...").
/// </summary>
/// <remarks>Taught in notebooks/02-architecture.ipynb.</remarks>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ModelConfig
{
    /// <summary>Generator kind: motion/shape (the case study), two-stream VideoGAN, MoCoGAN-style content/motion.</summary>
    public const string MotionShape = "motion-shape", TwoStream = "two-stream", ContentMotion = "content-motion", MotionHeatmap = "motion-heatmap";

    /// <summary>The generator kinds <see cref="Generator"/> accepts.</summary>
    public static readonly IReadOnlyList<string> GeneratorKinds = [MotionShape, TwoStream, ContentMotion, MotionHeatmap];

    /// <summary>
    /// "motion-shape" (rigid path from an MLP: the baseline) | "two-stream" | "content-motion" | "motion-heatmap" (the
    /// case study's learned 3D-conv motion module: <see cref="MotionHeatmapGenerator"/>).
    /// </summary>
    [JsonPropertyName("generator")] public string Generator { get; init; } = MotionShape;
    /// <summary>Frame height = width in pixels: 28, 32 or 64.</summary>
    [JsonPropertyName("size")] public int Size { get; init; } = 28;
    /// <summary>Frames per clip: 16 or 32.</summary>
    [JsonPropertyName("frames")] public int Frames { get; init; } = 16;
    /// <summary>Colour channels: 1 (digits) or 3 (faces).</summary>
    [JsonPropertyName("channels")] public int Channels { get; init; } = 1;
    /// <summary>Content (appearance) latent size; the whole latent of the two-stream model is content + motion.</summary>
    [JsonPropertyName("contentDim")] public int ContentDim { get; init; } = 64;
    /// <summary>Motion latent size (motion-shape, two-stream) or per-frame motion noise and code size (content-motion).</summary>
    [JsonPropertyName("motionDim")] public int MotionDim { get; init; } = 16;
    /// <summary>Generator base width: channels of the last hidden layer; earlier layers double it.</summary>
    [JsonPropertyName("generatorWidth")] public int GeneratorWidth { get; init; } = 32;
    /// <summary>Discriminator base width: channels of the first layer; later layers double it.</summary>
    [JsonPropertyName("discriminatorWidth")] public int DiscriminatorWidth { get; init; } = 32;
    /// <summary>Spectral normalisation on every discriminator layer (and no batch norm there).</summary>
    [JsonPropertyName("spectralNorm")] public bool SpectralNorm { get; init; } = true;
    /// <summary>Add the per-frame 2D image discriminator (dual discriminator, MoCoGAN / DVD-GAN).</summary>
    [JsonPropertyName("frameDiscriminator")] public bool FrameDiscriminator { get; init; } = true;
    /// <summary>How many random frames of each clip the frame discriminator scores.</summary>
    [JsonPropertyName("frameDiscriminatorFrames")] public int FrameDiscriminatorFrames { get; init; } = 4;
    /// <summary>Two-stream upsampling: "transpose" (the paper's ConvTranspose) or "resize" (nearest upsample + conv, cheaper on CPU).</summary>
    [JsonPropertyName("upsample")] public string Upsample { get; init; } = "resize";
    /// <summary>Weight of the two-stream mask L1 penalty that <see cref="VideoGeneratorBase.RegularizationLoss"/> returns (paper: 0.1).</summary>
    [JsonPropertyName("maskL1")] public double MaskL1 { get; init; } = 0.1;
    /// <summary>Motion/shape: largest displacement of the content from the centre, as a fraction of the half-frame (0..1).</summary>
    [JsonPropertyName("motionRange")] public double MotionRange { get; init; } = 0.5;
    /// <summary>Motion/shape: largest speed, in half-frames per frame (0.1 = 1.4 px/frame at 28 px).</summary>
    [JsonPropertyName("maxSpeed")] public double MaxSpeed { get; init; } = 0.15;
    /// <summary>Motion/shape: largest amplitude of the 3D-conv residual (local) flow, in half-frames; 0 = rigid motion only.</summary>
    [JsonPropertyName("residualFlow")] public double ResidualFlow { get; init; } = 0.05;
    /// <summary>
    /// Motion/shape: number of classes for class conditioning (0 = unconditional). The generator reads the class as a
    /// one-hot block after z_content (cGAN, Mirza and Osindero 2014); both discriminators add a projection term
    /// &lt;embed(y), features&gt; (Miyato and Koyama 2018), so every class must be drawn as its real examples look.
    /// </summary>
    [JsonPropertyName("classes")] public int Classes { get; init; } = 0;
    /// <summary>Minibatch standard deviation (Karras et al. 2018) before the video discriminator's score: a feature against mode collapse.</summary>
    [JsonPropertyName("minibatchStd")] public bool MinibatchStd { get; init; }
    /// <summary>Motion/heatmap: independently moving objects (glyphs) per clip, each with its own content code and heatmap (2 for Srivastava's two digits).</summary>
    [JsonPropertyName("objects")] public int Objects { get; init; } = 1;
    /// <summary>Motion/heatmap: largest rotation the pose maps can give, degrees (the data rotates up to 15).</summary>
    [JsonPropertyName("maxRotation")] public double MaxRotation { get; init; } = 30;
    /// <summary>Motion/heatmap: largest relative zoom the pose maps can give (0.3 = 70%..130%; the data zooms up to 15%).</summary>
    [JsonPropertyName("maxZoom")] public double MaxZoom { get; init; } = 0.3;

    /// <summary>Whether the generator and discriminators are class-conditional (<see cref="Classes"/> &gt; 0).</summary>
    [JsonIgnore] public bool IsConditional => Classes > 0;

    /// <summary>The size of z's content block: z_content plus, when conditional, the class one-hot.</summary>
    [JsonIgnore] public int ContentLatentDim => ContentDim * (Generator == MotionHeatmap ? Objects : 1) + (Generator is MotionShape or MotionHeatmap ? Classes : 0);

    /// <summary>The size of z that the configured generator takes (<see cref="VideoGeneratorBase.LatentDim"/>).</summary>
    [JsonIgnore]
    public int LatentDim => Generator == ContentMotion ? ContentDim + Frames * MotionDim : ContentLatentDim + MotionDim;

    static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Checks every value; the exception names the key (with <paramref name="prefix"/>) and the allowed values.</summary>
    public ModelConfig Validate(string prefix = "model")
    {
        var errors = new List<string>();
        void Check(bool ok, string key, string rule) { if (!ok) errors.Add($"{prefix}.{key} {rule}"); }
        Check(GeneratorKinds.Contains(Generator), "generator", $"must be one of {string.Join(", ", GeneratorKinds.Select(k => $"\"{k}\""))} (got \"{Generator}\")");
        Check(Size is 28 or 32 or 64, "size", $"must be 28, 32 or 64 (got {Size})");
        Check(Frames is 16 or 32, "frames", $"must be 16 or 32 (got {Frames})");
        Check(Channels is 1 or 3, "channels", $"must be 1 or 3 (got {Channels})");
        Check(ContentDim is >= 1 and <= 4096, "contentDim", $"must be between 1 and 4096 (got {ContentDim})");
        Check(MotionDim is >= 1 and <= 1024, "motionDim", $"must be between 1 and 1024 (got {MotionDim})");
        Check(GeneratorWidth is >= 1 and <= 1024, "generatorWidth", $"must be between 1 and 1024 (got {GeneratorWidth})");
        Check(DiscriminatorWidth is >= 1 and <= 1024, "discriminatorWidth", $"must be between 1 and 1024 (got {DiscriminatorWidth})");
        Check(FrameDiscriminatorFrames >= 1 && FrameDiscriminatorFrames <= Frames, "frameDiscriminatorFrames", $"must be between 1 and model.frames ({Frames}) (got {FrameDiscriminatorFrames})");
        Check(Upsample is "resize" or "transpose", "upsample", $"must be \"resize\" or \"transpose\" (got \"{Upsample}\")");
        Check(MaskL1 >= 0 && double.IsFinite(MaskL1), "maskL1", $"must be a finite number >= 0 (got {MaskL1})");
        Check(MotionRange is >= 0 and <= 1, "motionRange", $"must be between 0 and 1 (got {MotionRange})");
        Check(MaxSpeed is >= 0 and <= 1, "maxSpeed", $"must be between 0 and 1 (got {MaxSpeed})");
        Check(ResidualFlow is >= 0 and <= 1, "residualFlow", $"must be between 0 and 1 (got {ResidualFlow})");
        Check(Classes is >= 0 and <= 1000 && Classes != 1, "classes", $"must be 0 (unconditional) or between 2 and 1000 (got {Classes})");
        Check(Classes == 0 || Generator is MotionShape or MotionHeatmap, "classes", $"(class conditioning) is built for generators \"{MotionShape}\" and \"{MotionHeatmap}\" only; set it to 0 for \"{Generator}\"");
        Check(Objects is >= 1 and <= 4, "objects", $"must be between 1 and 4 (got {Objects})");
        Check(Objects == 1 || Generator == MotionHeatmap, "objects", $"(several moving objects) is built for generator \"{MotionHeatmap}\" only; set it to 1 for \"{Generator}\"");
        Check(Objects == 1 || Classes == 0, "objects", $"must be 1 for a class-conditional generator (one class per clip; got {Objects} with model.classes = {Classes})");
        Check(MaxRotation is >= 0 and <= 180, "maxRotation", $"must be between 0 and 180 degrees (got {MaxRotation})");
        Check(MaxZoom is >= 0 and < 1, "maxZoom", $"must be at least 0 and below 1 (got {MaxZoom})");
        if (errors.Count > 0) throw new ArgumentException("Invalid model configuration: " + string.Join("; ", errors) + ".");
        return this;
    }

    /// <summary>Indented JSON with the camelCase keys.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Parses and validates; a malformed document or an unknown key gives an error naming it.</summary>
    public static ModelConfig FromJson(string json, string prefix = "model")
    {
        ModelConfig? config;
        try { config = JsonSerializer.Deserialize<ModelConfig>(json, JsonOptions); }
        catch (JsonException e) { throw new ArgumentException($"Invalid {prefix} JSON: {e.Message} Keys are: {string.Join(", ", KeyNames)}.", e); }
        return (config ?? throw new ArgumentException($"{prefix}: JSON is null; expected an object.")).Validate(prefix);
    }

    /// <summary>The JSON keys, for error messages and documentation.</summary>
    public static IReadOnlyList<string> KeyNames { get; } = typeof(ModelConfig).GetProperties()
        .Select(p => p.GetCustomAttributes(typeof(JsonPropertyNameAttribute), false).OfType<JsonPropertyNameAttribute>().FirstOrDefault()?.Name)
        .Where(n => n is not null).Select(n => n!).ToArray();

    /// <summary>The case study's digits clip: 28x28x16, one channel, motion/shape generator.</summary>
    public static ModelConfig Digits28 => new();
    /// <summary>A tiny configuration for tests and smoke runs (few channels; 28x28x16).</summary>
    public static ModelConfig Tiny(string generator = MotionShape) => new() { Generator = generator, GeneratorWidth = 8, DiscriminatorWidth = 8, ContentDim = 16, MotionDim = 4 };
}
