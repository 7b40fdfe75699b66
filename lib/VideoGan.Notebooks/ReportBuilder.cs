using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using VideoGan.Runtime;

namespace VideoGan.Notebooks;

/// <summary>What <c>videogan report</c> runs and where it writes.</summary>
public sealed record ReportOptions
{
    /// <summary>
    /// The named parameter set: "default" (each notebook's own, CPU-sized values, unless its metadata lists a
    /// "default" set), "smoke" (the small values the tests use), or any set the notebooks list in their metadata.
    /// </summary>
    public string Configuration { get; init; } = "default";

    /// <summary>The report folder; default <c>reports/&lt;configuration&gt;</c> in the repository.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>The notebooks to run, in order; default: every notebook in notebooks/.</summary>
    public IReadOnlyList<string>? Notebooks { get; init; }

    /// <summary>Limit for one notebook; null: none.</summary>
    public TimeSpan? NotebookTimeout { get; init; }

    /// <summary>Progress lines; null: quiet.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>
    /// Writes the single offline HTML page from the executed notebooks (paths in series order) to the given file.
    /// Null: <see cref="ReportBuilder.DefaultHtmlWriter"/>.
    /// </summary>
    public Action<IReadOnlyList<string>, string>? HtmlWriter { get; init; }
}

/// <summary>A finished report.</summary>
public sealed record ReportResult(string Directory, string Configuration, IReadOnlyList<NotebookRunResult> Runs, TimeSpan Elapsed);

/// <summary>A notebook failed, so the report was not written; names the notebook, the cell and the error.</summary>
public sealed class ReportFailedException(string message, NotebookExecutionException inner) : Exception(message, inner)
{
    /// <summary>The failing notebook's details.</summary>
    public NotebookExecutionException Failure => (NotebookExecutionException)InnerException!;
}

/// <summary>
/// Runs the notebook series headlessly with one named configuration and writes <c>reports/&lt;name&gt;/</c>:
/// <c>notebooks/*.ipynb</c> (executed), <c>report.html</c> (one self-contained page that renders offline),
/// <c>metrics.json</c> (every recorded value, per notebook), <c>config.json</c> (configuration, parameters, seeds) and
/// <c>environment.json</c> (package versions, machine). The report is built in a staging folder beside the target and
/// swapped in only when complete, so a failure never replaces an earlier report (the partial one is kept in
/// <c>&lt;name&gt;.failed/</c> for inspection).
/// </summary>
public static class ReportBuilder
{
    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Builds the report; see <see cref="ReportBuilder"/>.</summary>
    public static async Task<ReportResult> BuildAsync(ReportOptions options, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(options.Configuration) || options.Configuration.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw new ArgumentException($"Report configuration '{options.Configuration}' is not a usable folder name.");
        var clock = Stopwatch.StartNew();
        string target = Path.GetFullPath(options.OutputDirectory ?? Path.Combine(Workspace.Root, "reports", options.Configuration));
        var notebooks = (options.Notebooks ?? Workspace.Notebooks()).Select(Path.GetFullPath).ToList();
        if (notebooks.Count == 0) throw new FileNotFoundException($"No notebooks to run (looked in {Workspace.NotebooksDirectory}).");
        if (options.Configuration != "default")
        {
            // A typo in --config would otherwise silently run every notebook with its default values.
            var known = notebooks.SelectMany(n => NotebookFile.Load(n).ParameterSetNames()).ToHashSet(StringComparer.Ordinal);
            if (!known.Contains(options.Configuration))
                throw new ArgumentException($"No notebook defines the configuration '{options.Configuration}' (in its metadata " +
                                            $"videogan.parameters); known: default{string.Concat(known.Order().Select(k => ", " + k))}.");
        }

        string parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        SweepStaleStaging(parent, Path.GetFileName(target));
        string staging = Path.Combine(parent, $".{Path.GetFileName(target)}.staging-{Environment.ProcessId}-{Guid.NewGuid():N}");
        string executedDir = Path.Combine(staging, "notebooks");
        Directory.CreateDirectory(executedDir);

        var runs = new List<NotebookRunResult>();
        var previous = PreviousTimings(target);   // the last report of this configuration: the ETA's basis
        try
        {
            for (int index = 0; index < notebooks.Count; index++)
            {
                string notebook = notebooks[index];
                cancellationToken.ThrowIfCancellationRequested();
                string name = Path.GetFileName(notebook);
                options.Log?.WriteLine($"report {options.Configuration}: [{index + 1}/{notebooks.Count}] {name}" +
                                       (previous.TryGetValue(name, out double last) ? $" (took {last:F0} s last time)" : "") +
                                       $"; {clock.Elapsed.TotalSeconds:F0} s elapsed" + Eta(notebooks.Skip(index), previous));
                try
                {
                    runs.Add(await NotebookRunner.RunAsync(notebook, new NotebookRunOptions
                    {
                        Configuration = options.Configuration,
                        OutputPath = Path.Combine(executedDir, name),
                        Timeout = options.NotebookTimeout,
                        Log = options.Log,
                    }, cancellationToken));
                    options.Log?.WriteLine($"report {options.Configuration}: {name} done in {runs[^1].Elapsed.TotalSeconds:F0} s");
                }
                catch (NotebookExecutionException e)
                {
                    string failed = Path.Combine(parent, Path.GetFileName(target) + ".failed");
                    TryDeleteDirectory(failed);
                    Directory.Move(staging, failed);
                    throw new ReportFailedException(
                        $"report '{options.Configuration}' stopped: {name}, cell {e.CellNumber}: {e.Error}\n" +
                        $"  the partial report is in {failed}; {(Directory.Exists(target) ? $"the earlier report in {target} is unchanged" : $"nothing was written to {target}")}.", e);
                }
            }

            options.Log?.WriteLine($"report {options.Configuration}: writing metrics, configuration, environment and HTML");
            WriteJson(Path.Combine(staging, "metrics.json"), Metrics(runs));
            WriteJson(Path.Combine(staging, "config.json"), Config(options.Configuration, runs));
            WriteJson(Path.Combine(staging, "environment.json"), EnvironmentDescription());
            WriteJson(Path.Combine(staging, "timings.json"), Timings(runs, clock.Elapsed));
            var executed = runs.Select(r => Path.Combine(executedDir, Path.GetFileName(r.NotebookPath))).ToList();
            (options.HtmlWriter ?? DefaultHtmlWriter)(executed, Path.Combine(staging, "report.html"));

            Swap(staging, target);
        }
        catch
        {
            TryDeleteDirectory(staging);
            throw;
        }
        options.Log?.WriteLine($"report {options.Configuration}: {target} ({clock.Elapsed.TotalSeconds:F0} s)");
        return new ReportResult(target, options.Configuration, runs, clock.Elapsed);
    }

