using System.Text;
using VideoGan.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoGan.Tests.Data;

public class NpyTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("vg-npy").FullName;
    public void Dispose() => Directory.Delete(_dir, true);
    string P(string name) => Path.Combine(_dir, name);

    // Bytes written by NumPy 1.24.2 (np.save) for reference arrays.
    const string NumpyU8 = "934e554d5059010076007b276465736372273a20277c7531272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028322c2033292c207d202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000102030405";
    const string NumpyF4 = "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a0000c03f000000c00000803e";
    const string NumpyFortranU8 = "934e554d5059010076007b276465736372273a20277c7531272c2027666f727472616e5f6f72646572273a20547275652c20277368617065273a2028322c2033292c207d20202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000301040205";
    const string NumpyI8 = "934e554d5059010076007b276465736372273a20273c6938272c2027666f727472616e5f6f72646572273a2046616c73652c20277368617065273a2028332c292c207d2020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020202020200a000000000000000001000000000000000200000000000000";

    [Fact]
    public void Reads_numpy_files_and_writes_identical_bytes()
    {
        File.WriteAllBytes(P("u8.npy"), Convert.FromHexString(NumpyU8));
        File.WriteAllBytes(P("f4.npy"), Convert.FromHexString(NumpyF4));
        Assert.Equal(new byte[] { 0, 1, 2, 3, 4, 5 }, Npy.ReadUInt8(P("u8.npy"), out var s8));
        Assert.Equal(new long[] { 2, 3 }, s8);
        Assert.Equal(new[] { 1.5f, -2f, 0.25f }, Npy.ReadFloat32(P("f4.npy"), out var sf));
        Assert.Equal(new long[] { 3 }, sf);
        Npy.Write(P("u8b.npy"), new byte[] { 0, 1, 2, 3, 4, 5 }, new long[] { 2, 3 });
        Npy.Write(P("f4b.npy"), new[] { 1.5f, -2f, 0.25f }, new long[] { 3 });
        Assert.Equal(NumpyU8, Convert.ToHexStringLower(File.ReadAllBytes(P("u8b.npy"))));
        Assert.Equal(NumpyF4, Convert.ToHexStringLower(File.ReadAllBytes(P("f4b.npy"))));
    }

    [Fact]
    public void Tensor_round_trip_uint8_and_float32()
    {
        using var f = torch.randn(new long[] { 3, 1, 4, 5, 6 });
        Npy.Write(P("t.npy"), f);
        using var g = Npy.ReadTensor(P("t.npy"));
        Assert.Equal(f.shape, g.shape);
        Assert.True(f.eq(g).all().item<bool>());
        using var u = torch.randint(0, 256, new long[] { 2, 7 }, dtype: ScalarType.Byte);
        Npy.Write(P("u.npy"), u);
        using var v = Npy.ReadTensor(P("u.npy"));
        Assert.Equal(ScalarType.Byte, v.dtype);
        Assert.True(u.eq(v).all().item<bool>());
        Assert.Equal(new long[] { 2, 7 }, Npy.ReadHeader(P("u.npy")).Shape);
    }

    [Fact]
    public void Moving_mnist_canonical_layout_round_trip_with_labels()
    {
        var set = MovingMnist.Generate(MnistDigits.LoadEmbedded(MnistSplit.Test), 6, MovingMnistOptions.AllMotions with { Frames = 5 }, seed: 3);
        var path = P("mnist_test_seq.npy");
        Npy.SaveMovingMnist(path, set.Clips, set);
        var h = Npy.ReadHeader(path);
        Assert.Equal("|u1", h.Descr);
        Assert.Equal(new long[] { 5, 6, 64, 64 }, h.Shape); // [T, N, H, W]
        // Frame t of clip i sits at [t, i] in the file.
        var raw = Npy.ReadUInt8(path, out _);
        Assert.Equal(set.Clips.Clip(4).Slice(2 * 4096, 4096).ToArray(), raw.AsSpan((2 * 6 + 4) * 4096, 4096).ToArray());
        var (clips, labels) = Npy.LoadMovingMnist(path);
        Assert.Equal(set.Clips.Shape, clips.Shape);
        Assert.Equal(set.Clips.Data, clips.Data);
        Assert.NotNull(labels);
        for (int i = 0; i < 6; i++)
        {
            Assert.Equal(set.Labels[i].Motion, labels![i].Motion);
            Assert.Equal(set.Labels[i].Digits, labels[i].Digits);
            Assert.Equal(set.Labels[i].StartX, labels[i].StartX);
            Assert.Equal(set.Labels[i].DirectionDegrees, labels[i].DirectionDegrees); // NaN survives too
        }
        File.Delete(Npy.LabelsPath(path));
        Assert.Null(Npy.LoadMovingMnist(path).Labels);
    }

    [Fact]
    public void Corrupt_files_name_the_file_and_the_problem()
    {
        Npy.Write(P("ok.npy"), new byte[2 * 3 * 4 * 5], new long[] { 2, 3, 4, 5 });
        var bytes = File.ReadAllBytes(P("ok.npy"));

        File.WriteAllBytes(P("trunc.npy"), bytes[..^7]);
        var e1 = Assert.Throws<InvalidDataException>(() => Npy.ReadUInt8(P("trunc.npy"), out _));
        Assert.Contains(P("trunc.npy"), e1.Message);
        Assert.Contains("truncated", e1.Message);
        var e1b = Assert.Throws<InvalidDataException>(() => Npy.LoadMovingMnist(P("trunc.npy")));
        Assert.Contains("truncated", e1b.Message);
        Npy.Write(P("f4mm.npy"), new float[2 * 3 * 4 * 5], new long[] { 2, 3, 4, 5 });
        var e1c = Assert.Throws<InvalidDataException>(() => Npy.LoadMovingMnist(P("f4mm.npy")));
        Assert.Contains("'<f4'", e1c.Message);

        File.WriteAllBytes(P("fortran.npy"), Convert.FromHexString(NumpyFortranU8));
        var e2 = Assert.Throws<InvalidDataException>(() => Npy.ReadUInt8(P("fortran.npy"), out _));
        Assert.Contains("Fortran", e2.Message);
        Assert.Contains(P("fortran.npy"), e2.Message);

        File.WriteAllBytes(P("i8.npy"), Convert.FromHexString(NumpyI8));
        var e3 = Assert.Throws<InvalidDataException>(() => Npy.ReadUInt8(P("i8.npy"), out _));
        Assert.Contains("'<i8'", e3.Message);
        var e3b = Assert.Throws<InvalidDataException>(() => Npy.ReadFloat32(P("i8.npy"), out _));
        Assert.Contains(P("i8.npy"), e3b.Message);

        Npy.Write(P("3d.npy"), new byte[24], new long[] { 2, 3, 4 });
        var e4 = Assert.Throws<InvalidDataException>(() => Npy.LoadMovingMnist(P("3d.npy")));
        Assert.Contains("[T, N, H, W]", e4.Message);
        Assert.Contains(P("3d.npy"), e4.Message);

        File.WriteAllBytes(P("junk.npy"), "hello world, not numpy"u8.ToArray());
        var e5 = Assert.Throws<InvalidDataException>(() => Npy.ReadHeader(P("junk.npy")));
        Assert.Contains("magic", e5.Message);

        File.WriteAllBytes(P("long.npy"), bytes.Concat(new byte[3]).ToArray());
        var e6 = Assert.Throws<InvalidDataException>(() => Npy.ReadUInt8(P("long.npy"), out _));
        Assert.Contains("does not match", e6.Message);

        Assert.Throws<FileNotFoundException>(() => Npy.ReadHeader(P("missing.npy")));
    }

    /// <summary>A version 1.0 .npy file with a hand-written shape text and <paramref name="dataBytes"/> zero bytes of data.</summary>
    void WriteRaw(string path, string shape, int dataBytes, string descr = "|u1")
    {
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({shape}), }}";
        int pad = (64 - (10 + dict.Length + 1) % 64) % 64;
        var header = dict + new string(' ', pad) + "\n";
        using var f = File.Create(path);
        f.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)(header.Length & 0xff), (byte)(header.Length >> 8) });
        f.Write(Encoding.Latin1.GetBytes(header));
        f.Write(new byte[dataBytes]);
    }

    [Theory]
    [InlineData("'a', 2, 4, 4", "'a'")]
    [InlineData("2.5, 2, 4, 4", "'2.5'")]
    [InlineData("1e20, 2, 4, 4", "'1e20'")]
    [InlineData("-2, 2, 4, 4", "negative dimension -2")]
    [InlineData("99999999999999999999, 2, 4, 4", "does not fit a 64-bit integer")]
    [InlineData("4294967296, 4294967296, 1, 1", "more elements than a 64-bit count holds")]
    [InlineData("2, , 4, 4", "''")]
    [InlineData("100000, 100000, 64, 64", "truncated")]
    [InlineData("2, 2, 4, 4", "truncated")]
    public void Malformed_headers_are_refused_naming_the_file_and_the_problem(string shape, string problem)
    {
        string path = P("bad.npy");
        WriteRaw(path, shape, dataBytes: 40); // fewer bytes than any of these shapes needs (2*2*4*4 = 64)
        void Check(Action read)
        {
            var e = Assert.Throws<InvalidDataException>(read);
            Assert.Contains(path, e.Message);
            Assert.Contains(problem, e.Message);
        }
        Check(() => Npy.ReadUInt8(path, out _));
        Check(() => Npy.ReadClips(path, ClipLayout.TNHW));
        Check(() => Npy.ReadClipTensor(path, ClipLayout.NTHW, maxClips: 16, maxFrames: 16));
        Check(() => Npy.LoadMovingMnist(path));
        Check(() => VideoGan.Metrics.ClipSources.Open(path, 2048, 16, layout: ClipLayout.TNHW));
        if (problem != "truncated") Check(() => Npy.ReadHeader(path));
    }

    [Fact]
    public void Zero_sized_axes_and_extra_data_are_refused_for_clips()
    {
        WriteRaw(P("zero.npy"), "0, 2, 4, 4", 0);
        Assert.Empty(Npy.ReadUInt8(P("zero.npy"), out _)); // a valid empty array...
        var e = Assert.Throws<InvalidDataException>(() => Npy.ReadClips(P("zero.npy"), ClipLayout.NTHW)); // ...but no clips
        Assert.Contains("at least 1", e.Message);
        Assert.Contains(P("zero.npy"), e.Message);
        WriteRaw(P("long.npy"), "2, 2, 4, 4", 65);
        Assert.Contains("does not match", Assert.Throws<InvalidDataException>(() => Npy.ReadClips(P("long.npy"), ClipLayout.NTHW)).Message);
        // A truncated version-2 header (4-byte length) is a clear error too.
        File.WriteAllBytes(P("v2.npy"), new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0, 10, 0 });
        Assert.Contains("truncated .npy header", Assert.Throws<InvalidDataException>(() => Npy.ReadHeader(P("v2.npy"))).Message);
    }

    [Fact]
    public void Feature_matrix_files_use_the_same_strict_checks()
    {
        WriteRaw(P("m.npy"), "'a', 2", 8, descr: "<f4");
        var e = Assert.Throws<InvalidDataException>(() => VideoGan.Metrics.FeatureMatrixFile.Load(P("m.npy")));
        Assert.Contains(P("m.npy"), e.Message);
        Assert.Contains("'a'", e.Message);
        WriteRaw(P("m2.npy"), "3, 2", 8, descr: "<f4"); // 24 bytes needed
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => VideoGan.Metrics.FeatureMatrixFile.Load(P("m2.npy"))).Message);
        // An F32M header claiming 2^32-1 x 2^32-1 floats over 8 data bytes: refused before any allocation.
        var f32 = new byte[24];
        "F32M"u8.CopyTo(f32);
        BitConverter.GetBytes(uint.MaxValue).CopyTo(f32, 4);
        BitConverter.GetBytes(uint.MaxValue).CopyTo(f32, 8);
        File.WriteAllBytes(P("m.f32"), f32);
        var f = Assert.Throws<InvalidDataException>(() => VideoGan.Metrics.FeatureMatrixFile.Load(P("m.f32")));
        Assert.Contains(P("m.f32"), f.Message);
        Assert.Contains("4294967295x4294967295", f.Message);
    }
}
