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
    /// <summary>Loads a <c>[rows, cols]</c> float64 CPU tensor.</summary>
    public static Tensor Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Feature matrix '{path}' does not exist.", path);
        byte[] bytes = File.ReadAllBytes(path);
        if (path.EndsWith(".f32", StringComparison.OrdinalIgnoreCase))
        {
            if (bytes.Length < 16 || Encoding.ASCII.GetString(bytes, 0, 4) != "F32M")
                throw new InvalidDataException($"'{path}' is not an F32M matrix (header must start with 'F32M').");
            int rows = BitConverter.ToInt32(bytes, 4), cols = BitConverter.ToInt32(bytes, 8);
            if (bytes.Length != 16 + 4L * rows * cols)
                throw new InvalidDataException($"'{path}': header says {rows}x{cols} float32 but the file has {bytes.Length - 16} data bytes.");
            var data = new float[(long)rows * cols];
            Buffer.BlockCopy(bytes, 16, data, 0, data.Length * 4);
            using var t = torch.tensor(data, new long[] { rows, cols });
            return t.to(float64);
        }
        if (path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
                throw new InvalidDataException($"'{path}' is not a .npy file.");
            int major = bytes[6];
            int hlen = major == 1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToInt32(bytes, 8);
            int off = major == 1 ? 10 : 12;
            string header = Encoding.ASCII.GetString(bytes, off, hlen);
            off += hlen;
            if (header.Contains("'fortran_order': True"))
                throw new InvalidDataException($"'{path}' is Fortran-ordered; save it with np.ascontiguousarray.");
            int s = header.IndexOf("'shape': (", StringComparison.Ordinal) + 10;
            var dims = header[s..header.IndexOf(')', s)].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(long.Parse).ToArray();
            if (dims.Length != 2) throw new InvalidDataException($"'{path}' has shape ({string.Join(",", dims)}); a feature matrix must be 2-D [N, d].");
            long count = dims[0] * dims[1];
            if (header.Contains("'<f8'"))
            {
                var data = new double[count];
                Buffer.BlockCopy(bytes, off, data, 0, (int)(count * 8));
                return torch.tensor(data, dims);
            }
            if (header.Contains("'<f4'"))
            {
                var data = new float[count];
                Buffer.BlockCopy(bytes, off, data, 0, (int)(count * 4));
                using var t = torch.tensor(data, dims);
                return t.to(float64);
            }
            throw new InvalidDataException($"'{path}': dtype in header {header} is not '<f4' or '<f8'.");
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
