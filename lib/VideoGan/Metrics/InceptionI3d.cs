using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VideoGan.Metrics;

/// <summary>
/// Inception-v1 I3D (Carreira and Zisserman 2017) for Kinetics-400, laid out so that its state_dict names and shapes
/// are those of the widely used PyTorch file <c>i3d_pretrained_400.pt</c> (module names <c>Conv3d_1a_7x7</c> ...
/// <c>Mixed_5c</c>, <c>logits</c>; units hold <c>conv3d</c> and <c>bn</c>; inception branches <c>b0, b1a, b1b, b2a,
/// b2b, b3b</c>). Convolutions and max-pools use TensorFlow "SAME" padding computed from the input size, as in the
/// TensorFlow original; batch norm has eps 1e-3. Input <c>[B, 3, T, 224, 224]</c> in [-1, 1]; output the logits
/// <c>[B, 400, T']</c> (T' = time steps left after the final 2x7x7 average pool; 1 for 16 frames).
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb (FVD with I3D).</remarks>
public sealed class InceptionI3d : Module<Tensor, Tensor>
{
    // Field names are the state_dict prefixes of the PyTorch layout: do not rename.
#pragma warning disable IDE1006
    private readonly I3dUnit Conv3d_1a_7x7;
    private readonly SamePadMaxPool3d MaxPool3d_2a_3x3;
    private readonly I3dUnit Conv3d_2b_1x1;
    private readonly I3dUnit Conv3d_2c_3x3;
    private readonly SamePadMaxPool3d MaxPool3d_3a_3x3;
    private readonly I3dInception Mixed_3b, Mixed_3c;
    private readonly SamePadMaxPool3d MaxPool3d_4a_3x3;
    private readonly I3dInception Mixed_4b, Mixed_4c, Mixed_4d, Mixed_4e, Mixed_4f;
    private readonly SamePadMaxPool3d MaxPool3d_5a_2x2;
    private readonly I3dInception Mixed_5b, Mixed_5c;
    private readonly AvgPool3d avg_pool;
    private readonly Dropout dropout;
    private readonly I3dUnit logits;
#pragma warning restore IDE1006

    /// <summary>Number of classes of the logits layer (400 for Kinetics-400).</summary>
    public int NumClasses { get; }

    /// <summary>Builds the network with random weights (load real ones with <see cref="I3dFeatureNetwork.Load"/>).</summary>
    public InceptionI3d(int numClasses = 400, int inChannels = 3) : base(nameof(InceptionI3d))
    {
        NumClasses = numClasses;
        Conv3d_1a_7x7 = new I3dUnit(inChannels, 64, new long[] { 7, 7, 7 }, new long[] { 2, 2, 2 });
        MaxPool3d_2a_3x3 = new SamePadMaxPool3d(new long[] { 1, 3, 3 }, new long[] { 1, 2, 2 });
        Conv3d_2b_1x1 = new I3dUnit(64, 64, new long[] { 1, 1, 1 });
        Conv3d_2c_3x3 = new I3dUnit(64, 192, new long[] { 3, 3, 3 });
        MaxPool3d_3a_3x3 = new SamePadMaxPool3d(new long[] { 1, 3, 3 }, new long[] { 1, 2, 2 });
        // Inception branch widths: [b0, b1a, b1b, b2a, b2b, b3b]
        Mixed_3b = new I3dInception(192, 64, 96, 128, 16, 32, 32);
        Mixed_3c = new I3dInception(256, 128, 128, 192, 32, 96, 64);
        MaxPool3d_4a_3x3 = new SamePadMaxPool3d(new long[] { 3, 3, 3 }, new long[] { 2, 2, 2 });
        Mixed_4b = new I3dInception(480, 192, 96, 208, 16, 48, 64);
        Mixed_4c = new I3dInception(512, 160, 112, 224, 24, 64, 64);
        Mixed_4d = new I3dInception(512, 128, 128, 256, 24, 64, 64);
        Mixed_4e = new I3dInception(512, 112, 144, 288, 32, 64, 64);
        Mixed_4f = new I3dInception(528, 256, 160, 320, 32, 128, 128);
        MaxPool3d_5a_2x2 = new SamePadMaxPool3d(new long[] { 2, 2, 2 }, new long[] { 2, 2, 2 });
        Mixed_5b = new I3dInception(832, 256, 160, 320, 32, 128, 128);
        Mixed_5c = new I3dInception(832, 384, 192, 384, 48, 128, 128);
        avg_pool = AvgPool3d(new long[] { 2, 7, 7 }, new long[] { 1, 1, 1 });
        dropout = Dropout(0.5);
        logits = new I3dUnit(1024, numClasses, new long[] { 1, 1, 1 }, useBatchNorm: false, useBias: true, relu: false);
        RegisterComponents();
    }

