using VideoGan.Notebooks;
using VideoGan.Tests.Notebooks;

namespace VideoGan.Tests.Data;

/// <summary>
/// notebooks/01-data-preparation.ipynb with its smoke parameters (64 train / 32 test clips, 120 statistics clips,
/// 12 faces, batch 8 of 16-frame crops). Found by reflection like every <see cref="NotebookCase"/>.
/// </summary>
public sealed class DataPreparation01 : NotebookCase
{
    public override string Notebook => "01-data-preparation.ipynb";

    public override void Check(NotebookRunResult run)
    {
        Assert.Equal(8000, Number(run, "train_digits"));
        Assert.Equal(2000, Number(run, "test_digits"));
        Assert.All(Numbers(run, "test_class_counts"), c => Assert.Equal(200, c));
        // Srivastava speed: 0.1 of the 36 px free range per frame (bounces make single steps shorter).
        Assert.InRange(Number(run, "median_step_px"), 2.5, 3.7);
        Assert.Equal(new double[] { 8, 1, 16, 28, 28 }, Numbers(run, "case_study_shape"));
        Assert.Equal(new double[] { 64, 1, 20, 64, 64 }, Numbers(run, "train_shape"));
        Assert.Equal(new double[] { 32, 1, 20, 64, 64 }, Numbers(run, "test_shape"));
        Assert.True(Value(run, "byte_identical").GetValue<bool>());
        var pools = Value(run, "pools").AsArray().Select(p => p!.ToString()).ToArray();
        Assert.Contains("train", pools[0]);
        Assert.Contains("test", pools[1]);
        var motions = Value(run, "motion_counts").AsObject();
        Assert.Equal(6, motions.Count);
        Assert.Equal(120, motions.Sum(kv => kv.Value!.GetValue<int>()));
        Assert.All(motions, kv => Assert.True(kv.Value!.GetValue<int>() > 0, $"no {kv.Key} clips"));
        Assert.InRange(Number(run, "background_fraction"), 0.8, 0.99);
        Assert.InRange(Number(run, "mean_pixel"), 3, 30);
        Assert.Equal(new double[] { 8, 1, 16, 64, 64 }, Numbers(run, "batch_shape"));
        Assert.Equal(-1, Number(run, "batch_min"));
        Assert.InRange(Number(run, "batch_max"), 0.9, 1.0);
        Assert.Equal(8, Number(run, "batches_per_epoch"));
        Assert.Equal(new double[] { 12, 3, 16, 64, 64 }, Numbers(run, "faces_shape"));
        Assert.Contains("SYNTHETIC", Text(run, "faces_source"));
        Assert.True(Value(run, "face_motions").AsArray().Count >= 3);
        Assert.Equal(2, Number(run, "frame_folder_clips"));
        Assert.Equal(new double[] { 20, 32, 64, 64 }, Numbers(run, "npy_header_shape"));
        Assert.True(Value(run, "npy_round_trip").GetValue<bool>());
        // Clips and charts rendered.
        Assert.Contains(run.Cells, c => c.Outputs.Any(o => o["data"]?["text/html"]?.ToString().Contains("image/gif", StringComparison.Ordinal) == true));
        Assert.Contains(run.Cells, c => c.Outputs.Any(o => o["data"]?["text/html"]?.ToString().Contains("plotly", StringComparison.OrdinalIgnoreCase) == true));
    }
}
