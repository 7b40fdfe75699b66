using TorchSharp;
using TorchSharp.Modules;
using VideoGan.Runtime;
using static TorchSharp.torch;

namespace VideoGan.Models;

/// <summary>
/// The case study's generator with a <b>learned</b> motion module. The <b>motion module</b> is a stack of 3D
/// (up)convolutions from z_motion to a spatio-temporal motion representation <c>[B, 3K, T, H', W']</c> (K = model.objects,
/// H' = W' = 14 at 28 px, 16 at 32 and 64 px) that carries no appearance: per object a <b>heatmap</b> (a softmax over
/// space in every frame: where the object is) and two <b>pose maps</b> (rotation and zoom, read where the heatmap points).
/// The <b>shape module</b> (a 2D decoder from z_content) draws each object's glyph once, as ink in [0, 1] on an exactly
/// empty background; frame t shows every glyph under the affine transform the motion representation gives for t —
/// translated to the heatmap's expected position, rotated and zoomed by its pose maps — a spatial transformer
/// (Jaderberg et al. 2015) driven by the heatmap, and the objects are composited by per-pixel max (as Moving MNIST
/// overlaps digits). No motion type is written anywhere: straight paths, bounces, sways, bobs, rotation and zoom are
/// all whatever the 3D convolutions learn to put in the heatmap and pose maps.
/// z = [z_content (ContentDim per object) | class one-hot (Classes, one object only) | z_motion (MotionDim)].
/// </summary>
/// <remarks>
/// Why this modulation: the data's motions are rigid (translation, rotation, zoom of an unchanging digit), so a per-frame
/// affine transform of one glyph can express every one of them exactly and cannot change the digit between frames
/// (no flicker, no shape drift); the glyph's exact-zero background cannot leave a box around the digit; and the heatmap
/// is a readable picture of the motion. The price: non-rigid motion (a face that smiles) needs a different module.
/// Taught in notebooks/02-architecture.ipynb.
/// </remarks>
public sealed class MotionHeatmapGenerator : ContentClassMotionGenerator
{
    readonly ImageDecoder shape;
    readonly Linear motion_project;
    readonly BatchNorm3d motion_project_bn;
    readonly Sequential motion_blocks;
    readonly Conv3d motion_out;
    readonly long motionChannels;
    readonly int t0, s0;

    /// <summary>Scale of the initial motion-map logits relative to unit variance (measured for diverse starting positions).</summary>
    internal static double HeatInitScale = 6;

    /// <summary>Side of the heatmap (H' = W').</summary>
    public int HeatmapSize { get; }

    /// <summary>Builds the generator for <paramref name="config"/> (model.generator "motion-heatmap").</summary>
    public MotionHeatmapGenerator(ModelConfig config) : base(nameof(MotionHeatmapGenerator), config)
    {
        var c = Config;
        // One decoder draws every object's glyph (a batch of B*K codes): K objects are K digits of one kind of thing.
        shape = new ImageDecoder(c.ContentDim + (c.IsConditional ? c.Classes : 0), c.Channels, c.Size, c.GeneratorWidth, output: ImageDecoder.Output.Ink);
        (s0, _) = Layers.SpatialLayout(c.Size);
        // Heatmap at 14x14 (28 px) or 16x16 (32, 64 px): the soft-argmax reads positions between cells, so a coarse map
        // places a glyph to a fraction of a pixel, at a quarter of full-resolution 3D-conv cost.
        bool twoSpatial = s0 < 7;
        HeatmapSize = s0 * (twoSpatial ? 4 : 2);
        t0 = c.Frames / 4;
        motionChannels = Math.Max(8, c.GeneratorWidth);
        // z_motion -> [Cm, T/4, s0, s0] -> x2 (T, H, W) -> x2 (T[, H, W]) -> 3K maps at [T, H', W']: the temporal
        // receptive field spans the clip, so one path is planned as a whole (a bounce is a kink, not a drift).
        motion_project = nn.Linear(c.MotionDim, motionChannels * t0 * s0 * s0, hasBias: false);
        motion_project_bn = nn.BatchNorm3d(motionChannels);
        motion_blocks = nn.Sequential(
            ("up1", Layers.UpBlock3d(motionChannels, motionChannels, (2, 2, 2))),
            ("up2", Layers.UpBlock3d(motionChannels, motionChannels / 2, (2, twoSpatial ? 2 : 1, twoSpatial ? 2 : 1))));
        motion_out = nn.Conv3d(motionChannels / 2, 3 * c.Objects, 3, padding: 1);
        RegisterComponents();
        Layers.InitDcgan(this);
        shape.StartEmpty();
        using (torch.no_grad())
        {
            // DCGAN's N(0, 0.02) would give flat heatmaps (every object at the centre, still); unit-scale logits instead
            // start each clip at its own place with its own drift, as real clips do.
            nn.init.normal_(motion_out.weight, 0, HeatInitScale / Math.Sqrt(motionChannels / 2 * 27));
            // Pose maps start at zero (no rotation, no zoom): a glyph is learned upright before it learns to turn.
            for (int k = 0; k < c.Objects; k++)
                motion_out.weight.narrow(0, 3 * k + 1, 2).zero_();
        }
    }

