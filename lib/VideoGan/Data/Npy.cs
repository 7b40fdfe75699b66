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
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// NumPy <c>.npy</c> files (format 1.0-3.0): uint8 and float32 arrays in C order, read and written without
/// Python. Includes the canonical Moving MNIST layout <c>mnist_test_seq.npy</c> = uint8 <c>[T, N, H, W]</c> and a
/// JSON labels side file (<c>&lt;file&gt;.labels.json</c>).
/// </summary>
/// <remarks>Taught in notebooks/01-data-preparation.ipynb.</remarks>
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

    /// <summary>Reads a uint8 or float32 array as a tensor of that dtype and shape.</summary>
    public static Tensor ReadTensor(string path)
    {
        var h = ReadHeader(path);
        return h.Descr == "<f4"
            ? torch.tensor(ReadFloat32(path, out var fs), fs)
            : torch.tensor(ReadUInt8(path, out var bs), bs, ScalarType.Byte);
    }

    /// <summary>Writes a uint8 array in C order (atomically).</summary>
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
    /// Saves clips in the canonical Moving MNIST layout uint8 <c>[T, N, H, W]</c> (as <c>mnist_test_seq.npy</c>),
    /// and, when given, the labels as <c>&lt;path&gt;.labels.json</c>. Single-channel clips only.
    /// </summary>
    public static void SaveMovingMnist(string path, VideoClips clips, MovingMnistSet? labels = null)
    {
        if (clips.Channels != 1)
            throw new ArgumentException($"SaveMovingMnist {path}: the [T, N, H, W] layout holds 1 channel, clips have {clips.Channels}. Use Npy.Write(path, clips.Data, clips.Shape) for [N, C, T, H, W].");
        int n = clips.Count, T = clips.Frames, hw = clips.Height * clips.Width;
        var tnhw = new byte[clips.Data.LongLength];
        Parallel.For(0, T, t =>
        {
            for (int i = 0; i < n; i++)
                clips.Data.AsSpan((int)(((long)i * T + t) * hw), hw).CopyTo(tnhw.AsSpan((int)(((long)t * n + i) * hw), hw));
        });
        Write(path, tnhw, new long[] { T, n, clips.Height, clips.Width });
        if (labels != null) SaveLabels(LabelsPath(path), labels);
    }

    /// <summary>The side file that holds the labels of <paramref name="npyPath"/>.</summary>
    public static string LabelsPath(string npyPath) => npyPath + ".labels.json";

    /// <summary>
    /// Loads a <c>[T, N, H, W]</c> uint8 file (for example the published <c>mnist_test_seq.npy</c>) as clips
    /// <c>[N, 1, T, H, W]</c>, with the labels side file when one exists (else null).
    /// </summary>
    public static (VideoClips Clips, MovingMnistLabel[]? Labels) LoadMovingMnist(string path)
    {
        // Streams frame by frame straight into the [N, 1, T, H, W] buffer: one copy of the data in memory, not two.
        using var s = OpenRead(path);
        var hd = ReadHeader(s, path);
        if (hd.Descr is not ("|u1" or "<u1" or ">u1"))
            throw new InvalidDataException($"{path}: dtype '{hd.Descr}' where uint8 ('|u1') was expected for Moving MNIST [T, N, H, W].");
        var shape = hd.Shape;
        if (shape.Length != 4)
            throw new InvalidDataException($"{path}: shape ({string.Join(", ", shape)}) is not the Moving MNIST layout [T, N, H, W] (4 dimensions, e.g. (20, 10000, 64, 64)).");
        long have = s.Length - s.Position;
        if (have != hd.Count)
            throw new InvalidDataException(have < hd.Count
                ? $"{path}: truncated: shape ({string.Join(", ", shape)}) needs {hd.Count} data bytes, the file holds {have}."
                : $"{path}: {have - hd.Count} bytes more than shape ({string.Join(", ", shape)}) needs: the header does not match the data.");
        int T = (int)shape[0], n = (int)shape[1], h = (int)shape[2], w = (int)shape[3], hw = h * w;
        var clips = VideoClips.Uninitialized(n, 1, T, h, w);
        var nthw = clips.Data;
        using (var buffered = new BufferedStream(s, 1 << 20))
            for (int t = 0; t < T; t++)
                for (int i = 0; i < n; i++)
                    buffered.ReadExactly(nthw.AsSpan((int)(((long)i * T + t) * hw), hw));
        MovingMnistLabel[]? labels = null;
        var lp = LabelsPath(path);
        if (File.Exists(lp))
        {
            labels = LoadLabels(lp);
            if (labels.Length != n) throw new InvalidDataException($"{lp}: {labels.Length} labels for {n} clips in {path}.");
        }
        return (clips, labels);
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
            s.ReadExactly(more);
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
        var dims = shape.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(d => long.Parse(d.TrimEnd('L'), CultureInfo.InvariantCulture)).ToArray();
        return new NpyHeader(descr.Groups[1].Value, false, dims);
    }

    static T[] ReadPayload<T>(Stream s, string path, NpyHeader h) where T : unmanaged
    {
        int size = Marshal.SizeOf<T>();
        long count = h.Count, need = count * size, have = s.Length - s.Position;
        if (have < need)
            throw new InvalidDataException($"{path}: truncated: shape ({string.Join(", ", h.Shape)}) of '{h.Descr}' needs {need} data bytes, the file holds {have}.");
        if (have > need)
            throw new InvalidDataException($"{path}: {have - need} bytes more than shape ({string.Join(", ", h.Shape)}) of '{h.Descr}' needs: the header does not match the data.");
        if (count > Array.MaxLength) throw new InvalidDataException($"{path}: {count} elements exceed one .NET array.");
        var arr = new T[count];
        s.ReadExactly(MemoryMarshal.AsBytes(arr.AsSpan()));
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("big-endian hosts are not supported");
        return arr;
    }

    static void WriteCore(string path, string descr, ReadOnlySpan<byte> bytes, ReadOnlySpan<long> shape, int itemSize)
    {
        long count = 1;
        foreach (var d in shape) count *= d;
        if (count * itemSize != bytes.Length)
            throw new ArgumentException($"Npy.Write {path}: shape ({string.Join(", ", shape.ToArray())}) needs {count} elements, got {bytes.Length / itemSize}.");
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape.ToArray());
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({dims}), }}";
        int pre = 10, total = pre + dict.Length + 1;
        int pad = (64 - total % 64) % 64;
        var header = dict + new string(' ', pad) + "\n";
        if (header.Length > ushort.MaxValue) throw new ArgumentException($"Npy.Write {path}: header too long.");
        // A span cannot enter a lambda, so this one writes its temporary file itself (same protocol as AtomicFile).
        var tmp = path + ".tmp";
        using (var f = File.Create(tmp))
        {
            f.Write(Magic);
            f.WriteByte(1); f.WriteByte(0);
            f.WriteByte((byte)(header.Length & 0xff)); f.WriteByte((byte)(header.Length >> 8));
            f.Write(Encoding.Latin1.GetBytes(header));
            f.Write(bytes);
        }
        File.Move(tmp, path, overwrite: true);
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")] private static partial Regex DescrRe();
    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")] private static partial Regex FortranRe();
    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")] private static partial Regex ShapeRe();
}
