using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TorchSharp;
using static TorchSharp.torch;
using VideoGan.Runtime;

namespace VideoGan.Data;

/// <summary>The header of an <c>.npy</c> file: dtype descriptor, memory order and shape.</summary>
public sealed record NpyHeader(string Descr, bool FortranOrder, long[] Shape)
{
    /// <summary>Number of elements.</summary>
    public long Count => Shape.Aggregate(1L, (a, b) => checked(a * b));
}

/// <summary>
/// NumPy <c>.npy</c> files (format 1.0-3.0): uint8 and float32 arrays in C order, read and written without
/// Python. Includes the canonical Moving MNIST layout <c>mnist_test_seq.npy</c> = uint8 <c>[T, N, H, W]</c> and a
/// JSON labels side file (<c>&lt;file&gt;.labels.json</c>).
/// </summary>
/// <remarks>
/// Clip files: every clip writer here (<see cref="SaveMovingMnist"/>, <see cref="SaveClips"/>) also writes the layout side
/// file <c>&lt;file&gt;.layout.json</c> (<see cref="ClipLayout"/>), and every clip reader (<see cref="ReadClips"/>,
/// <see cref="ReadClipTensor"/>, <see cref="LoadMovingMnist"/>, <c>videogan evaluate</c>) decides the layout with
/// <see cref="ResolveClipLayout"/>: from that record or an explicit layout, never from the shape of a 4-D array.
/// Taught in notebooks/01-data-preparation.ipynb.
/// </remarks>
public static partial class Npy
{
    static readonly byte[] Magic = { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y' };

    /// <summary>Reads the header only (cheap: for checking shapes before loading).</summary>
    public static NpyHeader ReadHeader(string path)
    {
        using var s = OpenRead(path);
        return ReadHeader(s, path);
    }

    /// <summary>Reads a uint8 array; <paramref name="shape"/> receives its shape.</summary>
    public static byte[] ReadUInt8(string path, out long[] shape)
    {
        using var s = OpenRead(path);
        var h = ReadHeader(s, path);
        if (h.Descr is not ("|u1" or "<u1" or ">u1"))
            throw new InvalidDataException($"{path}: dtype '{h.Descr}' where uint8 ('|u1') was expected. Convert it with arr.astype(np.uint8) in NumPy, or read it with Npy.ReadFloat32.");
        shape = h.Shape;
        return ReadPayload<byte>(s, path, h);
    }

    /// <summary>Reads a float32 array (little-endian); <paramref name="shape"/> receives its shape.</summary>
    public static float[] ReadFloat32(string path, out long[] shape)
    {
        using var s = OpenRead(path);
        var h = ReadHeader(s, path);
        if (h.Descr != "<f4")
            throw new InvalidDataException($"{path}: dtype '{h.Descr}' where little-endian float32 ('<f4') was expected. Convert it with arr.astype('<f4') in NumPy.");
        shape = h.Shape;
        return ReadPayload<float>(s, path, h);
    }

    /// <summary>Reads a float64 array (little-endian); <paramref name="shape"/> receives its shape.</summary>
    public static double[] ReadFloat64(string path, out long[] shape)
    {
        using var s = OpenRead(path);
        var h = ReadHeader(s, path);
        if (h.Descr != "<f8")
            throw new InvalidDataException($"{path}: dtype '{h.Descr}' where little-endian float64 ('<f8') was expected. Convert it with arr.astype('<f8') in NumPy.");
        shape = h.Shape;
        return ReadPayload<double>(s, path, h);
    }

    /// <summary>
    /// Reads a uint8 or float32 array as a tensor of that dtype and shape, axes as stored. For clips use
    /// <see cref="ReadClipTensor"/>, which puts any clip layout into <c>[N, C, T, H, W]</c>.
    /// </summary>
    public static Tensor ReadTensor(string path)
    {
        var h = ReadHeader(path);
        return h.Descr == "<f4"
            ? torch.tensor(ReadFloat32(path, out var fs), fs)
            : torch.tensor(ReadUInt8(path, out var bs), bs, ScalarType.Byte);
    }

    /// <summary>Writes a uint8 array in C order (atomically); removes a clip layout side file left from an earlier array.</summary>
    public static void Write(string path, ReadOnlySpan<byte> data, ReadOnlySpan<long> shape) => WriteCore(path, "|u1", data, shape, 1);

    /// <summary>Writes a float32 array in C order, little-endian (atomically).</summary>
    public static void Write(string path, ReadOnlySpan<float> data, ReadOnlySpan<long> shape) =>
        WriteCore(path, "<f4", MemoryMarshal.AsBytes(data), shape, 4);

    /// <summary>Writes a uint8 or float32 CPU tensor.</summary>
    public static void Write(string path, Tensor t)
    {
        using var c = t.cpu().contiguous();
        if (c.dtype == ScalarType.Byte) Write(path, c.data<byte>().ToArray(), c.shape);
        else if (c.dtype == ScalarType.Float32) Write(path, c.data<float>().ToArray(), c.shape);
        else throw new ArgumentException($"Npy.Write {path}: tensor dtype {c.dtype} is not supported (uint8 or float32).");
    }

    /// <summary>
    /// Saves clips in the canonical Moving MNIST layout uint8 <c>[T, N, H, W]</c> (as <c>mnist_test_seq.npy</c>), its
    /// layout side file (<see cref="ClipLayouts.SideFilePath"/>, <see cref="ClipLayout.TNHW"/>) and, when given, the
    /// labels as <c>&lt;path&gt;.labels.json</c>. Single-channel clips only.
    /// </summary>
    public static void SaveMovingMnist(string path, VideoClips clips, MovingMnistSet? labels = null)
    {
        if (clips.Channels != 1)
            throw new ArgumentException($"SaveMovingMnist {path}: the [T, N, H, W] layout holds 1 channel, clips have {clips.Channels}. Use Npy.SaveClips(path, clips) for [N, C, T, H, W].");
        int n = clips.Count, T = clips.Frames, hw = clips.Height * clips.Width;
        var tnhw = new byte[clips.Data.LongLength];
        Parallel.For(0, T, t =>
        {
            for (int i = 0; i < n; i++)
                clips.Data.AsSpan((int)(((long)i * T + t) * hw), hw).CopyTo(tnhw.AsSpan((int)(((long)t * n + i) * hw), hw));
        });
        WriteClipFile(path, ClipLayout.TNHW, () => Write(path, tnhw, new long[] { T, n, clips.Height, clips.Width }));
        if (labels != null) SaveLabels(LabelsPath(path), labels);
    }

    /// <summary>Saves clips as uint8 <c>[N, C, T, H, W]</c> with the layout side file (<see cref="ClipLayout.NCTHW"/>).</summary>
    public static void SaveClips(string path, VideoClips clips) =>
        WriteClipFile(path, ClipLayout.NCTHW, () => Write(path, clips.Data, clips.Shape));

    // Write drops the old side file first: a crash between the two writes leaves an array with no record (refused, or
    // read by the 5-D rule), never one with a stale record.
    static void WriteClipFile(string path, ClipLayout layout, Action writeArray)
    {
        writeArray();
        ClipLayouts.WriteSideFile(path, layout);
    }

    /// <summary>The side file that holds the labels of <paramref name="npyPath"/>.</summary>
    public static string LabelsPath(string npyPath) => npyPath + ".labels.json";

    /// <summary>
    /// Loads a <c>[T, N, H, W]</c> uint8 file (for example the published <c>mnist_test_seq.npy</c>) as clips
    /// <c>[N, 1, T, H, W]</c>, with the labels side file when one exists (else null). A file whose layout side file
    /// records another layout is refused.
    /// </summary>
    public static (VideoClips Clips, MovingMnistLabel[]? Labels) LoadMovingMnist(string path)
    {
        var hd = ReadHeader(path);
        if (!IsUInt8(hd.Descr))
            throw new InvalidDataException($"{path}: dtype '{hd.Descr}' where uint8 ('|u1') was expected for Moving MNIST [T, N, H, W].");
        if (hd.Shape.Length != 4)
            throw new InvalidDataException($"{path}: shape ({string.Join(", ", hd.Shape)}) is not the Moving MNIST layout [T, N, H, W] (4 dimensions, e.g. (20, 10000, 64, 64)).");
        var clips = ReadClips(path, ClipLayout.TNHW);
        MovingMnistLabel[]? labels = null;
        var lp = LabelsPath(path);
        if (File.Exists(lp))
        {
            labels = LoadLabels(lp);
            if (labels.Length != clips.Count) throw new InvalidDataException($"{lp}: {labels.Length} labels for {clips.Count} clips in {path}.");
        }
        return (clips, labels);
    }

    /// <summary>
    /// Decides the layout of the clip file <paramref name="path"/>, never from its shape alone:
    /// <list type="number">
    /// <item>its layout side file <c>FILE.npy.layout.json</c> (dtype and shape must match the array);</item>
    /// <item>else a Moving MNIST labels file written by <see cref="SaveMovingMnist"/> (always <see cref="ClipLayout.TNHW"/>) whose clip count matches axis 1;</item>
    /// <item><paramref name="layout"/>, when given: it must have the array's rank and agree with a recorded layout;</item>
    /// <item>else a 5-D array is <see cref="ClipLayout.NCTHW"/> when axis 1 is a channel count (1 or 3) and axis 2 is not;</item>
    /// <item>anything else (every unrecorded 4-D array, such as a downloaded <c>mnist_test_seq.npy</c>) is refused with
    /// an <see cref="InvalidDataException"/> naming the file, the shape and the layouts to pass.</item>
    /// </list>
    /// Reads only the header and the side files.
    /// </summary>
    public static ClipFileInfo ResolveClipLayout(string path, ClipLayout? layout = null)
    {
        var h = ReadHeader(path);
        var s = h.Shape;
        string shape = $"({string.Join(", ", s)})";
        if (s.Length is not (4 or 5))
            throw new InvalidDataException($"{path}: shape {shape} has {s.Length} dimensions; clip files are 4-D ([N, T, H, W] or [T, N, H, W]) or 5-D ([N, C, T, H, W]).");
        ClipLayout? recorded = ClipLayouts.ReadSideFile(path, h);
        // File names only: messages start with the full path of the array, and the source also goes into report descriptions.
        string source = $"side file {Path.GetFileName(ClipLayouts.SideFilePath(path))}";
        if (recorded is null && ClipLayouts.ReadLegacyLabels(path, h) is { } legacy)
            (recorded, source) = (legacy, $"labels file {Path.GetFileName(LabelsPath(path))}");
        if (layout is { } asked)
        {
            if (asked.Rank() != s.Length)
                throw new InvalidDataException($"{path}: shape {shape} has {s.Length} dimensions but the layout asked for, {asked} {asked.Axes()}, has {asked.Rank()}. " +
                                               "Pass a layout of that rank, or none for a file that records its own (videogan evaluate: --real-layout/--fake-layout set one side).");
            if (recorded is { } r && r != asked)
                throw new InvalidDataException($"{path}: its {source} records layout {r} {r.Axes()}, but {asked} {asked.Axes()} was asked for. " +
                                               "Drop the layout option for this file (its record wins; videogan evaluate's --real-layout/--fake-layout set one side), or delete the side file if it is wrong.");
            if (recorded is null) source = "layout argument";
        }
        var chosen = recorded ?? layout;
        if (chosen is null && s.Length == 5)
        {
            if (s[1] is 1 or 3 && s[2] is not (1 or 3)) { chosen = ClipLayout.NCTHW; source = "5-D default"; }
            else
                throw new InvalidDataException($"{path}: shape {shape} is a 5-D array without a layout record, and axis 1 ({s[1]}) and axis 2 ({s[2]}) " +
                                               "do not tell channels from frames. If it is [N, C, T, H, W], pass --layout NCTHW (ClipLayout.NCTHW); " +
                                               "otherwise transpose it to [N, C, T, H, W] (np.transpose).");
        }
        if (chosen is null)
            throw new InvalidDataException(
                $"{path}: shape {shape} is a 4-D clip array, which may be [N, T, H, W] or [T, N, H, W] (the mnist_test_seq.npy layout), " +
                $"and no layout is recorded ({ClipLayouts.SideFilePath(path)} does not exist). Pass it: --layout TNHW ({s[1]} clips of {s[0]} frames) " +
                $"or --layout NTHW ({s[0]} clips of {s[1]} frames); in code ClipLayout.TNHW or ClipLayout.NTHW, or record it once with ClipLayouts.WriteSideFile.");
        var l = chosen.Value;
        long n, c, t;
        (n, c, t) = l switch
        {
            ClipLayout.NCTHW => (s[0], s[1], s[2]),
            ClipLayout.NTHW => (s[0], 1L, s[1]),
            _ => (s[1], 1L, s[0]),
        };
        long hh = s[^2], ww = s[^1];
        if (n < 1 || c < 1 || t < 1 || hh < 1 || ww < 1)
            throw new InvalidDataException($"{path}: shape {shape} read as {l} {l.Axes()} holds N={n} clips, C={c}, T={t}, H={hh}, W={ww}: every axis must be at least 1.");
        if (n > int.MaxValue || c * t * hh * ww > Array.MaxLength)
            throw new InvalidDataException($"{path}: shape {shape} read as {l} {l.Axes()}: {n} clips of [{c}, {t}, {hh}, {ww}] are more than one clip set holds.");
        return new ClipFileInfo(path, l, source, h, (int)n, (int)c, (int)t, (int)hh, (int)ww);
    }

    /// <summary>
    /// Reads the first <paramref name="maxClips"/> clips of a uint8 clip file, each cut to its first <paramref name="maxFrames"/>
    /// frames, as <c>[N, C, T, H, W]</c> clips, whatever the layout on disk (decided by <see cref="ResolveClipLayout"/>).
    /// Reads only the bytes it keeps (a slice of <c>mnist_test_seq.npy</c> does not load the whole file).
    /// </summary>
    public static VideoClips ReadClips(string path, ClipLayout? layout = null, int maxClips = int.MaxValue, int maxFrames = int.MaxValue)
    {
        var info = ResolveClipLayout(path, layout);
        if (!IsUInt8(info.Header.Descr))
            throw new InvalidDataException($"{path}: dtype '{info.Header.Descr}' where uint8 ('|u1') clips were expected; read float32 clips with Npy.ReadClipTensor.");
        CheckClipPayload(info, 1);
        var (n, t) = Cut(info, maxClips, maxFrames);
        var clips = VideoClips.Uninitialized(n, info.Channels, t, info.Height, info.Width);
        ReadClipElements(info, clips.Data, n, t);
        return clips;
    }

    /// <summary>
    /// Like <see cref="ReadClips"/>, for uint8 (mapped 0..255 to [-1, 1]) and float32 (taken as stored, in [-1, 1]) files:
    /// a float32 tensor <c>[N, C, T, H, W]</c>.
    /// </summary>
    public static Tensor ReadClipTensor(string path, ClipLayout? layout = null, int maxClips = int.MaxValue, int maxFrames = int.MaxValue)
    {
        var info = ResolveClipLayout(path, layout);
        if (IsUInt8(info.Header.Descr)) return ReadClips(path, info.Layout, maxClips, maxFrames).ToTensor();
        if (info.Header.Descr != "<f4")
            throw new InvalidDataException($"{path}: dtype '{info.Header.Descr}' where uint8 ('|u1') or float32 ('<f4') clips were expected. Convert it with arr.astype(np.uint8) in NumPy.");
        CheckClipPayload(info, 4);
        var (n, t) = Cut(info, maxClips, maxFrames);
        var data = new float[checked((long)n * info.Channels * t * info.Height * info.Width)];
        ReadClipElements(info, data, n, t);
        return torch.tensor(data, new long[] { n, info.Channels, t, info.Height, info.Width });
    }

    // A header that promises more (or less) than the file holds is refused before any buffer is sized from it.
    static void CheckClipPayload(ClipFileInfo info, int size)
    {
        using var s = OpenRead(info.Path);
        CheckPayload(s, info.Path, ReadHeader(s, info.Path), size);
    }

    static bool IsUInt8(string descr) => descr is "|u1" or "<u1" or ">u1";

    static (int N, int T) Cut(ClipFileInfo info, int maxClips, int maxFrames)
    {
        if (maxClips < 1 || maxFrames < 1) throw new ArgumentOutOfRangeException(nameof(maxClips), $"maxClips ({maxClips}) and maxFrames ({maxFrames}) must be at least 1.");
        int n = Math.Min(maxClips, info.Count), t = Math.Min(maxFrames, info.Frames);
        long total = (long)n * info.Channels * t * info.Height * info.Width;
        if (total > Array.MaxLength)
            throw new InvalidDataException($"{info.Path}: {n} clips of [{info.Channels}, {t}, {info.Height}, {info.Width}] do not fit one array; read fewer clips (maxClips).");
        return (n, t);
    }

    // Copies clips [0, n) x frames [0, t) from the file's layout into dst laid out [n, C, t, H, W]: one contiguous run per
    // (clip, channel) for clip-major layouts, one run of n frames per time step for [T, N, H, W].
    static void ReadClipElements<T>(ClipFileInfo info, T[] dst, int n, int t) where T : unmanaged
    {
        using var s = OpenRead(info.Path);
        if (ReadHeader(s, info.Path) is var h && (h.Descr != info.Header.Descr || !h.Shape.SequenceEqual(info.Header.Shape)))
            throw new IOException($"{info.Path} changed while it was being read (header now '{h.Descr}' ({string.Join(", ", h.Shape)})); read it again.");
        long dataStart = s.Position;
        int size = Marshal.SizeOf<T>();
        CheckPayload(s, info.Path, info.Header, size);
        long hw = (long)info.Height * info.Width, N = info.Count, C = info.Channels, T0 = info.Frames;
        if (info.Layout == ClipLayout.TNHW)
        {
            var frame = new T[n * hw];
            var fb = MemoryMarshal.AsBytes(frame.AsSpan());
            for (long f = 0; f < t; f++)
            {
                s.Position = dataStart + f * N * hw * size;
                s.ReadExactly(fb);
                for (long i = 0; i < n; i++)
                    frame.AsSpan((int)(i * hw), (int)hw).CopyTo(dst.AsSpan((int)((i * t + f) * hw), (int)hw));
            }
        }
        else if (t == T0)
        {
            s.Position = dataStart;
            s.ReadExactly(MemoryMarshal.AsBytes(dst.AsSpan()));
        }
        else
            for (long i = 0; i < n; i++)
                for (long c = 0; c < C; c++)
                {
                    s.Position = dataStart + ((i * C + c) * T0) * hw * size;
                    s.ReadExactly(MemoryMarshal.AsBytes(dst.AsSpan((int)(((i * C + c) * t) * hw), (int)(t * hw))));
                }
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
    }

    /// <summary>Writes the labels side file: options, seed, digit source and one label per clip.</summary>
    public static void SaveLabels(string path, MovingMnistSet set)
    {
        var root = new JsonObject
        {
            ["format"] = "videogan-moving-mnist-labels/1",
            ["count"] = set.Count,
            ["seed"] = set.Seed,
            ["digitSource"] = set.DigitSource,
            ["options"] = JsonSerializer.SerializeToNode(set.Options, MovingMnist.LabelJson),
            ["labels"] = JsonSerializer.SerializeToNode(set.Labels, MovingMnist.LabelJson),
        };
        AtomicFile.WriteAllText(path, root.ToJsonString(MovingMnist.LabelJson));
    }

    /// <summary>Reads the labels of a side file written by <see cref="SaveLabels"/>.</summary>
    public static MovingMnistLabel[] LoadLabels(string path)
    {
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) ?? throw new InvalidDataException("empty");
            return root["labels"].Deserialize<MovingMnistLabel[]>(MovingMnist.LabelJson)
                   ?? throw new InvalidDataException("no \"labels\" array");
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: not a valid labels file ({e.Message}).", e);
        }
    }

    // ---- format ----

    static FileStream OpenRead(string path) =>
        File.Exists(path) ? File.OpenRead(path) : throw new FileNotFoundException($".npy file not found: {path}", path);

    static NpyHeader ReadHeader(Stream s, string path)
    {
        Span<byte> pre = stackalloc byte[10];
        if (s.ReadAtLeast(pre, 10, throwOnEndOfStream: false) < 10 || !pre[..6].SequenceEqual(Magic))
            throw new InvalidDataException($"{path}: not a .npy file (missing the \\x93NUMPY magic).");
        int major = pre[6];
        long headerLen;
        if (major == 1) headerLen = pre[8] | (pre[9] << 8);
        else if (major is 2 or 3)
        {
            Span<byte> more = stackalloc byte[2];
            if (s.ReadAtLeast(more, 2, throwOnEndOfStream: false) < 2) throw new InvalidDataException($"{path}: truncated .npy header.");
            headerLen = (long)pre[8] | ((long)pre[9] << 8) | ((long)more[0] << 16) | ((long)more[1] << 24);
        }
        else throw new InvalidDataException($"{path}: .npy format version {major}.{pre[7]} is not supported (1.0-3.0).");
        if (headerLen > 1 << 20) throw new InvalidDataException($"{path}: .npy header length {headerLen} is implausible (corrupt file).");
        var hb = new byte[headerLen];
        if (s.ReadAtLeast(hb, hb.Length, throwOnEndOfStream: false) < hb.Length)
            throw new InvalidDataException($"{path}: truncated .npy header.");
        var text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(hb);
        var descr = DescrRe().Match(text);
        var fortran = FortranRe().Match(text);
        var shape = ShapeRe().Match(text);
        if (!descr.Success || !fortran.Success || !shape.Success)
            throw new InvalidDataException($"{path}: malformed .npy header: {text.Trim()}");
        if (fortran.Groups[1].Value == "True")
            throw new InvalidDataException($"{path}: array is stored in Fortran order; only C order is supported. Save it with np.save(path, np.ascontiguousarray(arr)).");
        return new NpyHeader(descr.Groups[1].Value, false, ParseShape(path, shape.Groups[1].Value));
    }

    // Each entry must be a plain non-negative integer (Python 2 may add an L) and the element count must fit an int64:
    // a damaged header is refused here, before anything is sized from it.
    static long[] ParseShape(string path, string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries).ToList();
        if (parts.Count > 1 && parts[^1].Length == 0) parts.RemoveAt(parts.Count - 1); // (3,) and (2, 3, )
        if (parts.Count == 1 && parts[0].Length == 0) parts.Clear();                   // () is a scalar
        var dims = new long[parts.Count];
        long count = 1;
        for (int i = 0; i < parts.Count; i++)
        {
            string d = parts[i].EndsWith('L') ? parts[i][..^1] : parts[i];
            if (d.StartsWith('-') && d.Length > 1 && d[1..].All(char.IsAsciiDigit))
                throw new InvalidDataException($"{path}: malformed .npy header: shape ({text}) has the negative dimension {d}.");
            if (d.Length == 0 || !d.All(char.IsAsciiDigit))
                throw new InvalidDataException($"{path}: malformed .npy header: shape entry '{parts[i]}' in ({text}) is not a non-negative integer.");
            if (!long.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]))
                throw new InvalidDataException($"{path}: malformed .npy header: shape entry {d} in ({text}) does not fit a 64-bit integer.");
            try { count = checked(count * dims[i]); }
            catch (OverflowException)
            {
                throw new InvalidDataException($"{path}: malformed .npy header: shape ({text}) has more elements than a 64-bit count holds.");
            }
        }
        return dims;
    }

    // The data must be exactly what the header describes; checked before any buffer is sized from the header.
    static void CheckPayload(Stream s, string path, NpyHeader h, int size)
    {
        long count = h.Count, have = s.Length - s.Position;
        long need = count <= long.MaxValue / size ? count * size : long.MaxValue;
        if (have < need)
            throw new InvalidDataException($"{path}: truncated: shape ({string.Join(", ", h.Shape)}) of '{h.Descr}' needs {need} data bytes, the file holds {have}.");
        if (have > need)
            throw new InvalidDataException($"{path}: {have - need} bytes more than shape ({string.Join(", ", h.Shape)}) of '{h.Descr}' needs: the header does not match the data.");
    }

    static T[] ReadPayload<T>(Stream s, string path, NpyHeader h) where T : unmanaged
    {
        CheckPayload(s, path, h, Marshal.SizeOf<T>());
        long count = h.Count;
        if (count > Array.MaxLength) throw new InvalidDataException($"{path}: {count} elements exceed one .NET array.");
        var arr = new T[count];
        s.ReadExactly(MemoryMarshal.AsBytes(arr.AsSpan()));
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
        return arr;
    }

    static void WriteCore(string path, string descr, ReadOnlySpan<byte> bytes, ReadOnlySpan<long> shape, int itemSize)
    {
        long count = 1;
        foreach (var d in shape)
            count = d >= 0 ? checked(count * d) : throw new ArgumentException($"Npy.Write {path}: shape ({string.Join(", ", shape.ToArray())}) has a negative dimension.");
        if (count * itemSize != bytes.Length)
            throw new ArgumentException($"Npy.Write {path}: shape ({string.Join(", ", shape.ToArray())}) needs {count} elements, got {bytes.Length / itemSize}.");
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.ToArray());
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        int pre = 10, total = pre + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        var header = dict + new string(' ', pad) + "\n";
        if (header.Length > ushort.MaxValue) throw new ArgumentException($"Npy.Write {path}: header too long.");
        // A layout record describes the array it was written with: a new array drops it (clip writers then write theirs).
        File.Delete(ClipLayouts.SideFilePath(path));
        // A span cannot enter a lambda, so this one writes its temporary file itself, with AtomicFile's protocol:
        // flushed temporary file beside the target, renamed over it, deleted on failure.
        string full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { Length: > 0 } dir) Directory.CreateDirectory(dir);
        var tmp = full + ".tmp";
        try
        {
            using (var f = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                f.Write(Magic);
                f.WriteByte(1); f.WriteByte(0);
                f.WriteByte((byte)(header.Length & 0xff)); f.WriteByte((byte)(header.Length >> 8));
                f.Write(Encoding.Latin1.GetBytes(header));
                f.Write(bytes);
                f.Flush(flushToDisk: true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")] private static partial Regex DescrRe();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")] private static partial Regex FortranRe();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")] private static partial Regex ShapeRe();
}
