using TorchSharp;
using VideoGan.Data;
using VideoGan.Metrics;
using static TorchSharp.torch;

namespace VideoGan.Tests.Metrics;

public class ClipSetStatisticsTests
{
    [Fact]
    public void HistogramTotalVariationAndEntropyMatchTheirDefinitions()
    {
        // Rows' argmax: 0, 0, 1, 2 -> shares 0.5, 0.25, 0.25.
        using var p = torch.tensor(new double[] { 0.9, 0.1, 0, 0.6, 0.3, 0.1, 0.2, 0.7, 0.1, 0.1, 0.2, 0.7 }, new long[] { 4, 3 });
        Assert.Equal(new[] { 0.5, 0.25, 0.25 }, ClipSetStatistics.PredictedHistogram(p));
        Assert.Equal(0.5, ClipSetStatistics.TotalVariation(new[] { 1.0, 0 }, new[] { 0.5, 0.5 }), 12);
        Assert.Equal(1.0, ClipSetStatistics.TotalVariation(new[] { 1.0, 0 }, new[] { 0, 1.0 }), 12);
        Assert.Equal(1.0, ClipSetStatistics.EntropyRatio(new[] { 0.25, 0.25, 0.25, 0.25 }), 12);
        Assert.Equal(0.0, ClipSetStatistics.EntropyRatio(new[] { 1.0, 0, 0 }), 12);
        double h = -(0.5 * Math.Log(0.5) + 0.5 * Math.Log(0.25));
        Assert.Equal(h / Math.Log(3), ClipSetStatistics.EntropyRatio(new[] { 0.5, 0.25, 0.25 }), 12);
        Assert.Throws<ArgumentException>(() => ClipSetStatistics.TotalVariation(new[] { 1.0 }, new[] { 0.5, 0.5 }));
    }

    [Fact]
    public void KolmogorovSmirnovMatchesHandComputedValues()
    {
        // ECDF gaps: identical samples 0; disjoint ranges 1; {1,2,3,4} vs {3,4,5,6}: at 2, 0.5 vs 0.
        Assert.Equal(0.0, ClipSetStatistics.KolmogorovSmirnov(new[] { 1.0, 2, 3 }, new[] { 3.0, 1, 2 }), 12);
        Assert.Equal(1.0, ClipSetStatistics.KolmogorovSmirnov(new[] { 1.0, 2 }, new[] { 5.0, 6, 7 }), 12);
        Assert.Equal(0.5, ClipSetStatistics.KolmogorovSmirnov(new[] { 1.0, 2, 3, 4 }, new[] { 3.0, 4, 5, 6 }), 12);
        // Unequal sizes with ties (scipy.stats.ks_2samp([1,2,2,3], [2,3,3]) = 0.5: at 2, 0.75 vs 0.333).
        Assert.Equal(0.75 - 1.0 / 3, ClipSetStatistics.KolmogorovSmirnov(new[] { 1.0, 2, 2, 3 }, new[] { 2.0, 3, 3 }), 12);
        Assert.Throws<ArgumentException>(() => ClipSetStatistics.KolmogorovSmirnov(Array.Empty<double>(), new[] { 1.0 }));
    }

    [Fact]
    public void SpeedIsTheInkCentreDisplacementAndGreyPixelsAreCounted()
    {
        // One 8x8 clip, a 2x2 white square moving 1 px right per frame: speed 1 px/frame; no grey pixels.
        var x = torch.full(new long[] { 1, 1, 4, 8, 8 }, -1.0);
        for (int t = 0; t < 4; t++) x[0, 0, t, TensorIndex.Slice(2, 4), TensorIndex.Slice(t, t + 2)] = torch.tensor(1.0);
        var s = new PixelStatistics();
        s.Add(x);
        Assert.Equal(1.0, s.Speeds.Single(), 9);
        Assert.Equal(0.0, s.GreyFraction);
        // A faint box at 15% intensity over a quarter of the canvas is grey; 2% and 60% are not.
        var g = torch.full(new long[] { 1, 1, 2, 8, 8 }, -1.0);
        g[0, 0, TensorIndex.Colon, TensorIndex.Slice(0, 4), TensorIndex.Slice(0, 4)] = torch.tensor(0.15 * 2 - 1);
        g[0, 0, TensorIndex.Colon, 7, 7] = torch.tensor(0.02 * 2 - 1);
        g[0, 0, TensorIndex.Colon, 6, 6] = torch.tensor(0.6 * 2 - 1);
        var sg = new PixelStatistics();
        sg.Add(g);
        Assert.Equal(16.0 / 64, sg.GreyFraction, 12);
        // Real binary-ink case-study digits have no grey pixels and move about 1.4 px/frame.
        var real = MovingMnist.Generate(MnistDigits.LoadEmbedded(MnistSplit.Test), 64, MovingMnistOptions.CaseStudyDigits, seed: 5);
        var sr = new PixelStatistics();
        sr.Add(real.Clips.ToTensor());
        Assert.Equal(0.0, sr.GreyFraction);
        Assert.InRange(sr.Result().MeanSpeed, 1.1, 1.6);
    }
}
