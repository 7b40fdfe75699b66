using System.Diagnostics;

namespace VideoGan.Runtime;

/// <summary>
/// Working folders for notebooks and reports that nothing should keep: under the repository's ignored <c>runs/scratch/</c>
/// (never the system temp folder), named with the owning process id, removed by <see cref="Remove"/> when done, and
/// swept on the next <see cref="Create"/> when their process has died (a killed kernel or report).
/// </summary>
/// <remarks>Used by <c>notebooks/06-results.ipynb</c> for the comparison's training runs.</remarks>
public static class ScratchFolder
{
    /// <summary>Creates <c>runs/scratch/&lt;name&gt;-&lt;pid&gt;-&lt;id&gt;</c> and removes the leftovers of dead processes.</summary>
    public static string Create(string name, string? root = null)
    {
        string parent = Path.Combine(root ?? RepositoryRoot() ?? Path.GetTempPath(), "runs", "scratch");
        Directory.CreateDirectory(parent);
        SweepDead(parent, name);
        string dir = Path.Combine(parent, $"{name}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Deletes a folder made by <see cref="Create"/> (no error when it is gone already).</summary>
    public static void Remove(string directory)
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }

    /// <summary>Removes <c>name-PID-*</c> folders in <paramref name="parent"/> whose process no longer runs.</summary>
    internal static int SweepDead(string parent, string name)
    {
        int removed = 0;
        foreach (var dir in Directory.GetDirectories(parent, name + "-*"))
        {
            var parts = Path.GetFileName(dir)[(name.Length + 1)..].Split('-');
            if (parts.Length != 2 || !int.TryParse(parts[0], out int pid) || IsAlive(pid)) continue;
            try { Directory.Delete(dir, recursive: true); removed++; }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>True while a process with this id runs (this process included).</summary>
    public static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    /// <summary>The folder with VideoGan.Notebooks.sln above the current directory, or null.</summary>
    static string? RepositoryRoot()
    {
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "VideoGan.Notebooks.sln"))) return d.FullName;
        return null;
    }
}
