using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using SkiaSharp;
using VideoGan.Runtime;

namespace VideoGan.Data;

/// <summary>Which frames of a longer real clip to keep.</summary>
public enum FrameSampling
{
    /// <summary>The first T frames.</summary>
    First,
    /// <summary>T frames spread evenly over the whole clip.</summary>
    Uniform,
}

/// <summary>Clips loaded from frame folders, with the folder name of each clip and what was skipped and why.</summary>
public sealed class FrameFolderSet
{
    /// <summary>The clips, uint8 <c>[N, C, T, size, size]</c>.</summary>
    public required VideoClips Clips { get; init; }
    /// <summary>Folder name of each clip.</summary>
    public required string[] ClipNames { get; init; }
    /// <summary>Folders that were not loaded, with the reason (too few frames, no images).</summary>
    public required string[] Skipped { get; init; }
}

/// <summary>
/// Real video clips stored as folders of frame images (PNG, JPEG, BMP, WebP), for example face clips extracted from
/// MUG, CelebV or your own videos (<c>ffmpeg -i clip.mp4 clip/%04d.png</c>). Layout: <c>root/&lt;clip&gt;/&lt;frame&gt;.png</c>
/// (one sub-folder per clip) or a single folder of frames. Frames are ordered by natural name order
/// (<c>2.png</c> before <c>10.png</c>), centre-cropped to a square and resized to <c>size x size</c>.
/// </summary>
/// <remarks>Taught in notebooks/01-data-preparation.ipynb.</remarks>
public static partial class FrameFolders
{
    /// <summary>Image file extensions that are read (case-insensitive).</summary>
    public static readonly string[] Extensions = { ".png", ".jpg", ".jpeg", ".bmp", ".webp" };

