using TorchSharp;
using VideoGan.Metrics;
using VideoGan.Models;
using VideoGan.Visualization;
using static TorchSharp.torch;

namespace VideoGan.Analysis;

/// <summary>A loop clip and how well it closes.</summary>
/// <param name="Video">The clip <c>[1, C, T, H, W]</c> in [-1, 1].</param>
/// <param name="Stats">Temporal statistics; <c>Stats.LoopClosure</c> = wrap-around jump / mean step (about 1 = seamless).</param>
public sealed record LoopClip(Tensor Video, TemporalStats Stats);

/// <summary>
/// Walking a generator's latent space: linear and spherical interpolation, content/motion swaps, seamless loops on
/// closed latent paths, and upscaling of generated clips. Works with any <see cref="VideoGeneratorBase"/>; every
/// generator here lays z out as <c>[content (ContentDim) | motion]</c>, which is what the swaps rely on.
/// All methods run the generator in eval mode without gradients and return CPU tensors in [-1, 1].
/// </summary>
/// <remarks>Taught in notebooks/05-latent-analysis.ipynb.</remarks>
public static class LatentWalks
{
    /// <summary>(1 - t) a + t b, row by row.</summary>
    public static Tensor Lerp(Tensor a, Tensor b, double t)
    {
        CheckPair(a, b, "Lerp");
        return a * (1 - t) + b * t;
    }

    /// <summary>
    /// Spherical interpolation (Shoemake 1985; for GAN latents White 2016) along the great circle between the
    /// directions of a and b, row by row: sin((1-t)W)/sin W a + sin(tW)/sin W b with W the angle between them.
    /// Unit vectors stay unit vectors; t = 0 and 1 give a and b; nearly parallel rows fall back to linear.
    /// </summary>
    public static Tensor Slerp(Tensor a, Tensor b, double t)
    {
        CheckPair(a, b, "Slerp");
        using var scope = NewDisposeScope();
        var a2 = a.dim() == 1 ? a.unsqueeze(0) : a;
        var b2 = b.dim() == 1 ? b.unsqueeze(0) : b;
        var a64 = a2.to(float64); var b64 = b2.to(float64);
        var cos = ((a64 * b64).sum(1) / (a64.norm(1) * b64.norm(1)).clamp_min(1e-300)).clamp(-1, 1);
        var omega = cos.acos();
        var so = omega.sin();
        var near = so.abs() < 1e-6;
        var safe = torch.where(near, torch.ones_like(so), so);
        var wa = torch.where(near, torch.full_like(so, 1 - t), ((1 - t) * omega).sin() / safe).unsqueeze(1);
        var wb = torch.where(near, torch.full_like(so, t), (t * omega).sin() / safe).unsqueeze(1);
        var r = (wa * a64 + wb * b64).to(a.dtype);
        if (a.dim() == 1) r = r.squeeze(0);
        return r.MoveToOuterDisposeScope();
    }

    static void CheckPair(Tensor a, Tensor b, string what)
    {
        if (!a.shape.SequenceEqual(b.shape) || a.dim() is < 1 or > 2)
            throw new ArgumentException($"{what}: a and b must have the same shape [D] or [B, D]; got [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}].");
    }

