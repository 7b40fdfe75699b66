using TorchSharp;
using VideoGan.Data;
using static TorchSharp.torch;

namespace VideoGan.Metrics;

/// <summary>One row of a metric sanity table: a case whose answer is known, its score and the floor it is judged against.</summary>
/// <param name="Case">What the second set is.</param>
/// <param name="Value">FVD (or the Inception Score) of the case.</param>
/// <param name="Floor">The real-vs-real FVD the case is compared with (null for Inception Score rows).</param>
/// <param name="Expected">The bar, in words.</param>
/// <param name="Passed">Whether the bar holds.</param>
public sealed record SanityRow(string Case, double Value, double? Floor, string Expected, bool Passed)
{
    /// <summary>Value / floor (null for Inception Score rows).</summary>
    public double? RatioToFloor => Floor is { } f && f > 0 ? Value / f : null;
}

/// <summary>
/// Sanity checks of the metrics with the shipped clip classifier: cases whose ranking is known, so a metric that cannot
/// tell them apart is caught. Protocol (digits domain, every set from the <b>test</b> digit pool, fixed seeds):
/// <list type="bullet">
/// <item><b>FVD</b>, N clips per set: the floor is real vs real (two disjoint samples of the case study's 28x28 binary
/// digits, all six motion types); time-shuffled frames, the first frame frozen, and uniform noise are each compared with
/// the first sample. Time reversal needs a set that reversal changes (every motion type here is reversible in
/// distribution), so it uses its own pair: 64x64 one-digit clips that all start drifting down-right (Diagonal, heading
/// 45 degrees, speed 0.03) — real vs real is that case's floor, real vs the other sample reversed in time is the case.
/// Bar: every broken case scores at least 10x its floor, noise highest.</item>
/// <item><b>3D Inception Score</b> (joint digit x motion, 10 splits): real clips uniform over D digits x M motions score at
/// least 0.8 D*M; clips of one digit with one motion score at most 1.5.</item>
/// </list>
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb ("sanity" step); asserted in the test suite.</remarks>
public static class MetricSanity
{
    /// <summary>Ratio every broken FVD case must reach over its floor.</summary>
    public const double FvdFactor = 10;

    /// <summary>The FVD table: floor, shuffled, frozen, reversed (with its own floor), noise.</summary>
    public static IReadOnlyList<SanityRow> Fvd(ClipClassifier classifier, int n = 256, int seed = 7)
    {
        var test = MnistDigits.LoadEmbedded(MnistSplit.Test);
        var all = MovingMnistOptions.CaseStudyDigits with { MotionTypes = Enum.GetValues<MotionType>() };
        var drift = new MovingMnistOptions
        {
            DigitsPerClip = 1, Frames = 16, MotionTypes = new[] { MotionType.Diagonal }, Directions = new[] { 45.0 }, Speed = 0.03,
        };
        using var scope = torch.NewDisposeScope();
        var a = MovingMnist.Generate(test, n, all, Runtime.Seeding.Derive(seed, "sanity/a")).Clips.ToTensor();
        var b = MovingMnist.Generate(test, n, all, Runtime.Seeding.Derive(seed, "sanity/b")).Clips.ToTensor();
        var da = MovingMnist.Generate(test, n, drift, Runtime.Seeding.Derive(seed, "sanity/drift-a")).Clips.ToTensor();
        var db = MovingMnist.Generate(test, n, drift, Runtime.Seeding.Derive(seed, "sanity/drift-b")).Clips.ToTensor();
        var g = Runtime.Seeding.CreateGenerator(seed, "sanity/noise");
        Tensor features(Tensor x)
        {
            using var f = FeatureExtraction.Run(classifier, x, 64);
            return f.Features.clone(); // owned by this scope; the rest of the extraction is disposed here
        }
        var fa = features(a); var fda = features(da);
        double Fd(Tensor reference, Tensor x) => FeatureDistances.Frechet(reference, features(x)).Value;
        double floor = Fd(fa, b), driftFloor = Fd(fda, db);
        double shuffled = Fd(fa, ShuffleFrames(b, seed)), frozen = Fd(fa, Freeze(b)), reversed = Fd(fda, db.flip(2));
        double noise = Fd(fa, torch.rand(b.shape, generator: g) * 2 - 1);
        string bar = $">= {FvdFactor:0}x floor";
        return new[]
        {
            new SanityRow("real vs real (floor)", floor, floor, "the floor", true),
            new SanityRow("time-shuffled frames", shuffled, floor, bar, shuffled >= FvdFactor * floor),
            new SanityRow("first frame frozen", frozen, floor, bar, frozen >= FvdFactor * floor),
            new SanityRow("uniform noise", noise, floor, "highest", noise > Math.Max(shuffled, Math.Max(frozen, reversed))),
            new SanityRow("down-right drift: real vs real (floor)", driftFloor, driftFloor, "the floor", true),
            new SanityRow("down-right drift: reversed in time", reversed, driftFloor, bar, reversed >= FvdFactor * driftFloor),
        };
    }

