using TorchSharp;
using TorchSharp.PyBridge;
using VideoGan.Data;
using VideoGan.Metrics;
using static TorchSharp.torch;

namespace VideoGan.Tests.Metrics;

public class ClipClassifierTests
{
    internal static ClipClassifierModule Small(string domain = "moving-mnist") =>
        new(ClipClassifierTraining.ConfigFor(domain) with { FrameChannels = new[] { 4, 4, 8, 8 }, MotionChannels = new[] { 4, 8, 8 },
                                                            TrajectoryChannels = domain == "moving-mnist" ? 4 : 0 });

    [Fact]
    public void OutputsClipFrameFeaturesHeadsAndTheJointInceptionLabel()
    {
        torch.random.manual_seed(0);
        using var net = new ClipClassifier(Small(), device: torch.CPU);
        using var clips = torch.rand(new long[] { 3, 1, 16, 28, 28 }) * 2 - 1; // any size: resized to 32x32
        var o = net.Forward(clips);
        Assert.Equal(new long[] { 3, 20 }, o.Features.shape);                  // 8 frame + 8 motion + 4 trajectory channels
        Assert.Equal(new long[] { 3 * 16, 8 }, o.FrameFeatures!.shape);
        Assert.Equal(new long[] { 3, 10 * 6 }, o.Probabilities!.shape);       // joint digit x motion
        Assert.True(torch.allclose(o.Probabilities.sum(1), torch.ones(3, dtype: float64)));
        // The joint is the outer product of the two heads' softmaxes.
        var outer = (o.HeadProbabilities["digit"].unsqueeze(2) * o.HeadProbabilities["motion"].unsqueeze(1)).flatten(1);
        Assert.True(torch.allclose(outer, o.Probabilities));
        // Single-label heads only: the multi-label "digits" head never becomes a histogram or an IS label.
        Assert.Equal(new[] { "digit", "direction", "motion", "slope" }, o.HeadProbabilities.Keys.Order().ToArray());
        using var rgb = torch.rand(new long[] { 2, 3, 8, 64, 64 }) * 2 - 1;   // RGB is averaged to gray
        Assert.Equal(new long[] { 2, 20 }, net.Forward(rgb).Features.shape);
        // The trajectory stream's input: the ink centre moves with the ink (a square drifting right).
        var square = torch.full(new long[] { 1, 1, 4, 32, 32 }, -1.0f);
        for (int t = 0; t < 4; t++) square[0, 0, t, TensorIndex.Slice(10, 14), TensorIndex.Slice(4 + 4 * t, 8 + 4 * t)] = torch.tensor(1.0f);
        var traj = ClipClassifierModule.InkTrajectory(square);
        Assert.Equal(new long[] { 1, ClipClassifierModule.TrajectoryInputs, 4 }, traj.shape);
        var cx = traj[0, 0].data<float>().ToArray();
        Assert.True(cx[0] < cx[1] && cx[1] < cx[2] && cx[2] < cx[3], $"centre x {string.Join(", ", cx)}");
        Assert.Equal(2 * 4 / 31.0, cx[1] - cx[0], 4);                          // 4 px of 32 in [-1, 1] coordinates
        Assert.Equal(0.0, traj[0, 7, 2].item<float>(), 5);                     // y does not change
        Assert.False(net.ComparableWithPublishedFvd);
        Assert.Matches("^classifier/moving-mnist@[0-9a-f]{8}$", net.Name);
        // Per-frame probabilities of the per-frame digit head average (in logit space) to the clip's.
        Assert.Equal(new long[] { 3, 16, 10 }, net.FrameProbabilities(clips, "digit").shape);
        Assert.Throws<ArgumentException>(() => net.FrameProbabilities(clips, "motion"));
    }

    [Fact]
    public void ConfigRefusesAMultiLabelInceptionHead()
    {
        var bad = ClipClassifierTraining.ConfigFor("moving-mnist") with { InceptionHeads = new[] { "digits" } };
        var e = Assert.Throws<ArgumentException>(() => bad.Validate());
        Assert.Contains("digits", e.Message);
    }

