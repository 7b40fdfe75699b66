using TorchSharp;
using VideoGan.Analysis;
using VideoGan.Metrics;
using VideoGan.Models;
using static TorchSharp.torch;

namespace VideoGan.Experiments;

/// <summary>Classifier shares of each motion type at each step of a walk between two motion codes.</summary>
/// <param name="Classes">Motion type names, in the classifier's order.</param>
/// <param name="Shares">Shares[step][class]: mean motion-head probability over the walk's clips at that step.</param>
/// <param name="From">The motion type the walk starts at (the classifier's most probable at step 0).</param>
/// <param name="To">The motion type it ends at.</param>
public sealed record MotionWalk(string[] Classes, double[][] Shares, string From, string To);

/// <summary>How well a content x motion swap grid keeps content along rows and motion along columns.</summary>
/// <param name="DigitAgreement">Share of clips whose predicted digit is their row's most frequent one.</param>
/// <param name="MotionAgreement">Share of clips whose predicted motion type is their column's most frequent one.</param>
/// <param name="DigitAgreementShuffled">The same share after shuffling the clips over the grid: what chance gives.</param>
/// <param name="MotionAgreementShuffled">The same for motion.</param>
public sealed record SwapAgreement(double DigitAgreement, double MotionAgreement, double DigitAgreementShuffled, double MotionAgreementShuffled);

/// <summary>Per motion type: how a loop's wrap-around step compares with real clips' ordinary steps.</summary>
/// <param name="Motion">Motion type (the classifier's call on the loop clips).</param>
/// <param name="Loops">Loop clips of that type.</param>
/// <param name="LoopGap">Mean |x[T-1] - x[0]| of those loops.</param>
/// <param name="RealStep">Mean |x[t+1] - x[t]| of real clips of that type.</param>
/// <param name="Ratio">LoopGap / RealStep (null when real clips of that type do not move: then a gap of 0 is required).</param>
public sealed record LoopClosure(string Motion, int Loops, double LoopGap, double RealStep, double? Ratio);

/// <summary>
/// The case study's latent-space claims, measured with the domain's clip classifier: interpolation between motion codes
/// passes through intermediate motions, swap grids keep content along rows and motion along columns, loops close.
/// </summary>
/// <remarks>Taught in notebooks/05-latent-analysis.ipynb.</remarks>
public static class LatentClaims
{
    /// <summary>The classifier's probabilities of head <paramref name="head"/> for clips <c>[N, C, T, H, W]</c>: <c>[N, K]</c> (float64, CPU).</summary>
    public static Tensor HeadProbabilities(ClipClassifier classifier, Tensor clips, string head, int batchSize = 64)
    {
        var parts = new List<Tensor>();
        for (long i = 0; i < clips.shape[0]; i += batchSize)
        {
            using var scope = NewDisposeScope();
            var o = classifier.Forward(clips.narrow(0, i, Math.Min(batchSize, clips.shape[0] - i)));
            if (!o.HeadProbabilities.TryGetValue(head, out var p)) throw new ArgumentException($"{classifier.Name} has no single-label head '{head}'.");
            parts.Add(p.MoveToOuterDisposeScope());
        }
        return torch.cat(parts, 0);
    }

    /// <summary>
    /// A walk from motion code <paramref name="from"/> to <paramref name="to"/> (spherical, <paramref name="steps"/> points)
    /// under each of <paramref name="contents"/> content codes <c>[K, LatentDim]</c> (their motion part is replaced):
    /// the classifier's motion shares at every step.
    /// </summary>
    public static MotionWalk MotionInterpolation(VideoGeneratorBase g, ClipClassifier classifier, Tensor contents, Tensor from, Tensor to, int steps)
    {
        if (steps < 2) throw new ArgumentOutOfRangeException(nameof(steps), "A walk needs at least 2 steps.");
        var code = g.MotionCode(contents) ?? throw new ArgumentException($"{g.GetType().Name} has no clip-level motion code to walk.");
        int md = (int)code.shape[1], cd = g.LatentDim - md;
        var classes = classifier.Heads.First(h => h.Name == "motion").Classes;
        var shares = new double[steps][];
        using var scope = NewDisposeScope();
        var path = LatentWalks.Path(from.reshape(-1).cpu(), to.reshape(-1).cpu(), steps, spherical: true);          // [steps, md]
        long k = contents.shape[0];
        for (int s = 0; s < steps; s++)
        {
            using var stepScope = NewDisposeScope();
            var z = torch.cat(new[] { contents.cpu().narrow(1, 0, cd), path[s].unsqueeze(0).expand(k, md) }, 1);
            var p = HeadProbabilities(classifier, LatentWalks.Generate(g, z), "motion").mean(new long[] { 0 });
            shares[s] = p.data<double>().ToArray();
        }
        string Top(double[] row) => classes[Array.IndexOf(row, row.Max())];
        return new MotionWalk(classes, shares, Top(shares[0]), Top(shares[^1]));
    }