    /// <summary>The Inception Score table: uniform over <paramref name="digits"/> x <paramref name="motions"/>, and one digit with one motion.</summary>
    public static IReadOnlyList<SanityRow> InceptionScore(ClipClassifier classifier, int n = 600, int seed = 7,
        IReadOnlyList<int>? digits = null, IReadOnlyList<MotionType>? motions = null)
    {
        digits ??= new[] { 0, 3, 6, 7 };
        motions ??= new[] { MotionType.HorizontalSway, MotionType.VerticalBob, MotionType.RotateZoom };
        var test = MnistDigits.LoadEmbedded(MnistSplit.Test);
        var uniformPool = test.Subset(Enumerable.Range(0, test.Count).Where(i => digits.Contains(test.Labels[i])).ToArray());
        var onePool = test.Subset(Enumerable.Range(0, test.Count).Where(i => test.Labels[i] == digits[0]).ToArray());
        var uniform = MovingMnist.Generate(uniformPool, n, MovingMnistOptions.CaseStudyDigits with { MotionTypes = motions }, Runtime.Seeding.Derive(seed, "sanity/is-uniform"));
        var single = MovingMnist.Generate(onePool, n, MovingMnistOptions.CaseStudyDigits with { MotionTypes = new[] { motions[0] } }, Runtime.Seeding.Derive(seed, "sanity/is-one"));
        double Score(MovingMnistSet set)
        {
            using var x = set.Clips.ToTensor();
            using var f = FeatureExtraction.Run(classifier, x, 64);
            return Metrics.InceptionScore.Published(f.Probabilities!).Mean;
        }
        int k = digits.Count * motions.Count;
        double u = Score(uniform), one = Score(single);
        return new[]
        {
            new SanityRow($"{digits.Count} digits x {motions.Count} motions, uniform", u, null, $">= {0.8 * k:0.#} (0.8 x {k})", u >= 0.8 * k),
            new SanityRow($"digit {digits[0]}, {motions[0]} only", one, null, "<= 1.5", one <= 1.5),
        };
    }

    /// <summary>Each clip's frames in a seeded random order: right content, wrong time.</summary>
    public static Tensor ShuffleFrames(Tensor clips, int seed)
    {
        var g = Runtime.Seeding.CreateGenerator(seed, "sanity/shuffle");
        long n = clips.shape[0], t = clips.shape[2];
        var order = torch.stack(Enumerable.Range(0, (int)n).Select(_ => torch.randperm(t, generator: g)).ToList());
        return clips.gather(2, order.reshape(n, 1, t, 1, 1).expand_as(clips));
    }

    /// <summary>Each clip's first frame repeated: right content, no motion.</summary>
    public static Tensor Freeze(Tensor clips) => clips.narrow(2, 0, 1).expand_as(clips).contiguous();
}
