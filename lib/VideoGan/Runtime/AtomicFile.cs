namespace VideoGan.Runtime;

/// <summary>
/// Writes files atomically: a temporary file beside the target, flushed, then renamed over it, so readers never see
/// half a file and a failed write leaves the earlier file intact. The one helper for checkpoints, logs, clips and pages.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes through <paramref name="write"/> into <c>path.tmp</c>, flushes, then moves it over <paramref name="path"/>.</summary>
    public static void Write(string path, Action<Stream> write) => WriteVia(path, tmp =>
    {
        using var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None);
        write(stream);
        stream.Flush(flushToDisk: true);
    });

    /// <summary>
    /// For writers that only take a path (TorchSharp's <c>Module.save</c>, image encoders): <paramref name="writeFile"/>
    /// writes the temporary path it is given, which is then moved over <paramref name="path"/>; on failure the temporary
    /// file is deleted and the earlier file is left as it was.
    /// </summary>
    public static void WriteVia(string path, Action<string> writeFile)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("An output path is required.", nameof(path));
        string full = Path.GetFullPath(path);
        string? dir = Path.GetDirectoryName(full);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        string tmp = full + ".tmp";
        try
        {
            writeFile(tmp);
            File.Move(tmp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>Atomic <see cref="File.WriteAllBytes(string, byte[])"/>.</summary>
    public static void WriteAllBytes(string path, byte[] bytes) => Write(path, s => s.Write(bytes));

    /// <summary>Atomic <see cref="File.WriteAllText(string, string?)"/> (UTF-8, no byte-order mark).</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, leaveOpen: true); w.Write(text); });
}
