using System.Text;
using VideoGan.Visualization;

namespace VideoGan.Tests.Visualization;

public class EncoderTests
{
    [Fact]
    public void Crc32_matches_the_standard_check_value()
    {
        Assert.Equal(0xCBF43926u, PngEncoder.Crc32(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Lzw_survives_table_resets_on_noise_and_long_runs()
    {
        // 200x200 noise fills the 4096-entry code table many times (clear codes); the second frame is one long run.
        int w = 200, h = 200;
        var noise = new byte[w * h];
        new Random(9).NextBytes(noise);
        var run = Enumerable.Repeat((byte)77, w * h).ToArray();
        var palette = new byte[768];
        for (int i = 0; i < 256; i++) palette[3 * i] = palette[3 * i + 1] = palette[3 * i + 2] = (byte)i;
        byte[] gif = GifEncoder.Encode([noise, run], w, h, palette, [7, 30]);
        var d = SkiaDecode.Decode(gif);
        Assert.Equal([70, 300], d.DurationsMs);
        for (int i = 0; i < w * h; i++)
        {
            Assert.Equal(noise[i], d.Rgba[0][4 * i]);
            Assert.Equal(77, d.Rgba[1][4 * i]);
        }
    }

    [Fact]
    public void Gif_loops_forever_via_the_netscape_block()
    {
        byte[] gif = GifEncoder.Encode([new byte[4]], 2, 2, new byte[] { 0, 0, 0 }, [10]);
        string text = Encoding.ASCII.GetString(gif);
        int at = text.IndexOf("NETSCAPE2.0", StringComparison.Ordinal);
        Assert.True(at > 0);
        Assert.Equal(new byte[] { 3, 1, 0, 0, 0 }, gif.AsSpan(at + 11, 5).ToArray());
        Assert.Equal(0x3B, gif[^1]);
    }

    [Fact]
    public void Encoders_reject_bad_input_with_clear_messages()
    {
        Assert.Contains("palette index", Assert.Throws<ArgumentException>(() =>
            GifEncoder.Encode([new byte[] { 0, 5, 0, 0 }], 2, 2, new byte[] { 0, 0, 0, 9, 9, 9 }, [10])).Message);
        Assert.Contains("expected", Assert.Throws<ArgumentException>(() => PngEncoder.Encode(new byte[5], 2, 2, 1)).Message);
    }

    [Fact]
    public void Median_cut_keeps_reserved_colours_and_caps_the_palette()
    {
        var colours = Enumerable.Range(0, 5000).Select(i => (i * 2654435761u).GetHashCode() & 0xFFFFFF).ToArray();
        var q = ColorQuantizer.Build(colours, 256, 0x808080);
        Assert.Equal(256, q.Count);
        int idx = q.Map(0x808080);
        Assert.Equal(new byte[] { 128, 128, 128 }, q.Palette.Slice(idx * 3, 3).ToArray());
    }
}