    [Fact]
    public void DirectionClassIsTheInitialHeadingSector()
    {
        MovingMnistLabel L(MotionType m, double deg) => new()
        {
            Digits = new[] { 1 }, PoolIndices = new[] { 0 }, Motion = m, DirectionDegrees = new[] { deg }, Speed = 0.1,
            StartX = new[] { 0 }, StartY = new[] { 0 },
        };
        Assert.Equal(0, ClipClassifierTraining.DirectionClass(L(MotionType.Bounce, 10)));
        Assert.Equal(1, ClipClassifierTraining.DirectionClass(L(MotionType.Diagonal, 45)));
        Assert.Equal(7, ClipClassifierTraining.DirectionClass(L(MotionType.Diagonal, 315)));
        Assert.Equal(0, ClipClassifierTraining.DirectionClass(L(MotionType.Bounce, 350)));
        Assert.Equal(6, ClipClassifierTraining.DirectionClass(L(MotionType.VerticalBob, 270)));
        Assert.Equal(8, ClipClassifierTraining.DirectionClass(L(MotionType.Static, double.NaN)));
        Assert.Equal(8, ClipClassifierTraining.DirectionClass(L(MotionType.RotateZoom, double.NaN)));
        // The slope folds a heading into [0, 90] degrees (a bounce keeps it): 45 for every diagonal, 5-degree bins.
        string Slope(MotionType m, double deg) => ClipClassifierTraining.SlopeClasses[ClipClassifierTraining.SlopeClass(L(m, deg))];
        foreach (double d in new[] { 45.0, 135, 225, 315 }) Assert.Equal("45deg", Slope(MotionType.Diagonal, d));
        Assert.Equal("40deg", Slope(MotionType.Bounce, 40));
        Assert.Equal("40deg", Slope(MotionType.Bounce, 180 - 40));       // reflected off a side wall
        Assert.Equal("40deg", Slope(MotionType.Bounce, -40));            // reflected off the floor
        Assert.Equal("0deg", Slope(MotionType.Bounce, 182));
        Assert.Equal("90deg", Slope(MotionType.Bounce, 268));
        Assert.Equal("0deg", Slope(MotionType.HorizontalSway, 180));
        Assert.Equal("90deg", Slope(MotionType.VerticalBob, 90));
        Assert.Equal("none", Slope(MotionType.Static, double.NaN));
        Assert.Equal("none", Slope(MotionType.RotateZoom, double.NaN));
        Assert.Equal(20, ClipClassifierTraining.SlopeClasses.Length);
    }

