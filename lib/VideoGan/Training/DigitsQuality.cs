using System.Text.Json;
using VideoGan.Data;
using VideoGan.Metrics;
using static TorchSharp.torch;

namespace VideoGan.Training;

/// <summary>Frame and motion statistics of a set of single-digit clips.</summary>
/// <param name="Clips">Number of clips measured.</param>
/// <param name="MeanConfidence">Mean over frames of the classifier's top probability.</param>
/// <param name="FractionConfident">Fraction of frames whose top probability is at least 0.9.</param>
/// <param name="ClassHistogram">Frames per predicted class 0..9.</param>
/// <param name="ClassesPresent">Classes predicted (with confidence >= 0.9) for at least 1% of frames.</param>
/// <param name="IdentityConsistency">Fraction of clips whose confident frames all agree on one class.</param>
/// <param name="CentreDisplacementPx">Mean distance the ink centre of mass moves per frame, pixels.</param>
/// <param name="MeanAbsFrameDifference">Mean |frame_t+1 - frame_t| in [0, 1] pixel units.</param>
/// <param name="InkFraction">Mean fraction of pixels with ink (> 0.5).</param>
public sealed record DigitClipStatistics(int Clips, double MeanConfidence, double FractionConfident, int[] ClassHistogram, int ClassesPresent,
                                         double IdentityConsistency, double CentreDisplacementPx, double MeanAbsFrameDifference, double InkFraction)
{
    /// <summary>
    /// Fraction of frames the classifier assigns (top-1) to the clip's intended class: the digit a class-conditional
    /// generator was asked for, or a real clip's true digit (then it is the classifier's accuracy on those frames);
    /// null when the clips have no intended class.
    /// </summary>
    public double? ClassAgreement { get; init; }
}

/// <summary>Generated versus real clips, measured with the same classifier and motion statistics.</summary>
public sealed record DigitsQualityReport(DigitClipStatistics Generated, DigitClipStatistics Real, DigitClassifierReport? Classifier, string Protocol)
{
    /// <summary>Indented JSON (camelCase).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase });
}

/// <summary>
/// "Does the digits generator make moving, recognisable digits?" as numbers: a <see cref="DigitClassifier"/> on every
/// generated frame (confidence, confident fraction, class histogram, identity kept over time) and the motion of the ink's
/// centre of mass, each next to the same numbers for real clips from the held-out test digits.
/// </summary>
/// <remarks>Taught in notebook 03-training; the numbers of the shipped generator are in data/trained/README.md.</remarks>
public static class DigitsQuality
{
    /// <summary>Statistics of clips <c>[B, 1, T, H, W]</c> in [-1, 1]; <paramref name="intendedClasses"/> <c>[B]</c> adds the class agreement.</summary>
    public static DigitClipStatistics Measure(DigitClassifier classifier, Tensor clips, Tensor? intendedClasses = null)
    {
        using var scope = NewDisposeScope();
        if (clips.dim() != 5 || clips.shape[1] != 1) throw new ArgumentException($"Digit clips must be [B, 1, T, H, W], got [{string.Join(", ", clips.shape)}].");
        clips = clips.cpu().to(ScalarType.Float32);
        long b = clips.shape[0], t = clips.shape[2], h = clips.shape[3], w = clips.shape[4];
        var probs = classifier.ClipProbabilities(clips);                         // [B, T, 10]
        var (top, cls) = probs.max(2);
        double meanConf = top.mean().item<float>();
        var confident = top.ge(0.9);
        double fracConf = confident.to(ScalarType.Float32).mean().item<float>();
        var clsArr = cls.data<long>().ToArray();
        var confArr = confident.data<bool>().ToArray();
        var hist = new int[10];
        var confidentHist = new int[10];
        for (int i = 0; i < clsArr.Length; i++) { hist[clsArr[i]]++; if (confArr[i]) confidentHist[clsArr[i]]++; }
        int present = confidentHist.Count(c => c >= 0.01 * clsArr.Length);
        int consistent = 0;
        for (int i = 0; i < b; i++)
        {
            var set = new HashSet<long>();
            for (int j = 0; j < t; j++) if (confArr[i * t + j]) set.Add(clsArr[i * t + j]);
            if (set.Count == 1) consistent++;
        }

        var ink = ((clips + 1) / 2).clamp(0, 1).squeeze(1);                        // [B, T, H, W] in [0, 1]
        var mass = ink.sum(new long[] { 2, 3 }).clamp_min(1e-6);                  // [B, T]
        var ys = arange(h, dtype: ScalarType.Float32).view(1, 1, h, 1);
        var xs = arange(w, dtype: ScalarType.Float32).view(1, 1, 1, w);
        var cy = (ink * ys).sum(new long[] { 2, 3 }) / mass;
        var cx = (ink * xs).sum(new long[] { 2, 3 }) / mass;
        var dy = cy.narrow(1, 1, t - 1) - cy.narrow(1, 0, t - 1);
        var dx = cx.narrow(1, 1, t - 1) - cx.narrow(1, 0, t - 1);
        double disp = (dx.pow(2) + dy.pow(2)).sqrt().mean().item<float>();
        double diff = (ink.narrow(1, 1, t - 1) - ink.narrow(1, 0, t - 1)).abs().mean().item<float>();
        double inkFrac = ink.gt(0.5).to(ScalarType.Float32).mean().item<float>();
        double? agreement = null;
        if (intendedClasses is not null)
        {
            if (intendedClasses.dim() != 1 || intendedClasses.shape[0] != b)
                throw new ArgumentException($"Intended classes must be [B] = [{b}], got [{string.Join(", ", intendedClasses.shape)}].");
            agreement = cls.eq(intendedClasses.cpu().to(ScalarType.Int64).unsqueeze(1)).to(ScalarType.Float32).mean().item<float>();
        }
        return new DigitClipStatistics((int)b, meanConf, fracConf, hist, present, (double)consistent / b, disp, diff, inkFrac) { ClassAgreement = agreement };
    }

