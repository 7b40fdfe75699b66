using System.Text.Json;
using VideoGan.Data;
using VideoGan.Metrics;
using VideoGan.Runtime;
using VideoGan.Training;
using static TorchSharp.torch;

namespace VideoGan.Tests.Metrics;

/// <summary>The ruler behind "recognisable digits": the digit classifier and the clip statistics built on it.</summary>
[Collection("torch-global-rng")]
public class DigitClassifierTests
{
    static MovingMnistOptions DigitsRendering() => TrainingData.MovingMnistOptionsFor(ConfigPresets.Load("digits").Data);

    [Fact]
    public void Training_on_a_few_thousand_frames_learns_the_held_out_digits()
    {
        var (classifier, report) = DigitClassifier.Train(DigitsRendering(), trainFrames: 3072, testFrames: 600, epochs: 2, seed: 5);
        using (classifier)
        {
            Assert.Equal(3072, report.TrainFrames);
            Assert.Equal(600, report.TestFrames);
            Assert.True(report.HeldOutAccuracy > 0.4, $"held-out accuracy {report.HeldOutAccuracy:P1} after 2 epochs on 3,072 frames (chance is 10%; 54.5% measured)");
            Assert.False(classifier.training);   // returned ready to measure
        }
    }

    [Theory]
    [InlineData(3072, 600, 0, "epochs")]
    [InlineData(100, 600, 1, "trainFrames")]
    [InlineData(3072, 0, 1, "testFrames")]
    public void Training_rejects_bad_sizes_naming_the_argument(int train, int test, int epochs, string name)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => DigitClassifier.Train(DigitsRendering(), train, test, epochs));
        Assert.Equal(name, e.ParamName);
    }

    [Fact]
    public void The_shipped_classifier_reaches_its_reported_held_out_accuracy()
    {
        var report = JsonSerializer.Deserialize<DigitClassifierReport>(File.ReadAllText(Path.Combine(TrainedModels.Directory, "digit-classifier.json")))!;
        using var classifier = TrainedModels.LoadDigitClassifier();
        // Fresh test-digit frames (a seed the report did not use): the accuracy must generalise, not be a property of one draw.
        var (frames, labels) = DigitClassifier.Frames(MnistSplit.Test, DigitsRendering(), 1000, Seeding.Derive(77, "classifier/check"));
        using (frames) using (labels)
        {
            double accuracy = classifier.Accuracy(frames, labels.data<long>().ToArray());
            Assert.True(accuracy >= 0.9, $"shipped classifier: {accuracy:P1} on 1,000 held-out frames");
            Assert.InRange(accuracy, report.HeldOutAccuracy - 0.03, report.HeldOutAccuracy + 0.03);
        }
    }

    [Fact]
    public void Real_clips_are_recognised_and_move_while_frozen_clips_do_not_move()
    {
        var render = DigitsRendering();
        var set = MovingMnist.Generate(MnistDigits.LoadEmbedded(MnistSplit.Test), 64, render, seed: 11);
        using var clips = set.Clips.ToTensor();
        using var classifier = TrainedModels.LoadDigitClassifier();

        var real = DigitsQuality.Measure(classifier, clips);
        Assert.Equal(64, real.Clips);
        Assert.True(real.FractionConfident > 0.7, $"confident frames of real clips: {real.FractionConfident:P1}");
        Assert.True(real.ClassesPresent >= 8, $"classes present: {real.ClassesPresent}");
        Assert.Equal(64 * render.Frames, real.ClassHistogram.Sum());
        // The renderer moves the digit about 0.1 of the free range (28 - 14 px) per frame, less at the bounces.
        Assert.InRange(real.CentreDisplacementPx, 1.0, 1.6);

        using var frozen = clips.narrow(2, 0, 1).expand(-1, -1, render.Frames, -1, -1).contiguous();
        var still = DigitsQuality.Measure(classifier, frozen);
        Assert.Equal(0.0, still.CentreDisplacementPx, 6);
        Assert.Equal(0.0, still.MeanAbsFrameDifference, 6);
        // A frozen clip is all-confident or all-unsure, and never changes identity: the two fractions coincide.
        Assert.Equal(still.FractionConfident, still.IdentityConsistency, 6);
    }
}
