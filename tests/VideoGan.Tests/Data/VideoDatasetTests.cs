using VideoGan.Data;
using static TorchSharp.torch;

namespace VideoGan.Tests.Data;

public class VideoDatasetTests
{
    static readonly MovingMnistSet Set = MovingMnist.Generate(MnistDigits.LoadEmbedded(MnistSplit.Train), 37, MovingMnistOptions.Srivastava, seed: 4);

    [Fact]
    public void Batches_have_shape_range_and_crop_contents()
    {
        var ds = new VideoDataset(Set.Clips, batchSize: 8, frames: 16, seed: 1);
        Assert.Equal(4, ds.BatchesPerEpoch);
        int n = 0;
        foreach (var batch in ds.Batches(0))
        {
            using var b = batch;
            Assert.Equal(new long[] { 8, 1, 16, 64, 64 }, b.Video.shape);
            Assert.Equal(ScalarType.Float32, b.Video.dtype);
            Assert.Equal(-1f, b.Video.min().item<float>());
            Assert.InRange(b.Video.max().item<float>(), 0.5f, 1f);
            Assert.All(b.FrameStarts, s => Assert.InRange(s, 0, 4));
            // Row 0 equals the source frames [start, start+16) mapped by 2x/255 - 1.
            var src = Set.Clips.Clip(b.Indices[0]).Slice(b.FrameStarts[0] * 4096, 16 * 4096).ToArray();
            var expect = src.Select(v => v * (2f / 255f) - 1f).ToArray();
            Assert.Equal(expect, b.Video[0].flatten().data<float>().ToArray());
            n++;
        }
        Assert.Equal(4, n);
        Assert.Equal(5, new VideoDataset(Set.Clips, 8, 16, dropLast: false).Batches().Count());
    }

    [Fact]
    public void Shuffling_is_seeded_per_epoch_and_a_permutation()
    {
        var a = new VideoDataset(Set.Clips, 8, 16, seed: 9);
        var b = new VideoDataset(Set.Clips, 8, 16, seed: 9);
        Assert.Equal(a.Order(0), b.Order(0));
        Assert.NotEqual(a.Order(0), a.Order(1));
        Assert.Equal(Enumerable.Range(0, 37), a.Order(3).OrderBy(i => i));
        var starts = a.Batches(2).SelectMany(x => { x.Dispose(); return x.FrameStarts; }).ToArray();
        Assert.Equal(starts, b.Batches(2).SelectMany(x => { x.Dispose(); return x.FrameStarts; }).ToArray());
        Assert.True(starts.Distinct().Count() > 1);
        var fixedOrder = new VideoDataset(Set.Clips, 8, 20, shuffle: false, randomCrop: false);
        Assert.Equal(Enumerable.Range(0, 37), fixedOrder.Order(5));
        Assert.All(fixedOrder.Batches().SelectMany(x => { x.Dispose(); return x.FrameStarts; }), s => Assert.Equal(0, s));
    }

    [Fact]
    public void Rgb_faces_batch_as_three_channels()
    {
        var faces = SyntheticFaces.Generate(6, seed: 1);
        var ds = new VideoDataset(faces.Clips, batchSize: 3, frames: 8, seed: 2);
        using var b = ds.Batches(1).First();
        Assert.Equal(new long[] { 3, 3, 8, 64, 64 }, b.Video.shape);
        // Channel 1 (green) of row 0 is the source's green plane at the crop.
        var src = faces.Clips.Clip(b.Indices[0]).Slice((1 * 16 + b.FrameStarts[0]) * 4096, 8 * 4096).ToArray();
        Assert.Equal(src.Select(v => v * (2f / 255f) - 1f).ToArray(), b.Video[0, 1].flatten().data<float>().ToArray());
    }

    [Fact]
    public void Oversized_sets_are_refused_before_allocating()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => VideoClips.Zeros(100_000, 1, 20, 64, 64));
        Assert.Contains("chunks", e.Message);
    }

    [Fact]
    public void Bad_loader_arguments_are_explained()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new VideoDataset(Set.Clips, 8, 21));
        var e = Assert.Throws<ArgumentException>(() => new VideoDataset(Set.Clips, 64, 16));
        Assert.Contains("dropLast", e.Message);
    }
}
