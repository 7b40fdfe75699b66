namespace VideoGan.Data;

/// <summary>
/// Finds the repository's <c>data/</c> folder (the embedded digits live in <c>data/mnist/</c>): the environment
/// variable <c>VIDEOGAN_DATA</c> first, then walking up from the current directory and from the VideoGan assembly's
/// folder until a <c>data/mnist/train-images-idx3-ubyte.gz</c> is found.
/// </summary>
/// <remarks>Taught in notebooks/01-data-preparation.ipynb.</remarks>
public static class DataPaths
{
    /// <summary>Environment variable that overrides the search with an explicit data folder.</summary>
    public const string EnvironmentVariable = "VIDEOGAN_DATA";

    const string Marker = "mnist/train-images-idx3-ubyte.gz";

    /// <summary>The data folder, or a clear exception listing where it looked and how to fix it.</summary>
    public static string FindDataDirectory()
    {
        var tried = new List<string>();
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } env)
        {
            if (File.Exists(Path.Combine(env, Marker))) return Path.GetFullPath(env);
            tried.Add($"{EnvironmentVariable}={env}");
        }
        var starts = new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory,
                             Path.GetDirectoryName(typeof(DataPaths).Assembly.Location) ?? "" }
            .Where(s => s.Length > 0).Select(s => Path.TrimEndingDirectorySeparator(Path.GetFullPath(s))).Distinct();
        foreach (var start in starts)
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "data");
                if (File.Exists(Path.Combine(candidate, Marker))) return candidate;
            }
            tried.Add(start + " (and its parents)");
        }
        throw new DirectoryNotFoundException(
            $"Could not find the embedded data folder (data/{Marker}). Looked in: {string.Join("; ", tried)}. " +
            $"Run from inside the repository, set {EnvironmentVariable} to the repository's data/ folder, " +
            "or pass an explicit path (MnistDigits.LoadEmbedded(split, dataDirectory)).");
    }
}
