using System.Text;
using TorchSharp;
using static TorchSharp.torch;
using VideoGan.Runtime;

namespace VideoGan.Metrics;

/// <summary>
/// Feature matrices on disk, shared with the Python peer (bench-peers/peer_io.py): <c>.f32</c> (16-byte header "F32M",
/// uint32 rows, uint32 cols, uint32 0, then float32 little-endian row-major) and 2-D <c>.npy</c> (float32/float64).
/// </summary>
public static class FeatureMatrixFile
{
    /// <summary>
    /// Loads a <c>[rows, cols]</c> float64 CPU tensor. A header that does not match the data (or cannot be a matrix) is
    /// refused with an <see cref="InvalidDataException"/> naming the file, before anything is sized from it.
    /// </summary>
    public static Tensor Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Feature matrix '{path}' does not exist.", path);
        if (path.EndsWith(".f32", StringComparison.OrdinalIgnoreCase))
        {
            byte[] bytes = File.ReadAllBytes(path);
            if (bytes.Length < 16 || Encoding.ASCII.GetString(bytes, 0, 4) != "F32M")
                throw new InvalidDataException($"'{path}' is not an F32M matrix (header must start with 'F32M').");
            uint rows = BitConverter.ToUInt32(bytes, 4), cols = BitConverter.ToUInt32(bytes, 8);
            ulong have = (ulong)(bytes.Length - 16), need = (ulong)rows * cols; // cannot overflow: both < 2^32
            if (have % 4 != 0 || have / 4 != need)
                throw new InvalidDataException($"'{path}': header says {rows}x{cols} float32 but the file has {have} data bytes. Delete it and recompute.");
            var data = new float[need];
            Buffer.BlockCopy(bytes, 16, data, 0, data.Length * 4);
            using var t = torch.tensor(data, new long[] { rows, cols });
            return t.to(float64);
        }
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            // The shared .npy reader: strict header parsing and a payload that must match the shape exactly.
            var h = Data.Npy.ReadHeader(path);
            if (h.Shape.Length != 2) throw new InvalidDataException($"'{path}' has shape ({string.Join(",", h.Shape)}); a feature matrix must be 2-D [N, d].");
            if (h.Descr == "<f8") return torch.tensor(Data.Npy.ReadFloat64(path, out var s8), s8);
            if (h.Descr == "<f4")
            {
                using var t = torch.tensor(Data.Npy.ReadFloat32(path, out var s4), s4);
                return t.to(float64);
            }
            throw new InvalidDataException($"'{path}': dtype '{h.Descr}' is not '<f4' or '<f8'.");
        }
        throw new InvalidDataException($"'{path}': unknown feature-matrix extension; use .f32 or .npy.");
    }

    /// <summary>Writes a 2-D matrix as <c>.f32</c> (float32), atomically.</summary>
    public static void SaveF32(string path, Tensor matrix)
    {
        if (matrix.dim() != 2) throw new ArgumentException($"Expected a 2-D matrix, got [{string.Join(", ", matrix.shape)}].");
        using var m = matrix.detach().to(float32).cpu().contiguous();
        var data = m.data<float>().ToArray();
        AtomicFile.Write(path, s =>
        {
            using var w = new BinaryWriter(s, Encoding.ASCII, leaveOpen: true);
            w.Write(Encoding.ASCII.GetBytes("F32M")); w.Write((uint)m.shape[0]); w.Write((uint)m.shape[1]); w.Write(0u);
            var buf = new byte[data.Length * 4];
            Buffer.BlockCopy(data, 0, buf, 0, buf.Length);
            w.Write(buf);
        });
    }
}
