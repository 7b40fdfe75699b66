using System.Text.Json.Nodes;
using Microsoft.FSharp.Core;
using Plotly.NET;
using VideoGan.Visualization;

namespace VideoGan.Tests.Visualization;

/// <summary>An executed notebook with every kind of output the report must show, as the runner writes them.</summary>
static class SampleNotebook
{
    public const string Markdown =
        "# Getting started\n\nThis has **bold**, *italic*, `code`, [a link](https://example.org) and $x_1 * y_2$.\n\n" +
        "- one\n- two\n  - nested\n\n1. first\n2. second\n";

    public static Clip Clip()
    {
        var px = new byte[2 * 3 * 8 * 8];
        for (int i = 0; i < px.Length; i++) px[i] = (byte)(i * 7);
        return VideoGan.Visualization.Clip.FromBytes(px, 2, 1, 3, 8, 8, "two digits");
    }

    /// <summary>A chart as Plotly.NET.Interactive formats it in a notebook: loaded through require.js from a CDN.</summary>
    public static string RequireStyleChartHtml()
    {
        var chart = Charts.Line("Losses (require.js form)", "step", "loss", ("G", [0, 1, 2], [3.0, 2.0, 1.0]));
        var require = DisplayOptions.init(null, null, null, null, null, null,
            FSharpOption<PlotlyJSReference>.Some(PlotlyJSReference.NewRequire("https://cdn.plot.ly/plotly-2.28.0.min")));
        return GenericChart.toChartHTML(GenericChart.mapDisplayOptions(FuncConvert.FromFunc<DisplayOptions, DisplayOptions>(_ => require), chart));
    }

    static JsonObject Code(string source, int count, params JsonObject[] outputs) => new()
    {
        ["cell_type"] = "code",
        ["execution_count"] = count,
        ["metadata"] = new JsonObject(),
        // nbformat keeps each line's "\n" except on the last line.
        ["source"] = new JsonArray(source.Split('\n').Select((l, i) => (JsonNode?)JsonValue.Create(i < source.Count(c => c == '\n') ? l + "\n" : l)).ToArray()),
        ["outputs"] = new JsonArray(outputs.Cast<JsonNode?>().ToArray()),
    };

    static JsonObject Display(string mime, string value) => new()
    {
        ["output_type"] = "display_data",
        ["data"] = new JsonObject { [mime] = value },
        ["metadata"] = new JsonObject(),
    };

    static readonly Lazy<string> WithCharts = new(() => Build(true)), WithoutCharts = new(() => Build(false));

    /// <summary>The notebook JSON (built once per kind: Plotly.NET's HTML serialisation is slow on a busy machine).</summary>
    public static string Json(bool withCharts = true) => withCharts ? WithCharts.Value : WithoutCharts.Value;

    static string Build(bool withCharts)
    {
        var clip = Clip();
        var cells = new JsonArray
        {
            new JsonObject { ["cell_type"] = "markdown", ["metadata"] = new JsonObject(), ["source"] = Markdown },
            Code("Console.WriteLine(\"hello\");\nclip", 1,
                new JsonObject { ["output_type"] = "stream", ["name"] = "stdout", ["text"] = "hello <world>\n" },
                new JsonObject
                {
                    ["output_type"] = "execute_result", ["execution_count"] = 1, ["metadata"] = new JsonObject(),
                    ["data"] = new JsonObject { ["text/html"] = clip.ToHtml(), ["text/plain"] = clip.ToString() },
                }),
            Code("clip.ToFrameGridPng()", 2, Display("image/png", Convert.ToBase64String(clip.ToFrameGridPng()))),
            Code("throw new Exception()", 3,
                new JsonObject { ["output_type"] = "stream", ["name"] = "stderr", ["text"] = "warning: careful\n" },
                new JsonObject
                {
                    ["output_type"] = "error", ["ename"] = "InvalidOperationException", ["evalue"] = "bad <thing>",
                    ["traceback"] = new JsonArray("\u001b[31mat Cell 3\u001b[0m", "at Somewhere"),
                }),
        };
        if (withCharts)
        {
            cells.Add(Code("chart", 4, Display("text/html", RequireStyleChartHtml())));
            cells.Add(Code("Charts.Bar(...)", 5, Display("text/html", ChartHtml.ToDiv(Charts.Bar("FVD", "model", "FVD", ["a", "b"], [3, 4], [0.5, 0.2])))));
            cells.Add(Code("XPlotCharts.Line(...)", 6, Display("text/html", ChartHtml.ToDiv(XPlotCharts.Line("XPlot", "x", "y", ("s", [0, 1, 2], [1.0, 0.0, 1.0]))))));
        }
        var nb = new JsonObject
        {
            ["cells"] = cells,
            ["metadata"] = new JsonObject { ["kernelspec"] = new JsonObject { ["name"] = ".net-csharp" } },
            ["nbformat"] = 4,
            ["nbformat_minor"] = 5,
        };
        return nb.ToJsonString();
    }

    public static string Write(string dir, string name, bool withCharts = true)
    {
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, Json(withCharts));
        return path;
    }

    public static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "VideoGan.Notebooks.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("Could not find the repository root (VideoGan.Notebooks.sln) above " + AppContext.BaseDirectory);
    }
}
