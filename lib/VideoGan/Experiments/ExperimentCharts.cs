using Microsoft.FSharp.Core;
using Plotly.NET;
using Plotly.NET.CSharp;
using Plotly.NET.TraceObjects;
using VideoGan.Metrics;
using VideoGan.Training;
using VideoGan.Visualization;
using PlotChart = Plotly.NET.CSharp.Chart;

namespace VideoGan.Experiments;

/// <summary>A run's training curves from its <c>log.jsonl</c>, as plain arrays (JSON-serialisable).</summary>
/// <param name="Steps">Logged steps.</param>
/// <param name="DLoss">Discriminator loss per logged step.</param>
/// <param name="GLoss">Generator loss per logged step.</param>
/// <param name="DReal">Mean D logit on real clips.</param>
/// <param name="DFake">Mean D logit on generated clips.</param>
/// <param name="StepMs">Milliseconds per step.</param>
public sealed record TrainingCurves(double[] Steps, double[] DLoss, double[] GLoss, double[] DReal, double[] DFake, double[] StepMs)
{
    /// <summary>Reads the curves of a run folder (or a <c>log.jsonl</c> path).</summary>
    public static TrainingCurves Read(string runDirectoryOrLog)
    {
        string path = Directory.Exists(runDirectoryOrLog) ? Path.Combine(runDirectoryOrLog, "log.jsonl") : runDirectoryOrLog;
        if (!File.Exists(path)) throw new FileNotFoundException($"Training log '{path}' does not exist: pass a run folder written by the Trainer (it holds log.jsonl).", path);
        return From(TrainingLog.Read(path));
    }

    /// <summary>The curves of step records (for example <c>Trainer.History</c>).</summary>
    public static TrainingCurves From(IReadOnlyList<StepRecord> records)
    {
        if (records.Count == 0) throw new ArgumentException("No step records: the run logged nothing.", nameof(records));
        return new TrainingCurves(records.Select(r => (double)r.Step).ToArray(), records.Select(r => r.DLoss).ToArray(), records.Select(r => r.GLoss).ToArray(),
                                  records.Select(r => r.DReal).ToArray(), records.Select(r => r.DFake).ToArray(), records.Select(r => r.StepMs).ToArray());
    }

    /// <summary>Number of logged steps.</summary>
    public int Count => Steps.Length;
}

/// <summary>Charts of experiments: FVD per variant with asymmetric bootstrap intervals, FVD over steps, training curves.</summary>
/// <remarks>Taught in notebooks/06-results.ipynb.</remarks>
public static class ExperimentCharts
{
    /// <summary>FVD of each variant of <paramref name="group"/> (null = all) with its bootstrap interval as error bars, and the real floor as a line.</summary>
    public static GenericChart Fvd(ComparisonResult result, string? group = null, string? title = null)
    {
        var vs = group is null ? result.Variants : result.Group(group);
        if (vs.Count == 0) throw new ArgumentException($"The comparison has no variants in group '{group}'.", nameof(group));
        var names = vs.Select(v => v.Name).ToArray();
        var points = WithIntervals(PlotChart.Point<string, double, string>(x: names, y: vs.Select(v => v.Metrics.Fvd.Estimate).ToArray(), Name: "FVD", ShowLegend: true),
                                   vs.Select(v => v.Metrics.Fvd).ToList());
        var floor = PlotChart.Line<string, double, string>(x: names, y: names.Select(_ => result.RealFloor.Fvd.Estimate).ToArray(), Name: "real vs real (floor)", ShowLegend: true);
        return Style(PlotChart.Combine(new[] { points, floor }),
            title ?? $"FVD ({result.Protocol.Level * 100:0}% bootstrap intervals), {result.Protocol.Network}, N = {result.Protocol.NFake}",
            "variant", "FVD (offline network; lower is better)");
    }

    /// <summary>FVD over training steps with intervals (one run's checkpoints).</summary>
    public static GenericChart FvdOverSteps(IReadOnlyList<CheckpointScore> scores, string title, double? realFloor = null)
    {
        if (scores.Count == 0) throw new ArgumentException("No checkpoint scores to plot.", nameof(scores));
        var x = scores.Select(s => (double)s.Step).ToArray();
        var line = WithIntervals(PlotChart.Line<double, double, string>(x: x, y: scores.Select(s => s.Metrics.Fvd.Estimate).ToArray(), Name: "FVD", ShowLegend: true, ShowMarkers: true),
                                 scores.Select(s => s.Metrics.Fvd).ToList());
        var traces = new List<GenericChart> { line };
        if (realFloor is { } f) traces.Add(PlotChart.Line<double, double, string>(x: x, y: x.Select(_ => f).ToArray(), Name: "real vs real (floor)", ShowLegend: true));
        return Style(PlotChart.Combine(traces), title, "training step", "FVD (offline network)");
    }

    /// <summary>D and G loss of several runs on one chart, smoothed with a trailing mean.</summary>
    public static GenericChart Losses(string title, int smooth, params (string Name, TrainingCurves Curves)[] runs) =>
        Charts.Line(title, "step", "loss", runs.SelectMany(r => new[]
        {
            ($"{r.Name} · D", (IEnumerable<double>)r.Curves.Steps, (IEnumerable<double>)TrainingCharts.Smooth(r.Curves.DLoss, smooth)),
            ($"{r.Name} · G", r.Curves.Steps, TrainingCharts.Smooth(r.Curves.GLoss, smooth)),
        }).ToArray());

    static GenericChart WithIntervals(GenericChart chart, IReadOnlyList<ConfidenceInterval> intervals)
    {
        var plus = intervals.Select(c => Math.Max(0, c.Upper - c.Estimate)).ToArray();
        var minus = intervals.Select(c => Math.Max(0, c.Estimate - c.Lower)).ToArray();
        var error = Error.init<double, double>(
            Visible: FSharpOption<bool>.Some(true), Type: FSharpOption<StyleParam.ErrorType>.Some(StyleParam.ErrorType.Data),
            Symmetric: FSharpOption<bool>.Some(false), Array: FSharpOption<IEnumerable<double>>.Some(plus),
            Arrayminus: FSharpOption<IEnumerable<double>>.Some(minus), ArrayEncoded: null, ArrayminusEncoded: null, Value: null, Valueminus: null,
            Traceref: null, Tracerefminus: null, Copy_ystyle: null, Color: null, Thickness: null, Width: null);
        return Plotly.NET.Chart.withYError(error).Invoke(chart);
    }

    static GenericChart Style(GenericChart chart, string title, string xTitle, string yTitle) =>
        Plotly.NET.Chart.withTitle(title, null).Invoke(chart)
            .WithXAxisStyle<double, double, string>(TitleText: xTitle)
            .WithYAxisStyle<double, double, string>(TitleText: yTitle)
            .WithSize(Charts.DefaultWidth, Charts.DefaultHeight);
}