    /// <summary>
    /// Swap grid agreement: <paramref name="grid"/> <c>[contents * motions, ...]</c> row-major (rows share content,
    /// columns share motion, as <see cref="LatentWalks.SwapGrid"/> makes), judged by the classifier's digit and motion heads,
    /// beside the same statistics with the clips shuffled over the grid (seeded).
    /// </summary>
    public static SwapAgreement Swaps(ClipClassifier classifier, Tensor grid, int contents, int motions, int seed = 0)
    {
        if (grid.shape[0] != (long)contents * motions) throw new ArgumentException($"The grid has {grid.shape[0]} clips, not {contents} x {motions}.");
        var digit = HeadProbabilities(classifier, grid, "digit").argmax(1).data<long>().ToArray();
        var motion = HeadProbabilities(classifier, grid, "motion").argmax(1).data<long>().ToArray();
        double Agreement(long[] labels, bool byRow)
        {
            int groups = byRow ? contents : motions, size = byRow ? motions : contents, agree = 0;
            for (int gi = 0; gi < groups; gi++)
            {
                var members = Enumerable.Range(0, size).Select(j => labels[byRow ? gi * motions + j : j * motions + gi]).ToArray();
                agree += members.GroupBy(v => v).Max(grp => grp.Count());
            }
            return (double)agree / labels.Length;
        }
        var rng = new Random(seed);
        var order = Enumerable.Range(0, digit.Length).OrderBy(_ => rng.Next()).ToArray();
        return new SwapAgreement(Agreement(digit, true), Agreement(motion, false),
                                 Agreement(order.Select(i => digit[i]).ToArray(), true), Agreement(order.Select(i => motion[i]).ToArray(), false));
    }

    /// <summary>
    /// Loop closure per motion type: the loops' mean wrap-around step |x[T-1] - x[0]| against real clips' mean ordinary
    /// step |x[t+1] - x[t]| of the same motion type (both sets labelled by the classifier's motion head).
    /// </summary>
    public static IReadOnlyList<LoopClosure> LoopClosures(ClipClassifier classifier, Tensor loops, Tensor real)
    {
        var classes = classifier.Heads.First(h => h.Name == "motion").Classes;
        var loopMotion = HeadProbabilities(classifier, loops, "motion").argmax(1).data<long>().ToArray();
        var realMotion = HeadProbabilities(classifier, real, "motion").argmax(1).data<long>().ToArray();
        using var scope = NewDisposeScope();
        long t = loops.shape[2];
        var gap = (loops.select(2, t - 1) - loops.select(2, 0)).abs().flatten(1).mean(new long[] { 1 }).to(float64).data<double>().ToArray();
        var step = (real.narrow(2, 1, real.shape[2] - 1) - real.narrow(2, 0, real.shape[2] - 1)).abs().flatten(1).mean(new long[] { 1 }).to(float64).data<double>().ToArray();
        var rows = new List<LoopClosure>();
        for (int c = 0; c < classes.Length; c++)
        {
            var mine = Enumerable.Range(0, gap.Length).Where(i => loopMotion[i] == c).ToArray();
            var theirs = Enumerable.Range(0, step.Length).Where(i => realMotion[i] == c).ToArray();
            if (mine.Length == 0 || theirs.Length == 0) continue;
            double g = mine.Average(i => gap[i]), r = theirs.Average(i => step[i]);
            rows.Add(new LoopClosure(classes[c], mine.Length, g, r, r > 1e-9 ? g / r : null));
        }
        return rows;
    }
}
