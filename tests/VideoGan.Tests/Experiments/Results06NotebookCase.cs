using VideoGan.Models;
using VideoGan.Notebooks;
using VideoGan.Tests.Notebooks;

namespace VideoGan.Tests.Experiments;

/// <summary>notebooks/06-results.ipynb with its smoke parameters: 2 steps per variant, width 8, 8 clips per FVD, 10 bootstrap resamples.</summary>
public sealed class Results06NotebookCase : NotebookCase
{
    public override string Notebook => "06-results.ipynb";

    public override TimeSpan Timeout => TimeSpan.FromMinutes(8);

    public override void Check(NotebookRunResult run)
    {
        // The table has every variant: every generator kind, then SN on / off / unrolled on the base generator.
        var names = Value(run, "variant_names").AsArray().Select(n => n!.ToString()).ToArray();
        var groups = Value(run, "variant_groups").AsArray().Select(n => n!.ToString()).ToArray();
        int kinds = ModelConfig.GeneratorKinds.Count;
        Assert.Equal(ModelConfig.GeneratorKinds, names.Take(kinds));
        Assert.Equal(new[] { "motion-shape SN on", "motion-shape SN off", "motion-shape SN on, unroll 1" }, names.Skip(kinds));
        Assert.Equal(Enumerable.Repeat("generators", kinds).Concat(Enumerable.Repeat("stabilisers", 3)), groups);
        // Every FVD and KVD is finite, FVD >= 0, and every interval holds its estimate.
        double[] fvd = Numbers(run, "fvd"), lo = Numbers(run, "fvd_lower"), hi = Numbers(run, "fvd_upper");
        double[] kvd = Numbers(run, "kvd"), klo = Numbers(run, "kvd_lower"), khi = Numbers(run, "kvd_upper");
        Assert.Equal(kinds + 3, fvd.Length);
        for (int i = 0; i < fvd.Length; i++)
        {
            Assert.True(double.IsFinite(fvd[i]) && fvd[i] >= 0, $"{names[i]}: FVD {fvd[i]}");
            Assert.True(lo[i] <= fvd[i] + 1e-9 && fvd[i] <= hi[i] + 1e-9, $"{names[i]}: FVD {fvd[i]} outside [{lo[i]}, {hi[i]}]");
            Assert.True(double.IsFinite(kvd[i]) && klo[i] <= kvd[i] + 1e-12 && kvd[i] <= khi[i] + 1e-12, $"{names[i]}: KVD {kvd[i]} [{klo[i]}, {khi[i]}]");
        }
        // The reused baseline (motion-shape = motion-shape SN on) scores identically; other variants differ.
        Assert.Equal(fvd[0], fvd[kinds]);
        Assert.Equal(kinds + 2, fvd.Distinct().Count());
        // The floor's percentile interval need not hold its estimate: resampling duplicates clips, which raises the biased
        // FD of two samples of one distribution, so at tiny N the whole interval can sit above the estimate.
        double floor = Number(run, "real_floor_fvd");
        Assert.True(double.IsFinite(floor) && floor >= 0, $"real floor FVD {floor}");
        Assert.True(Number(run, "real_floor_fvd_lower") <= Number(run, "real_floor_fvd_upper"));
        Assert.True(fvd.Min() > floor, $"every short-run variant (min FVD {fvd.Min()}) should be farther from the real clips than real clips are (floor {floor})");
        // FVD over steps: the two checkpoints of the 2-step run; the last one is the generator in the table.
        Assert.Equal(new double[] { 1, 2 }, Numbers(run, "fvd_over_steps_steps"));
        var overSteps = Numbers(run, "fvd_over_steps");
        Assert.All(overSteps, v => Assert.True(double.IsFinite(v) && v >= 0));
        Assert.Equal(fvd[0], overSteps[^1], 9);
        // Training curves: one logged point per step for each generator.
        Assert.Equal(Enumerable.Repeat(2.0, kinds), Numbers(run, "curve_lengths"));
        // Two-stream decomposition: a mask in [0, 1] and a static background.
        Assert.InRange(Number(run, "mask_min"), 0.0, 1.0);
        Assert.InRange(Number(run, "mask_max"), 0.0, 1.0);
        Assert.True(Number(run, "background_motion") < 1e-6);
        Assert.True(double.IsFinite(Number(run, "moving-mnist_short_run_final_d_loss")));
        Assert.True(double.IsFinite(Number(run, "faces_short_run_final_d_loss")));
        // The protocol is labelled, and the discussion places the variants against the real floor.
        Assert.Contains("NOT comparable with published I3D FVD", Text(run, "comparison_protocol"));
        Assert.Equal(Value(run, "variant_names").AsArray().Count + 2, Value(run, "comparison_rows").AsArray().Count);   // header, floor, variants
        Assert.Contains(Value(run, "discussion").AsArray(), s => s!.ToString().Contains("real-vs-real floor"));
        // Clips, Plotly.NET charts and the XPlot.Plotly chart rendered.
        Assert.Contains(run.Cells, c => c.Outputs.Any(o => o["data"]?["text/html"]?.ToString().Contains("image/gif;base64", StringComparison.Ordinal) == true));
        Assert.Contains(run.Cells, c => c.Code.Contains("XPlotCharts.Line") && c.Outputs.Any(o => o["data"]?["text/html"]?.ToString().Contains("plotly", StringComparison.OrdinalIgnoreCase) == true));
        Assert.True(run.Cells.Count(c => c.Outputs.Any(o => o["data"]?["text/html"]?.ToString().Contains("plotly", StringComparison.OrdinalIgnoreCase) == true)) >= 4);
    }
}
