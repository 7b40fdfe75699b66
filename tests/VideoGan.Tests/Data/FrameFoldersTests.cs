using SkiaSharp;
using VideoGan.Data;

namespace VideoGan.Tests.Data;

public class FrameFoldersTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("vg-frames").FullName;
    public void Dispose() => Directory.Delete(_root, true);

    [Fact]
    public void Png_frame_folders_round_trip_and_resize()
    {
        var faces = SyntheticFaces.Generate(3, seed: 2);
        for (int i = 0; i < 3; i++) FrameFolders.SaveClip(faces.Clips, i, Path.Combine(_root, $"clip{i + 1}"));
        var back = FrameFolders.Load(_root, frames: 16, size: 64);
        Assert.Equal(new[] { "clip1", "clip2", "clip3" }, back.ClipNames);
        Assert.Equal(faces.Clips.Shape, back.Clips.Shape);
        int maxDiff = faces.Clips.Data.Zip(back.Clips.Data, (a, b) => Math.Abs(a - b)).Max();
        Assert.True(maxDiff <= 1, $"PNG round trip differs by {maxDiff}");

        var small = FrameFolders.Load(_root, frames: 8, size: 32, channels: 1, sampling: FrameSampling.Uniform);
        Assert.Equal(new long[] { 3, 1, 8, 32, 32 }, small.Clips.Shape);
        // Resizing keeps the mean brightness.
        double meanFull = faces.Clips.Data.Average(b => (double)b), meanSmall = small.Clips.Data.Average(b => (double)b);
        Assert.InRange(meanSmall, meanFull - 12, meanFull + 12);
    }

    [Fact]
    public void Natural_frame_order_short_clips_skipped_and_jpeg_read()
    {
        var dir = Path.Combine(_root, "clipA");
        Directory.CreateDirectory(dir);
        // Frames 1..12 whose brightness is the frame number * 20: "10.jpg" must come after "9.jpg".
        for (int t = 1; t <= 12; t++)
        {
            using var bmp = new SKBitmap(40, 30);
            bmp.Erase(new SKColor((byte)(t * 20), (byte)(t * 20), (byte)(t * 20)));
            using var data = bmp.Encode(SKEncodedImageFormat.Jpeg, 95);
            File.WriteAllBytes(Path.Combine(dir, $"{t}.jpg"), data.ToArray());
        }
        var shortDir = Path.Combine(_root, "clipB");
        Directory.CreateDirectory(shortDir);
        File.Copy(Path.Combine(dir, "1.jpg"), Path.Combine(shortDir, "1.jpg"));
        var set = FrameFolders.Load(_root, frames: 12, size: 16);
        Assert.Equal(new[] { "clipA" }, set.ClipNames);
        Assert.Contains(set.Skipped, s => s.Contains("clipB") && s.Contains("1 frames"));
        var clip = set.Clips.Clip(0);
        for (int t = 0; t < 12; t++) Assert.InRange(clip[t * 256 + 100], (t + 1) * 20 - 4, (t + 1) * 20 + 4);
        // A single folder of frames is one clip too.
        Assert.Equal(1, FrameFolders.Load(dir, frames: 12, size: 16).Clips.Count);
    }

    [Fact]
    public void Bad_inputs_name_the_problem()
    {
        var dir = Path.Combine(_root, "broken");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "0.png"), "not a png");
        File.WriteAllText(Path.Combine(dir, "1.png"), "not a png");
        var e = Assert.Throws<InvalidDataException>(() => FrameFolders.Load(_root, frames: 2, size: 8));
        Assert.Contains("0.png", e.Message);
        var none = Assert.Throws<InvalidDataException>(() => FrameFolders.Load(_root, frames: 5, size: 8));
        Assert.Contains("no clip with at least 5", none.Message);
        Assert.Throws<DirectoryNotFoundException>(() => FrameFolders.Load(Path.Combine(_root, "nope")));
    }
}
