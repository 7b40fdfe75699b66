using TorchSharp;
using static TorchSharp.torch;

namespace VideoGan.Training;

/// <summary>
/// Where training clips come from. A source is a pure function of (step, index): the batch for discriminator
/// sub-step <c>index</c> of generator step <c>step</c> is always the same, so a resumed run
/// sees exactly the data an uninterrupted one would, with no data-order state to save.
/// </summary>
public interface IClipSource
{
    /// <summary>Channels, frames, height, width of one clip.</summary>
    (int Channels, int Frames, int Height, int Width) ClipShape { get; }

    /// <summary>A float32 CPU batch <c>[B, C, T, H, W]</c> in [-1, 1].</summary>
    Tensor Batch(long step, int index, int batchSize);

    /// <summary>
    /// The same batch with each clip's class <c>[B]</c> (int64) for class-conditional training, or null labels when
    /// the source has none.
    /// </summary>
    (Tensor Clips, Tensor? Labels) LabeledBatch(long step, int index, int batchSize) => (Batch(step, index, batchSize), null);
}

/// <summary>An <see cref="IClipSource"/> over a delegate (tests, custom data).</summary>
public sealed class DelegateClipSource((int Channels, int Frames, int Height, int Width) clipShape, Func<long, int, int, Tensor> batch) : IClipSource
{
    /// <inheritdoc />
    public (int Channels, int Frames, int Height, int Width) ClipShape { get; } = clipShape;
    /// <inheritdoc />
    public Tensor Batch(long step, int index, int batchSize) => batch(step, index, batchSize);
}

/// <summary>What one generator step did: losses, discriminator scores and timings (one JSONL log line).</summary>
public sealed record StepRecord
{
    /// <summary>1-based number of the generator update this record describes.</summary>
    public long Step { get; init; }
    /// <summary>Discriminator loss (last sub-step; video + weighted frame terms + penalties).</summary>
    public double DLoss { get; init; }
    /// <summary>Generator adversarial loss plus its regularisation term.</summary>
    public double GLoss { get; init; }
    /// <summary>Mean video-discriminator logit on real clips.</summary>
    public double DReal { get; init; }
    /// <summary>Mean video-discriminator logit on generated clips.</summary>
    public double DFake { get; init; }
    /// <summary>Frame-discriminator loss term (0 without one).</summary>
    public double DFrameLoss { get; init; }
    /// <summary>AC-GAN: cross-entropy of the frame discriminator's class head on real frames (0 when off).</summary>
    public double DClassLoss { get; init; }
    /// <summary>AC-GAN: cross-entropy of the class head on generated frames against the classes G was given (0 when off).</summary>
    public double GClassLoss { get; init; }
    /// <summary>Gradient penalty (WGAN-GP or R1, unweighted; 0 when off).</summary>
    public double Penalty { get; init; }
    /// <summary>The generator's own regularisation (for example the two-stream mask L1).</summary>
    public double GRegularization { get; init; }
    /// <summary>Milliseconds spent making data.</summary>
    public double DataMs { get; init; }
    /// <summary>Milliseconds in discriminator updates (including unrolling).</summary>
    public double DMs { get; init; }
    /// <summary>Milliseconds in the generator update and EMA.</summary>
    public double GMs { get; init; }
    /// <summary>Milliseconds for the whole step.</summary>
    public double StepMs { get; init; }
    /// <summary>Seconds of training since step 0 (summed over resumed segments).</summary>
    public double ElapsedSeconds { get; init; }
}

/// <summary>Sent to a progress callback (console bar, notebook display).</summary>
public sealed record TrainingProgress(long Step, long TotalSteps, StepRecord Last, double StepsPerSecond, TimeSpan Elapsed, TimeSpan? Eta,
                                      string? SamplePath, string? CheckpointPath)
{
    /// <summary>Fraction done, 0..1.</summary>
    public double Fraction => TotalSteps <= 0 ? 1 : Math.Clamp((double)Step / TotalSteps, 0, 1);
}

/// <summary>Thrown when a loss becomes NaN or infinite: training stops, nothing is written over the last good checkpoint.</summary>
public sealed class TrainingDivergedException(long step, string lossName, double value, string? lastCheckpoint)
    : Exception($"Training stopped at step {step}: {lossName} is {value} (not finite). No weights were updated with it and no checkpoint was written; " +
                (lastCheckpoint is null ? "no checkpoint had been written yet. " : $"the last good checkpoint is '{lastCheckpoint}'. ") +
                "Lower the learning rates, enable spectral norm or a gradient penalty, or check the data for NaNs, then resume.")
{
    /// <summary>The generator step that diverged.</summary>
    public long Step { get; } = step;
    /// <summary>Which loss ("d_loss", "g_loss").</summary>
    public string LossName { get; } = lossName;
    /// <summary>The non-finite value.</summary>
    public double Value { get; } = value;
    /// <summary>The newest checkpoint on disk, untouched, or null.</summary>
    public string? LastCheckpoint { get; } = lastCheckpoint;
}
