using System.Text.Json;
using VideoGan.Data;

namespace VideoGan.Tests.Data;

public class MovingMnistTests
{
    static readonly MnistDigits Train = MnistDigits.LoadEmbedded(MnistSplit.Train);

    static string LabelsJson(MovingMnistSet s) => JsonSerializer.Serialize(s.Labels, MovingMnist.LabelJson);

    [Fact]
    public void Same_seed_is_byte_identical_and_independent_of_thread_count()
    {
        var o = MovingMnistOptions.AllMotions with { DigitsPerClip = 2 };
        var a = MovingMnist.Generate(Train, 64, o, seed: 7);
        var b = MovingMnist.Generate(Train, 64, o, seed: 7, maxThreads: 1);
        var c = MovingMnist.Generate(Train, 64, o, seed: 8);
        Assert.Equal(a.Clips.Data, b.Clips.Data);
        Assert.Equal(LabelsJson(a), LabelsJson(b));
        Assert.NotEqual(a.Clips.Data, c.Clips.Data);
        // A prefix of a bigger set is the smaller set (per-clip streams).
        var big = MovingMnist.Generate(Train, 80, o, seed: 7);
        Assert.Equal(a.Clips.Data, big.Clips.Data.AsSpan(0, a.Clips.Data.Length).ToArray());
    }

    [Fact]
    public void Srivastava_preset_shape_motion_and_max_overlap()
    {
        var s = MovingMnist.Generate(Train, 20, MovingMnistOptions.Srivastava, seed: 1);
        Assert.Equal(new long[] { 20, 1, 20, 64, 64 }, s.Clips.Shape);
        for (int i = 0; i < s.Count; i++)
        {
            var l = s.Labels[i];
            Assert.Equal(MotionType.Bounce, l.Motion);
            Assert.Equal(2, l.Digits.Length);
            Assert.Equal(0.1, l.Speed, 12);
            // Frame 0 is exactly max(digit A at its start, digit B at its start) on a black canvas.
            var expect = new byte[64 * 64];
            for (int d = 0; d < 2; d++)
            {
                var img = Train.Image(l.PoolIndices[d]);
                Assert.Equal(Train.Labels[l.PoolIndices[d]], l.Digits[d]);
                Assert.InRange(l.StartX[d], 0, 36);
                Assert.InRange(l.StartY[d], 0, 36);
                for (int y = 0; y < 28; y++)
                    for (int x = 0; x < 28; x++)
                    {
                        int k = (l.StartY[d] + y) * 64 + l.StartX[d] + x;
                        expect[k] = Math.Max(expect[k], img[y * 28 + x]);
                    }
            }
            Assert.Equal(expect, s.Clips.Clip(i)[..(64 * 64)].ToArray());
        }
    }

