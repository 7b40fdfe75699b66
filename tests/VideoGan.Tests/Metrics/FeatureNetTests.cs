using TorchSharp;
using TorchSharp.PyBridge;
using VideoGan.Data;
using VideoGan.Metrics;
using static TorchSharp.torch;

namespace VideoGan.Tests.Metrics;

public class FeatureNetTests
{
    static VideoFeatureNetModule Small(string domain = "moving-mnist") =>
        new(FeatureNetTraining.ConfigFor(domain) with { FrameChannels = new[] { 4, 8, 8 }, ClipChannels = 16 });

    [Fact]
    public void OutputsClipFrameFeaturesAndJointProbabilities()
    {
        torch.random.manual_seed(0);
        var net = new VideoFeatureNet(Small(), "test-sha-000000", device: torch.CPU);
        using var clips = torch.rand(new long[] { 3, 1, 16, 28, 28 }) * 2 - 1; // any size: resized to 32x32
        var o = net.Forward(clips);
        Assert.Equal(new long[] { 3, 16 }, o.Features.shape);
        Assert.Equal(new long[] { 3 * 16, 8 }, o.FrameFeatures!.shape);
        Assert.Equal(new long[] { 3, Enum.GetValues<MotionType>().Length }, o.Probabilities!.shape); // digits head is multi-label: not in the joint
        Assert.True(torch.allclose(o.Probabilities.sum(1), torch.ones(3, dtype: float64)));
        using var rgb = torch.rand(new long[] { 2, 3, 8, 64, 64 }) * 2 - 1; // RGB is averaged to gray
        Assert.Equal(new long[] { 2, 16 }, net.Forward(rgb).Features.shape);
        Assert.False(net.ComparableWithPublishedFvd);
        Assert.StartsWith("feature-net/moving-mnist@", net.Name);
    }

    [Fact]
    public void TrainingStepsReduceLossOnAFixedBatchAndWeightsRoundTrip()
    {
        torch.random.manual_seed(1);
        var model = Small();
        var set = MovingMnist.Generate(MnistDigits.LoadEmbedded(MnistSplit.Train), 12,
            MovingMnistOptions.CaseStudyDigits with { MotionTypes = new[] { MotionType.Static, MotionType.Bounce } }, seed: 3);
        using var x = set.Clips.ToTensor();
        using var y = torch.tensor(set.Labels.Select(l => (long)l.Motion).ToArray());
        var opt = torch.optim.Adam(model.parameters(), 0.01);
        double first = 0, last = 0;
        for (int i = 0; i < 15; i++)
        {
            using var scope = torch.NewDisposeScope();
            var loss = nn.functional.cross_entropy(model.Run(x).Logits[1], y);
            opt.zero_grad(); loss.backward(); opt.step();
            if (i == 0) first = loss.item<float>();
            last = loss.item<float>();
        }
        Assert.True(last < 0.5 * first, $"loss {first} -> {last}");

        string path = Path.Combine(Path.GetTempPath(), $"vg-fn-{Guid.NewGuid():N}.pt");
        try
        {
            model.eval();
            model.save_py(path);
            var back = Small();
            I3dFeatureNetwork.LoadStateDict(back, path);
            back.eval();
            using var a = model.Run(x).Clip; using var b = back.Run(x).Clip;
            Assert.True(a.equal(b).all().item<bool>());
        }
        finally { File.Delete(path); }
    }
}