    /// <summary>Objects (glyphs) per clip.</summary>
    public int Objects => Config.Objects;

    /// <summary>Splits z into the per-object content codes <c>[B, K, ContentDim (+ Classes when conditional)]</c> and z_motion <c>[B, MotionDim]</c>.</summary>
    public (Tensor Content, Tensor Motion) SplitLatent(Tensor z)
    {
        CheckLatent(z);
        var c = Config;
        long b = z.shape[0];
        var codes = z.narrow(1, 0, c.ContentDim * c.Objects).view(b, c.Objects, c.ContentDim);
        if (c.IsConditional)
            codes = torch.cat(new[] { codes, z.narrow(1, c.ContentDim, c.Classes).unsqueeze(1) }, 2); // one object (validated)
        return (codes, z.narrow(1, LatentDim - c.MotionDim, c.MotionDim));
    }

    /// <summary>The glyphs <c>[B, K, C, H, W]</c>, ink in [0, 1] (0 = background exactly), from the content codes.</summary>
    public Tensor Glyphs(Tensor contentCodes)
    {
        long b = contentCodes.shape[0], k = contentCodes.shape[1];
        var ink = shape.call(contentCodes.reshape(b * k, contentCodes.shape[2]));
        // The outer ring of the glyph canvas is held at zero: convolutions see their zero padding there and draw a faint
        // frame, which moving the glyph would carry along as a box (measured in the first pilot).
        ink = ink.mul(GlyphWindow(ink.shape[2], ink.dtype, ink.device));
        return ink.view(b, k, ink.shape[1], ink.shape[2], ink.shape[3]);
    }

    /// <summary>Pixels of the glyph canvas's border ring held at zero: size / 14 (2 at 28 px, 4 at 64 px).</summary>
    public static int GlyphBorder(int size) => Math.Max(1, size / 14);

    static Tensor GlyphWindow(long size, ScalarType dtype, Device device)
    {
        int r = GlyphBorder((int)size);
        var w = torch.zeros(new long[] { size }, dtype: dtype, device: device);
        w.narrow(0, r, size - 2 * r).fill_(1.0);
        return w.view(1, 1, size, 1).mul(w.view(1, 1, 1, size));
    }

    /// <summary>The motion representation <c>[B, 3K, T, H', W']</c>: per object heatmap logits, rotation and zoom maps (pre-activation).</summary>
    public Tensor MotionMaps(Tensor zMotion)
    {
        long b = zMotion.shape[0];
        var h = motion_project.call(zMotion).view(b, motionChannels, t0, s0, s0);
        h = nn.functional.relu(motion_project_bn.call(h));
        return motion_out.call(motion_blocks.call(h));
    }

    /// <summary>What the motion module decides, per object and frame.</summary>
    /// <param name="Heatmap">Where each object is: <c>[B, K, T, H', W']</c>, a probability map per frame (sums to 1 over space).</param>
    /// <param name="Position">Its expected position <c>[B, K, T, 2]</c> (x, y) in normalised frame units, within +-model.motionRange.</param>
    /// <param name="Rotation">Rotation <c>[B, K, T]</c>, radians, within +-model.maxRotation.</param>
    /// <param name="Zoom">Zoom factor <c>[B, K, T]</c>, within (1 +- model.maxZoom).</param>
    public sealed record Pose(Tensor Heatmap, Tensor Position, Tensor Rotation, Tensor Zoom);

    /// <summary>Reads the motion representation: heatmap softmax, its expectation (soft-argmax), pose maps averaged under it.</summary>
    public Pose ReadPose(Tensor maps)
    {
        var c = Config;
        long b = maps.shape[0], t = maps.shape[2], s = maps.shape[3];
        var m = maps.view(b, c.Objects, 3, t, s * s);
        var heat = torch.softmax(m.select(2, 0), -1);                                            // [B, K, T, S*S]
        // Cell centres span +-motionRange: the heatmap's corners put the glyph's centre where real digits' can be.
        var axis = torch.linspace(-c.MotionRange, c.MotionRange, s, dtype: maps.dtype, device: maps.device);
        var xs = axis.view(1, s).expand(s, s).reshape(s * s);
        var ys = axis.view(s, 1).expand(s, s).reshape(s * s);
        var position = torch.stack(new[] { heat.mul(xs).sum(-1), heat.mul(ys).sum(-1) }, -1);  // [B, K, T, 2]
        var rotation = Scalars.Mul(heat.mul(torch.tanh(m.select(2, 1))).sum(-1), c.MaxRotation * Math.PI / 180);
        var zoom = Scalars.AddOne(Scalars.Mul(heat.mul(torch.tanh(m.select(2, 2))).sum(-1), c.MaxZoom));
        return new Pose(heat.view(b, c.Objects, t, s, s), position, rotation, zoom);
    }

