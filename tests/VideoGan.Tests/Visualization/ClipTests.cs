using System.Text;
using TorchSharp;
using VideoGan.Visualization;
using static TorchSharp.torch;

namespace VideoGan.Tests.Visualization;

public class ClipTests
{
    static Clip GrayClip(int b, int t, int h, int w, int seed)
    {
        var rng = new Random(seed);
        var px = new byte[b * t * h * w];
        rng.NextBytes(px);
        return Clip.FromBytes(px, b, 1, t, h, w, "gray");
    }

    [Fact]
    public void FromTensor_maps_minus_one_to_one_onto_0_to_255_and_clamps()
    {
        using var v = tensor(new float[] { -1f, 0f, 1f, -3f, 2f, float.NaN, 0.5f, -0.5f }, [1, 1, 2, 2, 2]);
        var clip = Clip.FromTensor(v, "c");
        Assert.Equal(new long[] { 1, 1, 2, 2, 2 }, clip.Shape);
        Assert.Equal(new byte[] { 0, 128, 255, 0, 255, 128, 191, 64 }, clip.Pixels.ToArray());
        Assert.Equal("c", clip.Caption);
    }

    [Fact]
    public void FromTensor_accepts_a_single_clip_and_uint8_and_round_trips_to_tensor()
    {
        using var v = torch.rand(3, 4, 5, 6).mul(2).sub(1);
        var clip = Clip.FromTensor(v);
        Assert.Equal(new long[] { 1, 3, 4, 5, 6 }, clip.Shape);
        using var u8 = clip.ToTensor();
        Assert.Equal(ScalarType.Byte, u8.dtype);
        var again = Clip.FromTensor(u8);
        Assert.Equal(clip.Pixels.ToArray(), again.Pixels.ToArray());
        // Element [0, 2, 3, 4, 5] is the last one.
        Assert.Equal((byte)Math.Round((v[2, 3, 4, 5].item<float>() + 1) * 127.5), clip[0, 2, 3, 4, 5]);
    }

