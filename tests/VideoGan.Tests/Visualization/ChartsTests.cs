using System.Text.Json;
using Plotly.NET;
using VideoGan.Visualization;

namespace VideoGan.Tests.Visualization;

public class ChartsTests
{
    static JsonElement Json(GenericChart chart) => JsonDocument.Parse(GenericChart.toJson(chart)).RootElement;
    static JsonElement[] Traces(GenericChart chart) => Json(chart).GetProperty("data").EnumerateArray().ToArray();
    static double[] Numbers(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();
    static string[] Strings(JsonElement e) => e.EnumerateArray().Select(v => v.GetString()!).ToArray();

    [Fact]
    public void Line_has_one_named_trace_per_series_with_titles()
    {
        var chart = Charts.Line("Losses", "step", "loss", ("G", [0, 1, 2], [3.0, 2.0, 1.5]), ("D", [0, 2], [0.7, 0.6]));
        var traces = Traces(chart);
        Assert.Equal(["G", "D"], traces.Select(t => t.GetProperty("name").GetString()));
        Assert.All(traces, t => Assert.Equal("lines", t.GetProperty("mode").GetString()));
        Assert.Equal([0.7, 0.6], Numbers(traces[1].GetProperty("y")));
        var layout = Json(chart).GetProperty("layout");
        Assert.Equal("Losses", layout.GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("step", layout.GetProperty("xaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Equal("loss", layout.GetProperty("yaxis").GetProperty("title").GetProperty("text").GetString());
        Assert.Throws<ArgumentException>(() => Charts.Line("x", "x", "y", ("bad", [1, 2], [1.0])));
    }

    [Fact]
    public void Line_from_a_dictionary_uses_the_index_as_x()
    {
        var chart = Charts.Line("t", "step", "v", new Dictionary<string, IReadOnlyList<double>> { ["a"] = [5, 6, 7] });
        Assert.Equal([0.0, 1, 2], Numbers(Traces(chart)[0].GetProperty("x")));
    }

    [Fact]
    public void Scatter_makes_one_trace_per_group_with_hover_text()
    {
        var chart = Charts.Scatter("Latents", "pc1", "pc2", [1, 2, 3, 4], [5, 6, 7, 8], ["up", "down", "up", "left"], ["c0", "c1", "c2", "c3"]);
        var traces = Traces(chart);
        Assert.Equal(["up", "down", "left"], traces.Select(t => t.GetProperty("name").GetString()));
        Assert.Equal([1.0, 3.0], Numbers(traces[0].GetProperty("x")));
        Assert.Equal(["c0", "c2"], Strings(traces[0].GetProperty("text")));
        Assert.Equal("text+name", traces[0].GetProperty("hoverinfo").GetString());
        Assert.Throws<ArgumentException>(() => Charts.Scatter("t", "x", "y", [1], [1, 2], ["a"]));
    }

    [Fact]
    public void Bar_and_grouped_bar_carry_error_bars()
    {
        var bar = Traces(Charts.Bar("FVD", "model", "FVD", ["a", "b"], [10, 20], [1, 2]))[0];
        Assert.Equal("bar", bar.GetProperty("type").GetString());
        Assert.Equal(["a", "b"], Strings(bar.GetProperty("x")));
        Assert.Equal([10.0, 20.0], Numbers(bar.GetProperty("y")));
        Assert.Equal([1.0, 2.0], Numbers(bar.GetProperty("error_y").GetProperty("array")));

        var grouped = Traces(Charts.GroupedBar("FVD", "model", "FVD", ["a", "b"], ("sn", [1, 2], null), ("no sn", [3, 4], [0.5, 0.5])));
        Assert.Equal(2, grouped.Length);
        Assert.False(grouped[0].TryGetProperty("error_y", out _));
        Assert.Equal([0.5, 0.5], Numbers(grouped[1].GetProperty("error_y").GetProperty("array")));
    }

    [Fact]
    public void Histogram_overlays_named_samples_with_a_bin_count()
    {
        var chart = Charts.Histogram("Pixel means", "mean", 20, ("real", [0.1, 0.2, 0.3]), ("fake", [0.2, 0.4]));
        var traces = Traces(chart);
        Assert.All(traces, t => Assert.Equal("histogram", t.GetProperty("type").GetString()));
        Assert.Equal(20, traces[0].GetProperty("nbinsx").GetInt32());
        Assert.Equal([0.2, 0.4], Numbers(traces[1].GetProperty("x")));
        Assert.Equal("overlay", Json(chart).GetProperty("layout").GetProperty("barmode").GetString());
    }

    [Fact]
    public void Heatmap_keeps_rows_and_labels()
    {
        var chart = Charts.Heatmap("Confusion", new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }, ["x0", "x1", "x2"], ["r0", "r1"]);
        var t = Traces(chart)[0];
        Assert.Equal("heatmap", t.GetProperty("type").GetString());
        var z = t.GetProperty("z").EnumerateArray().Select(Numbers).ToArray();
        Assert.Equal([4.0, 5, 6], z[1]);
        Assert.Equal(["x0", "x1", "x2"], Strings(t.GetProperty("x")));
        Assert.Throws<ArgumentException>(() => Charts.Heatmap("bad", new double[2, 2], ["only one"]));
    }

    [Fact]
    public void ErrorBars_plots_means_with_half_widths()
    {
        var traces = Traces(Charts.ErrorBars("FVD", "generator", "FVD", ["motion-shape", "two-stream"], ("digits", [100, 90], [5, 7])));
        Assert.Equal("markers", traces[0].GetProperty("mode").GetString());
        Assert.Equal([5.0, 7.0], Numbers(traces[0].GetProperty("error_y").GetProperty("array")));
        Assert.True(traces[0].GetProperty("error_y").GetProperty("symmetric").GetBoolean());
    }

    [Fact]
    public void Standalone_html_embeds_plotly_js_once_and_needs_no_network()
    {
        var a = Charts.Line("A", "x", "y", ("s", [0, 1], [1.0, 2.0]));
        var b = Charts.Bar("B", "x", "y", ["p", "q"], [1, 2]);
        string page = ChartHtml.Page("two charts", [ChartHtml.ToDiv(a), ChartHtml.ToDiv(b)]);
        Assert.Equal(1, Count(page, "plotly.js v" + ChartHtml.PlotlyJsVersion));
        Assert.DoesNotMatch("<script[^>]*\\ssrc=", page);
        // After the embedded library: exactly the two charts, each a div and its drawing script.
        string afterLibrary = page[(page.IndexOf("</script>", StringComparison.Ordinal) + 9)..];
        Assert.Equal(2, Count(afterLibrary, "Plotly.newPlot("));
        Assert.Equal(2, Count(afterLibrary, "</script>"));
        Assert.Equal(1, Count(page[..page.IndexOf("</script>", StringComparison.Ordinal)], "<script"));
        Assert.StartsWith("<!DOCTYPE html>", ChartHtml.ToStandaloneHtml(a, "A"));
    }

    [Fact]
    public void XPlot_line_renders_offline_with_the_same_plotly_js()
    {
        var chart = XPlotCharts.Line("Losses", "step", "loss", ("G", [0, 1], [2.0, 1.0]), ("D", [0, 1], [0.7, 0.6]));
        string html = ChartHtml.ToStandaloneHtml(chart, "xplot");
        Assert.Contains("\"name\":\"G\"", html);
        Assert.Contains("\"name\":\"D\"", html);
        Assert.Contains("Plotly.newPlot(", html);
        Assert.Contains("plotly.js v" + ChartHtml.PlotlyJsVersion, html);
        Assert.DoesNotMatch("<script[^>]*\\ssrc=", html);
    }

    static int Count(string s, string sub)
    {
        int n = 0;
        for (int i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal)) n++;
        return n;
    }
}
