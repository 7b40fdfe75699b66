using VideoGan.Runtime;

namespace VideoGan.Tests.Runtime;

public class AtomicFileTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "videogan-atomic-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void Write_creates_folders_replaces_the_file_and_leaves_no_temporary()
    {
        string path = Path.Combine(_dir, "a", "b", "out.txt");
        AtomicFile.WriteAllText(path, "first");
        AtomicFile.WriteAllText(path, "second");
        Assert.Equal("second", File.ReadAllText(path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));
    }

    [Fact]
    public void A_failed_write_keeps_the_earlier_file_and_removes_its_temporary()
    {
        string path = Path.Combine(_dir, "weights.bin");
        AtomicFile.WriteAllBytes(path, new byte[] { 1, 2, 3 });

        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.WriteVia(path, tmp =>
        {
            File.WriteAllBytes(tmp, new byte[] { 9 });   // half written, then the writer fails
            throw new InvalidOperationException("disk full");
        }));
        Assert.Equal("disk full", e.Message);
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.False(File.Exists(path + ".tmp"));

        Assert.Throws<IOException>(() => AtomicFile.Write(path, s => { s.WriteByte(7); throw new IOException("stream broke"); }));
        Assert.Equal(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        Assert.False(File.Exists(path + ".tmp"));
    }

    [Fact]
    public void WriteVia_hands_the_writer_a_temporary_path_beside_the_target()
    {
        string path = Path.Combine(_dir, "model.bin");
        string? seen = null;
        AtomicFile.WriteVia(path, tmp => { seen = tmp; File.WriteAllText(tmp, "weights"); });
        Assert.Equal(Path.GetFullPath(path) + ".tmp", seen);
        Assert.Equal("weights", File.ReadAllText(path));
        Assert.Throws<ArgumentException>(() => AtomicFile.WriteVia(" ", _ => { }));
    }
}
