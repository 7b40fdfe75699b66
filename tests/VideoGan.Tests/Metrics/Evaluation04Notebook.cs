using VideoGan.Notebooks;
using VideoGan.Tests.Notebooks;

namespace VideoGan.Tests.Metrics;

/// <summary>notebooks/04-evaluation.ipynb with its smoke parameters (n 24, bootstrap 2).</summary>
public sealed class Evaluation04Notebook : NotebookCase
{
    public override string Notebook => "04-evaluation.ipynb";

    /// <summary>Six cases, each with feature extraction, FVD, a small bootstrap, KVD and per-frame FID.</summary>
    public override TimeSpan Timeout => TimeSpan.FromMinutes(10);

    public override void Check(NotebookRunResult run)
    {
        Assert.Matches("^classifier/moving-mnist@[0-9a-f]{8}$", Text(run, "network"));
        Assert.True(Number(run, "heldout_motion") >= 0.9 && Number(run, "heldout_digit_casestudy") >= 0.9, "the shipped classifier is a trained one (chance: 17% and 10%)");
        Assert.Contains("NOT comparable", Text(run, "network_note"));
        Assert.Equal(new double[] { 24, 256 }, Numbers(run, "real_features_shape"));
        Assert.Equal(24, Number(run, "stats_count"));
        // The formula built by hand equals the library's.
        Assert.Equal(Number(run, "fd_library"), Number(run, "fd_manual"), 6);
        // Known orderings: real vs real is below noise and the untrained generator; frozen clips have no motion;
        // shuffled frames move more than real clips.
        double real = Number(run, "fvd_realtrainsplit");
        Assert.True(real < Number(run, "fvd_uniformnoise"));
        Assert.True(real < Number(run, "fvd_untrainedgenerator"));
        Assert.Equal(0.0, Number(run, "motion_staticfirstframe"));
        Assert.Equal(0.0, Number(run, "grey_realtrainsplit"));          // binary ink
        Assert.True(Number(run, "grey_uniformnoise") > 0.3);
        // The sanity table passes with the shipped classifier (N = 256 even in the smoke run).
        Assert.True(Value(run, "sanity_fvd_all_passed").GetValue<bool>());
        Assert.True(Number(run, "sanity_fvd_timeshuffledframes") >= 10 * Number(run, "sanity_fvd_realvsrealfloor"));
        Assert.True(Number(run, "sanity_is_uniform") >= 0.8 * 12 && Number(run, "sanity_is_single") <= 1.5);
        Assert.True(Number(run, "motion_shuffledframes") > 1.2);
        // The error-bar chart rendered.
        Assert.Contains(run.Cells, c => c.Outputs.Any(o => o["data"]?["text/html"]?.ToString().Contains("plotly", StringComparison.OrdinalIgnoreCase) == true));
    }
}
