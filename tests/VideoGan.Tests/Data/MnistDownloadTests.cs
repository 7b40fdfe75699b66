using System.Security.Cryptography;
using VideoGan.Data;

namespace VideoGan.Tests.Data;

public class MnistDownloadTests
{
    /// <summary>Small but real MNIST IDX files (the first 40 embedded test digits under the standard names).</summary>
    static Dictionary<string, byte[]> FakeMnistFiles(string scratch)
    {
        var d = MnistDigits.LoadEmbedded(MnistSplit.Test).Subset(Enumerable.Range(0, 40).ToArray());
        var files = new Dictionary<string, byte[]>();
        foreach (var prefix in new[] { "train", "t10k" })
        {
            var img = Path.Combine(scratch, $"{prefix}-images-idx3-ubyte.gz");
            var lab = Path.Combine(scratch, $"{prefix}-labels-idx1-ubyte.gz");
            Idx.Write(img, new[] { 40, 28, 28 }, d.Images);
            Idx.Write(lab, new[] { 40 }, d.Labels);
            files[Path.GetFileName(img)] = File.ReadAllBytes(img);
            files[Path.GetFileName(lab)] = File.ReadAllBytes(lab);
        }
        return files;
    }

    static RemoteFile[] Describe(Dictionary<string, byte[]> files) =>
        files.Select(kv => new RemoteFile(kv.Key, kv.Value.Length, Convert.ToHexStringLower(SHA256.HashData(kv.Value)))).ToArray();

    static string TempDir() => Directory.CreateTempSubdirectory("vg-dl").FullName;

    [Fact]
    public void Downloads_verifies_and_loads_then_skips_verified_files()
    {
        var scratch = TempDir(); var target = TempDir();
        try
        {
            var files = FakeMnistFiles(scratch);
            using var server = new LoopbackHttpServer(files);
            var log = new List<string>();
            var opts = new MnistDownloadOptions { Mirrors = new[] { server.BaseUrl }, Files = Describe(files), Log = log.Add, Timeout = TimeSpan.FromSeconds(10) };
            var digits = MnistDigits.Download(target, MnistSplit.Train, opts);
            Assert.Equal(40, digits.Count);
            Assert.Equal(4, server.Requests.Count);
            MnistDigits.Download(target, MnistSplit.Test, opts);
            Assert.Equal(4, server.Requests.Count); // nothing fetched again
            Assert.Contains(log, l => l.Contains("present, SHA-256 ok"));
        }
        finally { Directory.Delete(scratch, true); Directory.Delete(target, true); }
    }

    [Fact]
    public async Task Resumes_a_partial_file_with_a_range_request()
    {
        var scratch = TempDir(); var target = TempDir();
        try
        {
            var files = FakeMnistFiles(scratch);
            var name = "train-images-idx3-ubyte.gz";
            var full = files[name];
            int half = full.Length / 2;
            File.WriteAllBytes(Path.Combine(target, name + ".part"), full[..half]);
            using var server = new LoopbackHttpServer(files);
            var opts = new MnistDownloadOptions { Mirrors = new[] { server.BaseUrl }, Files = Describe(files).Where(f => f.Name == name).ToArray() };
            await MnistDownload.DownloadAsync(target, opts);
            var req = Assert.Single(server.Requests);
            Assert.Equal($"bytes={half}-", req.Range);
            Assert.Equal(206, req.Status);
            Assert.Equal(full.Length - half, req.BytesSent);
            Assert.Equal(full, File.ReadAllBytes(Path.Combine(target, name)));
            Assert.False(File.Exists(Path.Combine(target, name + ".part")));
        }
        finally { Directory.Delete(scratch, true); Directory.Delete(target, true); }
    }

    [Fact]
    public async Task Server_ignoring_range_restarts_from_zero()
    {
        var scratch = TempDir(); var target = TempDir();
        try
        {
            var files = FakeMnistFiles(scratch);
            var name = "t10k-images-idx3-ubyte.gz";
            File.WriteAllBytes(Path.Combine(target, name + ".part"), files[name][..100]);
            using var server = new LoopbackHttpServer(files) { IgnoreRange = true };
            var opts = new MnistDownloadOptions { Mirrors = new[] { server.BaseUrl }, Files = Describe(files).Where(f => f.Name == name).ToArray() };
            await MnistDownload.DownloadAsync(target, opts);
            Assert.Equal(files[name], File.ReadAllBytes(Path.Combine(target, name)));
        }
        finally { Directory.Delete(scratch, true); Directory.Delete(target, true); }
    }

    [Fact]
    public async Task Wrong_checksum_fails_naming_the_file_and_falls_back_to_the_next_mirror()
    {
        var scratch = TempDir(); var target = TempDir();
        try
        {
            var files = FakeMnistFiles(scratch);
            var name = "t10k-labels-idx1-ubyte.gz";
            var corrupt = files.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());
            corrupt[name][^1] ^= 0xFF;
            using var bad = new LoopbackHttpServer(corrupt);
            using var good = new LoopbackHttpServer(files);
            var spec = Describe(files).Where(f => f.Name == name).ToArray();

            var onlyBad = new MnistDownloadOptions { Mirrors = new[] { bad.BaseUrl }, Files = spec };
            var e = await Assert.ThrowsAsync<IOException>(() => MnistDownload.DownloadAsync(target, onlyBad));
            Assert.Contains(name, e.Message);
            Assert.Contains("SHA-256", e.Message);
            Assert.False(File.Exists(Path.Combine(target, name)));
            Assert.False(File.Exists(Path.Combine(target, name + ".part")));

            var both = new MnistDownloadOptions { Mirrors = new[] { bad.BaseUrl, good.BaseUrl }, Files = spec };
            await MnistDownload.DownloadAsync(target, both);
            Assert.Equal(files[name], File.ReadAllBytes(Path.Combine(target, name)));
        }
        finally { Directory.Delete(scratch, true); Directory.Delete(target, true); }
    }

    [Fact]
    public void Unreachable_mirrors_give_a_clear_offline_message()
    {
        var target = TempDir();
        try
        {
            int port = LoopbackHttpServer.FreePort(); // nothing listens there
            var opts = new MnistDownloadOptions { Mirrors = new[] { $"http://127.0.0.1:{port}/mnist/" }, Timeout = TimeSpan.FromSeconds(5) };
            var e = Assert.Throws<IOException>(() => MnistDigits.Download(target, MnistSplit.Train, opts));
            Assert.Contains("offline", e.Message);
            Assert.Contains("LoadEmbedded", e.Message);
            Assert.Contains("train-images-idx3-ubyte.gz", e.Message);
        }
        finally { Directory.Delete(target, true); }
    }

    [Fact]
    public async Task Http_404_on_every_mirror_is_reported()
    {
        var target = TempDir();
        try
        {
            using var server = new LoopbackHttpServer(new Dictionary<string, byte[]>());
            var opts = new MnistDownloadOptions { Mirrors = new[] { server.BaseUrl }, Files = new[] { new RemoteFile("missing.gz", 10, new string('0', 64)) } };
            var e = await Assert.ThrowsAsync<IOException>(() => MnistDownload.DownloadAsync(target, opts));
            Assert.Contains("404", e.Message);
            Assert.DoesNotContain("offline", e.Message);
        }
        finally { Directory.Delete(target, true); }
    }
}
