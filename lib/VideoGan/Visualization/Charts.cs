using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.CSharp;
using Plotly.NET.LayoutObjects;
using Plotly.NET.TraceObjects;
using PlotChart = Plotly.NET.CSharp.Chart;

namespace VideoGan.Visualization;

/// <summary>
/// Small chart helpers returning Plotly.NET <see cref="GenericChart"/> (built with Plotly.NET.CSharp): training
/// curves, grouped scatter plots, bars with error bars, histograms and heatmaps, each titled and labelled.
/// Display one in a notebook by returning it from a cell; write one to an offline HTML page with
/// <see cref="ChartHtml.ToStandaloneHtml(GenericChart, string?)"/>.
/// </summary>
/// <remarks>Taught in notebook 00-getting-started; used for curves in 04 and the comparisons in 06-results.</remarks>
public static class Charts
{
    /// <summary>Default figure width in pixels.</summary>
    public const int DefaultWidth = 720;
    /// <summary>Default figure height in pixels.</summary>
    public const int DefaultHeight = 420;

    /// <summary>A line chart with one named series per tuple (each with its own x values), e.g. G and D losses.</summary>
    public static GenericChart Line(string title, string xTitle, string yTitle, params (string Name, IEnumerable<double> X, IEnumerable<double> Y)[] series)
    {
        if (series.Length == 0) throw new ArgumentException("Charts.Line needs at least one series.", nameof(series));
        var traces = series.Select(s =>
        {
            var (x, y) = Pair(s.X, s.Y, $"series '{s.Name}'");
            return PlotChart.Line<double, double, string>(x: x, y: y, Name: s.Name, ShowLegend: true);
        });
        return Style(PlotChart.Combine(traces), title, xTitle, yTitle);
    }

    /// <summary>A line chart of named series against their index (0, 1, 2, ...): step-indexed curves.</summary>
    public static GenericChart Line(string title, string xTitle, string yTitle, IReadOnlyDictionary<string, IReadOnlyList<double>> series) =>
        Line(title, xTitle, yTitle, series.Select(kv => (kv.Key, (IEnumerable<double>)Enumerable.Range(0, kv.Value.Count).Select(i => (double)i).ToArray(), (IEnumerable<double>)kv.Value)).ToArray());

    /// <summary>
    /// A scatter plot coloured by group (one trace, colour and legend entry per distinct group, in order of first
    /// appearance); <paramref name="hoverText"/> (optional, one per point) shows when hovering, e.g. a clip id.
    /// </summary>
    public static GenericChart Scatter(string title, string xTitle, string yTitle, IReadOnlyList<double> x, IReadOnlyList<double> y,
                                       IReadOnlyList<string> groups, IReadOnlyList<string>? hoverText = null)
    {
        if (x.Count != y.Count || x.Count != groups.Count)
            throw new ArgumentException($"Charts.Scatter needs equal lengths: x {x.Count}, y {y.Count}, groups {groups.Count}.");
        if (hoverText is not null && hoverText.Count != x.Count)
            throw new ArgumentException($"Charts.Scatter: hoverText has {hoverText.Count} entries for {x.Count} points.", nameof(hoverText));
        var traces = new List<GenericChart>();
        foreach (string g in groups.Distinct())
        {
            var idx = Enumerable.Range(0, x.Count).Where(i => groups[i] == g).ToArray();
            var px = idx.Select(i => x[i]).ToArray();
            var py = idx.Select(i => y[i]).ToArray();
            traces.Add(hoverText is null
                ? PlotChart.Point<double, double, string>(x: px, y: py, Name: g, ShowLegend: true)
                : PlotChart.Point<double, double, string>(x: px, y: py, Name: g, ShowLegend: true, MultiText: idx.Select(i => hoverText[i]).ToArray())
                    .WithTraceInfo(Name: g));
        }
        var chart = PlotChart.Combine(traces);
        if (hoverText is not null)
            // Hover shows the text, not a label over the marker.
            chart = GenericChart.mapTrace(FuncConvert.FromFunc<Trace, Trace>(t => { t.SetProperty("hoverinfo", "text+name"); return t; }), chart);
        return Style(chart, title, xTitle, yTitle);
    }

    /// <summary>A bar chart (vertical columns) of values per category, with optional symmetric error bars.</summary>
    public static GenericChart Bar(string title, string xTitle, string yTitle, IReadOnlyList<string> categories, IReadOnlyList<double> values,
                                   IReadOnlyList<double>? errors = null)
    {
        if (categories.Count != values.Count) throw new ArgumentException($"Charts.Bar: {categories.Count} categories for {values.Count} values.");
        var chart = PlotChart.Column<double, string, string>(values: values, Keys: new Optional<IEnumerable<string>>(categories, true), Name: yTitle);
        if (errors is not null) chart = WithYErrors(chart, errors, values.Count);
        return Style(chart, title, xTitle, yTitle);
    }

    /// <summary>Grouped bars: one colour per named series, one group per category (e.g. metric per model and setting).</summary>
    public static GenericChart GroupedBar(string title, string xTitle, string yTitle, IReadOnlyList<string> categories,
                                          params (string Name, IReadOnlyList<double> Values, IReadOnlyList<double>? Errors)[] series)
    {
        var traces = series.Select(s =>
        {
            if (s.Values.Count != categories.Count) throw new ArgumentException($"Charts.GroupedBar: series '{s.Name}' has {s.Values.Count} values for {categories.Count} categories.");
            var c = PlotChart.Column<double, string, string>(values: s.Values, Keys: new Optional<IEnumerable<string>>(categories, true), Name: s.Name, ShowLegend: true);
            return s.Errors is null ? c : WithYErrors(c, s.Errors, s.Values.Count);
        });
        return Style(PlotChart.Combine(traces), title, xTitle, yTitle);
    }