    /// <summary>
    /// Loads every clip under <paramref name="root"/>: <paramref name="frames"/> frames each (clips with fewer are
    /// skipped and listed in <see cref="FrameFolderSet.Skipped"/>), resized to <paramref name="size"/>, with 3 (RGB) or
    /// 1 (grey) <paramref name="channels"/>.
    /// </summary>
    public static FrameFolderSet Load(string root, int frames = 16, int size = 64, int channels = 3,
                                      FrameSampling sampling = FrameSampling.First, int maxClips = -1)
    {
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"frame folder root not found: {root}");
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), $"channels {channels}: use 3 (RGB) or 1 (grey).");
        if (frames < 1 || size < 1) throw new ArgumentOutOfRangeException(nameof(frames), "frames and size must be >= 1.");
        var clipDirs = ImagesIn(root).Length > 0
            ? new[] { root }
            : Directory.GetDirectories(root).OrderBy(d => d, NaturalComparer.Instance).ToArray();
        var selected = new List<(string Name, string[] Files)>();
        var skipped = new List<string>();
        foreach (var dir in clipDirs)
        {
            var files = ImagesIn(dir);
            var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(dir));
            if (files.Length < frames) { skipped.Add($"{dir}: {files.Length} frames, {frames} needed"); continue; }
            var pick = sampling == FrameSampling.First
                ? files[..frames]
                : Enumerable.Range(0, frames).Select(i => files[frames == 1 ? 0 : (int)Math.Round((double)i * (files.Length - 1) / (frames - 1))]).ToArray();
            selected.Add((name, pick));
            if (maxClips > 0 && selected.Count == maxClips) break;
        }
        if (selected.Count == 0)
            throw new InvalidDataException($"{root}: no clip with at least {frames} frame images ({string.Join(", ", Extensions)}). " +
                                           $"Expected root/<clip>/<frame>.png or a folder of frames. Skipped: {string.Join("; ", skipped)}");
        var clips = VideoClips.Zeros(selected.Count, channels, frames, size, size);
        try
        {
            Parallel.For(0, selected.Count, i =>
            {
                var dst = clips.Clip(i);
                for (int t = 0; t < frames; t++) ReadFrame(selected[i].Files[t], size, channels, dst, t, frames);
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]); // the first bad file, not a wrapper
        }
        return new FrameFolderSet { Clips = clips, ClipNames = selected.Select(s => s.Name).ToArray(), Skipped = skipped.ToArray() };
    }

    /// <summary>Writes clip <paramref name="index"/> as <c>folder/frame_000.png</c> ... (the layout <see cref="Load"/> reads).</summary>
    public static void SaveClip(VideoClips clips, int index, string folder)
    {
        Directory.CreateDirectory(folder);
        int n = clips.Height * clips.Width;
        var clip = clips.Clip(index);
        for (int t = 0; t < clips.Frames; t++)
        {
            using var bmp = new SKBitmap(new SKImageInfo(clips.Width, clips.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
            var rgba = new byte[n * 4];
            for (int k = 0; k < n; k++)
            {
                for (int c = 0; c < 3; c++)
                    rgba[k * 4 + c] = clip[((clips.Channels == 1 ? 0 : c) * clips.Frames + t) * n + k];
                rgba[k * 4 + 3] = 255;
            }
            Marshal.Copy(rgba, 0, bmp.GetPixels(), rgba.Length);
            var path = Path.Combine(folder, $"frame_{t:000}.png");
            using (var data = bmp.Encode(SKEncodedImageFormat.Png, 100))
                AtomicFile.Write(path, f => data.SaveTo(f));
        }
    }

    static string[] ImagesIn(string dir) =>
        Directory.GetFiles(dir).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
                 .OrderBy(f => Path.GetFileName(f), NaturalComparer.Instance).ToArray();

    static void ReadFrame(string path, int size, int channels, Span<byte> clip, int t, int frames)
    {
        using var src = SKBitmap.Decode(path)
            ?? throw new InvalidDataException($"{path}: could not decode the image (corrupt, or not PNG/JPEG/BMP/WebP).");
        int side = Math.Min(src.Width, src.Height);
        var crop = SKRectI.Create((src.Width - side) / 2, (src.Height - side) / 2, side, side);
        using var dst = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (var canvas = new SKCanvas(dst))
        using (var paint = new SKPaint { FilterQuality = SKFilterQuality.High, IsAntialias = true })
        {
            canvas.Clear(SKColors.Black);
            canvas.DrawBitmap(src, crop, SKRect.Create(0, 0, size, size), paint);
        }
        int n = size * size;
        var p = new byte[n * 4];
        Marshal.Copy(dst.GetPixels(), p, 0, p.Length);
        {
            for (int k = 0; k < n; k++)
            {
                byte r = p[k * 4], g = p[k * 4 + 1], b = p[k * 4 + 2];
                if (channels == 1)
                    clip[t * n + k] = (byte)Math.Clamp((int)Math.Round(0.299 * r + 0.587 * g + 0.114 * b), 0, 255);
                else
                {
                    clip[(0 * frames + t) * n + k] = r;
                    clip[(1 * frames + t) * n + k] = g;
                    clip[(2 * frames + t) * n + k] = b;
                }
            }
        }
    }

    /// <summary>Orders "frame2" before "frame10".</summary>
    sealed partial class NaturalComparer : IComparer<string>
    {
        public static readonly NaturalComparer Instance = new();
        public int Compare(string? a, string? b)
        {
            var pa = Parts().Split(a ?? ""); var pb = Parts().Split(b ?? "");
            for (int i = 0; i < Math.Min(pa.Length, pb.Length); i++)
            {
                int c = long.TryParse(pa[i], out var na) && long.TryParse(pb[i], out var nb)
                    ? na.CompareTo(nb) : string.CompareOrdinal(pa[i], pb[i]);
                if (c != 0) return c;
            }
            return pa.Length.CompareTo(pb.Length);
        }
        [GeneratedRegex(@"(\d+)")] private static partial Regex Parts();
    }
}
