namespace VideoGan.Tests;

/// <summary>Locations in the repository, found by walking up from the test binaries to the solution file.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Notebooks => Path.Combine(Root, "notebooks");
    public static string Data => Path.Combine(Root, "data");

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VideoGan.Notebooks.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Could not find VideoGan.Notebooks.sln above " + AppContext.BaseDirectory);
    }
}