    [Theory]
    [InlineData(new long[] { 2, 3, 4 }, "[2, 3, 4]")]
    [InlineData(new long[] { 1, 2, 4, 8, 8 }, "must be 1 (gray) or 3 (RGB)")]
    [InlineData(new long[] { 1, 1, 2, 3, 4, 5 }, "[1, 1, 2, 3, 4, 5]")]
    public void FromTensor_rejects_bad_shapes_with_the_shape_in_the_message(long[] shape, string expected)
    {
        using var v = zeros(shape);
        var ex = Assert.Throws<ArgumentException>(() => Clip.FromTensor(v));
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void FromTensor_rejects_integer_tensors_other_than_uint8()
    {
        using var v = zeros([1, 1, 1, 2, 2], ScalarType.Int64);
        Assert.Contains("Int64", Assert.Throws<ArgumentException>(() => Clip.FromTensor(v)).Message);
    }

    [Fact]
    public void Gray_gif_round_trips_exactly_through_skia_with_frame_count_timing_grid_and_border()
    {
        var clip = GrayClip(b: 3, t: 5, h: 7, w: 9, seed: 1);
        byte[] gif = clip.ToGif(fps: 10, scale: 2);
        Assert.Equal("GIF89a", Encoding.ASCII.GetString(gif, 0, 6));
        var d = SkiaDecode.Decode(gif);
        // 3 clips -> 2 columns x 2 rows, tiles 18 x 14, 1-px borders.
        Assert.Equal(2 * 18 + 3, d.Width);
        Assert.Equal(2 * 14 + 3, d.Height);
        Assert.Equal(5, d.Rgba.Count);
        Assert.All(d.DurationsMs, ms => Assert.Equal(100, ms));
        for (int t = 0; t < 5; t++)
            for (int b = 0; b < 3; b++)
            {
                int x0 = 1 + (b % 2) * 19, y0 = 1 + (b / 2) * 15;
                for (int y = 0; y < 14; y++)
                    for (int x = 0; x < 18; x++)
                    {
                        byte v = clip[b, 0, t, y / 2, x / 2];
                        Assert.Equal((v, v, v), d.At(t, x0 + x, y0 + y));
                    }
            }
        Assert.Equal((Clip.BorderLevel, Clip.BorderLevel, Clip.BorderLevel), d.At(0, 0, 0));
        Assert.Equal((Clip.BorderLevel, Clip.BorderLevel, Clip.BorderLevel), d.At(4, 19, 5));  // between columns
        Assert.Equal((Clip.BorderLevel, Clip.BorderLevel, Clip.BorderLevel), d.At(2, 25, 20)); // empty 4th cell
    }

    [Fact]
    public void Single_clip_gif_has_no_border_and_fps_sets_the_delay()
    {
        var clip = GrayClip(1, 3, 4, 4, seed: 2);
        var d = SkiaDecode.Decode(clip.ToGif(fps: 4, scale: 1));
        Assert.Equal((4, 4), (d.Width, d.Height));
        Assert.All(d.DurationsMs, ms => Assert.Equal(250, ms));
        Assert.Equal(clip[0, 0, 2, 3, 3], d.At(2, 3, 3).R);
    }

    [Fact]
    public void Rgb_gif_with_few_colours_is_lossless()
    {
        var palette = Enumerable.Range(0, 200).Select(i => (r: (byte)(i * 37), g: (byte)(i * 11), b: (byte)(255 - i))).ToArray();
        int b = 2, t = 3, h = 10, w = 10, plane = h * w;
        var px = new byte[b * 3 * t * plane];
        var rng = new Random(3);
        for (int bi = 0; bi < b; bi++)
            for (int ti = 0; ti < t; ti++)
                for (int i = 0; i < plane; i++)
                {
                    var c = palette[rng.Next(palette.Length)];
                    px[((bi * 3 + 0) * t + ti) * plane + i] = c.r;
                    px[((bi * 3 + 1) * t + ti) * plane + i] = c.g;
                    px[((bi * 3 + 2) * t + ti) * plane + i] = c.b;
                }
        var clip = Clip.FromBytes(px, b, 3, t, h, w);
        var d = SkiaDecode.Decode(clip.ToGif(fps: 8, scale: 1));
        Assert.Equal(3, d.Rgba.Count);
        for (int ti = 0; ti < t; ti++)
            for (int bi = 0; bi < b; bi++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        Assert.Equal((clip[bi, 0, ti, y, x], clip[bi, 1, ti, y, x], clip[bi, 2, ti, y, x]),
                                     d.At(ti, 1 + bi * (w + 1) + x, 1 + y));
    }

    [Fact]
    public void Rgb_gif_with_many_colours_stays_within_palette_error()
    {
        // Smooth gradients plus a moving coloured square: thousands of distinct colours, like a generated video.
        int t = 6, h = 32, w = 32, plane = h * w;
        var px = new byte[3 * t * plane];
        for (int ti = 0; ti < t; ti++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    bool square = x >= 4 * ti && x < 4 * ti + 8 && y >= 10 && y < 18;
                    int i = ti * plane + y * w + x;
                    px[0 * t * plane + i] = square ? (byte)230 : (byte)(x * 8);
                    px[1 * t * plane + i] = square ? (byte)40 : (byte)(y * 8);
                    px[2 * t * plane + i] = square ? (byte)60 : (byte)((x + y + 10 * ti) * 3);
                }
        var clip = Clip.FromBytes(px, 1, 3, t, h, w);
        var d = SkiaDecode.Decode(clip.ToGif(fps: 8, scale: 1));
        Assert.Equal(t, d.Rgba.Count);
        double sum = 0; int max = 0, n = 0;
        for (int ti = 0; ti < t; ti++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    var got = d.At(ti, x, y);
                    int[] err = [Math.Abs(got.R - clip[0, 0, ti, y, x]), Math.Abs(got.G - clip[0, 1, ti, y, x]), Math.Abs(got.B - clip[0, 2, ti, y, x])];
                    foreach (int e in err) { sum += e; max = Math.Max(max, e); n++; }
                }
        // Baseline: a uniform 6x7x6 = 252-colour palette. An adaptive palette must do clearly better.
        static int Uniform(int v, int levels) { double step = 255.0 / (levels - 1); return (int)(Math.Round(v / step) * step); }
        double baseline = 0;
        for (int i = 0; i < t * plane; i++)
            baseline += Math.Abs(Uniform(px[i], 6) - px[i]) + Math.Abs(Uniform(px[t * plane + i], 7) - px[t * plane + i]) + Math.Abs(Uniform(px[2 * t * plane + i], 6) - px[2 * t * plane + i]);
        baseline /= n;
        Assert.True(sum / n < 0.75 * baseline, $"mean palette error {sum / n:F2} per channel vs uniform palette {baseline:F2}");
        Assert.True(max <= 40, $"max palette error {max}");
        // The solid square keeps its exact colour.
        Assert.Equal(((byte)230, (byte)40, (byte)60), d.At(2, 10, 12));
    }

    [Fact]
    public void Frame_grid_png_decodes_to_the_source_pixels_gray_and_rgb()
    {
        foreach (int channels in new[] { 1, 3 })
        {
            int b = 2, t = 4, h = 5, w = 6, s = 2;
            var px = new byte[b * channels * t * h * w];
            new Random(channels).NextBytes(px);
            var clip = Clip.FromBytes(px, b, channels, t, h, w);
            var d = SkiaDecode.Decode(clip.ToFrameGridPng(scale: s));
            Assert.Equal(t * w * s + t + 1, d.Width);
            Assert.Equal(b * h * s + b + 1, d.Height);
            for (int bi = 0; bi < b; bi++)
                for (int ti = 0; ti < t; ti++)
                    for (int y = 0; y < h * s; y++)
                        for (int x = 0; x < w * s; x++)
                        {
                            var got = d.At(0, 1 + ti * (w * s + 1) + x, 1 + bi * (h * s + 1) + y);
                            byte r = clip[bi, 0, ti, y / s, x / s];
                            var want = channels == 1 ? (r, r, r) : (r, clip[bi, 1, ti, y / s, x / s], clip[bi, 2, ti, y / s, x / s]);
                            Assert.Equal(want, got);
                        }
            Assert.Equal((Clip.BorderLevel, Clip.BorderLevel, Clip.BorderLevel), d.At(0, 1 + w * s, 3));
        }
    }

    [Fact]
    public void ToHtml_embeds_a_decodable_gif_data_uri_and_escapes_the_caption()
    {
        var clip = GrayClip(2, 3, 8, 8, seed: 4).WithCaption("real <vs> fake & co");
        string html = clip.ToHtml(fps: 5);
        Assert.Contains("<img src=\"data:image/gif;base64,", html);
        Assert.Contains("real &lt;vs&gt; fake &amp; co", html);
        Assert.DoesNotContain("<vs>", html);
        int start = html.IndexOf("base64,") + 7;
        string b64 = html[start..html.IndexOf('"', start)];
        var d = SkiaDecode.Decode(Convert.FromBase64String(b64));
        Assert.Equal(3, d.Rgba.Count);
        Assert.All(d.DurationsMs, ms => Assert.Equal(200, ms));
    }

    [Fact]
    public void Notebook_formatter_convention_renders_the_clip_as_an_animated_gif()
    {
        // The real .NET Interactive formatter discovers our attribute by convention (the library does not reference it).
        var clip = GrayClip(1, 2, 4, 4, seed: 5).WithCaption("formatted");
        string html = Microsoft.DotNet.Interactive.Formatting.Formatter.ToDisplayString(clip, "text/html");
        Assert.Contains("data:image/gif;base64,", html);
        Assert.Contains("formatted", html);
        Assert.DoesNotContain(typeof(Clip).Assembly.GetReferencedAssemblies(), a => a.Name!.StartsWith("Microsoft.DotNet.Interactive"));
    }

    [Fact]
    public void SaveGif_and_SavePng_write_atomically()
    {
        string dir = Path.Combine(Path.GetTempPath(), "videogan-clip-" + Guid.NewGuid().ToString("N"));
        try
        {
            var clip = GrayClip(2, 2, 4, 4, seed: 6);
            clip.SaveGif(Path.Combine(dir, "a", "clip.gif"));
            clip.SavePng(Path.Combine(dir, "a", "clip.png"));
            Assert.Equal(clip.ToGif(), File.ReadAllBytes(Path.Combine(dir, "a", "clip.gif")));
            Assert.Equal(clip.ToFrameGridPng(), File.ReadAllBytes(Path.Combine(dir, "a", "clip.png")));
            Assert.Empty(Directory.GetFiles(dir, "*.tmp", SearchOption.AllDirectories));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void Concat_promotes_gray_to_rgb_and_slice_takes_clips()
    {
        var gray = GrayClip(1, 2, 3, 3, seed: 7);
        var rgbPx = new byte[3 * 2 * 9];
        new Random(8).NextBytes(rgbPx);
        var rgb = Clip.FromBytes(rgbPx, 1, 3, 2, 3, 3);
        var both = Clip.Concat([gray, rgb], "both");
        Assert.Equal(new long[] { 2, 3, 2, 3, 3 }, both.Shape);
        for (int c = 0; c < 3; c++) Assert.Equal(gray[0, 0, 1, 2, 1], both[0, c, 1, 2, 1]);
        Assert.Equal(rgb[0, 2, 1, 0, 2], both[1, 2, 1, 0, 2]);
        Assert.Equal(rgb.Pixels.ToArray(), both.Slice(1, 1).Pixels.ToArray());
    }
}
