namespace VideoGan.Tests.Metrics;

/// <summary>Paths of committed fixtures and shipped files, found by walking up from the test binary to the repo root.</summary>
static class MetricsTestPaths
{
    public static string RepoRoot { get; } = FindRoot();

    public static string Fixture(string name) => Path.Combine(RepoRoot, "tests", "VideoGan.Tests", "Metrics", "Fixtures", name);

    static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "VideoGan.Notebooks.sln"))) return d.FullName;
        throw new DirectoryNotFoundException($"Repository root (with VideoGan.Notebooks.sln) not found above {AppContext.BaseDirectory}.");
    }
}