    /// <summary>Removes <c>.NAME.staging-PID-*</c> folders (and <c>NAME.old-PID-*</c>) left by report processes that died.</summary>
    internal static int SweepStaleStaging(string parent, string name)
    {
        int removed = 0;
        foreach (var (pattern, prefix) in new[] { ($".{name}.staging-*", $".{name}.staging-"), ($"{name}.old-*", $"{name}.old-") })
            foreach (var dir in Directory.GetDirectories(parent, pattern))
            {
                var rest = Path.GetFileName(dir)[prefix.Length..];
                int dash = rest.IndexOf('-');
                if (dash <= 0 || !int.TryParse(rest[..dash], out int pid) || ScratchFolder.IsAlive(pid)) continue;
                TryDeleteDirectory(dir);
                removed++;
            }
        return removed;
    }

    /// <summary>Seconds per notebook from <paramref name="target"/>/timings.json (the last report); empty when there is none.</summary>
    static Dictionary<string, double> PreviousTimings(string target)
    {
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        try
        {
            string file = Path.Combine(target, "timings.json");
            if (File.Exists(file) && JsonNode.Parse(File.ReadAllText(file))?["notebooks"] is JsonObject per)
                foreach (var (name, value) in per)
                    if (value?["seconds"] is JsonValue v && v.TryGetValue(out double seconds)) result[name] = seconds;
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidOperationException) { }
        return result;
    }

    /// <summary>"; about N s left (last report's times)" when every remaining notebook has a time from the last report.</summary>
    static string Eta(IEnumerable<string> remaining, Dictionary<string, double> previous)
    {
        double total = 0;
        foreach (var n in remaining)
        {
            if (!previous.TryGetValue(Path.GetFileName(n), out double s)) return "";
            total += s;
        }
        return $"; about {total:F0} s left by the last report's times";
    }

    /// <summary>The HTML writer used unless <see cref="ReportOptions.HtmlWriter"/> is set.</summary>
    public static Action<IReadOnlyList<string>, string> DefaultHtmlWriter { get; set; } = Html.NotebookHtmlExporter.WriteReportAndIndex;

    /// <summary>
    /// Every recorded value, by notebook (file name without extension), then by name, keys sorted: the file two runs of
    /// one configuration on one machine must reproduce exactly (so nothing time-dependent goes here).
    /// </summary>
    public static JsonObject Metrics(IEnumerable<NotebookRunResult> runs)
    {
        var metrics = new JsonObject();
        foreach (var run in runs)
        {
            var values = new JsonObject();
            foreach (var (k, v) in run.Recorded.OrderBy(kv => kv.Key, StringComparer.Ordinal)) values[k] = v?.DeepClone();
            metrics[Path.GetFileNameWithoutExtension(run.NotebookPath)] = values;
        }
        return metrics;
    }

