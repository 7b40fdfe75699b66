using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using TorchSharp;
using VideoGan.Visualization;

namespace VideoGan.Tests.Notebooks;

/// <summary>NotebookSession (seed, threads, Record) and the chart HTML it registers in notebook hosts.</summary>
[Collection(NotebookCollection.Name)]   // sets a process-wide environment variable and the global seed
public sealed class NotebookSessionTests : IDisposable
{
    readonly string _file = Path.Combine(Path.GetTempPath(), $"videogan-session-{Guid.NewGuid():N}.json");

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(NotebookSession.RecordFileVariable, null);
        File.Delete(_file);
    }

    [Fact]
    public void Start_seeds_torch_and_Record_writes_every_value_to_the_runners_file()
    {
        Environment.SetEnvironmentVariable(NotebookSession.RecordFileVariable, _file);
        var session = NotebookSession.Start(seed: 5, threads: 1);
        float first = torch.randn(1).item<float>();
        NotebookSession.Start(seed: 5, threads: 1);
        Assert.Equal(first, torch.randn(1).item<float>());
        Assert.Equal(1, torch.get_num_threads());
        Assert.True(session.IsHeadless);

        Assert.Equal(2.5, session.Record("loss", 2.5));                 // returns the value
        session.Record("steps", new[] { 1, 2, 3 });
        session.Record("scalar", torch.tensor(4.0f));                   // one-element tensor -> number
        session.Record("loss", 1.25);                                   // replaces

        var json = JsonNode.Parse(File.ReadAllText(_file))!.AsObject();
        Assert.Equal(5, json["seed"]!.GetValue<int>());
        Assert.Equal(1.25, json["loss"]!.GetValue<double>());
        Assert.Equal("[1,2,3]", json["steps"]!.ToJsonString());
        Assert.Equal(4.0, json["scalar"]!.GetValue<double>());
        Assert.False(File.Exists(_file + ".tmp"));

        var e = Assert.Throws<ArgumentException>(() => session.Record("image", torch.zeros(2, 2)));
        Assert.Contains("image", e.Message);
        Assert.Contains("[2, 2]", e.Message);
        TorchSharp.torch.set_num_threads(Environment.ProcessorCount);
    }

    [Fact]
    public void Outside_the_runner_values_stay_in_memory()
    {
        Environment.SetEnvironmentVariable(NotebookSession.RecordFileVariable, null);
        var session = NotebookSession.Start(seed: 1);
        session.Record("x", "y");
        Assert.False(session.IsHeadless);
        Assert.Equal("y", session.Recorded["x"]!.GetValue<string>());
    }

    [Fact]
    public void Chart_html_draws_with_the_pages_plotly_or_loads_it()
    {
        var chart = Charts.Line("t", "x", "y", ("s", new double[] { 0, 1 }, new double[] { 2, 3 }));
        string html = ChartDisplay.ToHtml(chart);
        string id = Regex.Match(html, "<div id=\"([^\"]+)\"").Groups[1].Value;
        Assert.StartsWith("videogan-chart-", id);
        Assert.Contains($"Plotly.newPlot('{id}'", html);
        Assert.Contains("if (window.Plotly) { draw(window.Plotly); return; }", html);   // offline pages embed plotly.js
        Assert.Contains($"plotly-{ChartDisplay.PlotlyJsVersion}.min", html);
        Assert.Equal(1, Regex.Matches(html, "<script").Count);

        var xplot = XPlotCharts.Line("t", "x", "y", ("s", new double[] { 0, 1 }, new double[] { 2, 3 }));
        string xhtml = ChartDisplay.ToHtml(xplot);
        Assert.Equal(1, Regex.Matches(xhtml, "<script").Count);
        Assert.Contains("newPlot", xhtml);
        Assert.Contains("if (window.Plotly)", xhtml);

        Assert.StartsWith("2.", ChartDisplay.PlotlyJsVersion);
        Assert.Contains("newPlot", ChartDisplay.PlotlyJs());
    }
}
