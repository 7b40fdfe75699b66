using VideoGan.Runtime;
using System.Net;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoGan.Visualization;

/// <summary>
/// A batch of video clips held as uint8 frames <c>[B, C, T, H, W]</c> (C = 1 gray or 3 RGB) on the CPU, with a
/// caption. Renders itself inline in a notebook as one animated GIF (the batch laid out as a grid), and writes a
/// frame-grid PNG (one row per clip, one column per frame) for print.
/// </summary>
/// <remarks>
/// Taught in notebook 00-getting-started. Notebook display needs no reference to .NET Interactive: the
/// <see cref="Notebook.TypeFormatterSourceAttribute"/> convention makes the kernel call <see cref="ToHtml"/>.
/// </remarks>
[Notebook.TypeFormatterSource(typeof(Notebook.ClipFormatterSource))]
public sealed class Clip
{
    /// <summary>Grey level of the thin border drawn between tiles of a grid.</summary>
    public const byte BorderLevel = 128;

    readonly byte[] _data;

    /// <summary>Clips in the batch (B).</summary>
    public int Batch { get; }
    /// <summary>Colour channels (C): 1 = gray, 3 = RGB.</summary>
    public int Channels { get; }
    /// <summary>Frames per clip (T).</summary>
    public int Frames { get; }
    /// <summary>Frame height in pixels (H).</summary>
    public int Height { get; }
    /// <summary>Frame width in pixels (W).</summary>
    public int Width { get; }
    /// <summary>Caption shown under the clip in HTML (may be null).</summary>
    public string? Caption { get; }

    /// <summary>The shape <c>[B, C, T, H, W]</c>.</summary>
    public long[] Shape => [Batch, Channels, Frames, Height, Width];

    /// <summary>The raw uint8 pixels in <c>[B, C, T, H, W]</c> row-major order.</summary>
    public ReadOnlyMemory<byte> Pixels => _data;

    /// <summary>One pixel value (0..255).</summary>
    public byte this[int b, int c, int t, int y, int x] => _data[Offset(b, c, t) + y * Width + x];

    Clip(byte[] data, int b, int c, int t, int h, int w, string? caption)
    {
        _data = data; Batch = b; Channels = c; Frames = t; Height = h; Width = w; Caption = caption;
    }

    /// <summary>
    /// Wraps raw uint8 pixels laid out as <c>[B, C, T, H, W]</c>. The array is used as is (not copied).
    /// </summary>
    public static Clip FromBytes(byte[] pixels, int batch, int channels, int frames, int height, int width, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        CheckShape([batch, channels, frames, height, width], "Clip.FromBytes");
        long expected = (long)batch * channels * frames * height * width;
        if (pixels.LongLength != expected)
            throw new ArgumentException($"Clip.FromBytes got {pixels.LongLength} bytes for shape [{batch}, {channels}, {frames}, {height}, {width}] ({expected} expected).", nameof(pixels));
        return new Clip(pixels, batch, channels, frames, height, width, caption);
    }

    /// <summary>
    /// Converts a video tensor to a clip. Accepts <c>[B, C, T, H, W]</c> or a single clip <c>[C, T, H, W]</c>;
    /// floating-point values are taken to be in [-1, 1] (clamped; NaN becomes 0), uint8 values are used as they are.
    /// The tensor may live on any device; it is copied to the CPU.
    /// </summary>
    public static Clip FromTensor(Tensor video, string? caption = null)
    {
        ArgumentNullException.ThrowIfNull(video);
        long[] shape = video.shape;
        if (shape.Length != 4 && shape.Length != 5)
            throw new ArgumentException(
                $"Clip.FromTensor expects a video [B, C, T, H, W] or a single clip [C, T, H, W]; got a tensor of shape [{string.Join(", ", shape)}]. " +
                "For one image [C, H, W] use image.unsqueeze(1) (T = 1); for [B, T, C, H, W] use video.permute(0, 2, 1, 3, 4).", nameof(video));
        if (shape.Length == 4) shape = [1, .. shape];
        CheckShape(shape, "Clip.FromTensor");

        using var scope = NewDisposeScope();
        Tensor x = video.detach().cpu();
        Tensor u8;
        if (x.dtype == ScalarType.Byte) u8 = x;
        else if (x.is_floating_point())
            u8 = x.to_type(ScalarType.Float32).nan_to_num(0).clamp(-1, 1).add(1).mul(127.5).round().to_type(ScalarType.Byte);
        else
            throw new ArgumentException($"Clip.FromTensor expects a floating-point tensor in [-1, 1] or uint8 pixels; got dtype {x.dtype}.", nameof(video));
        byte[] data = u8.contiguous().data<byte>().ToArray();
        return new Clip(data, (int)shape[0], (int)shape[1], (int)shape[2], (int)shape[3], (int)shape[4], caption);
    }

