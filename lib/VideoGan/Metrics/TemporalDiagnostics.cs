using TorchSharp;
using static TorchSharp.torch;

namespace VideoGan.Metrics;

/// <summary>
/// Pixel-level temporal statistics of a set of clips, pixels measured in [0, 1]:
/// <list type="bullet">
/// <item><b>Motion</b>: mean |x[t+1] - x[t]| (0 for frozen clips).</item>
/// <item><b>LoopGap</b>: mean |x[T-1] - x[0]|, the jump a viewer sees when the clip is played in a loop;
/// <b>LoopClosure</b> = LoopGap / Motion: about 1 means the wrap-around is no bigger than an ordinary step (loopable),
/// much larger means a visible jump.</item>
/// <item><b>Flicker</b>: mean |m[t+1] - m[t]| of each frame's mean intensity m[t]; moving content keeps m nearly
/// constant, so this measures global brightness pulsing.</item>
/// </list>
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb ("temporal diagnostics" step).</remarks>
/// <param name="Motion">Mean |x[t+1] - x[t]|.</param>
/// <param name="LoopGap">Mean |x[T-1] - x[0]|.</param>
/// <param name="LoopClosure">LoopGap / Motion; null when the clips do not change at all (Motion = 0).</param>
/// <param name="Flicker">Mean |m[t+1] - m[t]| of the frame means.</param>
/// <param name="Clips">Clips measured.</param>
/// <param name="Frames">Frames per clip.</param>
public sealed record TemporalStats(double Motion, double LoopGap, double? LoopClosure, double Flicker, long Clips, long Frames);

/// <summary>Fake-vs-real comparison of <see cref="TemporalStats"/>: ratios near 1 mean real-like temporal behaviour.</summary>
/// <param name="Real">Statistics of the real clips.</param>
/// <param name="Fake">Statistics of the generated clips.</param>
/// <param name="MotionRatio">Fake motion / real motion (0 = frozen clips); null when the real clips do not move.</param>
/// <param name="FlickerRatio">Fake flicker / real flicker; null when the real clips never flicker (binary digits on black:
/// their frame mean is constant), where a ratio is undefined — read <c>Fake.Flicker</c> against 0 instead.</param>
public sealed record TemporalComparison(TemporalStats Real, TemporalStats Fake, double? MotionRatio, double? FlickerRatio);

/// <summary>Accumulates <see cref="TemporalStats"/> over batches of clips <c>[B, C, T, H, W]</c> in [-1, 1].</summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb ("temporal diagnostics" step).</remarks>
public sealed class TemporalDiagnostics
{
    double _motion, _loop, _flicker;
    long _clips, _frames;

    /// <summary>Adds a batch of clips <c>[B, C, T, H, W]</c> (or <c>[C, T, H, W]</c>) in [-1, 1]; needs T >= 2.</summary>
    public void Add(Tensor clips)
    {
        using var scope = torch.NewDisposeScope();
        var x = clips.dim() == 4 ? clips.unsqueeze(0) : clips;
        if (x.dim() != 5) throw new ArgumentException($"Clips must be [B, C, T, H, W], got [{string.Join(", ", clips.shape)}].");
        long b = x.shape[0], t = x.shape[2];
        if (t < 2) throw new ArgumentException($"Temporal diagnostics need at least 2 frames, got T={t}.");
        if (_frames != 0 && t != _frames) throw new ArgumentException($"All clips must have the same length (had T={_frames}, now T={t}).");
        x = (x.detach().to(float64).cpu() + 1) * 0.5; // [0, 1]
        long T = t;
        var d1 = x.narrow(2, 1, T - 1) - x.narrow(2, 0, T - 1);
        var loop = x.narrow(2, T - 1, 1) - x.narrow(2, 0, 1);
        var m = x.mean(new long[] { 1, 3, 4 }); // [B, T]
        var dm = m.narrow(1, 1, T - 1) - m.narrow(1, 0, T - 1);
        // accumulate per-clip sums of means so batches of different sizes weigh by clip count
        _motion += d1.abs().mean(new long[] { 1, 2, 3, 4 }).sum().item<double>();
        _loop += loop.abs().mean(new long[] { 1, 2, 3, 4 }).sum().item<double>();
        _flicker += dm.abs().mean(new long[] { 1 }).sum().item<double>();
        _clips += b; _frames = t;
    }

    /// <summary>The statistics so far.</summary>
    public TemporalStats Result()
    {
        if (_clips == 0) throw new InvalidOperationException("No clips were added.");
        double motion = _motion / _clips, loop = _loop / _clips;
        return new TemporalStats(motion, loop, motion > 0 ? loop / motion : null, _flicker / _clips, _clips, _frames);
    }

    /// <summary>Statistics of one tensor of clips.</summary>
    public static TemporalStats Measure(Tensor clips)
    {
        var d = new TemporalDiagnostics();
        d.Add(clips);
        return d.Result();
    }

    /// <summary>Compares generated with real statistics.</summary>
    public static TemporalComparison Compare(TemporalStats real, TemporalStats fake) =>
        new(real, fake, real.Motion > 0 ? fake.Motion / real.Motion : null,
            real.Flicker > 0 ? fake.Flicker / real.Flicker : null);
}
