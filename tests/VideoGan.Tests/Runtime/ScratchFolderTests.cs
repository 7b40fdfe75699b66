using VideoGan.Runtime;

namespace VideoGan.Tests.Runtime;

public class ScratchFolderTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("videogan-scratch-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Create_sweeps_folders_of_dead_processes_but_keeps_live_ones_and_Remove_deletes()
    {
        string parent = Path.Combine(_root, "runs", "scratch");
        Directory.CreateDirectory(Path.Combine(parent, "nb-999999999-dead"));                      // no such process
        string live = Directory.CreateDirectory(Path.Combine(parent, $"nb-{Environment.ProcessId}-live")).FullName;
        string other = Directory.CreateDirectory(Path.Combine(parent, "other-999999999-x")).FullName; // another name: untouched

        string made = ScratchFolder.Create("nb", _root);

        Assert.StartsWith(parent, made);
        Assert.True(Directory.Exists(made));
        Assert.False(Directory.Exists(Path.Combine(parent, "nb-999999999-dead")));
        Assert.True(Directory.Exists(live));
        Assert.True(Directory.Exists(other));
        File.WriteAllText(Path.Combine(made, "x.txt"), "x");
        ScratchFolder.Remove(made);
        Assert.False(Directory.Exists(made));
        ScratchFolder.Remove(made);   // twice is fine
    }
}
