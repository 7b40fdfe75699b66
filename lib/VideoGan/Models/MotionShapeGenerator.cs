using TorchSharp;
using VideoGan.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoGan.Models;

/// <summary>
/// The case study's generator: a <b>shape/content</b> module draws one image from z_content (2D, upsample +
/// conv) and a <b>motion</b> module turns z_motion into a per-frame motion field that warps that image
/// (grid_sample of an identity grid minus the field). The field is a global per-frame translation (start
/// position + velocity, reflected at the borders, so objects move rigidly along straight paths with crisp
/// bounces) plus a small residual local flow from 3D convolutions. The motion field carries no appearance:
/// with a zero field every frame is the content image.
/// z = [z_content (ContentDim) | class one-hot (Classes, only when model.classes &gt; 0) | z_motion (MotionDim)]; the
/// class one-hot is part of the content code, so a class changes the shape and never the path.
/// </summary>
/// <remarks>Taught in notebooks/02-architecture.ipynb.</remarks>
public sealed class MotionShapeGenerator : ContentClassMotionGenerator
{
    readonly ImageDecoder content;
    readonly Sequential trajectory;
    readonly Linear flow_project;
    readonly BatchNorm3d flow_project_bn;
    readonly Sequential flow_blocks;
    readonly Conv3d flow_out;
    readonly bool hasResidual;
    readonly long flowChannels;
    readonly int flowT0, flowS0;

    /// <summary>Builds the generator for <paramref name="config"/> (model.generator "motion-shape").</summary>
    public MotionShapeGenerator(ModelConfig config) : base(nameof(MotionShapeGenerator), config)
    {
        var c = Config;
        content = new ImageDecoder(c.ContentLatentDim, c.Channels, c.Size, c.GeneratorWidth);
        // Start position (x, y) and velocity (vx, vy), each in [-1, 1] before scaling.
        trajectory = nn.Sequential(("fc1", nn.Linear(c.MotionDim, 64)), ("relu", nn.ReLU()), ("fc2", nn.Linear(64, 4)), ("tanh", nn.Tanh()));
        hasResidual = c.ResidualFlow > 0;
        var (s0, _) = Layers.SpatialLayout(c.Size);
        flowS0 = s0;
        flowT0 = c.Frames / 4;
        flowChannels = Math.Max(4, c.GeneratorWidth / 2);
        // The 3D-conv motion module: z_motion -> [flowChannels, T/4, s0, s0] -> x2 (T, H, W) -> x2 (T) -> 2-channel flow,
        // computed at 2*s0 and resized to the frame: local flow is smooth, so full resolution is not needed.
        flow_project = nn.Linear(c.MotionDim, flowChannels * flowT0 * s0 * s0, hasBias: false);
        flow_project_bn = nn.BatchNorm3d(flowChannels);
        flow_blocks = nn.Sequential(
            ("up1", Layers.UpBlock3d(flowChannels, flowChannels, (2, 2, 2))),
            ("up2", Layers.UpBlock3d(flowChannels, flowChannels / 2, (2, 1, 1))));
        flow_out = nn.Conv3d(flowChannels / 2, 2, 3, padding: 1);
        RegisterComponents();
        Layers.InitDcgan(this);
        // DCGAN's N(0, 0.02) would start every path at the centre with no speed; unit-variance pre-activations
        // instead give diverse starts and velocities from the first step.
        using (torch.no_grad())
        {
            var fc1 = (Linear)trajectory[0];
            var fc2 = (Linear)trajectory[2];
            nn.init.normal_(fc1.weight, 0, 1 / Math.Sqrt(c.MotionDim));
            nn.init.normal_(fc2.weight, 0, Math.Sqrt(2.0 / 64));
        }
    }

    /// <summary>
    /// Splits z into (content code <c>[B, ContentLatentDim]</c> = z_content plus the class one-hot when conditional,
    /// z_motion <c>[B, MotionDim]</c>).
    /// </summary>
    public (Tensor Content, Tensor Motion) SplitLatent(Tensor z)
    {
        CheckLatent(z);
        return (z.narrow(1, 0, Config.ContentLatentDim), z.narrow(1, Config.ContentLatentDim, Config.MotionDim));
    }

    /// <summary>The content image <c>[B, C, H, W]</c> in [-1, 1] from z_content.</summary>
    public Tensor Content(Tensor zContent) => content.call(zContent);

    /// <summary>
    /// The global path: positions <c>[B, T, 2]</c> (x, y) in normalised units (the frame spans [-1, 1]) of the content's
    /// displacement, p_t = reflect(p_0 + t v) into [-MotionRange, MotionRange].
    /// </summary>
    public Tensor Trajectory(Tensor zMotion)
    {
        var c = Config;
        var pv = trajectory.call(zMotion);
        var p0 = pv.narrow(1, 0, 2) * c.MotionRange;
        var v = pv.narrow(1, 2, 2) * c.MaxSpeed;
        var t = torch.arange(c.Frames, dtype: pv.dtype, device: pv.device).view(1, -1, 1);
        var p = Scalars.Add(p0.unsqueeze(1), t * v.unsqueeze(1));
        return Reflect(p, c.MotionRange);
    }

    /// <summary>Folds x into [-r, r] by reflection at the borders (a triangle wave; gradient +-1, so paths bounce).</summary>
    public static Tensor Reflect(Tensor x, double r)
    {
        if (r <= 0) return torch.zeros_like(x);
        var m = torch.remainder(Scalars.Add(x, r), 4 * r);
        return (2 * r) - (m - 2 * r).abs() - r;
    }