    /// <summary>Joins clips along the batch; gray clips are promoted to RGB when the others are RGB.</summary>
    public static Clip Concat(IEnumerable<Clip> clips, string? caption = null)
    {
        var list = clips?.ToList() ?? throw new ArgumentNullException(nameof(clips));
        if (list.Count == 0) throw new ArgumentException("Clip.Concat needs at least one clip.", nameof(clips));
        var first = list[0];
        foreach (var c in list)
            if (c.Frames != first.Frames || c.Height != first.Height || c.Width != first.Width)
                throw new ArgumentException($"Clip.Concat needs equal T, H, W: got [{string.Join(", ", first.Shape)}] and [{string.Join(", ", c.Shape)}].", nameof(clips));
        int channels = list.Max(c => c.Channels);
        int plane = first.Frames * first.Height * first.Width;
        var data = new byte[list.Sum(c => c.Batch) * channels * plane];
        int offset = 0;
        foreach (var c in list)
            for (int b = 0; b < c.Batch; b++)
                for (int ch = 0; ch < channels; ch++)
                {
                    int src = (b * c.Channels + Math.Min(ch, c.Channels - 1)) * plane;
                    Array.Copy(c._data, src, data, offset, plane);
                    offset += plane;
                }
        return new Clip(data, list.Sum(c => c.Batch), channels, first.Frames, first.Height, first.Width, caption ?? first.Caption);
    }

    /// <summary>Same pixels with another caption.</summary>
    public Clip WithCaption(string? caption) => new(_data, Batch, Channels, Frames, Height, Width, caption);

    /// <summary>The clips <paramref name="start"/> .. start+count-1 of the batch.</summary>
    public Clip Slice(int start, int count)
    {
        if (start < 0 || count < 1 || start + count > Batch)
            throw new ArgumentOutOfRangeException(nameof(start), $"Slice [{start}, {start + count}) is outside the batch of {Batch}.");
        int size = Channels * Frames * Height * Width;
        var data = new byte[count * size];
        Array.Copy(_data, start * size, data, 0, count * size);
        return new Clip(data, count, Channels, Frames, Height, Width, Caption);
    }

    /// <summary>The pixels as a uint8 CPU tensor <c>[B, C, T, H, W]</c>.</summary>
    public Tensor ToTensor() => tensor(_data, [Batch, Channels, Frames, Height, Width], ScalarType.Byte);

