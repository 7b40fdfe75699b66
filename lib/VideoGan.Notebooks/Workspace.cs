namespace VideoGan.Notebooks;

/// <summary>Locations inside the repository (found from the running program, or the current directory).</summary>
public static class Workspace
{
    /// <summary>The file that marks the repository root.</summary>
    public const string MarkerFile = "VideoGan.Notebooks.sln";

    /// <summary>The repository root: the nearest folder above the program (or the current directory) holding <see cref="MarkerFile"/>.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The notebooks folder.</summary>
    public static string NotebooksDirectory => Path.Combine(Root, "notebooks");

    /// <summary>Every notebook of the series, in order (file name order: 00-, 01-, ...).</summary>
    public static IReadOnlyList<string> Notebooks() =>
        Directory.Exists(NotebooksDirectory)
            ? Directory.GetFiles(NotebooksDirectory, "*.ipynb").Order(StringComparer.Ordinal).ToList()
            : [];

    static string FindRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, MarkerFile))) return dir.FullName;
        throw new DirectoryNotFoundException($"Cannot find the repository root ({MarkerFile}) above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}.");
    }
}
