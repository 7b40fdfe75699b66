using System.Text;
using TorchSharp;
using VideoGan.Data;
using VideoGan.Metrics;
using static TorchSharp.torch;

namespace VideoGan.Tests.Metrics;

/// <summary>
/// Clip files read by <c>videogan evaluate</c> (ClipSources.Open) come out as the clips that were written, whatever their
/// layout on disk, and a file whose layout nothing records is refused instead of transposed.
/// </summary>
public class ClipLayoutTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("vg-layout").FullName;
    public void Dispose() => Directory.Delete(_dir, true);
    string P(string name) => Path.Combine(_dir, name);

    static Tensor All(ClipSet set) => torch.cat(set.Batches(64).ToList(), 0);

    static void AssertSameClips(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        Assert.True(expected.equal(actual).all().item<bool>(), "clip contents differ");
    }

    // What `videogan data --kind digits --count 200` writes (DataVerb: MovingMnist.Generate + Npy.SaveMovingMnist).
    static MovingMnistSet Digits(int count, int seed = 42) =>
        MovingMnist.Generate(MnistDigits.LoadEmbedded(MnistSplit.Test), count, MovingMnistOptions.CaseStudyDigits, seed);

    [Fact]
    public void Evaluate_reads_a_videogan_data_file_as_the_generated_clips()
    {
        var set = Digits(200);
        string path = P("digits.npy");
        Npy.SaveMovingMnist(path, set.Clips, set);
        Assert.Equal(new long[] { 16, 200, 28, 28 }, Npy.ReadHeader(path).Shape); // [T, N, H, W] on disk
        Assert.True(File.Exists(ClipLayouts.SideFilePath(path)));

        var read = ClipSources.Open(path, n: 2048, frames: 16);
        Assert.Equal(200, read.Count); // not 16 clips of mixed frames
        Assert.Equal(16, read.Frames);
        using var want = set.Clips.ToTensor();
        using var got = All(read);
        AssertSameClips(want, got);
        Assert.Contains("TNHW", read.Description);
        // The fingerprint (part of the cache key) is the one of the decoded clips, as for any tensor source.
        Assert.Equal(Fingerprint.OfClips(want), read.Fingerprint);

        // Fewer clips and frames: the first ones, cut.
        var part = ClipSources.Open(path, n: 7, frames: 10);
        using var wantPart = set.Clips.ToTensor(Enumerable.Range(0, 7).ToArray(), frames: 10);
        using var gotPart = All(part);
        AssertSameClips(wantPart, gotPart);
    }

    [Fact]
    public void Files_written_before_the_layout_record_still_read_and_unrecorded_4d_is_refused()
    {
        var set = Digits(30, seed: 5);
        string path = P("old.npy");
        Npy.SaveMovingMnist(path, set.Clips, set);
        File.Delete(ClipLayouts.SideFilePath(path)); // as written by earlier builds: .npy + labels only

        var info = Npy.ResolveClipLayout(path);
        Assert.Equal(ClipLayout.TNHW, info.Layout);
        Assert.Contains("labels file", info.Source);
        using (var want = set.Clips.ToTensor())
        using (var got = All(ClipSources.Open(path, 100, 16)))
            AssertSameClips(want, got);

        // Without the labels file nothing says which 4-D layout it is: refused, naming the file, the shape and the option.
        File.Delete(Npy.LabelsPath(path));
        var e = Assert.Throws<InvalidDataException>(() => ClipSources.Open(path, 100, 16));
        Assert.Contains(path, e.Message);
        Assert.Contains("(16, 30, 28, 28)", e.Message);
        Assert.Contains("--layout TNHW", e.Message);
        Assert.Contains("--layout NTHW", e.Message);
        Assert.Throws<InvalidDataException>(() => Npy.ReadClips(path));

        // With the layout given it reads right; the wrong one given reads what was asked for (the caller's word).
        using (var want = set.Clips.ToTensor())
        using (var got = All(ClipSources.Open(path, 100, 16, layout: ClipLayout.TNHW)))
            AssertSameClips(want, got);
        Assert.Equal(16, ClipSources.Open(path, 100, 16, layout: ClipLayout.NTHW).Count);
    }

    [Fact]
    public void Mnist_test_seq_layout_reads_the_right_clips_with_the_layout_given()
    {
        // A small array in the published mnist_test_seq.npy form: uint8 [T=20, N=12, 64, 64], no side files.
        const int T = 20, N = 12, HW = 64 * 64;
        var raw = new byte[T * N * HW];
        new Random(7).NextBytes(raw);
        string path = P("mnist_test_seq.npy");
        Npy.Write(path, raw, new long[] { T, N, 64, 64 });

        var refused = Assert.Throws<InvalidDataException>(() => ClipSources.Open(path, 100, 20));
        Assert.Contains(path, refused.Message);
        Assert.Contains("(20, 12, 64, 64)", refused.Message);
        Assert.Contains("--layout TNHW (12 clips of 20 frames)", refused.Message);

        var set = ClipSources.Open(path, 100, frames: 20, layout: ClipLayout.TNHW);
        Assert.Equal(N, set.Count);
        Assert.Equal(T, set.Frames);
        using var got = All(set);
        Assert.Equal(new long[] { N, 1, T, 64, 64 }, got.shape);
        var clips = Npy.ReadClips(path, ClipLayout.TNHW);
        for (int i = 0; i < N; i++)
            for (int t = 0; t < T; t++)
                Assert.True(raw.AsSpan((t * N + i) * HW, HW).SequenceEqual(clips.Clip(i).Slice(t * HW, HW)), $"clip {i} frame {t}");
        using var want = clips.ToTensor();
        AssertSameClips(want, got);
        // Npy.LoadMovingMnist reads the same layout.
        Assert.Equal(clips.Data, Npy.LoadMovingMnist(path).Clips.Data);

        // Cut to 16 frames and 5 clips (the evaluate defaults on a bigger file): the first frames of the first clips.
        var cut = Npy.ReadClips(path, ClipLayout.TNHW, maxClips: 5, maxFrames: 16);
        Assert.Equal(new long[] { 5, 1, 16, 64, 64 }, cut.Shape);
        for (int i = 0; i < 5; i++)
            Assert.True(clips.Clip(i)[..(16 * HW)].SequenceEqual(cut.Clip(i)));

        // float32 in [-1, 1], same layout.
        var f = raw.Select(b => b / 127.5f - 1f).ToArray();
        Npy.Write(P("f.npy"), f, new long[] { T, N, 64, 64 });
        using var ft = Npy.ReadClipTensor(P("f.npy"), ClipLayout.TNHW);
        using var fe = torch.tensor(f, new long[] { T, N, 1, 64, 64 }).permute(1, 2, 0, 3, 4).contiguous();
        AssertSameClips(fe, ft);
    }

    /// <summary>A header-only file (no data) with the given shape text: enough for the layout decision.</summary>
    static void WriteHeaderOnly(string path, string shape, string descr = "|u1")
    {
        var dict = $"{{'descr': '{descr}', 'fortran_order': False, 'shape': ({shape}), }}";
        int pad = (64 - (10 + dict.Length + 1) % 64) % 64;
        var header = dict + new string(' ', pad) + "\n";
        using var f = File.Create(path);
        f.Write(new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, (byte)(header.Length & 0xff), (byte)(header.Length >> 8) });
        f.Write(Encoding.Latin1.GetBytes(header));
    }

    [Fact]
    public void Layout_decision_for_the_real_mnist_test_seq_shape()
    {
        string path = P("mnist_test_seq.npy");
        WriteHeaderOnly(path, "20, 10000, 64, 64");
        var e = Assert.Throws<InvalidDataException>(() => Npy.ResolveClipLayout(path));
        Assert.Contains("--layout TNHW (10000 clips of 20 frames)", e.Message);
        Assert.Contains("--layout NTHW (20 clips of 10000 frames)", e.Message);

        var info = Npy.ResolveClipLayout(path, ClipLayout.TNHW);
        Assert.Equal((10000, 1, 20, 64, 64), (info.Count, info.Channels, info.Frames, info.Height, info.Width));
        // The data is missing: reading says so (and allocates nothing for 10,000 clips first).
        var t = Assert.Throws<InvalidDataException>(() => Npy.ReadClips(path, ClipLayout.TNHW, maxClips: 2048, maxFrames: 16));
        Assert.Contains("truncated", t.Message);
        Assert.Contains(path, t.Message);

        // A recorded layout decides by itself; a contradicting explicit one is refused.
        ClipLayouts.WriteSideFile(path, ClipLayout.TNHW);
        Assert.Equal(ClipLayout.TNHW, Npy.ResolveClipLayout(path).Layout);
        var c = Assert.Throws<InvalidDataException>(() => Npy.ResolveClipLayout(path, ClipLayout.NTHW));
        Assert.Contains("records layout TNHW", c.Message);
        Assert.Throws<InvalidDataException>(() => Npy.ResolveClipLayout(path, ClipLayout.NCTHW)); // 5-D layout, 4-D array
    }

    [Fact]
    public void Stale_or_broken_side_files_are_refused()
    {
        string path = P("a.npy");
        Npy.Write(path, new byte[3 * 4 * 8 * 8], new long[] { 3, 4, 8, 8 });
        ClipLayouts.WriteSideFile(path, ClipLayout.NTHW);
        Assert.Equal(ClipLayout.NTHW, Npy.ResolveClipLayout(path).Layout);
        // The array is replaced by another writer (np.save, a copy; another shape) and the old side file stays: refused, not trusted.
        Npy.Write(P("b.npy"), new byte[4 * 3 * 8 * 8], new long[] { 4, 3, 8, 8 });
        File.Copy(P("b.npy"), path, overwrite: true);
        var e = Assert.Throws<InvalidDataException>(() => Npy.ResolveClipLayout(path));
        Assert.Contains(ClipLayouts.SideFilePath(path), e.Message);
        Assert.Contains("earlier array", e.Message);
        // Npy.Write (any array) drops the record of the array it replaces.
        Npy.Write(path, new byte[4 * 3 * 8 * 8], new long[] { 4, 3, 8, 8 });
        Assert.False(File.Exists(ClipLayouts.SideFilePath(path)));
        File.WriteAllText(ClipLayouts.SideFilePath(path), "{\"format\": \"videogan-clip-layout/1\", \"layout\": \"HWNT\"}");
        var b = Assert.Throws<InvalidDataException>(() => Npy.ResolveClipLayout(path));
        Assert.Contains("not a valid clip layout file", b.Message);
        Assert.Equal(ClipLayout.TNHW, ClipLayouts.ParseOption("tnhw"));
        Assert.Equal(ClipLayout.NCTHW, ClipLayouts.ParseOption("N,C,T,H,W"));
        Assert.Null(ClipLayouts.ParseOption(null));
        Assert.Contains("NCTHW|NTHW|TNHW", Assert.Throws<ArgumentException>(() => ClipLayouts.ParseOption("THWN")).Message);
    }

    [Fact]
    public void Five_d_files_are_n_c_t_h_w_and_ambiguous_ones_are_refused()
    {
        // videogan data --kind faces: SaveClips, uint8 [N, 3, T, H, W] with its side file.
        var faces = SyntheticFaces.Generate(5, new SyntheticFacesOptions { Frames = 6, Size = 32 }, 3);
        string path = P("faces.npy");
        Npy.SaveClips(path, faces.Clips);
        Assert.Equal(ClipLayout.NCTHW, Npy.ResolveClipLayout(path).Layout);
        using (var want = faces.Clips.ToTensor(Enumerable.Range(0, 5).ToArray(), frames: 4))
        using (var got = All(ClipSources.Open(path, 10, frames: 4)))
            AssertSameClips(want, got);

        // samples.npy of earlier builds: [N, C, T, H, W] without a side file: the 5-D rule reads it.
        File.Delete(ClipLayouts.SideFilePath(path));
        Assert.Equal("5-D default", Npy.ResolveClipLayout(path).Source);
        using (var want = faces.Clips.ToTensor())
        using (var got = All(ClipSources.Open(path, 10, frames: 6)))
            AssertSameClips(want, got);

        // [N, T, C, H, W] (axis 1 is 16 frames, not channels) and [N, 3, 3, H, W] (either way) are refused.
        Npy.Write(P("ntchw.npy"), new byte[2 * 16 * 1 * 4 * 4], new long[] { 2, 16, 1, 4, 4 });
        var e = Assert.Throws<InvalidDataException>(() => ClipSources.Open(P("ntchw.npy"), 10, 16));
        Assert.Contains("(2, 16, 1, 4, 4)", e.Message);
        Assert.Contains("--layout NCTHW", e.Message);
        Npy.Write(P("n33.npy"), new byte[2 * 3 * 3 * 4 * 4], new long[] { 2, 3, 3, 4, 4 });
        Assert.Throws<InvalidDataException>(() => ClipSources.Open(P("n33.npy"), 10, 16));
        Assert.Equal(3, ClipSources.Open(P("n33.npy"), 10, 16, layout: ClipLayout.NCTHW).Frames);
        // A 3-D array is no clip file.
        Npy.Write(P("3d.npy"), new byte[24], new long[] { 2, 3, 4 });
        Assert.Contains("3 dimensions", Assert.Throws<InvalidDataException>(() => ClipSources.Open(P("3d.npy"), 10, 16)).Message);
    }
}
