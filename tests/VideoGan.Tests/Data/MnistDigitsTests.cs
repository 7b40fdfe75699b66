using System.Security.Cryptography;
using VideoGan.Data;

namespace VideoGan.Tests.Data;

public class MnistDigitsTests
{
    [Fact]
    public void Embedded_splits_have_documented_sizes_and_balanced_test()
    {
        var train = MnistDigits.LoadEmbedded(MnistSplit.Train);
        var test = MnistDigits.LoadEmbedded(MnistSplit.Test);
        Assert.Equal(8000, train.Count);
        Assert.Equal(2000, test.Count);
        Assert.All(test.ClassCounts(), c => Assert.Equal(200, c));
        Assert.Equal(new[] { 801, 927, 791, 832, 780, 663, 814, 870, 744, 778 }, train.ClassCounts());
        // Real digits: background black, ink reaching full intensity, mean ink of MNIST (~33/255).
        double mean = test.Images.Average(b => (double)b);
        Assert.InRange(mean, 25, 40);
        Assert.Equal(255, test.Images.Max());
    }

    [Theory]
    [InlineData("train-images-idx3-ubyte.gz", "d42c99f560f46069800543d1e7651e2e1fbd13408fe36ae3eb5c217589bb9ad8")]
    [InlineData("train-labels-idx1-ubyte.gz", "9d83885ae112c4089a4e73a035bdc03a33a14f5e4b9d00573ad6919d2fbc30ec")]
    [InlineData("test-images-idx3-ubyte.gz", "3d3f01964f800fd8b4cbd58bd5fd8ed8b07cff8378194f5f1a4ed6b0e5facd36")]
    [InlineData("test-labels-idx1-ubyte.gz", "c47f30655d07957f99dcf57d76c2af0e71030c0ffe65dd22b8fcebc3f8441581")]
    public void Embedded_files_match_the_checksums_in_their_readme(string file, string sha256)
    {
        var path = Path.Combine(DataPaths.FindDataDirectory(), "mnist", file);
        Assert.Equal(sha256, MnistDownload.Sha256Of(path));
        Assert.Contains(sha256, File.ReadAllText(Path.Combine(DataPaths.FindDataDirectory(), "mnist", "README.md")));
    }

    [Fact]
    public void Default_download_folder_is_the_ignored_data_cache()
    {
        Assert.EndsWith(Path.Combine("data", "cache", "mnist"), MnistDownload.DefaultFolder());
    }

    [Fact]
    public void Train_and_test_pools_share_no_digit()
    {
        var train = MnistDigits.LoadEmbedded(MnistSplit.Train);
        var test = MnistDigits.LoadEmbedded(MnistSplit.Test);
        var seen = new HashSet<string>();
        for (int i = 0; i < train.Count; i++) seen.Add(Convert.ToHexString(SHA256.HashData(train.Image(i))));
        for (int i = 0; i < test.Count; i++) Assert.DoesNotContain(Convert.ToHexString(SHA256.HashData(test.Image(i))), seen);
    }

    [Fact]
    public void Explicit_data_path_works_for_data_and_data_mnist()
    {
        var dir = DataPaths.FindDataDirectory();
        Assert.Equal(2000, MnistDigits.LoadEmbedded(MnistSplit.Test, dir).Count);
        Assert.Equal(2000, MnistDigits.LoadEmbedded(MnistSplit.Test, Path.Combine(dir, "mnist")).Count);
        var e = Assert.Throws<FileNotFoundException>(() => MnistDigits.LoadEmbedded(MnistSplit.Test, Path.GetTempPath()));
        Assert.Contains("test-images-idx3-ubyte.gz", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Full_mnist_idx_folder_loads_raw_and_gz(bool gz)
    {
        var src = MnistDigits.LoadEmbedded(MnistSplit.Test).Subset(Enumerable.Range(0, 30).ToArray());
        var dir = Directory.CreateTempSubdirectory("vg-idx").FullName;
        try
        {
            string ext = gz ? ".gz" : "";
            Idx.Write(Path.Combine(dir, "t10k-images-idx3-ubyte" + ext), new[] { 30, 28, 28 }, src.Images);
            Idx.Write(Path.Combine(dir, "t10k-labels-idx1-ubyte" + ext), new[] { 30 }, src.Labels);
            var back = MnistDigits.LoadIdx(dir, MnistSplit.Test);
            Assert.Equal(src.Images, back.Images);
            Assert.Equal(src.Labels, back.Labels);
            var missing = Assert.Throws<FileNotFoundException>(() => MnistDigits.LoadIdx(dir, MnistSplit.Train));
            Assert.Contains("train-images-idx3-ubyte", missing.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Truncated_or_mismatched_idx_names_the_file()
    {
        var dir = Directory.CreateTempSubdirectory("vg-idx").FullName;
        try
        {
            var images = Path.Combine(dir, "t10k-images-idx3-ubyte");
            var labels = Path.Combine(dir, "t10k-labels-idx1-ubyte");
            Idx.Write(images, new[] { 3, 28, 28 }, new byte[3 * 784]);
            Idx.Write(labels, new[] { 4 }, new byte[4]);
            var mismatch = Assert.Throws<InvalidDataException>(() => MnistDigits.LoadIdx(dir, MnistSplit.Test));
            Assert.Contains(labels, mismatch.Message);

            var bytes = File.ReadAllBytes(images);
            File.WriteAllBytes(images, bytes[..^100]);
            var trunc = Assert.Throws<InvalidDataException>(() => Idx.Read(images));
            Assert.Contains(images, trunc.Message);
            Assert.Contains("truncated", trunc.Message);

            var gzPath = Path.Combine(dir, "x.gz");
            Idx.Write(gzPath, new[] { 3, 28, 28 }, new byte[3 * 784]);
            var gzBytes = File.ReadAllBytes(gzPath);
            File.WriteAllBytes(gzPath, gzBytes[..(gzBytes.Length / 2)]);
            var gzErr = Assert.ThrowsAny<Exception>(() => Idx.Read(gzPath));
            Assert.Contains(gzPath, gzErr.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Balanced_subset_and_tensor_range()
    {
        var train = MnistDigits.LoadEmbedded(MnistSplit.Train);
        var bal = train.Balanced(5);
        Assert.All(bal.ClassCounts(), c => Assert.Equal(5, c));
        using var t = bal.ToTensor();
        Assert.Equal(new long[] { 50, 1, 28, 28 }, t.shape);
        Assert.Equal(-1f, t.min().item<float>());
        Assert.Equal(1f, t.max().item<float>());
        Assert.Throws<ArgumentOutOfRangeException>(() => train.Balanced(700));
    }
}