    /// <summary>
    /// One animated GIF (loops forever): the batch laid out as a grid of <paramref name="columns"/> columns
    /// (0 = about square) with a thin gray border, each pixel enlarged <paramref name="scale"/> times
    /// (0 = automatic: tiles of about 128 px). Gray clips keep exact levels; RGB clips get one 256-colour
    /// median-cut palette shared by all frames.
    /// </summary>
    public byte[] ToGif(int fps = 8, int scale = 0, int columns = 0)
    {
        if (fps < 1 || fps > 50) throw new ArgumentOutOfRangeException(nameof(fps), fps, "GIF frame rate must be 1..50 fps (GIF delays are whole 1/100 s).");
        int s = ResolveScale(scale);
        var (rows, cols) = GridShape(Batch, columns);
        int border = Batch > 1 ? 1 : 0;
        int tileW = Width * s, tileH = Height * s;
        int canvasW = cols * tileW + (cols + 1) * border, canvasH = rows * tileH + (rows + 1) * border;
        if (canvasW > 65535 || canvasH > 65535)
            throw new InvalidOperationException($"The GIF grid would be {canvasW}x{canvasH} pixels (GIF allows 65535): lower scale or show fewer clips.");

        // Index every source pixel once ([B, T, H, W]), then blit enlarged tiles.
        int plane = Height * Width;
        byte[] indices;
        byte[] palette;
        byte borderIndex;
        if (Channels == 1)
        {
            palette = new byte[768];
            for (int i = 0; i < 256; i++) palette[3 * i] = palette[3 * i + 1] = palette[3 * i + 2] = (byte)i;
            indices = _data; // [B, 1, T, H, W] == [B, T, H, W]
            borderIndex = BorderLevel;
        }
        else
        {
            int n = Batch * Frames * plane;
            var packed = new int[n];
            for (int b = 0; b < Batch; b++)
                for (int t = 0; t < Frames; t++)
                {
                    int r = Offset(b, 0, t), g = Offset(b, 1, t), bl = Offset(b, 2, t), dst = (b * Frames + t) * plane;
                    for (int i = 0; i < plane; i++)
                        packed[dst + i] = (_data[r + i] << 16) | (_data[g + i] << 8) | _data[bl + i];
                }
            int borderRgb = BorderLevel << 16 | BorderLevel << 8 | BorderLevel;
            var q = border > 0 ? ColorQuantizer.Build(packed, 256, borderRgb) : ColorQuantizer.Build(packed, 256);
            indices = new byte[n];
            for (int i = 0; i < n; i++) indices[i] = q.Map(packed[i]);
            palette = q.Palette.ToArray();
            borderIndex = q.Map(borderRgb);
        }

        var frames = new List<byte[]>(Frames);
        for (int t = 0; t < Frames; t++)
        {
            var canvas = new byte[canvasW * canvasH];
            if (border > 0) Array.Fill(canvas, borderIndex);
            for (int b = 0; b < Batch; b++)
            {
                int x0 = border + (b % cols) * (tileW + border), y0 = border + (b / cols) * (tileH + border);
                Blit(indices, [(b * Frames + t) * plane], canvas, canvasW, 1, x0, y0, s);
            }
            frames.Add(canvas);
        }
        int delay = (int)Math.Round(100.0 / fps);
        return GifEncoder.Encode(frames, canvasW, canvasH, palette, Enumerable.Repeat(delay, Frames).ToArray());
    }

    /// <summary>
    /// A PNG for print: one row per clip, one column per frame, separated by a thin gray border, each pixel
    /// enlarged <paramref name="scale"/> times (0 = automatic). Gray clips give a gray PNG, RGB clips an RGB PNG.
    /// </summary>
    public byte[] ToFrameGridPng(int scale = 0)
    {
        int s = ResolveScale(scale);
        const int border = 1;
        int tileW = Width * s, tileH = Height * s;
        long canvasW = (long)Frames * tileW + (Frames + 1) * border, canvasH = (long)Batch * tileH + (Batch + 1) * border;
        if (canvasW * canvasH * Channels > int.MaxValue / 2)
            throw new InvalidOperationException($"The frame grid would be {canvasW}x{canvasH} pixels: lower scale or show fewer clips.");
        var canvas = new byte[canvasW * canvasH * Channels];
        Array.Fill(canvas, BorderLevel);
        var planes = new int[Channels];
        for (int b = 0; b < Batch; b++)
            for (int t = 0; t < Frames; t++)
            {
                for (int c = 0; c < Channels; c++) planes[c] = Offset(b, c, t);
                Blit(_data, planes, canvas, (int)canvasW, Channels, border + t * (tileW + border), border + b * (tileH + border), s);
            }
        return PngEncoder.Encode(canvas, (int)canvasW, (int)canvasH, Channels);
    }

    /// <summary>Writes <see cref="ToGif"/> to <paramref name="path"/> atomically.</summary>
    public void SaveGif(string path, int fps = 8, int scale = 0, int columns = 0) => AtomicFile.WriteAllBytes(path, ToGif(fps, scale, columns));

    /// <summary>Writes <see cref="ToFrameGridPng"/> to <paramref name="path"/> atomically.</summary>
    public void SavePng(string path, int scale = 0) => AtomicFile.WriteAllBytes(path, ToFrameGridPng(scale));

    /// <summary>
    /// What a notebook cell returns (or passes to <c>display</c>) to show the clip with these options:
    /// <see cref="ToHtml"/> as an <see cref="HtmlView"/>. (Returning the <c>ToHtml</c> string itself shows the markup as
    /// text.)
    /// </summary>
    public HtmlView Show(int fps = 8, int scale = 0, int columns = 0) => new(ToHtml(fps, scale, columns));

