using System.Globalization;
using System.Text.Json.Nodes;

namespace VideoGan.Notebooks.Html;

/// <summary>
/// What report.html says about how it was made, read from the report folder's JSON files: the configuration, the
/// commit, the date, the machine, the thread count and each notebook's run time; and a box of headline results from
/// metrics.json.
/// </summary>
/// <remarks>Used by <see cref="NotebookHtmlExporter.WriteReportAndIndex"/> (issue 12).</remarks>
public static class ReportProvenance
{
    /// <summary>The headline values, in order: notebook, recorded name, what it says, number format.</summary>
    static readonly (string Notebook, string Name, string What, string Format)[] Headlines =
    [
        ("04-evaluation", "fvd_realtrainsplit", "FVD, real vs real (the noise floor)", "F1"),
        ("04-evaluation", "fvd_trainedgeneratorshipped", "FVD, shipped digits generator vs real", "F1"),
        ("04-evaluation", "fvd_untrainedgenerator", "FVD, untrained generator vs real", "F1"),
        ("03-training", "generated_fraction_confident", "shipped generator: frames a digit classifier is confident about", "P1"),
        ("03-training", "generated_class_agreement", "shipped generator: frames showing the requested digit", "P1"),
        ("05-latent-analysis", "real_vs_generated_score", "latent analysis: real vs generated separability (1 = fully separable)", "F3"),
        ("06-results", "shipped_fvd", "results: FVD of the shipped generator", "F1"),
        ("06-results", "real_floor_fvd", "results: FVD floor (real vs real)", "F1"),
    ];

    /// <summary>Title, detail lines and headline rows for the report in <paramref name="directory"/>.</summary>
    public static (string Title, IReadOnlyList<KeyValuePair<string, string>> Details, IReadOnlyList<(string, string, string)> Headline) Describe(string directory)
    {
        var config = Read(Path.Combine(directory, "config.json"));
        var environment = Read(Path.Combine(directory, "environment.json"));
        var timings = Read(Path.Combine(directory, "timings.json"));
        var metrics = Read(Path.Combine(directory, "metrics.json"));
        string configuration = (string?)config?["configuration"] ?? "?";
        var details = new List<KeyValuePair<string, string>>();
        void Add(string k, string? v) { if (!string.IsNullOrEmpty(v)) details.Add(KeyValuePair.Create(k, v)); }

        Add("configuration", configuration + (configuration == "smoke" ? " (the tests' tiny values: numbers show the pipeline works, not model quality)" : ""));
        Add("commit", (string?)environment?["commit"]);
        Add("date (UTC)", (string?)timings?["started_utc"]);
        var machine = environment?["machine"];
        if (machine is not null)
            Add("machine", $"{(string?)machine["cpu"]}, {(int?)machine["processor_count"]} cores, {(double?)machine["memory_gib"]} GiB, {(string?)machine["os"]}, {(string?)machine["dotnet"]}");
        var runtime = environment?["runtime"];
        if (runtime is not null)
            Add("torch", $"TorchSharp {(string?)runtime["TorchSharpVersion"]}, libtorch {(string?)runtime["LibTorchVersion"]}, device {(string?)runtime["Device"]}, {(int?)runtime["Threads"]} threads");
        if (timings?["notebooks"] is JsonObject per)
        {
            Add("run time", $"{(double?)timings["total_seconds"]:F0} s in all: " + string.Join(", ", per.Select(kv =>
                $"{kv.Key.Split('-')[0]} {((double?)kv.Value?["seconds"] ?? 0).ToString("F0", CultureInfo.InvariantCulture)} s")));
        }

        var headline = new List<(string, string, string)>();
        foreach (var (nb, name, what, format) in Headlines)
            if (metrics?[nb]?[name] is JsonValue v && v.TryGetValue(out double d))
                headline.Add((what, format.StartsWith('P') ? (d * 100).ToString("F" + format[1..], CultureInfo.InvariantCulture) + " %"
                                                           : d.ToString(format, CultureInfo.InvariantCulture), nb));
        return ($"VideoGAN report: configuration {configuration}", details, headline);
    }

    static JsonNode? Read(string path)
    {
        try { return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) : null; }
        catch (System.Text.Json.JsonException) { return null; }
    }
}
