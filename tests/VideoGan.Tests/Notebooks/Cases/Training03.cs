using VideoGan.Notebooks;

namespace VideoGan.Tests.Notebooks.Cases;

/// <summary>notebooks/03-training.ipynb with its smoke parameters: 4 steps at batch 2, 2-step comparisons, 8 evaluated clips.</summary>
public sealed class Training03 : NotebookCase
{
    public override string Notebook => "03-training.ipynb";

    public override TimeSpan Timeout => TimeSpan.FromMinutes(10);

    public override void Check(NotebookRunResult run)
    {
        Assert.Equal(42, Number(run, "seed"));
        Assert.Equal(1.5, Number(run, "hinge_loss_example"), 5);
        Assert.Equal(new[] { "digits", "digits-motion", "faces", "moving-mnist", "moving-mnist-motion", "smoke" }, Value(run, "presets").AsArray().Select(n => n!.ToString()).ToArray());
        Assert.True(Value(run, "config_error_names_key").GetValue<bool>());
        // Stopped half way (step 2 of 4), resumed there, finished, and matched an uninterrupted run exactly.
        Assert.Equal(2, Number(run, "checkpoint_step"));
        Assert.Equal(2, Number(run, "resumed_at"));
        Assert.Equal(4, Number(run, "final_step"));
        Assert.True(Value(run, "resume_identical").GetValue<bool>());
        // The comparison ran (its timing ratio is shown, not asserted: timings belong in bench/).
        Assert.All(Numbers(run, "compare_final_d_loss"), l => Assert.True(double.IsFinite(l), "D loss of a comparison setting is not finite"));
        Assert.Equal(3, Numbers(run, "compare_final_d_loss").Length);
        // The shipped generator loads and samples [4, 1, 16, 28, 28].
        Assert.Equal(new double[] { 4, 1, 16, 28, 28 }, Numbers(run, "shipped_sample_shape"));
        // 64 content + 10 class one-hot + 16 motion; one row of clips per requested digit.
        Assert.Equal(90, Number(run, "shipped_latent_dim"));
        Assert.Equal(10, Number(run, "shipped_classes"));
        Assert.Equal(new double[] { 40, 1, 16, 28, 28 }, Numbers(run, "digit_grid_shape"));
        // Quality numbers are probabilities, real clips are recognised, and generated frames mostly show the digit asked for.
        Assert.InRange(Number(run, "generated_mean_confidence"), 0.1, 1.0);
        Assert.InRange(Number(run, "generated_class_agreement"), 0.5, 1.0);
        Assert.InRange(Number(run, "real_mean_confidence"), 0.7, 1.0);
        Assert.True(Number(run, "real_motion_px") > 0.5);
        Assert.Contains(run.Cells, c => c.Outputs.Any(o => o["data"]?["text/html"]?.ToString().Contains("plotly", StringComparison.OrdinalIgnoreCase) == true));
    }
}