    /// <summary>
    /// An HTML fragment: the animated GIF as <c>&lt;img src="data:image/gif;base64,..."&gt;</c> with the caption
    /// under it. Renders in VS Code, Jupyter, GitHub's notebook viewer and any browser, offline.
    /// </summary>
    public string ToHtml(int fps = 8, int scale = 0, int columns = 0)
    {
        string b64 = Convert.ToBase64String(ToGif(fps, scale, columns));
        string shape = $"[{string.Join(", ", Shape)}]";
        string alt = WebUtility.HtmlEncode(string.IsNullOrWhiteSpace(Caption) ? $"video clip {shape}" : Caption);
        var sb = new StringBuilder();
        sb.Append("<figure class=\"videogan-clip\" style=\"display:inline-block;margin:4px;text-align:center\">");
        sb.Append("<img src=\"data:image/gif;base64,").Append(b64).Append("\" alt=\"").Append(alt)
          .Append("\" title=\"").Append(WebUtility.HtmlEncode(shape)).Append("\" style=\"image-rendering:pixelated\"/>");
        if (!string.IsNullOrWhiteSpace(Caption))
            sb.Append("<figcaption style=\"font:12px sans-serif\">").Append(WebUtility.HtmlEncode(Caption)).Append("</figcaption>");
        sb.Append("</figure>");
        return sb.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"Clip [{string.Join(", ", Shape)}] ({(Channels == 1 ? "gray" : "RGB")}){(string.IsNullOrWhiteSpace(Caption) ? "" : " " + Caption)}";

    int Offset(int b, int c, int t) => ((b * Channels + c) * Frames + t) * Height * Width;

    int ResolveScale(int scale)
    {
        if (scale < 0 || scale > 64) throw new ArgumentOutOfRangeException(nameof(scale), scale, "Scale must be 0 (automatic) or 1..64.");
        return scale > 0 ? scale : Math.Clamp(128 / Math.Max(Height, Width), 1, 8);
    }

    static (int Rows, int Cols) GridShape(int count, int columns)
    {
        if (columns < 0) throw new ArgumentOutOfRangeException(nameof(columns), columns, "Columns must be 0 (automatic) or positive.");
        int cols = columns > 0 ? Math.Min(columns, count) : (int)Math.Ceiling(Math.Sqrt(count));
        return ((count + cols - 1) / cols, cols);
    }

    /// <summary>Copies one H x W tile (one source plane per output channel) enlarged s times into an interleaved canvas.</summary>
    void Blit(byte[] src, int[] planes, byte[] dst, int dstW, int k, int x0, int y0, int s)
    {
        for (int y = 0; y < Height; y++)
        {
            int rowStart = ((y0 + y * s) * dstW + x0) * k;
            for (int x = 0; x < Width; x++)
                for (int c = 0; c < k; c++)
                {
                    byte v = src[planes[c] + y * Width + x];
                    int p = rowStart + x * s * k + c;
                    for (int sx = 0; sx < s; sx++, p += k) dst[p] = v;
                }
            // Repeat the finished row s-1 times.
            int len = Width * s * k;
            for (int sy = 1; sy < s; sy++)
                Array.Copy(dst, rowStart, dst, rowStart + sy * dstW * k, len);
        }
    }

    static void CheckShape(long[] shape, string who)
    {
        if (shape.Any(d => d < 1))
            throw new ArgumentException($"{who}: every dimension of [B, C, T, H, W] must be positive; got [{string.Join(", ", shape)}].");
        if (shape[1] != 1 && shape[1] != 3)
            throw new ArgumentException($"{who}: C (dimension 1 of [B, C, T, H, W]) must be 1 (gray) or 3 (RGB); got shape [{string.Join(", ", shape)}]. " +
                                        "If time comes before channels ([B, T, C, H, W]), use video.permute(0, 2, 1, 3, 4).");
        if (shape.Aggregate(1L, (a, d) => a * d) > int.MaxValue / 4)
            throw new ArgumentException($"{who}: a clip of shape [{string.Join(", ", shape)}] is too large to display; show fewer clips or frames.");
    }
}
