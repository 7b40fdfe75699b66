using SkiaSharp;

namespace VideoGan.Tests.Visualization;

/// <summary>Decodes images with SkiaSharp's codec: an independent decoder for what our encoders write.</summary>
static class SkiaDecode
{
    public sealed record Decoded(int Width, int Height, int[] DurationsMs, List<byte[]> Rgba);

    public static Decoded Decode(byte[] bytes)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data) ?? throw new InvalidOperationException("SkiaSharp could not open the image.");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        int count = Math.Max(1, codec.FrameCount);
        var frames = new List<byte[]>();
        var durations = new int[count];
        for (int i = 0; i < count; i++)
        {
            using var bitmap = new SKBitmap(info);
            var result = codec.GetPixels(info, bitmap.GetPixels(), new SKCodecOptions(i));
            if (result != SKCodecResult.Success) throw new InvalidOperationException($"Frame {i}: {result}");
            var pixels = bitmap.Bytes;
            frames.Add(pixels);
            durations[i] = codec.FrameCount > 0 ? codec.FrameInfo[i].Duration : 0;
        }
        return new Decoded(info.Width, info.Height, durations, frames);
    }

    public static (byte R, byte G, byte B) At(this Decoded d, int frame, int x, int y)
    {
        int p = (y * d.Width + x) * 4;
        var f = d.Rgba[frame];
        return (f[p], f[p + 1], f[p + 2]);
    }
}