    /// <summary>Pooled 1024-channel features before the logits, <c>[B, 1024, T', 1, 1]</c>.</summary>
    public Tensor Trunk(Tensor x)
    {
        x = Conv3d_1a_7x7.call(x);
        x = MaxPool3d_2a_3x3.call(x);
        x = Conv3d_2b_1x1.call(x);
        x = Conv3d_2c_3x3.call(x);
        x = MaxPool3d_3a_3x3.call(x);
        x = Mixed_3b.call(x); x = Mixed_3c.call(x);
        x = MaxPool3d_4a_3x3.call(x);
        x = Mixed_4b.call(x); x = Mixed_4c.call(x); x = Mixed_4d.call(x); x = Mixed_4e.call(x); x = Mixed_4f.call(x);
        x = MaxPool3d_5a_2x2.call(x);
        x = Mixed_5b.call(x); x = Mixed_5c.call(x);
        return avg_pool.call(x);
    }

    /// <summary>Logits <c>[B, NumClasses, T']</c>.</summary>
    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 5 || x.shape[3] < 193 || x.shape[4] < 193)
            throw new ArgumentException($"I3D expects [B, 3, T, 224, 224] (at least 193 px so the final 7x7 pool fits), got [{string.Join(", ", x.shape)}]. Use I3dFeatureNetwork, which resizes.");
        var y = logits.call(dropout.call(Trunk(x)));
        return y.squeeze(4).squeeze(3);
    }
}

/// <summary>Conv3d (no padding parameter: SAME padding from the input size) + optional BatchNorm3d(eps 1e-3) + ReLU.</summary>
internal sealed class I3dUnit : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly Conv3d conv3d;
    private readonly BatchNorm3d? bn;
#pragma warning restore IDE1006
    readonly long[] _kernel, _stride;
    readonly bool _relu;

    public I3dUnit(long inCh, long outCh, long[] kernel, long[]? stride = null, bool useBatchNorm = true, bool useBias = false, bool relu = true)
        : base(nameof(I3dUnit))
    {
        _kernel = kernel; _stride = stride ?? new long[] { 1, 1, 1 }; _relu = relu;
        conv3d = Conv3d(inCh, outCh, (kernel[0], kernel[1], kernel[2]), stride: (_stride[0], _stride[1], _stride[2]), padding: (0, 0, 0), bias: useBias);
        if (useBatchNorm) bn = BatchNorm3d(outCh, eps: 1e-3, momentum: 0.01);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var y = conv3d.call(SamePad.Pad(x, _kernel, _stride));
        if (bn is not null) y = bn.call(y);
        return _relu ? functional.relu(y) : y;
    }
}

/// <summary>TensorFlow-SAME zero padding then MaxPool3d (no parameters).</summary>
internal sealed class SamePadMaxPool3d : Module<Tensor, Tensor>
{
    readonly long[] _kernel, _stride;
    public SamePadMaxPool3d(long[] kernel, long[] stride) : base(nameof(SamePadMaxPool3d)) { _kernel = kernel; _stride = stride; RegisterComponents(); }
    public override Tensor forward(Tensor x) => functional.max_pool3d(SamePad.Pad(x, _kernel, _stride), _kernel, _stride);
}

/// <summary>The four-branch inception block: 1x1 | 1x1-3x3 | 1x1-3x3 | maxpool-1x1, concatenated on channels.</summary>
internal sealed class I3dInception : Module<Tensor, Tensor>
{
#pragma warning disable IDE1006
    private readonly I3dUnit b0, b1a, b1b, b2a, b2b, b3b;
    private readonly SamePadMaxPool3d b3a;
#pragma warning restore IDE1006

    public I3dInception(long inCh, long c0, long c1a, long c1b, long c2a, long c2b, long c3b) : base(nameof(I3dInception))
    {
        var one = new long[] { 1, 1, 1 }; var three = new long[] { 3, 3, 3 };
        b0 = new I3dUnit(inCh, c0, one);
        b1a = new I3dUnit(inCh, c1a, one); b1b = new I3dUnit(c1a, c1b, three);
        b2a = new I3dUnit(inCh, c2a, one); b2b = new I3dUnit(c2a, c2b, three);
        b3a = new SamePadMaxPool3d(three, one); b3b = new I3dUnit(inCh, c3b, one);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        torch.cat(new[] { b0.call(x), b1b.call(b1a.call(x)), b2b.call(b2a.call(x)), b3b.call(b3a.call(x)) }, 1);
}

internal static class SamePad
{
    /// <summary>TensorFlow SAME padding for [B, C, T, H, W]: total max(k - s, 0) (or k - n mod s), the extra pixel at the end.</summary>
    public static Tensor Pad(Tensor x, long[] kernel, long[] stride)
    {
        var pads = new long[6];
        for (int dim = 0; dim < 3; dim++)
        {
            long n = x.shape[2 + dim], k = kernel[dim], s = stride[dim];
            long total = n % s == 0 ? Math.Max(k - s, 0) : Math.Max(k - n % s, 0);
            long front = total / 2;
            // F.pad order is last dimension first: (W, W, H, H, T, T)
            pads[2 * (2 - dim)] = front; pads[2 * (2 - dim) + 1] = total - front;
        }
        return pads.All(p => p == 0) ? x : functional.pad(x, pads);
    }
}
