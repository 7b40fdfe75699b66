using VideoGan.Notebooks;

namespace VideoGan.Tests.Notebooks;

/// <summary>A killed report or notebook run leaves nothing behind for good: the next run removes what dead processes left.</summary>
public class LeftoverSweepTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("videogan-sweep-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Staging_and_old_folders_of_dead_report_processes_are_removed_live_ones_kept()
    {
        string deadStaging = Directory.CreateDirectory(Path.Combine(_dir, ".smoke.staging-999999999-abc")).FullName;
        string deadOld = Directory.CreateDirectory(Path.Combine(_dir, "smoke.old-999999999-abc")).FullName;
        string liveStaging = Directory.CreateDirectory(Path.Combine(_dir, $".smoke.staging-{Environment.ProcessId}-abc")).FullName;
        string otherConfig = Directory.CreateDirectory(Path.Combine(_dir, ".default.staging-999999999-abc")).FullName;

        Assert.Equal(2, ReportBuilder.SweepStaleStaging(_dir, "smoke"));
        Assert.False(Directory.Exists(deadStaging));
        Assert.False(Directory.Exists(deadOld));
        Assert.True(Directory.Exists(liveStaging));
        Assert.True(Directory.Exists(otherConfig));
    }

    [Fact]
    public void Record_files_of_dead_processes_are_removed_from_the_temp_folder()
    {
        string dead = Path.Combine(Path.GetTempPath(), $"videogan-record-999999999-{Guid.NewGuid():N}.json");
        string live = Path.Combine(Path.GetTempPath(), $"videogan-record-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        File.WriteAllText(dead, "{}");
        File.WriteAllText(live, "{}");
        try
        {
            Assert.True(NotebookRunner.SweepStaleRecordFiles() >= 1);
            Assert.False(File.Exists(dead));
            Assert.True(File.Exists(live));
        }
        finally
        {
            File.Delete(dead);
            File.Delete(live);
        }
    }
}