    static (double X, double Y) InkCentre(ReadOnlySpan<byte> frame, int size)
    {
        double sx = 0, sy = 0, m = 0;
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) { double v = frame[y * size + x]; sx += v * x; sy += v * y; m += v; }
        return (sx / m, sy / m);
    }

    [Fact]
    public void Motion_types_move_as_labelled()
    {
        var baseOpts = new MovingMnistOptions { DigitsPerClip = 1, Frames = 16 };
        foreach (var motion in Enum.GetValues<MotionType>())
        {
            var s = MovingMnist.Generate(Train, 12, baseOpts with { MotionTypes = new[] { motion } }, seed: 3);
            for (int i = 0; i < s.Count; i++)
            {
                Assert.Equal(motion, s.Labels[i].Motion);
                var clip = s.Clips.Clip(i).ToArray();
                var centres = Enumerable.Range(0, 16).Select(t => InkCentre(clip.AsSpan(t * 4096, 4096), 64)).ToArray();
                double dx = centres.Max(c => c.X) - centres.Min(c => c.X), dy = centres.Max(c => c.Y) - centres.Min(c => c.Y);
                switch (motion)
                {
                    case MotionType.Static:
                        Assert.True(dx < 1e-9 && dy < 1e-9, $"static clip moved ({dx}, {dy})");
                        Assert.True(double.IsNaN(s.Labels[i].DirectionDegrees[0]));
                        break;
                    case MotionType.HorizontalSway:
                        Assert.True(dy < 1e-9 && dx > 3, $"sway: dx {dx} dy {dy}");
                        break;
                    case MotionType.VerticalBob:
                        Assert.True(dx < 1e-9 && dy > 3, $"bob: dx {dx} dy {dy}");
                        break;
                    case MotionType.RotateZoom:
                        Assert.True(dx < 3 && dy < 3, $"rotate/zoom drifted ({dx}, {dy})");
                        Assert.NotEqual(clip[..4096], clip.AsSpan(4 * 4096, 4096).ToArray());
                        break;
                    case MotionType.Diagonal:
                        Assert.Equal(45, ((s.Labels[i].DirectionDegrees[0] % 90) + 90) % 90, 9);
                        Assert.True(dx > 3 && dy > 3);
                        break;
                    case MotionType.Bounce:
                        Assert.True(dx + dy > 3);
                        break;
                }
                if (motion is MotionType.Bounce or MotionType.Diagonal)
                {
                    // Per-frame step is speed * free range (3.6 px) until the first bounce, in the labelled direction.
                    double th = s.Labels[i].DirectionDegrees[0] * Math.PI / 180;
                    var step = (centres[1].X - centres[0].X, centres[1].Y - centres[0].Y);
                    int sx0 = s.Labels[i].StartX[0], sy0 = s.Labels[i].StartY[0];
                    bool nearWall = Math.Min(sx0, sy0) < 5 || Math.Max(sx0, sy0) > 31;
                    if (!nearWall)
                    {
                        Assert.InRange(step.Item1, 3.6 * Math.Cos(th) - 1, 3.6 * Math.Cos(th) + 1);
                        Assert.InRange(step.Item2, 3.6 * Math.Sin(th) - 1, 3.6 * Math.Sin(th) + 1);
                    }
                }
            }
        }
    }

    [Fact]
    public void Case_study_preset_is_binary_28px_16_frames_one_small_digit()
    {
        var s = MovingMnist.Generate(Train, 30, MovingMnistOptions.CaseStudyDigits, seed: 5);
        Assert.Equal(new long[] { 30, 1, 16, 28, 28 }, s.Clips.Shape);
        var hist = s.Clips.PixelHistogram();
        Assert.Equal(s.Clips.Data.LongLength, hist[0] + hist[255]);
        Assert.True(hist[255] > 0);
        Assert.All(s.Labels, l => { Assert.Single(l.Digits); Assert.InRange(l.StartX[0], 0, 14); });
    }

    [Fact]
    public void All_motions_preset_covers_every_type_with_varied_speed()
    {
        var s = MovingMnist.Generate(Train, 300, MovingMnistOptions.AllMotions, seed: 11);
        Assert.All(s.MotionCounts().Values, c => Assert.InRange(c, 25, 80));
        var speeds = s.Labels.Where(l => l.Speed > 0).Select(l => l.Speed).ToArray();
        Assert.InRange(speeds.Min(), 0.08, 0.085);
        Assert.InRange(speeds.Max(), 0.115, 0.12);
        Assert.Equal(300, s.DigitCounts().Sum());
    }

    [Fact]
    public void Train_and_test_sets_draw_from_disjoint_pools()
    {
        var (train, test) = MovingMnist.GenerateTrainTest(40, 40, MovingMnistOptions.Srivastava, seed: 2);
        Assert.Contains("train", train.DigitSource);
        Assert.Contains("test", test.DigitSource);
        var testPool = MnistDigits.LoadEmbedded(MnistSplit.Test);
        Assert.All(test.Labels, l => Assert.All(l.PoolIndices, p => Assert.InRange(p, 0, testPool.Count - 1)));
        Assert.NotEqual(train.Clips.Data, test.Clips.Data.AsSpan().ToArray());
    }

    [Fact]
    public void Impossible_options_are_rejected_with_the_reason()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => MovingMnist.Generate(Train, 1, new MovingMnistOptions { CanvasSize = 28 }));
        Assert.Contains("cannot move", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => MovingMnist.Generate(Train, 1, new MovingMnistOptions { CanvasSize = 20 }));
        // Static digits may fill the canvas.
        var st = MovingMnist.Generate(Train, 2, new MovingMnistOptions { CanvasSize = 28, MotionTypes = new[] { MotionType.Static } });
        Assert.Equal(Train.Image(st.Labels[0].PoolIndices[0]).ToArray().Zip(Train.Image(st.Labels[0].PoolIndices[1]).ToArray(), Math.Max).ToArray(),
                     st.Clips.Clip(0)[..784].ToArray());
    }
}