    static JsonObject Config(string configuration, IEnumerable<NotebookRunResult> runs)
    {
        var notebooks = new JsonObject();
        foreach (var run in runs)
        {
            var parameters = new JsonObject();
            foreach (var (k, v) in run.Parameters.OrderBy(kv => kv.Key, StringComparer.Ordinal)) parameters[k] = v;
            notebooks[Path.GetFileName(run.NotebookPath)] = new JsonObject
            {
                ["seed"] = run.Recorded.TryGetValue("seed", out var seed) ? seed?.DeepClone() : null,
                ["parameter_overrides"] = parameters,
            };
        }
        return new JsonObject
        {
            ["configuration"] = configuration,
            ["note"] = "parameter_overrides replace values in each notebook's parameters cell; the rest are the notebook's own values.",
            ["notebooks"] = notebooks,
        };
    }

    /// <summary>Package versions (Directory.Packages.props, with the libtorch property resolved) and the machine.</summary>
    public static JsonObject EnvironmentDescription()
    {
        var packages = new JsonObject();
        string props = Path.Combine(Workspace.Root, "Directory.Packages.props");
        if (File.Exists(props))
        {
            var (libtorch, libtorchVersion) = LibTorchPackage();
            foreach (var e in XDocument.Load(props).Descendants("PackageVersion"))
            {
                string name = (string?)e.Attribute("Include") ?? "";
                string version = (string?)e.Attribute("Version") ?? "";
                if (name == "$(LibTorchPackage)") name = libtorch;
                if (version == "$(LibTorchVersion)") version = libtorchVersion;
                packages[name] = version;
            }
        }
        var runtime = TorchRuntime.Describe();
        return new JsonObject
        {
            ["commit"] = GitCommit(),
            ["packages"] = packages,
            ["runtime"] = JsonSerializer.SerializeToNode(runtime, Json),
            ["machine"] = new JsonObject
            {
                ["os"] = RuntimeInformation.OSDescription,
                ["architecture"] = RuntimeInformation.OSArchitecture.ToString(),
                ["cpu"] = TorchRuntime.CpuModel(),
                ["processor_count"] = Environment.ProcessorCount,
                ["memory_gib"] = Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
                ["dotnet"] = RuntimeInformation.FrameworkDescription,
            },
        };
    }

    static JsonObject Timings(IEnumerable<NotebookRunResult> runs, TimeSpan total)
    {
        var per = new JsonObject();
        foreach (var r in runs)
            per[Path.GetFileName(r.NotebookPath)] = new JsonObject
            {
                ["seconds"] = Math.Round(r.Elapsed.TotalSeconds, 2),
                ["kernel_start_seconds"] = Math.Round(r.KernelStart.TotalSeconds, 2),
            };
        return new JsonObject
        {
            ["started_utc"] = DateTime.UtcNow.Subtract(total).ToString("u", CultureInfo.InvariantCulture),
            ["total_seconds"] = Math.Round(total.TotalSeconds, 1),
            ["notebooks"] = per,
        };
    }

    /// <summary>The workspace's git commit ("abc1234", "+ local changes" when the tree differs), or "unknown" outside git.</summary>
    static string GitCommit()
    {
        string? Git(string args)
        {
            try
            {
                var psi = new ProcessStartInfo("git", args) { WorkingDirectory = Workspace.Root, RedirectStandardOutput = true, RedirectStandardError = true };
                using var p = Process.Start(psi)!;
                string output = p.StandardOutput.ReadToEnd();
                p.WaitForExit(10_000);
                return p.ExitCode == 0 ? output.Trim() : null;
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException) { return null; }
        }
        string? head = Git("rev-parse --short=12 HEAD");
        if (head is null) return "unknown";
        string? status = Git("status --porcelain --untracked-files=no");
        return string.IsNullOrEmpty(status) ? head : head + " + local changes";
    }

    static (string Name, string Version) LibTorchPackage()
    {
        // The package the library was built against, from the restore assets beside the library's project.
        string assets = Path.Combine(Workspace.Root, "lib", "VideoGan", "obj", "project.assets.json");
        if (File.Exists(assets))
        {
            var libs = JsonNode.Parse(File.ReadAllText(assets))?["libraries"] as JsonObject;
            var match = libs?.Select(kv => kv.Key).FirstOrDefault(k => k.StartsWith("libtorch-", StringComparison.OrdinalIgnoreCase));
            if (match is not null && match.Split('/') is [var name, var version]) return (name, version);
        }
        return ("libtorch-cpu-linux-x64", "2.10.0");
    }

    /// <summary>Replaces <paramref name="target"/> by the complete <paramref name="staging"/> folder: two renames, never a half-written report.</summary>
    static void Swap(string staging, string target)
    {
        string old = target + $".old-{Environment.ProcessId}-{Guid.NewGuid():N}";
        bool hadOld = Directory.Exists(target);
        if (hadOld) Directory.Move(target, old);
        try
        {
            Directory.Move(staging, target);
        }
        catch
        {
            if (hadOld) Directory.Move(old, target);   // put the earlier report back
            throw;
        }
        if (hadOld) TryDeleteDirectory(old);
    }

    static void WriteJson(string path, JsonNode node) => AtomicFile.WriteAllText(path, node.ToJsonString(Json) + "\n");

    static void TryDeleteDirectory(string path)
    {
        try { if (Directory.Exists(path)) Directory.Delete(path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
