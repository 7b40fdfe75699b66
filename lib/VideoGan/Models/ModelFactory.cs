namespace VideoGan.Models;

/// <summary>Builds the networks a <see cref="ModelConfig"/> describes (validating it first).</summary>
/// <remarks>Taught in notebooks/02-architecture.ipynb.</remarks>
public static class ModelFactory
{
    /// <summary>The generator named by model.generator.</summary>
    public static VideoGeneratorBase CreateGenerator(ModelConfig config) => config.Validate().Generator switch
    {
        ModelConfig.MotionShape => new MotionShapeGenerator(config),
        ModelConfig.TwoStream => new TwoStreamGenerator(config),
        ModelConfig.ContentMotion => new ContentMotionGenerator(config),
        ModelConfig.MotionHeatmap => new MotionHeatmapGenerator(config),
        var other => throw new ArgumentException($"model.generator \"{other}\" is unknown."),
    };

    /// <summary>The 3D-conv video discriminator.</summary>
    public static VideoDiscriminatorBase CreateVideoDiscriminator(ModelConfig config) => new VideoDiscriminator(config.Validate());

    /// <summary>The per-frame image discriminator, or null when model.frameDiscriminator is off.</summary>
    public static VideoDiscriminatorBase? CreateFrameDiscriminator(ModelConfig config)
        => config.Validate().FrameDiscriminator ? new FrameDiscriminator(config) : null;
}
