using VideoGan.Metrics;

namespace VideoGan.Tests.Metrics;

/// <summary>
/// The metrics with the shipped clip classifier can tell good from bad (MetricSanity's protocol: test digits, fixed
/// seeds, N = 256 per set for FVD, 600 for the Inception Score). The same tables are shown in notebook 04.
/// </summary>
public class MetricSanityTests
{
    [Fact]
    public void FvdPutsShuffledFrozenReversedAndNoiseFarAboveTheRealFloor()
    {
        using var net = ClipClassifier.LoadShipped("moving-mnist", TorchSharp.torch.CPU);
        var rows = MetricSanity.Fvd(net, n: 256);
        var table = string.Join("\n", rows.Select(r => $"{r.Case}: {r.Value:G4} (x{r.RatioToFloor:F1} floor) {r.Expected} {(r.Passed ? "ok" : "FAILED")}"));
        Assert.All(rows, r => Assert.True(r.Passed, table));
        Assert.True(rows.Single(r => r.Case == "time-shuffled frames").RatioToFloor >= MetricSanity.FvdFactor, table);
        Assert.True(rows.Single(r => r.Case == "down-right drift: reversed in time").RatioToFloor >= MetricSanity.FvdFactor, table);
        double noise = rows.Single(r => r.Case == "uniform noise").Value;
        Assert.True(rows.Where(r => r.Case != "uniform noise").All(r => r.Value < noise), table);
    }

    [Fact]
    public void InceptionScoreReachesTheClassesInUseAndOneForASingleClass()
    {
        using var net = ClipClassifier.LoadShipped("moving-mnist", TorchSharp.torch.CPU);
        var rows = MetricSanity.InceptionScore(net);
        string table = string.Join("\n", rows.Select(r => $"{r.Case}: {r.Value:F2} {r.Expected}"));
        Assert.True(rows[0].Value >= 0.8 * 12, table);   // 4 digits x 3 motions, uniform
        Assert.True(rows[0].Value <= 12.0001, table);    // never above the classes in use
        Assert.True(rows[1].Value <= 1.5, table);        // one digit, one motion
    }

    /// <summary>
    /// The shipped files are the measured runs (their loaded weights hash to the report's, checked by Load) and keep the
    /// measured quality: digits motion 95.6%, digit 96.6% (64x64) / 93.6% (28x28), heading 98.1%; faces motion 100%.
    /// The issue's 97% bars for the digits' motion and digit heads are not met yet (data/clip-classifiers/README.md).
    /// </summary>
    [Fact]
    public void TheShippedClassifiersKeepTheirMeasuredHeldOutAccuracy()
    {
        using var digits = ClipClassifier.LoadShipped("moving-mnist", TorchSharp.torch.CPU);
        var acc = digits.Report!.HeldOutAccuracy;
        Assert.True(acc["motion"] >= 0.95, $"motion {acc["motion"]:P2}");
        Assert.True(acc["digit/64px-1digit"] >= 0.96, $"digit (64x64) {acc["digit/64px-1digit"]:P2}");
        Assert.True(acc["digit/28px-casestudy"] >= 0.93, $"digit (28x28) {acc["digit/28px-casestudy"]:P2}");
        Assert.True(acc["direction"] >= 0.97, $"direction {acc["direction"]:P2}");
        using var faces = ClipClassifier.LoadShipped("synthetic-faces", TorchSharp.torch.CPU);
        Assert.True(faces.Report!.HeldOutAccuracy["motion"] >= 0.95, $"faces motion {faces.Report.HeldOutAccuracy["motion"]:P2}");
    }
}
