using static TorchSharp.torch;

namespace VideoGan.Data;

/// <summary>One batch: the float video <c>[B, C, T, H, W]</c> in [-1, 1], which clips it holds and where each crop starts.</summary>
public sealed class VideoBatch : IDisposable
{
    /// <summary>The clips, float32 <c>[B, C, T, H, W]</c> in [-1, 1].</summary>
    public required Tensor Video { get; init; }
    /// <summary>Clip index in the data set of each batch row.</summary>
    public required int[] Indices { get; init; }
    /// <summary>First frame of each row's temporal crop.</summary>
    public required int[] FrameStarts { get; init; }
    /// <summary>Frees the tensor (or let a dispose scope do it).</summary>
    public void Dispose() => Video.Dispose();
}

/// <summary>
/// A loader over uint8 clips: seeded shuffling per epoch, random temporal crops (for example 16 of 20 frames, as
/// TGAN does), batches <c>[B, C, T, H, W]</c> in [-1, 1] built on demand from the uint8 buffer, so at most the
/// batch being used is alive as floats.
/// </summary>
/// <remarks>Taught in notebooks/01-data-preparation.ipynb.</remarks>
public sealed class VideoDataset
{
    /// <summary>The uint8 clips.</summary>
    public VideoClips Clips { get; }
    /// <summary>Rows per batch.</summary>
    public int BatchSize { get; }
    /// <summary>Frames per yielded clip (the crop length).</summary>
    public int Frames { get; }
    /// <summary>Shuffle the order each epoch.</summary>
    public bool Shuffle { get; }
    /// <summary>Random crop start (true) or always frame 0 (false).</summary>
    public bool RandomCrop { get; }
    /// <summary>Drop the last, smaller batch.</summary>
    public bool DropLast { get; }
    /// <summary>Seed of the order and crop streams (epoch e uses streams derived from seed and e).</summary>
    public int Seed { get; }

    /// <summary>A loader; <paramref name="frames"/> &lt;= 0 keeps every frame.</summary>
    public VideoDataset(VideoClips clips, int batchSize, int frames = 0, bool shuffle = true, bool randomCrop = true,
                        int seed = 42, bool dropLast = true)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"batch size {batchSize} must be >= 1.");
        if (frames <= 0) frames = clips.Frames;
        if (frames > clips.Frames) throw new ArgumentOutOfRangeException(nameof(frames), $"crop of {frames} frames from clips of {clips.Frames}.");
        if (dropLast && clips.Count < batchSize)
            throw new ArgumentException($"{clips.Count} clips make no full batch of {batchSize}: lower the batch size or pass dropLast: false.");
        Clips = clips; BatchSize = batchSize; Frames = frames; Shuffle = shuffle; RandomCrop = randomCrop; Seed = seed; DropLast = dropLast;
    }

    /// <summary>Batches in one epoch.</summary>
    public int BatchesPerEpoch => DropLast ? Clips.Count / BatchSize : (Clips.Count + BatchSize - 1) / BatchSize;

    /// <summary>The clip order of <paramref name="epoch"/> (a seeded Fisher-Yates shuffle, or 0..N-1).</summary>
    public int[] Order(int epoch)
    {
        var order = Enumerable.Range(0, Clips.Count).ToArray();
        if (!Shuffle) return order;
        var rng = new SplitMix(Seed, epoch, 0x6f72646572UL);
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>
    /// The batches of <paramref name="epoch"/>, each built when requested. Dispose each (or run the loop body in a
    /// <c>torch.NewDisposeScope()</c>).
    /// </summary>
    public IEnumerable<VideoBatch> Batches(int epoch = 0)
    {
        var order = Order(epoch);
        var crop = new SplitMix(Seed, epoch, 0x63726f70UL);
        int span = Clips.Frames - Frames + 1;
        for (int b = 0; b < BatchesPerEpoch; b++)
        {
            int start = b * BatchSize, n = Math.Min(BatchSize, order.Length - start);
            var idx = order.AsSpan(start, n).ToArray();
            var starts = new int[n];
            for (int i = 0; i < n; i++) starts[i] = RandomCrop ? crop.Next(span) : 0;
            yield return new VideoBatch { Video = Clips.ToTensor(idx, Frames, starts), Indices = idx, FrameStarts = starts };
        }
    }

    /// <summary>An endless stream of batches (epoch after epoch), for step-based training loops.</summary>
    public IEnumerable<VideoBatch> Forever(int firstEpoch = 0)
    {
        for (int e = firstEpoch; ; e++)
            foreach (var b in Batches(e)) yield return b;
    }
}