    /// <summary>Overlaid histograms of one or more named samples (e.g. real vs generated statistics).</summary>
    public static GenericChart Histogram(string title, string xTitle, int bins, params (string Name, IEnumerable<double> Values)[] samples)
    {
        if (bins < 1) throw new ArgumentOutOfRangeException(nameof(bins), bins, "Use at least one bin.");
        if (samples.Length == 0) throw new ArgumentException("Charts.Histogram needs at least one sample.", nameof(samples));
        var traces = samples.Select(s => PlotChart.Histogram<double, double, string>(
            X: new Optional<IEnumerable<double>>(s.Values.ToArray(), true), Name: s.Name, ShowLegend: true,
            Opacity: samples.Length > 1 ? 0.6 : 1.0, NBinsX: bins));
        var chart = Style(PlotChart.Combine(traces), title, xTitle, "count");
        return samples.Length > 1 ? GenericChart.mapLayout(FuncConvert.FromFunc<Layout, Layout>(l => { l.SetProperty("barmode", "overlay"); return l; }), chart) : chart;
    }

    /// <summary>A heatmap of <paramref name="z"/>[row, column] with optional axis labels (e.g. a confusion matrix).</summary>
    public static GenericChart Heatmap(string title, double[,] z, IReadOnlyList<string>? columnLabels = null, IReadOnlyList<string>? rowLabels = null,
                                       string xTitle = "", string yTitle = "")
    {
        int rows = z.GetLength(0), cols = z.GetLength(1);
        if (columnLabels is not null && columnLabels.Count != cols) throw new ArgumentException($"Charts.Heatmap: {columnLabels.Count} column labels for {cols} columns.");
        if (rowLabels is not null && rowLabels.Count != rows) throw new ArgumentException($"Charts.Heatmap: {rowLabels.Count} row labels for {rows} rows.");
        var data = Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, cols).Select(c => z[r, c]).ToArray()).ToArray();
        var xs = columnLabels ?? Enumerable.Range(0, cols).Select(i => i.ToString()).ToArray();
        var ys = rowLabels ?? Enumerable.Range(0, rows).Select(i => i.ToString()).ToArray();
        var chart = PlotChart.Heatmap<double, string, string, string>(zData: data, X: new Optional<IEnumerable<string>>(xs, true),
                                                                        Y: new Optional<IEnumerable<string>>(ys, true), ReverseYAxis: true);
        return Style(chart, title, xTitle, yTitle);
    }

    /// <summary>
    /// Points with symmetric error bars per category, one trace per named series: means with confidence-interval
    /// half-widths, e.g. FVD of each generator with its 95% interval.
    /// </summary>
    public static GenericChart ErrorBars(string title, string xTitle, string yTitle, IReadOnlyList<string> categories,
                                         params (string Name, IReadOnlyList<double> Mean, IReadOnlyList<double> HalfWidth)[] series)
    {
        if (series.Length == 0) throw new ArgumentException("Charts.ErrorBars needs at least one series.", nameof(series));
        var traces = series.Select(s =>
        {
            if (s.Mean.Count != categories.Count) throw new ArgumentException($"Charts.ErrorBars: series '{s.Name}' has {s.Mean.Count} means for {categories.Count} categories.");
            var c = PlotChart.Point<string, double, string>(x: categories, y: s.Mean, Name: s.Name, ShowLegend: true);
            return WithYErrors(c, s.HalfWidth, s.Mean.Count);
        });
        return Style(PlotChart.Combine(traces), title, xTitle, yTitle);
    }

    static GenericChart WithYErrors(GenericChart chart, IReadOnlyList<double> errors, int count)
    {
        if (errors.Count != count) throw new ArgumentException($"Got {errors.Count} error values for {count} points.", nameof(errors));
        var error = Error.init<double, double>(
            Visible: FSharpOption<bool>.Some(true), Type: FSharpOption<StyleParam.ErrorType>.Some(StyleParam.ErrorType.Data),
            Symmetric: FSharpOption<bool>.Some(true), Array: FSharpOption<IEnumerable<double>>.Some(errors.ToArray()),
            Arrayminus: null, ArrayEncoded: null, ArrayminusEncoded: null, Value: null, Valueminus: null, Traceref: null,
            Tracerefminus: null, Copy_ystyle: null, Color: null, Thickness: null, Width: null);
        return Plotly.NET.Chart.withYError(error).Invoke(chart);
    }

    static GenericChart Style(GenericChart chart, string title, string xTitle, string yTitle) =>
        Plotly.NET.Chart.withTitle(title, null).Invoke(chart)
            .WithXAxisStyle<double, double, string>(TitleText: xTitle)
            .WithYAxisStyle<double, double, string>(TitleText: yTitle)
            .WithSize(DefaultWidth, DefaultHeight);

    static (double[] X, double[] Y) Pair(IEnumerable<double> x, IEnumerable<double> y, string what)
    {
        var xs = x.ToArray(); var ys = y.ToArray();
        if (xs.Length != ys.Length) throw new ArgumentException($"Charts: {what} has {xs.Length} x values and {ys.Length} y values.");
        return (xs, ys);
    }
}