    /// <summary>
    /// Measures <paramref name="generated"/> and <paramref name="realCount"/> real clips drawn with <paramref name="render"/>
    /// from the test digits (seeded), with the same classifier. <paramref name="requestedClasses"/> <c>[N]</c>: the digits a
    /// class-conditional generator was asked for (adds the class agreement; the real clips' is measured against their
    /// true digits).
    /// </summary>
    public static DigitsQualityReport Compare(DigitClassifier classifier, Tensor generated, MovingMnistOptions render, int realCount = 512,
                                              int seed = 2024, DigitClassifierReport? classifierReport = null, Tensor? requestedClasses = null)
    {
        var realSet = MovingMnist.Generate(MnistDigits.LoadEmbedded(MnistSplit.Test), realCount, render, seed);
        using var real = realSet.Clips.ToTensor();
        using var realDigits = requestedClasses is not null && realSet.SingleDigitLabels() is { } digits ? tensor(digits) : null;
        var g = Measure(classifier, generated, requestedClasses);
        var r = Measure(classifier, real, realDigits);
        string protocol = $"{g.Clips} generated clips vs {r.Clips} real clips (Moving MNIST test digits, seed {seed}, " +
                          $"{render.CanvasSize}x{render.CanvasSize}x{render.Frames}, digit scale {render.DigitScale}, binary ink {render.BinaryInk}); " +
                          "every frame classified by the project's DigitClassifier; motion = ink centre-of-mass displacement per frame.";
        return new DigitsQualityReport(g, r, classifierReport, protocol);
    }

    /// <summary>A plain-text table of a report (generated next to real).</summary>
    public static string Table(DigitsQualityReport r)
    {
        var ci = System.Globalization.CultureInfo.InvariantCulture;
        string Row(string name, Func<DigitClipStatistics, string> f) => string.Format(ci, "{0,-34} {1,12} {2,12}\n", name, f(r.Generated), f(r.Real));
        return string.Format(ci, "{0,-34} {1,12} {2,12}\n", "", "generated", "real")
             + Row("clips", s => s.Clips.ToString(ci))
             + Row("mean classifier confidence", s => s.MeanConfidence.ToString("0.000", ci))
             + Row("frames with confidence >= 0.9", s => s.FractionConfident.ToString("P1", ci))
             + Row("classes present (>= 1% of frames)", s => s.ClassesPresent.ToString(ci))
             + (r.Generated.ClassAgreement is null ? "" : Row("frames showing the intended digit", s => s.ClassAgreement?.ToString("P1", ci) ?? "-"))
             + Row("clips keeping one identity", s => s.IdentityConsistency.ToString("P1", ci))
             + Row("ink centre motion (px/frame)", s => s.CentreDisplacementPx.ToString("0.00", ci))
             + Row("mean |frame difference|", s => s.MeanAbsFrameDifference.ToString("0.0000", ci))
             + Row("ink fraction", s => s.InkFraction.ToString("0.000", ci))
             + Row("class histogram (frames)", s => string.Join(" ", s.ClassHistogram))
             + r.Protocol + "\n";
    }
}
