using TorchSharp;
using VideoGan.Models;
using static TorchSharp.torch;

namespace VideoGan.Tests.Models;

public class ModelSummaryTests
{
    [Fact]
    public void SummaryListsLayersInCallOrderWithShapesAndParameterTotals()
    {
        var c = new ModelConfig { Generator = ModelConfig.TwoStream, Upsample = "transpose", GeneratorWidth = 4, DiscriminatorWidth = 4, ContentDim = 6, MotionDim = 2 };
        using var g = ModelFactory.CreateGenerator(c);
        g.train();
        var s = ModelSummary.Of(g, g.SampleLatent(2));
        Assert.True(g.training); // training mode restored
        Assert.Equal(new long[] { 2, 1, 16, 28, 28 }, s.OutputShape);
        Assert.Equal(g.ParameterCount, s.TotalParameters);
        Assert.Equal(s.TotalParameters, s.Layers.Sum(l => l.Parameters));
        var first = s.Layers[0];
        Assert.Equal("fg_trunk.project", first.Name);
        Assert.Equal(new long[] { 2, 8, 4, 7, 7 }, first.OutputShape); // 2 doublings at 28 px: t0 = 16 / 4, 7x7, 2x width
        Assert.Contains(s.Layers, l => l.Name == "fg_mask" && l.Shape == "[2, 1, 16, 28, 28]");
        Assert.Contains("total", s.ToString());
        Assert.Contains("<table>", s.ToHtml());
    }

    [Fact]
    public void SpectrallyNormalisedLayersAreOneRow()
    {
        using var d = ModelFactory.CreateVideoDiscriminator(new ModelConfig { DiscriminatorWidth = 4, SpectralNorm = true });
        var s = ModelSummary.Of(d, torch.zeros(new long[] { 1, 1, 16, 28, 28 }));
        Assert.Equal("net.conv1", s.Layers[0].Name);
        Assert.StartsWith("SpectralNorm(Conv3d(1->4", s.Layers[0].Type);
        Assert.Equal(new long[] { 1, 4, 8, 14, 14 }, s.Layers[0].OutputShape);
        Assert.Equal(new long[] { 1 }, s.OutputShape);
        Assert.Equal(d.ParameterCount, s.TotalParameters);
    }

    [Fact]
    public void PowerIterationTraceConvergesToTheSvdValue()
    {
        torch.manual_seed(8);
        using var sn = new SpectralNorm(nn.Conv3d(4, 8, 3));
        var trace = sn.Trace(30);
        Assert.Equal(31, trace.Count);
        Assert.True(trace[^1].RelativeError < 1e-3, $"relative error after 30 iterations: {trace[^1].RelativeError}");
        Assert.True(trace[^1].RelativeError < trace[0].RelativeError);
        Assert.All(trace, r => Assert.True(r.Estimate <= r.Exact * (1 + 1e-5))); // u^T W v never exceeds sigma_max
    }
}
