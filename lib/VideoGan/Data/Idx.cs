using System.Buffers.Binary;
using System.IO.Compression;

namespace VideoGan.Data;

/// <summary>Reads and writes the IDX format of MNIST (big-endian header, uint8 payload), raw or gzip.</summary>
/// <remarks>Taught in notebooks/01-data-preparation.ipynb.</remarks>
public static class Idx
{
    /// <summary>Reads a uint8 IDX file (<c>.gz</c> is decompressed): its dimensions and bytes.</summary>
    public static (int[] Shape, byte[] Data) Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file not found: {path}", path);
        byte[] bytes;
        try { bytes = ReadAllMaybeGzip(path); }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: not a valid gzip stream ({e.Message}); the file is corrupt or truncated. Delete it and fetch it again.", e);
        }
        if (bytes.Length < 4) throw new InvalidDataException($"{path}: {bytes.Length} bytes, too short for an IDX header.");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new InvalidDataException($"{path}: bad IDX magic {bytes[0]:x2}{bytes[1]:x2}{bytes[2]:x2}{bytes[3]:x2} (expected 0000 08 nn).");
        if (bytes[2] != 0x08) throw new InvalidDataException($"{path}: IDX element type 0x{bytes[2]:x2} is not uint8 (0x08).");
        int dims = bytes[3];
        if (dims < 1 || bytes.Length < 4 + 4 * dims) throw new InvalidDataException($"{path}: truncated IDX header ({dims} dimensions).");
        var shape = new int[dims];
        long count = 1;
        for (int i = 0; i < dims; i++)
        {
            shape[i] = (int)BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            count *= shape[i];
        }
        int offset = 4 + 4 * dims;
        if (bytes.Length - offset != count)
            throw new InvalidDataException($"{path}: IDX header says [{string.Join(", ", shape)}] = {count} bytes, file holds {bytes.Length - offset} (truncated or corrupt).");
        return (shape, bytes.AsSpan(offset).ToArray());
    }

    /// <summary>Writes a uint8 IDX file (gzip when the path ends in <c>.gz</c>), atomically.</summary>
    public static void Write(string path, ReadOnlySpan<int> shape, ReadOnlySpan<byte> data)
    {
        long count = 1;
        foreach (var s in shape) count *= s;
        if (count != data.Length) throw new ArgumentException($"IDX write {path}: shape [{string.Join(", ", shape.ToArray())}] needs {count} bytes, got {data.Length}.");
        var header = new byte[4 + 4 * shape.Length];
        header[2] = 0x08; header[3] = (byte)shape.Length;
        for (int i = 0; i < shape.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + 4 * i), (uint)shape[i]);
        var tmp = path + ".tmp";
        using (var file = File.Create(tmp))
        using (Stream s = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Optimal) : file)
        {
            s.Write(header);
            s.Write(data);
        }
        File.Move(tmp, path, overwrite: true);
    }

    static byte[] ReadAllMaybeGzip(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> head = stackalloc byte[2];
        int n = file.Read(head);
        file.Position = 0;
        if (n == 2 && head[0] == 0x1f && head[1] == 0x8b)
        {
            using var gz = new GZipStream(file, CompressionMode.Decompress);
            using var ms = new MemoryStream();
            gz.CopyTo(ms);
            return ms.ToArray();
        }
        return File.ReadAllBytes(path);
    }
}