    /// <summary>
    /// The motion field <c>[B, 2, T, H, W]</c>: per-pixel displacement (x, y) in normalised units, the global
    /// translation from <see cref="Trajectory"/> plus the 3D-conv residual flow (bounded by model.residualFlow).
    /// </summary>
    public Tensor MotionField(Tensor zMotion)
    {
        var c = Config;
        long b = zMotion.shape[0];
        var global = Trajectory(zMotion).permute(0, 2, 1).reshape(b, 2, c.Frames, 1, 1);
        var field = global.expand(b, 2, c.Frames, c.Size, c.Size);
        if (!hasResidual) return field.contiguous();
        var h = flow_project.call(zMotion).view(b, flowChannels, flowT0, flowS0, flowS0);
        h = nn.functional.relu(flow_project_bn.call(h));
        var local = torch.tanh(flow_out.call(flow_blocks.call(h))) * c.ResidualFlow;
        if (local.shape[3] != c.Size)
            local = nn.functional.interpolate(local, size: new long[] { c.Frames, c.Size, c.Size }, mode: InterpolationMode.Trilinear, align_corners: false);
        return Scalars.Add(field, local);
    }

    /// <summary>
    /// Warps the content image by the motion field: frame t samples the content at (identity grid - field_t), so
    /// the content moves by +field. Outside the image reads as -1 (background ink), and bilinear sampling keeps
    /// values in [-1, 1]. A zero field gives the content image in every frame.
    /// </summary>
    public Tensor Render(Tensor contentImage, Tensor motionField)
    {
        var c = Config;
        long b = contentImage.shape[0], ch = contentImage.shape[1], t = motionField.shape[2], hgt = contentImage.shape[2], wid = contentImage.shape[3];
        if (motionField.dim() != 5 || motionField.shape[0] != b || motionField.shape[1] != 2 || motionField.shape[3] != hgt || motionField.shape[4] != wid)
            throw new ArgumentException($"Render: motion field must be [B, 2, T, H, W] = [{b}, 2, T, {hgt}, {wid}], got [{string.Join(", ", motionField.shape)}].");
        var identity = IdentityGrid(hgt, wid, contentImage.dtype, contentImage.device);            // [1, H, W, 2]
        var grid = identity - motionField.permute(0, 2, 3, 4, 1).reshape(b * t, hgt, wid, 2);     // [B*T, H, W, 2]
        // Shift to [0, 2] so zero padding means "background" (-1) after shifting back.
        var frames = Scalars.AddOne(contentImage).unsqueeze(1).expand(b, t, ch, hgt, wid).reshape(b * t, ch, hgt, wid);
        var warped = nn.functional.grid_sample(frames, grid, GridSampleMode.Bilinear, GridSamplePaddingMode.Zeros, align_corners: false).add(Scalars.MinusOne, Scalars.One);
        return warped.view(b, t, ch, hgt, wid).permute(0, 2, 1, 3, 4).contiguous();
    }

    static Tensor IdentityGrid(long h, long w, ScalarType dtype, Device device)
    {
        var theta = torch.tensor(new float[] { 1, 0, 0, 0, 1, 0 }, new long[] { 1, 2, 3 }, dtype: dtype, device: device);
        return nn.functional.affine_grid(theta, new long[] { 1, 1, h, w }, align_corners: false);
    }

    /// <summary>z -> video <c>[B, C, T, H, W]</c> in [-1, 1].</summary>
    public override Tensor forward(Tensor z)
    {
        var (zc, zm) = SplitLatent(z);
        return Render(Content(zc), MotionField(zm));
    }

    /// <summary>
    /// "video"; "content" (the content image held still); "motion" (the field as colour: red = x, green = y
    /// displacement, grey = none); "motion_heatmap" (a blob at the content centre's path: where the object goes).
    /// </summary>
    public override IReadOnlyDictionary<string, Tensor> Streams(Tensor z)
    {
        var c = Config;
        var (zc, zm) = SplitLatent(z);
        var img = Content(zc);
        var field = MotionField(zm);
        var video = Render(img, field);
        long b = z.shape[0];
        double scale = Math.Max(1e-6, c.MotionRange + c.ResidualFlow);
        var motionRgb = torch.cat(new[] { (field / scale).clamp(-1, 1), torch.zeros(new long[] { b, 1, c.Frames, c.Size, c.Size }, dtype: field.dtype, device: field.device) }, 1);
        // Heat blob at each frame's global position.
        var path = Trajectory(zm);                                                             // [B, T, 2]
        var grid = IdentityGrid(c.Size, c.Size, path.dtype, path.device).view(1, 1, c.Size, c.Size, 2);
        var d2 = (grid - path.view(b, c.Frames, 1, 1, 2)).pow(2).sum(-1);                     // [B, T, H, W]
        var heat = torch.exp(-d2 / (2 * 0.15 * 0.15)) * 2 - 1;
        return new Dictionary<string, Tensor>
        {
            ["video"] = video,
            ["content"] = img.unsqueeze(2).expand(b, c.Channels, c.Frames, c.Size, c.Size),
            ["motion"] = motionRgb,
            ["motion_heatmap"] = heat.unsqueeze(1),
        };
    }
}
