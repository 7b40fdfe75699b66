using Plotly.NET;
using VideoGan.Visualization;

namespace VideoGan.Training;

/// <summary>Charts of a run's step records (loss curves, discriminator scores), for notebooks' live displays.</summary>
/// <remarks>Taught in notebook 03-training.</remarks>
public static class TrainingCharts
{
    /// <summary>D and G loss per step, smoothed with a trailing mean over <paramref name="smooth"/> steps (1 = raw).</summary>
    public static GenericChart Losses(IReadOnlyList<StepRecord> history, int smooth = 1, string title = "Losses")
    {
        var x = history.Select(r => (double)r.Step).ToArray();
        return Charts.Line(title, "step", "loss",
            ("D loss", x, Smooth(history.Select(r => r.DLoss).ToArray(), smooth)),
            ("G loss", x, Smooth(history.Select(r => r.GLoss).ToArray(), smooth)));
    }

    /// <summary>One named D-loss curve per run, for comparing settings (spectral norm, unrolling).</summary>
    public static GenericChart Compare(string title, string yTitle, Func<StepRecord, double> value, int smooth, params (string Name, IReadOnlyList<StepRecord> History)[] runs) =>
        Charts.Line(title, "step", yTitle, runs.Select(r => (r.Name, (IEnumerable<double>)r.History.Select(s => (double)s.Step).ToArray(),
                                                               (IEnumerable<double>)Smooth(r.History.Select(value).ToArray(), smooth))).ToArray());

    /// <summary>Trailing mean over a window of <paramref name="window"/> values.</summary>
    public static double[] Smooth(IReadOnlyList<double> values, int window)
    {
        if (window < 1) throw new ArgumentOutOfRangeException(nameof(window), window, "Smoothing window must be at least 1.");
        var result = new double[values.Count];
        double sum = 0;
        for (int i = 0; i < values.Count; i++)
        {
            sum += values[i];
            if (i >= window) sum -= values[i - window];
            result[i] = sum / Math.Min(i + 1, window);
        }
        return result;
    }
}