    [Fact]
    public void TrainingReducesTheLossAndWritesWeightsThatLoadUnderTheirOwnHash()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"vg-cls-{Guid.NewGuid():N}");
        try
        {
            var lines = new List<string>();
            string path = Path.Combine(dir, "tiny.pt");
            var report = ClipClassifierTraining.Train(new ClipClassifierTrainingOptions { Steps = 30, BatchSize = 8, TestClips = 30, Seed = 3, DigitFrames = 16 },
                                                      path, "test", lines.Add);
            double first = double.Parse(lines.First(l => l.Contains("step 1/")).Split("loss ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(report.FinalLoss < first, $"loss {first} -> {report.FinalLoss}");
            Assert.True(File.Exists(path) && File.Exists(Path.ChangeExtension(path, ".json")));
            Assert.DoesNotContain(Directory.GetFiles(dir), f => !f.EndsWith(".pt") && !f.EndsWith(".json")); // no temporary files left
            Assert.Contains("motion/28px-casestudy", report.HeldOutAccuracy.Keys);
            Assert.Contains(report.HeldOutAccuracy.Keys, k => k.StartsWith("motion=", StringComparison.Ordinal)); // recall per true class
            Assert.Contains("slope", report.HeldOutAccuracy.Keys);
            Assert.Contains("16 single frames", report.TrainingData);
            Assert.Equal(30, report.HeldOutClips.Values.Sum());
            using var net = ClipClassifier.Load(path, torch.CPU);
            Assert.Equal(report.WeightsSha256, net.WeightsSha256);
            Assert.StartsWith($"classifier/moving-mnist@{report.WeightsSha256[..8]}", net.Name);
            // Continued training starts where the first run ended (a lower first loss than a fresh start) and says so.
            lines.Clear();
            var more = ClipClassifierTraining.Train(new ClipClassifierTrainingOptions { Steps = 3, BatchSize = 8, TestClips = 30, Seed = 3, DigitFrames = 16, InitFrom = path, FirstStep = 30 },
                                                    Path.Combine(dir, "more.pt"), "test", lines.Add);
            double resumedFirst = double.Parse(lines.First(l => l.Contains("step 1/")).Split("loss ")[1].Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(resumedFirst < first, $"continued training's first loss {resumedFirst} vs a fresh start's {first}");
            Assert.Contains($"continued from {net.Name} at batch 30", more.TrainingData);
            Assert.Throws<FileNotFoundException>(() => new ClipClassifierTrainingOptions { InitFrom = Path.Combine(dir, "none.pt") }.Validate());
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Fact]
    public void CorruptWeightsAreRefusedLoudly()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"vg-cls-bad-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            torch.random.manual_seed(4);
            var model = Small();
            string path = Path.Combine(dir, "m.pt");
            var report = new ClipClassifierReport
            {
                Config = model.Config, WeightsSha256 = Fingerprint.OfModule(model), Command = "test", TrainingData = "-", HeldOutData = "-",
                HeldOutAccuracy = new(), HeldOutClips = new(), Steps = 0, BatchSize = 1, Seed = 4, Seconds = 0, Threads = 1, Machine = "-", FinalLoss = 0,
            };
            ClipClassifierTraining.Save(model, report, path);
            Assert.Equal(report.WeightsSha256, ClipClassifier.Load(path, torch.CPU).WeightsSha256);

            // Weights of another network under this report: the hash of what was loaded does not match.
            torch.random.manual_seed(5);
            Small().save_py(path);
            var e = Assert.Throws<InvalidDataException>(() => ClipClassifier.Load(path, torch.CPU));
            Assert.Contains("corrupt or belongs to another run", e.Message);

            // A truncated file is not a state dict.
            File.WriteAllBytes(path, File.ReadAllBytes(path).Take(300).ToArray());
            e = Assert.Throws<InvalidDataException>(() => ClipClassifier.Load(path, torch.CPU));
            Assert.Contains(path, e.Message);

            // NaN weights are refused at load, naming the key.
            var nan = Small();
            using (torch.no_grad()) nan.parameters().First().fill_(double.NaN);
            nan.save_py(path);
            e = Assert.Throws<InvalidDataException>(() => StateDictFile.Load(Small(), path));
            Assert.Contains("NaN", e.Message);

            // A missing report names the file and the fix.
            File.Delete(Path.ChangeExtension(path, ".json"));
            var missing = Assert.Throws<FileNotFoundException>(() => ClipClassifier.Load(path, torch.CPU));
            Assert.Contains("train-classifier", missing.Message);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void StateDictRoundTripIsExactAndCountsTensors()
    {
        torch.random.manual_seed(6);
        var a = Small();
        string path = Path.Combine(Path.GetTempPath(), $"vg-sd-{Guid.NewGuid():N}.pt");
        try
        {
            a.eval(); a.save_py(path);
            var b = Small();
            int copied = StateDictFile.Load(b, path);
            Assert.Equal(a.state_dict().Count, copied);
            b.eval();
            using var x = torch.rand(new long[] { 2, 1, 16, 28, 28 }) * 2 - 1;
            using var fa = a.Run(x).Clip; using var fb = b.Run(x).Clip;
            Assert.True(fa.equal(fb).all().item<bool>());
            Assert.Equal(Fingerprint.OfModule(a), Fingerprint.OfModule(b));
        }
        finally { File.Delete(path); }
    }
}