    /// <summary>
    /// Frames <c>[B, C, T, H, W]</c> in [-1, 1]: each glyph sampled under its per-frame affine transform (the glyph's
    /// centre goes to the position, rotated and zoomed about it), objects composited by per-pixel max.
    /// </summary>
    public Tensor Render(Tensor glyphs, Pose pose)
    {
        var c = Config;
        long b = glyphs.shape[0], k = glyphs.shape[1], ch = glyphs.shape[2], h = glyphs.shape[3], w = glyphs.shape[4];
        long t = pose.Position.shape[2];
        if (pose.Position.shape[0] != b || pose.Position.shape[1] != k)
            throw new ArgumentException($"Render: pose is for [{pose.Position.shape[0]}, {pose.Position.shape[1]}] clips x objects, glyphs are [{b}, {k}].");
        // Output pixel p samples the glyph at q = R(-a) (p - mu) / s: affine_grid's theta = [R(-a)/s | -R(-a) mu / s].
        var cos = torch.cos(pose.Rotation).div(pose.Zoom); var sin = torch.sin(pose.Rotation).div(pose.Zoom);  // [B, K, T]
        var mx = pose.Position.select(-1, 0); var my = pose.Position.select(-1, 1);
        var theta = torch.stack(new[]
        {
            cos, sin, (cos.mul(mx).add(sin.mul(my))).neg(),
            sin.neg(), cos, (cos.mul(my).sub(sin.mul(mx))).neg(),
        }, -1).view(b * k * t, 2, 3);
        var grid = nn.functional.affine_grid(theta, new long[] { b * k * t, ch, h, w }, align_corners: false);
        var src = glyphs.unsqueeze(2).expand(b, k, t, ch, h, w).reshape(b * k * t, ch, h, w);
        // Zero padding is empty background: the glyph's ink is exactly 0 outside its strokes, so no edge can show.
        var ink = nn.functional.grid_sample(src, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false)
            .view(b, k, t, ch, h, w).amax(new long[] { 1 });                                    // [B, T, C, H, W]
        return ink.mul(Scalars.Two).add(Scalars.MinusOne, Scalars.One).permute(0, 2, 1, 3, 4).contiguous();
    }

    /// <summary>z -> video <c>[B, C, T, H, W]</c> in [-1, 1].</summary>
    public override Tensor forward(Tensor z)
    {
        var (codes, zm) = SplitLatent(z);
        return Render(Glyphs(codes), ReadPose(MotionMaps(zm)));
    }

    /// <summary>
    /// "video"; "content" (the glyphs, max-composited at the centre, held still); "motion_heatmap" (each frame's heatmap,
    /// max over objects, resized to the frame and scaled to its peak: the motion module's picture of where things go);
    /// "motion" (the displacement that moves each pixel of the glyph: red = x, green = y, grey = none).
    /// </summary>
    public override IReadOnlyDictionary<string, Tensor> Streams(Tensor z)
    {
        var c = Config;
        var (codes, zm) = SplitLatent(z);
        var glyphs = Glyphs(codes);
        var pose = ReadPose(MotionMaps(zm));
        var video = Render(glyphs, pose);
        long b = z.shape[0], t = c.Frames;
        var heat = pose.Heatmap.amax(new long[] { 1 });                                           // [B, T, S, S]
        heat = heat.div(Scalars.ClampMin(heat.amax(new long[] { 2, 3 }, keepdim: true), 1e-12));
        heat = nn.functional.interpolate(heat, new long[] { c.Size, c.Size }, mode: InterpolationMode.Bilinear, align_corners: false);
        var heatStream = heat.mul(Scalars.Two).add(Scalars.MinusOne, Scalars.One).unsqueeze(1);        // [B, 1, T, H, W]
        // The displacement of the first object's centre, per frame, as a colour: where the motion module sends the glyph.
        var shift = Scalars.Mul(pose.Position.select(1, 0), 1 / Math.Max(c.MotionRange, 1e-6));      // [B, T, 2]
        var rg = shift.permute(0, 2, 1).reshape(b, 2, t, 1, 1).expand(b, 2, t, c.Size, c.Size);
        var motionRgb = torch.cat(new[] { rg, torch.zeros(new long[] { b, 1, t, c.Size, c.Size }, dtype: rg.dtype, device: rg.device) }, 1);
        var still = glyphs.amax(new long[] { 1 }).mul(Scalars.Two).add(Scalars.MinusOne, Scalars.One);               // [B, C, H, W]
        return new Dictionary<string, Tensor>
        {
            ["video"] = video,
            ["content"] = still.unsqueeze(2).expand(b, c.Channels, t, c.Size, c.Size),
            ["motion_heatmap"] = heatStream,
            ["motion"] = motionRgb,
        };
    }
}
