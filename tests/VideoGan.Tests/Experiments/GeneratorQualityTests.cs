using System.Text.Json.Nodes;
using TorchSharp;
using VideoGan.Experiments;
using VideoGan.Metrics;
using VideoGan.Models;
using VideoGan.Tests.Metrics;
using VideoGan.Training;

namespace VideoGan.Tests.Experiments;

public class GeneratorQualityTests
{
    static readonly DataConfig Digits = new()
    {
        Kind = "digits", Size = 28, Frames = 16, DigitScale = 0.5, BinaryInk = true,
        MotionTypes = Enum.GetValues<VideoGan.Data.MotionType>(),
    };

    [Fact]
    public void ReportsTheBarsWithTheMetricsIssuesKeysAndTheFloor()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(9);
        using var net = new ClipClassifier(ClipClassifierTests.Small(), device: torch.CPU);
        using var g = new MotionHeatmapGenerator(new ModelConfig { Generator = ModelConfig.MotionHeatmap, GeneratorWidth = 8, ContentDim = 6, MotionDim = 4 });
        var o = new GeneratorQualityOptions { Clips = 24, Bootstrap = 3, Neighbours = 5 };
        var r = GeneratorQuality.Measure(g, Digits, net, "untrained", o);
        // An untrained generator is far from real clips; real clips are near each other.
        Assert.True(r.Fvd > r.FvdFloor, $"FVD {r.Fvd} vs floor {r.FvdFloor}");
        Assert.True(r.FvdOverFloor!.Value > 1);
        Assert.InRange(r.ConfidentFramesGenerated!.Value, 0, 1);
        Assert.NotNull(r.MotionKnnAccuracy);
        Assert.InRange(r.MotionKnnChance!.Value, 1.0 / 6, 1);
        Assert.Equal(GeneratorQuality.DigitsBars.Select(b => b.Name), r.Bars.Select(b => b.Name));
        Assert.All(r.Bars, b => Assert.Equal(b.AtLeast ? b.Value >= b.Bar : b.Value <= b.Bar, b.Passes));
        // The JSON has the metrics issue's names at the top level, and no NaN anywhere.
        var doc = JsonNode.Parse(r.ToJson())!.AsObject();
        foreach (var key in new[] { "fvd", "fvd_ci", "kvd", "is3d_mean", "is3d_std", "network", "n_real", "heads", "speed_ks",
                                    "grey_fraction_generated", "grey_fraction_real", "fvd_floor", "confident_frames_generated", "motion_knn_accuracy", "bars" })
            Assert.True(doc.ContainsKey(key), $"missing key {key}");
        Assert.Contains("digit", doc["heads"]!.AsObject().Select(kv => kv.Key));
        Assert.Contains("FVD", r.ToTable());
    }

    [Fact]
    public void AGeneratorWithoutAMotionCodeSaysSoInsteadOfANumber()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(10);
        using var net = new ClipClassifier(ClipClassifierTests.Small(), device: torch.CPU);
        using var g = ModelFactory.CreateGenerator(ModelConfig.Tiny(ModelConfig.TwoStream));
        var r = GeneratorQuality.Measure(g, Digits, net, "two-stream", new GeneratorQualityOptions { Clips = 16, Bootstrap = 0, Neighbours = 3 });
        Assert.Null(r.MotionKnnAccuracy);
        Assert.Contains("motion_knn_accuracy", r.NotApplicable.Keys);
        Assert.DoesNotContain(r.Bars, b => b.Name == "motion_knn_over_chance");
        Assert.Throws<ArgumentOutOfRangeException>(() => new GeneratorQualityOptions { Clips = 4 }.Validate());
    }
}
