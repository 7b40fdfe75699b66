using VideoGan.Models;
using VideoGan.Notebooks;

namespace VideoGan.Tests.Notebooks.Cases;

/// <summary>notebooks/02-architecture.ipynb with its smoke parameters: 28x28x16, batch 2, width 8, 10 power iterations.</summary>
public sealed class Architecture02 : NotebookCase
{
    public override string Notebook => "02-architecture.ipynb";

    public override void Check(NotebookRunResult run)
    {
        // Parameter counts match the networks the factory builds for the same configuration.
        var config = new ModelConfig { Size = 28, Frames = 16, GeneratorWidth = 8, DiscriminatorWidth = 8 };
        long Count(ModelConfig c) { using var g = ModelFactory.CreateGenerator(c); return g.ParameterCount; }
        Assert.Equal(Count(config), Number(run, "motion_shape_params"));
        Assert.Equal(Count(config with { Generator = ModelConfig.TwoStream }), Number(run, "two_stream_params"));
        Assert.Equal(Count(config with { Generator = ModelConfig.ContentMotion }), Number(run, "content_motion_params"));
        Assert.Equal(Count(config with { Generator = ModelConfig.MotionHeatmap }), Number(run, "motion_heatmap_params"));
        // The learned motion module: a 14x14 probability map per frame; the centred pose renders the glyph itself.
        Assert.Equal(14, Number(run, "heatmap_size"));
        Assert.True(Number(run, "heatmap_sum_max_error") < 1e-5);
        Assert.True(Number(run, "centred_pose_max_error") < 1e-5);
        using (var d = ModelFactory.CreateVideoDiscriminator(config)) Assert.Equal(d.ParameterCount, Number(run, "video_d_params"));
        using (var f = ModelFactory.CreateFrameDiscriminator(config)!) Assert.Equal(f.ParameterCount, Number(run, "frame_d_params"));
        Assert.Equal(new double[] { 2 }, Numbers(run, "video_d_logits_shape"));
        // Zero motion is static; the real field moves the content.
        Assert.True(Number(run, "static_clip_max_change") < 1e-5);
        Assert.True(Number(run, "moving_clip_change") > 1e-3);
        Assert.True(Number(run, "frozen_motion_max_change") < 1e-5);
        // Two-stream composition is exact; the mask penalty is 0.1 * mean(m) in (0, 0.1).
        Assert.True(Number(run, "composition_max_error") < 1e-5);
        Assert.InRange(Number(run, "mask_penalty"), 1e-6, 0.1);
        // Spectral norm: power iteration converges to the SVD value; the normalised weight has sigma 1; no stretch > 1.
        Assert.True(Number(run, "sn_exact_sigma") > 0);
        Assert.True(Number(run, "sn_final_relative_error") < 0.05);
        Assert.InRange(Number(run, "sn_normalized_top_singular_value"), 0.95, 1.05);
        Assert.InRange(Number(run, "sn_max_stretch"), 0.1, 1.0 + 1e-4);
        Assert.True(Number(run, "plain_max_stretch") > 2); // the 10x-scaled plain layer stretches far more
        // Clips and layer tables rendered.
        Assert.Contains(run.Cells, c => c.Outputs.Any(o => o["data"]?["text/html"]?.ToString().Contains("image/gif") == true));
        Assert.Contains(run.Cells, c => c.Outputs.Any(o => o["data"]?["text/html"]?.ToString().Contains("output shape") == true));
    }
}
