using VideoGan.Data;
using VideoGan.Metrics;
using VideoGan.Runtime;
using VideoGan.Training;
using static TorchSharp.torch;

namespace VideoGan.Experiments;

/// <summary>
/// The data side of an experiment: the training clip source of a <see cref="DataConfig"/> (digits, Moving MNIST and
/// synthetic faces), the held-out real clips every variant is measured against, and the feature network of a domain.
/// Training clips come from the MNIST <b>training</b> digits; held-out real clips from the <b>test</b> digits (faces: a
/// separate seed stream), so no variant is scored on clips it was trained on.
/// </summary>
/// <remarks>Taught in notebooks/06-results.ipynb.</remarks>
public static class ExperimentData
{
    /// <summary>The training clip source of <paramref name="data"/>: the trainer's own (<see cref="TrainingData.Create"/>).</summary>
    public static IClipSource TrainingSource(DataConfig data, int seed) => TrainingData.Create(data, seed);

    /// <summary>
    /// <paramref name="count"/> held-out real clips <c>[N, C, T, H, W]</c> in [-1, 1] (CPU) drawn like <paramref name="data"/>
    /// describes: digit kinds from the MNIST test digits, faces from the "held-out" seed stream.
    /// </summary>
    public static Tensor HeldOutClips(DataConfig data, int count, int seed)
    {
        if (count < 2) throw new ArgumentOutOfRangeException(nameof(count), count, "Held-out real clips: use at least 2 clips (FVD needs a covariance).");
        int s = Seeding.Derive(seed, "experiments/held-out-real");
        if (data.Kind == "faces")
            return SyntheticFaces.Generate(count, new SyntheticFacesOptions { Size = data.Size, Frames = data.Frames }, s).Clips.ToTensor();
        var options = TrainingData.MovingMnistOptionsFor(data);
        return MovingMnist.Generate(MnistDigits.LoadEmbedded(MnistSplit.Test), count, options, s).Clips.ToTensor();
    }

    /// <summary>One line saying where the held-out clips come from (printed beside every number).</summary>
    public static string DescribeHeldOut(DataConfig data, int count, int seed) => data.Kind == "faces"
        ? $"{count} synthetic face clips {data.Size}x{data.Size}x{data.Frames} (held-out seed stream of seed {seed})"
        : $"{count} {data.Kind} clips {data.Size}x{data.Size}x{data.Frames}, {data.Digits} digit(s), from the MNIST test digits (seed {seed})";

    /// <summary>The feature-network domain that fits a data kind: "synthetic-faces" for faces, else "moving-mnist".</summary>
    public static string FeatureDomain(DataConfig data) => data.Kind == "faces" ? "synthetic-faces" : "moving-mnist";

    /// <summary>
    /// The shipped feature network of <paramref name="domain"/> (<c>data/clip-classifiers/&lt;domain&gt;.pt</c>) when it exists;
    /// otherwise a <b>randomly initialised</b> network of the same architecture (seeded, so numbers are reproducible), whose
    /// name says "random-init". <paramref name="note"/> says which one you got. Random-feature distances still rank clearly
    /// different sets, but they are weaker than trained features; neither is comparable with published I3D FVD.
    /// </summary>
    public static IVideoFeatureNetwork FeatureNetwork(string domain, int seed, out string note, Device? device = null)
    {
        if (ClipClassifier.FindShipped(domain) is { } path)
        {
            var net = ClipClassifier.Load(path, device);
            note = $"shipped offline clip classifier {net.Name} ({path}); NOT comparable with published I3D FVD";
            return net;
        }
        var random = RandomFeatureNetwork(domain, seed, device);
        note = $"no shipped feature network for '{domain}' under {ClipClassifier.ShippedFolder}/: using {random.Name}, a RANDOMLY INITIALISED " +
               "network (seeded); its distances rank sets but are weaker than trained features and NOT comparable with published I3D FVD";
        return random;
    }

    /// <summary>A randomly initialised (seeded) offline feature network for <paramref name="domain"/>; the global torch RNG is left as it was.</summary>
    public static ClipClassifier RandomFeatureNetwork(string domain, int seed, Device? device = null)
    {
        var config = ClipClassifierTraining.ConfigFor(domain) with { Domain = domain + "-random-init" };
        var state = get_rng_state();
        try
        {
            manual_seed(Seeding.Derive(seed, "experiments/random-feature-net"));
            return new ClipClassifier(new ClipClassifierModule(config), null, device);
        }
        finally
        {
            set_rng_state(state);
            state.Dispose();
        }
    }
}
