using VideoGan.Notebooks;
using VideoGan.Tests.Notebooks;

namespace VideoGan.Tests.Analysis;

/// <summary>notebooks/05-latent-analysis.ipynb with its smoke parameters: 180 real and 30 generated clips, 500 t-SNE iterations (fewer real clips make the k-NN cluster score too noisy to assert).</summary>
public sealed class LatentAnalysisNotebookCase : NotebookCase
{
    public override string Notebook => "05-latent-analysis.ipynb";

    public override TimeSpan Timeout => TimeSpan.FromMinutes(8);

    public override void Check(NotebookRunResult run)
    {
        Assert.Equal(new double[] { 180, 1, 16, 28, 28 }, Numbers(run, "real_shape"));
        // The descriptors carry the motion type, and the t-SNE map keeps it well above chance.
        double chance = Number(run, "motion_chance");
        Assert.InRange(chance, 1 / 6.0 - 1e-9, 0.5);
        double features = Number(run, "motion_cluster_score_features"), tsne = Number(run, "motion_cluster_score_tsne");
        Assert.True(features > chance + 0.2, $"descriptors should separate motion types: k-NN accuracy {features:F3}, chance {chance:F3}");
        Assert.True(tsne > chance + 0.2, $"the t-SNE map should keep motion clusters: k-NN accuracy {tsne:F3} (descriptors {features:F3}, PCA {Number(run, "motion_cluster_score_pca"):F3}), chance {chance:F3}");
        Assert.InRange(Number(run, "real_trustworthiness"), 0.7, 1.0);
        Assert.InRange(Number(run, "motion_cluster_score_pca"), 0.0, 1.0);
        Assert.InRange(Number(run, "real_vs_generated_score"), 0.0, 1.0);
        Assert.InRange(Number(run, "latent_motion_cluster_score"), 0.0, 1.0);
        // Slerp keeps the midpoint norm typical; the linear midpoint is shorter.
        Assert.True(Number(run, "midpoint_norm_spherical") > Number(run, "midpoint_norm_linear"));
        // The latent circle closes: its wrap-around step is an ordinary step.
        Assert.InRange(Number(run, "loop_closure_circle"), 0.0, 1.6);
        Assert.Equal(new double[] { 12, 1, 16, 28, 28 }, Numbers(run, "swap_grid_shape"));
        // The generated clips' motion types come from the shipped clip classifier, and the claims are numbers.
        Assert.StartsWith("classifier/moving-mnist@", Text(run, "fake_motion_source"));
        Assert.InRange(Number(run, "motion_knn_accuracy"), 0.0, 1.0);
        Assert.InRange(Number(run, "motion_knn_chance"), 1 / 6.0 - 1e-9, 1.0);
        Assert.InRange(Number(run, "swap_digit_agreement"), 1 / 4.0, 1.0);      // at least one of 4 per row agrees with itself
        Assert.InRange(Number(run, "swap_motion_agreement"), 1 / 3.0, 1.0);
        Assert.Equal(3, Value(run, "walk_shares").AsArray().Count);              // smoke: 3 steps
        // The loop mode closes loops: the wrap-around step shrinks.
        Assert.True(Number(run, "loop_mode_closure_after") < Number(run, "loop_mode_closure_before"),
            $"loop mode closure {Number(run, "loop_mode_closure_before"):F2} -> {Number(run, "loop_mode_closure_after"):F2}");
        Assert.Equal(new double[] { 6, 1, 16, 56, 56 }, Numbers(run, "upscaled_shape"));
        // Charts and clips rendered.
        Assert.Contains(run.Cells, c => c.Outputs.Any(o => o["data"]?["text/html"]?.ToString().Contains("plotly", StringComparison.OrdinalIgnoreCase) == true));
        Assert.Contains(run.Cells, c => c.Outputs.Any(o => o["data"]?["text/html"]?.ToString().Contains("image/gif;base64", StringComparison.Ordinal) == true));
    }
}
