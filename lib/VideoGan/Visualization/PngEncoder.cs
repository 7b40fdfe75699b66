using System.Buffers.Binary;
using System.IO.Compression;

namespace VideoGan.Visualization;

/// <summary>A minimal PNG writer of our own: 8-bit grayscale or RGB, zlib-compressed IDAT, CRC-32 per chunk.</summary>
/// <remarks>Used by <see cref="Clip.ToFrameGridPng"/>; taught in notebook 00-getting-started.</remarks>
public static class PngEncoder
{
    static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>
    /// Encodes row-major pixels: <paramref name="channels"/> = 1 (gray) or 3 (RGB, interleaved), one byte each.
    /// </summary>
    public static byte[] Encode(ReadOnlySpan<byte> pixels, int width, int height, int channels)
    {
        if (channels != 1 && channels != 3) throw new ArgumentOutOfRangeException(nameof(channels), channels, "PNG writer supports 1 (gray) or 3 (RGB) channels.");
        if (width < 1 || height < 1) throw new ArgumentOutOfRangeException(nameof(width), $"PNG size {width}x{height} must be positive.");
        int stride = width * channels;
        if (pixels.Length != stride * height)
            throw new ArgumentException($"Got {pixels.Length} bytes for a {width}x{height}x{channels} image ({stride * height} expected).", nameof(pixels));

        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);

        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], height);
        ihdr[8] = 8;                              // bit depth
        ihdr[9] = (byte)(channels == 1 ? 0 : 2);  // colour type: gray or truecolour
        ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0; // deflate, adaptive filtering, no interlace
        WriteChunk(ms, "IHDR"u8, ihdr);

        using (var raw = new MemoryStream())
        {
            using (var z = new ZLibStream(raw, CompressionLevel.Optimal, leaveOpen: true))
            {
                // Filter type 2 (Up) on every row after the first: video frames repeat vertically, so it compresses well.
                byte[] line = new byte[stride + 1];
                for (int y = 0; y < height; y++)
                {
                    var row = pixels.Slice(y * stride, stride);
                    if (y == 0) { line[0] = 0; row.CopyTo(line.AsSpan(1)); }
                    else
                    {
                        var above = pixels.Slice((y - 1) * stride, stride);
                        line[0] = 2;
                        for (int i = 0; i < stride; i++) line[i + 1] = (byte)(row[i] - above[i]);
                    }
                    z.Write(line);
                }
            }
            WriteChunk(ms, "IDAT"u8, raw.ToArray());
        }
        WriteChunk(ms, "IEND"u8, []);
        return ms.ToArray();
    }

    static void WriteChunk(Stream s, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> four = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(four, data.Length);
        s.Write(four);
        s.Write(type);
        s.Write(data);
        uint crc = Crc32Update(0xFFFFFFFFu, type);
        crc = Crc32Update(crc, data) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(four, crc);
        s.Write(four);
    }

    /// <summary>CRC-32 (ISO 3309 / PNG polynomial 0xEDB88320) of <paramref name="data"/>.</summary>
    public static uint Crc32(ReadOnlySpan<byte> data) => Crc32Update(0xFFFFFFFFu, data) ^ 0xFFFFFFFFu;

    static uint Crc32Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data) crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    static uint[] BuildCrcTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }
}
