using TorchSharp;
using static TorchSharp.torch;

namespace VideoGan.Data;

/// <summary>
/// A set of uint8 video clips stored contiguously as <c>[N, C, T, H, W]</c> (0 = black, 255 = full ink), the
/// on-disk form of every data set here; float tensors in [-1, 1] are built from it on demand, a batch at a time.
/// </summary>
/// <remarks>Taught in notebooks/01-data-preparation.ipynb.</remarks>
public sealed class VideoClips
{
    /// <summary>The pixels, <c>[N, C, T, H, W]</c> row-major.</summary>
    public byte[] Data { get; }
    /// <summary>Number of clips N.</summary>
    public int Count { get; }
    /// <summary>Channels C (1 grey, 3 RGB).</summary>
    public int Channels { get; }
    /// <summary>Frames per clip T.</summary>
    public int Frames { get; }
    /// <summary>Frame height H.</summary>
    public int Height { get; }
    /// <summary>Frame width W.</summary>
    public int Width { get; }
    /// <summary>Bytes per clip (C*T*H*W).</summary>
    public int ClipBytes => Channels * Frames * Height * Width;

    /// <summary>Wraps <paramref name="data"/> laid out as <c>[count, channels, frames, height, width]</c>.</summary>
    public VideoClips(byte[] data, int count, int channels, int frames, int height, int width)
    {
        if (count < 0 || channels < 1 || frames < 1 || height < 1 || width < 1)
            throw new ArgumentException($"VideoClips: invalid shape [N={count}, C={channels}, T={frames}, H={height}, W={width}].");
        long need = (long)count * channels * frames * height * width;
        if (data.LongLength != need)
            throw new ArgumentException($"VideoClips: shape [N={count}, C={channels}, T={frames}, H={height}, W={width}] needs {need} bytes, got {data.LongLength}.");
        Data = data; Count = count; Channels = channels; Frames = frames; Height = height; Width = width;
    }

    /// <summary>Allocates zeroed clips.</summary>
    public static VideoClips Zeros(int count, int channels, int frames, int height, int width) =>
        new(new byte[CheckedSize(count, channels, frames, height, width)], count, channels, frames, height, width);

    static int CheckedSize(int count, int channels, int frames, int height, int width)
    {
        long n = (long)count * channels * frames * height * width;
        if (n > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(count),
                $"{count} clips of [{channels}, {frames}, {height}, {width}] need {n:N0} bytes, more than one .NET array holds ({Array.MaxLength:N0}): generate or load in chunks of at most {Array.MaxLength / Math.Max(1L, n / Math.Max(1, count)):N0} clips.");
        return (int)n;
    }

    /// <summary>Allocates clips without zeroing (the caller writes every byte, in parallel: no single-threaded memset).</summary>
    internal static VideoClips Uninitialized(int count, int channels, int frames, int height, int width) =>
        new(GC.AllocateUninitializedArray<byte>(CheckedSize(count, channels, frames, height, width)), count, channels, frames, height, width);

    /// <summary>The bytes of clip <paramref name="index"/>, <c>[C, T, H, W]</c>.</summary>
    public Span<byte> Clip(int index) => Data.AsSpan((int)((long)index * ClipBytes), ClipBytes);

    /// <summary>Shape as <c>[N, C, T, H, W]</c>.</summary>
    public long[] Shape => new long[] { Count, Channels, Frames, Height, Width };

    /// <summary>
    /// A float tensor <c>[B, C, frames, H, W]</c> in [-1, 1] (2x/255 - 1) of the clips at <paramref name="indices"/>,
    /// each cut to <paramref name="frames"/> frames starting at its entry in <paramref name="frameStarts"/>
    /// (null: all from frame 0; <paramref name="frames"/> &lt;= 0: every frame).
    /// </summary>
    public Tensor ToTensor(IReadOnlyList<int> indices, int frames = 0, IReadOnlyList<int>? frameStarts = null)
    {
        if (frames <= 0) frames = Frames;
        if (frames > Frames) throw new ArgumentOutOfRangeException(nameof(frames), $"{frames} frames requested, clips have {Frames}.");
        int b = indices.Count, hw = Height * Width, outClip = Channels * frames * hw;
        var f = new float[(long)b * outClip];
        const float scale = 2f / 255f;
        Parallel.For(0, b, i =>
        {
            int idx = indices[i];
            if ((uint)idx >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(indices), $"clip index {idx} outside [0, {Count}).");
            int t0 = frameStarts?[i] ?? 0;
            if (t0 < 0 || t0 + frames > Frames) throw new ArgumentOutOfRangeException(nameof(frameStarts), $"frames [{t0}, {t0 + frames}) outside [0, {Frames}).");
            var clip = Clip(idx);
            var dst = f.AsSpan((int)((long)i * outClip), outClip);
            for (int c = 0; c < Channels; c++)
            {
                var src = clip.Slice((c * Frames + t0) * hw, frames * hw);
                var d = dst.Slice(c * frames * hw, frames * hw);
                for (int k = 0; k < src.Length; k++) d[k] = src[k] * scale - 1f;
            }
        });
        return torch.tensor(f, new long[] { b, Channels, frames, Height, Width });
    }

    /// <summary>All clips from <paramref name="start"/> as a float tensor in [-1, 1] (small sets, previews).</summary>
    public Tensor ToTensor(int start = 0, int count = -1)
    {
        if (count < 0) count = Count - start;
        return ToTensor(Enumerable.Range(start, count).ToArray());
    }

    /// <summary>The clips at <paramref name="indices"/>, copied.</summary>
    public VideoClips Subset(IReadOnlyList<int> indices)
    {
        var outp = Zeros(indices.Count, Channels, Frames, Height, Width);
        for (int i = 0; i < indices.Count; i++) Clip(indices[i]).CopyTo(outp.Clip(i));
        return outp;
    }

    /// <summary>
    /// The clips at <paramref name="indices"/> (default: all) as a displayable <see cref="Visualization.Clip"/>
    /// (renders as an animated GIF grid in a notebook).
    /// </summary>
    public Visualization.Clip ToClip(IReadOnlyList<int>? indices = null, string? caption = null)
    {
        var sub = indices is null ? this : Subset(indices);
        return Visualization.Clip.FromBytes(sub.Data, sub.Count, Channels, Frames, Height, Width, caption);
    }

    /// <summary>
    /// Intensity-weighted centre (x, y) of the ink in every frame of clip <paramref name="index"/>, in pixels
    /// (channels averaged; NaN for an empty frame): the trajectory of a single moving digit.
    /// </summary>
    public (double[] X, double[] Y) InkCentres(int index)
    {
        var clip = Clip(index);
        int hw = Height * Width;
        var xs = new double[Frames]; var ys = new double[Frames];
        for (int t = 0; t < Frames; t++)
        {
            double sx = 0, sy = 0, m = 0;
            for (int c = 0; c < Channels; c++)
            {
                var f = clip.Slice((c * Frames + t) * hw, hw);
                for (int y = 0; y < Height; y++)
                    for (int x = 0; x < Width; x++) { double v = f[y * Width + x]; sx += v * x; sy += v * y; m += v; }
            }
            xs[t] = m > 0 ? sx / m : double.NaN; ys[t] = m > 0 ? sy / m : double.NaN;
        }
        return (xs, ys);
    }

    /// <summary>Histogram of all pixel values (256 bins).</summary>
    public long[] PixelHistogram()
    {
        var h = new long[256];
        foreach (var v in Data) h[v]++;
        return h;
    }
}
