using VideoGan.Notebooks;

namespace VideoGan.Tests.Notebooks.Cases;

/// <summary>notebooks/00-getting-started.ipynb with its smoke parameters: frames 6, size 16, side 4.</summary>
public sealed class GettingStarted00 : NotebookCase
{
    public override string Notebook => "00-getting-started.ipynb";

    public override void Check(NotebookRunResult run)
    {
        Assert.Equal(42, Number(run, "seed"));
        Assert.Equal(typeof(TorchSharp.torch).Assembly.GetName().Version!.ToString(), Text(run, "torchsharp_version"));
        Assert.StartsWith("2.", Text(run, "libtorch_version"));
        Assert.True(Number(run, "threads") >= 1);
        Assert.Equal(1, Number(run, "torchsharp_copies"));   // one TorchSharp in the process (the Jupyter check asserts the same in the kernel)
        Assert.Equal(15, Number(run, "tiny_sum"));
        // The smoke parameters reached the notebook: [1, 1, frames, size, size].
        Assert.Equal(new double[] { 1, 1, 6, 16, 16 }, Numbers(run, "video_shape"));
        // Every frame has exactly one side x side square lit.
        Assert.Equal(new double[] { 16 }, Numbers(run, "lit_pixels_per_frame"));
        // The square's centre moves from side/2 - 0.5 to (size - side) + side/2 - 0.5.
        Assert.Equal(1.5, Number(run, "centre_x_first"), 5);
        Assert.Equal(13.5, Number(run, "centre_x_last"), 5);
        // The clip rendered inline as an animated GIF, with all frames.
        Assert.Equal(6, Number(run, "clip_frames"));
        Assert.Contains(run.Cells, c => c.Outputs.Any(o => o["data"]?["text/html"]?.ToString().Contains("data:image/gif;base64,") == true));
        // The chart cell produced HTML.
        Assert.Contains(run.Cells, c => c.Outputs.Any(o => o["data"]?["text/html"]?.ToString().Contains("plotly", StringComparison.OrdinalIgnoreCase) == true));
    }
}