    /// <summary>
    /// <paramref name="steps"/> points from a to b (<c>[D]</c> each, endpoints included): <c>[steps, D]</c>.
    /// </summary>
    public static Tensor Path(Tensor a, Tensor b, int steps, bool spherical)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), "An interpolation path needs at least 2 steps.");
        if (a.dim() != 1) throw new ArgumentException($"Path: a and b must be single latents [D], got [{string.Join(", ", a.shape)}].");
        var rows = new Tensor[steps];
        for (int s = 0; s < steps; s++)
        {
            double t = s / (double)(steps - 1);
            rows[s] = spherical ? Slerp(a, b, t) : Lerp(a, b, t);
        }
        return torch.stack(rows);
    }

    static Tensor Run(VideoGeneratorBase g, Tensor z) => Generate(g, z);

    /// <summary>G(z) in eval mode without gradients, in batches of <paramref name="batch"/>, as a CPU tensor <c>[B, C, T, H, W]</c>.</summary>
    public static Tensor Generate(VideoGeneratorBase g, Tensor z, int batch = 64)
    {
        ArgumentNullException.ThrowIfNull(g);
        g.eval();
        using var noGrad = torch.no_grad();
        var device = g.parameters().FirstOrDefault()?.device ?? CPU;
        var parts = new List<Tensor>();
        for (long s = 0; s < z.shape[0]; s += batch)
        {
            using var scope = NewDisposeScope();
            parts.Add(g.call(z.narrow(0, s, Math.Min(batch, z.shape[0] - s)).to(device)).cpu().MoveToOuterDisposeScope());
        }
        return parts.Count == 1 ? parts[0] : torch.cat(parts);
    }

    /// <summary>
    /// Clips along the line (and, when <paramref name="spherical"/>, the great circle) from z_a to z_b:
    /// <c>[steps, C, T, H, W]</c>, one clip per step.
    /// </summary>
    public static Tensor Interpolate(VideoGeneratorBase g, Tensor zA, Tensor zB, int steps, bool spherical)
    {
        ArgumentNullException.ThrowIfNull(g);
        if (zA.dim() != 1 || zA.shape[0] != g.LatentDim)
            throw new ArgumentException($"Interpolate: z_a must be one latent [{g.LatentDim}], got [{string.Join(", ", zA.shape)}]; use g.SampleLatent(1)[0].");
        return Run(g, Path(zA, zB, steps, spherical));
    }

    /// <summary>Both interpolations as one grid clip: row 1 linear, row 2 spherical (use <c>columns: steps</c> in ToGif).</summary>
    public static Clip InterpolationGrid(VideoGeneratorBase g, Tensor zA, Tensor zB, int steps)
    {
        using var scope = NewDisposeScope();
        var lin = Interpolate(g, zA, zB, steps, spherical: false);
        var sph = Interpolate(g, zA, zB, steps, spherical: true);
        return Clip.FromTensor(torch.cat([lin, sph]), $"latent interpolation, {steps} steps: top linear, bottom spherical");
    }

    /// <summary>
    /// Content/motion swap grid: clip (i, j) = G([content_i | motion_j]); rows share content, columns share motion.
    /// Returns <c>[contents * motions, C, T, H, W]</c>, row-major (show with <c>columns: motions</c>).
    /// </summary>
    public static Tensor SwapGrid(VideoGeneratorBase g, int contents, int motions, torch.Generator? rng = null)
    {
        ArgumentNullException.ThrowIfNull(g);
        if (contents < 1 || motions < 1) throw new ArgumentOutOfRangeException(nameof(contents), "SwapGrid needs at least one content and one motion.");
        int cd = g.Config.ContentLatentDim, md = g.LatentDim - cd; // content block includes the class one-hot of a conditional G
        if (md <= 0) throw new ArgumentException($"{g.GetType().Name} has no motion part in z (LatentDim {g.LatentDim} = ContentDim {cd}).");
        using var scope = NewDisposeScope();
        var zc = g.SampleLatent(contents, rng).cpu().narrow(1, 0, cd);
        var zm = g.SampleLatent(motions, rng).cpu().narrow(1, cd, md);
        var z = torch.cat([
            zc.unsqueeze(1).expand(contents, motions, cd).reshape(contents * motions, cd),
            zm.unsqueeze(0).expand(contents, motions, md).reshape(contents * motions, md)], 1);
        return Run(g, z).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// A seamless loop for any generator: frame k of the loop is frame <paramref name="frame"/> of
    /// G(cos(theta_k) a + sin(theta_k) b), theta_k = 2 pi k / steps. For independent a, b ~ N(0, I) every point of
    /// the circle is again N(0, I) (the walk never leaves the prior), and the step from the last frame back to the
    /// first is an ordinary step, so the clip tiles without a jump.
    /// </summary>
    public static LoopClip LatentCircle(VideoGeneratorBase g, Tensor a, Tensor b, int steps, int frame = 0)
    {
        ArgumentNullException.ThrowIfNull(g);
        if (steps < 3) throw new ArgumentOutOfRangeException(nameof(steps), "A loop needs at least 3 steps.");
        if (frame < 0 || frame >= g.Frames) throw new ArgumentOutOfRangeException(nameof(frame), $"frame must be in [0, {g.Frames}).");
        CheckPair(a, b, "LatentCircle");
        using var scope = NewDisposeScope();
        var zs = new Tensor[steps];
        for (int k = 0; k < steps; k++)
        {
            double th = 2 * Math.PI * k / steps;
            zs[k] = a * Math.Cos(th) + b * Math.Sin(th);
        }
        var clips = Run(g, torch.stack(zs));                                 // [steps, C, T, H, W]
        var video = clips.select(2, frame).permute(1, 0, 2, 3).unsqueeze(0);  // [1, C, steps, H, W]
        video = video.contiguous().MoveToOuterDisposeScope();
        return new LoopClip(video, TemporalDiagnostics.Measure(video));
    }

    /// <summary>
    /// A seamless loop for the content/motion generator: content fixed, the per-frame motion codes follow the closed
    /// path m_t = c + cos(2 pi t / T) u + sin(2 pi t / T) v. The centre c and the axes u, v come from one of the
    /// generator's own motion trajectories (its mean, and its codes at T/4 and 3T/4 minus the mean), so the path
    /// stays where the decoder was trained.
    /// </summary>
    public static LoopClip MotionCodeLoop(ContentMotionGenerator g, Tensor zContent, int frames, torch.Generator? rng = null)
    {
        ArgumentNullException.ThrowIfNull(g);
        if (frames < 3) throw new ArgumentOutOfRangeException(nameof(frames), "A loop needs at least 3 frames.");
        if (zContent.dim() == 1) zContent = zContent.unsqueeze(0);
        g.eval();
        using var noGrad = torch.no_grad();
        using var scope = NewDisposeScope();
        var device = g.parameters().First().device;
        var codes = g.MotionCodes(g.SampleMotionNoise(1, rng).to(device));   // [1, T, M]
        int T = (int)codes.shape[1];
        var c = codes.mean([1]);                                              // [1, M]
        var u = codes.select(1, T / 4) - c;
        var v = codes.select(1, 3 * T / 4) - c;
        var path = new Tensor[frames];
        for (int t = 0; t < frames; t++)
        {
            double th = 2 * Math.PI * t / frames;
            path[t] = c + u * Math.Cos(th) + v * Math.Sin(th);
        }
        var video = g.GenerateFromCodes(zContent.to(device), torch.stack(path, 1)).cpu().contiguous().MoveToOuterDisposeScope();
        return new LoopClip(video, TemporalDiagnostics.Measure(video));
    }

    /// <summary>
    /// Loop mode for a generator with a clip-level motion code (the motion-heatmap and motion/shape generators): the
    /// content is kept and z_motion is moved, by <paramref name="steps"/> Adam steps, until the clip's last frame meets its
    /// first (mean |x[T-1] - x[0]|), with a pull <paramref name="prior"/> * |z_motion|^2 / D towards the prior so the code
    /// stays where the generator was trained. The result is a clip of the generator's own motion that closes on itself:
    /// played repeatedly (frames 0 .. T-2) it has no jump. Returns <c>[B, C, T, H, W]</c> and the moved latents.
    /// </summary>
    public static (Tensor Video, Tensor Latents) CloseLoops(VideoGeneratorBase g, Tensor z, int steps = 80, double lr = 0.05, double prior = 0.01)
    {
        ArgumentNullException.ThrowIfNull(g);
        if (steps < 1) throw new ArgumentOutOfRangeException(nameof(steps), "CloseLoops needs at least one step.");
        var device = g.parameters().First().device;
        z = z.to(device);
        if (g.MotionCode(z) is not { } code0)
            throw new ArgumentException($"{g.GetType().Name} has no clip-level motion code to move; loops of it come from LatentCircle or MotionCodeLoop.");
        int md = (int)code0.shape[1], cd = g.LatentDim - md;
        bool wasTraining = g.training;
        g.eval();
        var frozen = g.parameters().Select(p => (p, p.requires_grad)).ToArray();
        foreach (var (p, _) in frozen) p.requires_grad_(false);
        try
        {
            using var scope = NewDisposeScope();
            var content = z.narrow(1, 0, cd).detach();
            var motion = new TorchSharp.Modules.Parameter(code0.detach().clone(), requires_grad: true);
            using var opt = torch.optim.Adam(new[] { motion }, lr);
            for (int i = 0; i < steps; i++)
            {
                using var step = NewDisposeScope();
                opt.zero_grad();
                var video = g.call(torch.cat(new[] { content, motion }, 1));
                var gap = (video.select(2, video.shape[2] - 1) - video.select(2, 0)).abs().mean();
                var loss = gap + motion.pow(2).mean() * prior;
                loss.backward();
                opt.step();
            }
            using var _ = torch.no_grad();
            var latents = torch.cat(new[] { content, motion.detach() }, 1);
            return (g.call(latents).cpu().MoveToOuterDisposeScope(), latents.cpu().MoveToOuterDisposeScope());
        }
        finally
        {
            foreach (var (p, req) in frozen) p.requires_grad_(req);
            g.train(wasTraining);
        }
    }

    /// <summary>Loop statistics of ordinary samples G(z), the baseline a loop should beat.</summary>
    public static TemporalStats SampleLoopStats(VideoGeneratorBase g, int count, torch.Generator? rng = null)
    {
        using var scope = NewDisposeScope();
        return TemporalDiagnostics.Measure(Run(g, g.SampleLatent(count, rng)));
    }

    /// <summary>Upsampling modes for <see cref="Upscale"/>.</summary>
    public static readonly IReadOnlyList<string> UpscaleModes = ["nearest", "trilinear", "bicubic"];

    /// <summary>
    /// Spatial upsampling of clips <c>[B, C, T, H, W]</c> by an integer <paramref name="factor"/> (time unchanged):
    /// "nearest", "trilinear" (linear in space, identity in time) or "bicubic" (per frame; clamped to [-1, 1] since
    /// bicubic overshoots at edges).
    /// </summary>
    public static Tensor Upscale(Tensor video, int factor, string mode)
    {
        if (video.dim() != 5) throw new ArgumentException($"Upscale: video must be [B, C, T, H, W], got [{string.Join(", ", video.shape)}].");
        if (factor < 1) throw new ArgumentOutOfRangeException(nameof(factor), "Upscale factor must be at least 1.");
        using var scope = NewDisposeScope();
        long b = video.shape[0], c = video.shape[1], t = video.shape[2], h = video.shape[3], w = video.shape[4];
        var x = video.to(float32);
        Tensor r = mode switch
        {
            "nearest" => nn.functional.interpolate(x, size: [t, h * factor, w * factor], mode: InterpolationMode.Nearest),
            "trilinear" => nn.functional.interpolate(x, size: [t, h * factor, w * factor], mode: InterpolationMode.Trilinear, align_corners: false),
            "bicubic" => nn.functional.interpolate(x.permute(0, 2, 1, 3, 4).reshape(b * t, c, h, w), size: [h * factor, w * factor],
                    mode: InterpolationMode.Bicubic, align_corners: false)
                .reshape(b, t, c, h * factor, w * factor).permute(0, 2, 1, 3, 4).clamp(-1, 1),
            _ => throw new ArgumentException($"Upscale mode '{mode}' is not one of {string.Join(", ", UpscaleModes)}.", nameof(mode)),
        };
        return r.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Side by side: each clip upscaled by nearest, trilinear and bicubic (show with <c>columns: 3</c>).</summary>
    public static Clip UpscaleComparison(Tensor video, int factor)
    {
        using var scope = NewDisposeScope();
        if (video.dim() == 4) video = video.unsqueeze(0);
        var per = UpscaleModes.Select(m => Upscale(video, factor, m)).ToArray();   // each [B, C, T, H', W']
        var inter = torch.stack(per, 1).flatten(0, 1);                           // [B*3, ...] clip-major
        return Clip.FromTensor(inter, $"x{factor} upscaling: nearest | trilinear | bicubic");
    }
}
