namespace VideoGan.Training;

/// <summary>
/// The training presets, all in one place: <c>data/configs/&lt;name&gt;.json</c> of the repository
/// ("digits", "moving-mnist", "faces", "smoke"). A path to any JSON file works wherever a preset name does.
/// </summary>
/// <remarks>Taught in notebook 03-training.</remarks>
public static class ConfigPresets
{
    /// <summary>Environment variable naming the repository root when the library runs from elsewhere.</summary>
    public const string RootVariable = "VIDEOGAN_ROOT";

    /// <summary>The folder that holds the preset files.</summary>
    public static string Directory => Path.Combine(RepositoryRoot(), "data", "configs");

    /// <summary>Names of the presets found in <see cref="Directory"/>.</summary>
    public static IReadOnlyList<string> Names =>
        System.IO.Directory.EnumerateFiles(Directory, "*.json").Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .Order(StringComparer.Ordinal).ToList();

    /// <summary>Loads a preset by name, or a JSON file by path; validates it.</summary>
    public static TrainingConfig Load(string presetOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(presetOrPath);
        if (File.Exists(presetOrPath))
            return TrainingConfig.FromJson(File.ReadAllText(presetOrPath), presetOrPath);
        if (presetOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || presetOrPath.Contains('/') || presetOrPath.Contains('\\'))
            throw new FileNotFoundException($"Training config file '{presetOrPath}' does not exist (presets: {string.Join(", ", Names)}).", presetOrPath);
        string path = Path.Combine(Directory, presetOrPath + ".json");
        if (!File.Exists(path))
            throw new ArgumentException($"Unknown training preset '{presetOrPath}': use one of {string.Join(", ", Names)} or a path to a JSON file.");
        return TrainingConfig.FromJson(File.ReadAllText(path), $"preset {presetOrPath} ({path})");
    }

    /// <summary>
    /// The repository root: <see cref="RootVariable"/> if set, else the first folder above the working directory or the
    /// library's own location that holds <c>data/configs</c>.
    /// </summary>
    public static string RepositoryRoot()
    {
        string? env = Environment.GetEnvironmentVariable(RootVariable);
        if (!string.IsNullOrWhiteSpace(env))
        {
            if (!System.IO.Directory.Exists(Path.Combine(env, "data", "configs")))
                throw new DirectoryNotFoundException($"{RootVariable}='{env}' has no data/configs folder; point it at the repository root.");
            return Path.GetFullPath(env);
        }
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory, Path.GetDirectoryName(typeof(ConfigPresets).Assembly.Location) ?? "" })
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (System.IO.Directory.Exists(Path.Combine(dir.FullName, "data", "configs")))
                    return dir.FullName;
        }
        throw new DirectoryNotFoundException($"Cannot find the repository's data/configs folder above '{Environment.CurrentDirectory}' or " +
                                             $"'{AppContext.BaseDirectory}'; set {RootVariable} to the repository root.");
    }
}
