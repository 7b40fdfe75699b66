namespace VideoGan.Visualization;

/// <summary>
/// A GIF89a writer of our own (no ffmpeg): one global 256-entry palette, LZW-compressed indexed frames,
/// a NETSCAPE2.0 block so the animation loops forever, and a delay per frame.
/// </summary>
/// <remarks>Used by <see cref="Clip.ToGif"/>; taught in notebook 00-getting-started.</remarks>
public static class GifEncoder
{
    /// <summary>
    /// Encodes indexed frames (each <paramref name="width"/> x <paramref name="height"/> bytes, row-major, values
    /// indexing <paramref name="palette"/>) into an animated GIF that loops forever.
    /// </summary>
    /// <param name="frames">One index buffer per frame.</param>
    /// <param name="width">Frame width in pixels (1..65535).</param>
    /// <param name="height">Frame height in pixels (1..65535).</param>
    /// <param name="palette">RGB triples, at most 256 entries (length a multiple of 3); padded to 256.</param>
    /// <param name="delaysCentiseconds">Per-frame delay in 1/100 s (browsers treat delays under 2 as 10).</param>
    public static byte[] Encode(IReadOnlyList<byte[]> frames, int width, int height, ReadOnlySpan<byte> palette,
                                IReadOnlyList<int> delaysCentiseconds)
    {
        if (frames.Count == 0) throw new ArgumentException("A GIF needs at least one frame.", nameof(frames));
        if (width < 1 || height < 1 || width > 65535 || height > 65535)
            throw new ArgumentOutOfRangeException(nameof(width), $"GIF size {width}x{height} is outside 1..65535.");
        if (palette.Length % 3 != 0 || palette.Length == 0 || palette.Length > 768)
            throw new ArgumentException($"Palette must hold 1..256 RGB triples; got {palette.Length} bytes.", nameof(palette));
        if (delaysCentiseconds.Count != frames.Count)
            throw new ArgumentException($"Got {delaysCentiseconds.Count} delays for {frames.Count} frames.", nameof(delaysCentiseconds));
        int colours = palette.Length / 3;

        using var ms = new MemoryStream();
        var w = new BinaryWriter(ms);
        w.Write("GIF89a"u8);
        // Logical screen descriptor: global colour table of 256 entries, 8-bit colour resolution.
        w.Write((ushort)width); w.Write((ushort)height);
        w.Write((byte)0xF7); w.Write((byte)0); w.Write((byte)0);
        Span<byte> table = stackalloc byte[768];
        table.Clear();
        palette.CopyTo(table);
        w.Write(table);
        // NETSCAPE2.0 application extension: loop count 0 = forever.
        w.Write([0x21, 0xFF, 0x0B]); w.Write("NETSCAPE2.0"u8); w.Write([0x03, 0x01, 0x00, 0x00, 0x00]);

        var lzw = new LzwEncoder();
        for (int f = 0; f < frames.Count; f++)
        {
            byte[] pixels = frames[f];
            if (pixels.Length != width * height)
                throw new ArgumentException($"Frame {f} has {pixels.Length} pixels; expected {width}x{height}.", nameof(frames));
            int delay = delaysCentiseconds[f];
            if (delay < 0 || delay > 65535) throw new ArgumentOutOfRangeException(nameof(delaysCentiseconds), delay, "Delay must be 0..65535 cs.");
            foreach (byte p in pixels)
                if (p >= colours) throw new ArgumentException($"Frame {f} uses palette index {p} but the palette has {colours} colours.", nameof(frames));
            // Graphic control extension: disposal 1 (leave in place), no transparency.
            w.Write([0x21, 0xF9, 0x04, 0x04]); w.Write((ushort)delay); w.Write([0x00, 0x00]);
            // Image descriptor: full-screen frame, no local colour table, not interlaced.
            w.Write((byte)0x2C); w.Write((ushort)0); w.Write((ushort)0);
            w.Write((ushort)width); w.Write((ushort)height); w.Write((byte)0);
            w.Write((byte)8); // LZW minimum code size
            lzw.Encode(pixels, ms);
        }
        w.Write((byte)0x3B);
        w.Flush();
        return ms.ToArray();
    }

    /// <summary>Variable-width (9..12 bit) LZW as GIF wants it, packed LSB-first into 255-byte sub-blocks.</summary>
    sealed class LzwEncoder
    {
        const int MaxBits = 12, MaxCode = 1 << MaxBits;
        // Open addressing at <= 25% load (4096 codes in 16384 slots) keeps probe chains short; entries carry the
        // generation they were written in, so a table reset is one increment instead of clearing the arrays.
        const int TableBits = 14, TableSize = 1 << TableBits, Mask = TableSize - 1;
        const int Clear = 256, End = 257;
        readonly int[] _keys = new int[TableSize];
        readonly short[] _codes = new short[TableSize];
        readonly int[] _stamps = new int[TableSize];
        int _generation;
        readonly byte[] _block = new byte[256];
        int _blockLen, _bitBuffer, _bitCount, _codeSize, _nextCode;
        Stream _out = Stream.Null;

        public void Encode(byte[] pixels, Stream output)
        {
            _out = output; _blockLen = 0; _bitBuffer = 0; _bitCount = 0;
            Reset();
            Emit(Clear);
            int prefix = pixels[0];
            for (int i = 1; i < pixels.Length; i++)
            {
                int c = pixels[i];
                int key = (prefix << 8) | c;
                int h = (int)((uint)key * 0x9E3779B1u >> (32 - TableBits));
                int found = -1;
                while (_stamps[h] == _generation)
                {
                    if (_keys[h] == key) { found = _codes[h]; break; }
                    h = (h + 1) & Mask;
                }
                if (found >= 0) { prefix = found; continue; }
                Emit(prefix);
                // The decoder adds its entry one code later, so the width grows before this entry is added.
                if (_nextCode == 1 << _codeSize && _codeSize < MaxBits) _codeSize++;
                if (_nextCode < MaxCode)
                {
                    _stamps[h] = _generation; _keys[h] = key; _codes[h] = (short)_nextCode++;
                }
                else
                {
                    Emit(Clear);
                    Reset();
                }
                prefix = c;
            }
            Emit(prefix);
            if (_nextCode == 1 << _codeSize && _codeSize < MaxBits) _codeSize++;
            Emit(End);
            if (_bitCount > 0) PutByte((byte)_bitBuffer);
            FlushBlock();
            _out.WriteByte(0); // block terminator
        }

        void Reset()
        {
            if (++_generation == int.MaxValue) { Array.Clear(_stamps); _generation = 1; }
            _codeSize = 9; _nextCode = 258;
        }

        void Emit(int code)
        {
            _bitBuffer |= code << _bitCount;
            _bitCount += _codeSize;
            while (_bitCount >= 8)
            {
                PutByte((byte)_bitBuffer);
                _bitBuffer >>= 8; _bitCount -= 8;
            }
        }

        void PutByte(byte b)
        {
            _block[_blockLen++] = b;
            if (_blockLen == 255) FlushBlock();
        }

        void FlushBlock()
        {
            if (_blockLen == 0) return;
            _out.WriteByte((byte)_blockLen);
            _out.Write(_block, 0, _blockLen);
            _blockLen = 0;
        }
    }
}
