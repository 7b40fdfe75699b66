using XPlot.Plotly;

namespace VideoGan.Visualization;

/// <summary>
/// The same line chart as <see cref="Charts.Line(string, string, string, ValueTuple{string, IEnumerable{double}, IEnumerable{double}}[])"/>
/// built with XPlot.Plotly, for users who still use it. XPlot has no notebook formatter of its own; show it in a
/// page with <see cref="ChartHtml.ToStandaloneHtml(PlotlyChart, string?)"/> or in a notebook as HTML via
/// <see cref="ChartHtml.ToDiv(PlotlyChart)"/>.
/// </summary>
/// <remarks>Used in notebook 06-results.</remarks>
public static class XPlotCharts
{
    /// <summary>A line chart with one named series per tuple.</summary>
    public static PlotlyChart Line(string title, string xTitle, string yTitle, params (string Name, IEnumerable<double> X, IEnumerable<double> Y)[] series)
    {
        if (series.Length == 0) throw new ArgumentException("XPlotCharts.Line needs at least one series.", nameof(series));
        var traces = series.Select(s =>
        {
            var x = s.X.ToArray(); var y = s.Y.ToArray();
            if (x.Length != y.Length) throw new ArgumentException($"XPlotCharts.Line: series '{s.Name}' has {x.Length} x values and {y.Length} y values.");
            return new Scatter { x = x, y = y, name = s.Name, mode = "lines" };
        }).ToArray();
        var layout = new Layout.Layout { title = title, xaxis = new Xaxis { title = xTitle }, yaxis = new Yaxis { title = yTitle }, showlegend = true };
        var chart = Chart.Plot(traces, layout);
        chart.WithSize(Charts.DefaultWidth, Charts.DefaultHeight);
        return chart;
    }
}
