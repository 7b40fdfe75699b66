using TorchSharp;
using VideoGan.Models;
using VideoGan.Training;
using static TorchSharp.torch;

namespace VideoGan.Tests.Training;

/// <summary>Tiny configs, a synthetic clip source and temp folders for the trainer tests.</summary>
static class TrainingTestKit
{
    public static TrainingConfig Tiny(int steps = 4) => new()
    {
        Name = "test-tiny",
        Model = ModelConfig.Tiny() with { FrameDiscriminatorFrames = 2, ResidualFlow = 0.05 },
        Data = new DataConfig { Kind = "digits", Size = 28, Frames = 16, DigitScale = 0.5, BinaryInk = true },
        BatchSize = 2,
        Steps = steps,
        EmaDecay = 0.9,
        Seed = 3,
        SampleEvery = 0,
        CheckpointEvery = 0,
        TensorBoard = false,
    };

    /// <summary>Noise clips that are a pure function of (step, index): what every real source must also be.</summary>
    public static IClipSource Noise(Func<long, int, bool>? poison = null) => new DelegateClipSource((1, 16, 28, 28), (step, index, batch) =>
    {
        using var g = new torch.Generator((ulong)(step * 1000 + index + 1));
        var x = rand(new long[] { batch, 1, 16, 28, 28 }, generator: g) * 2 - 1;
        if (poison?.Invoke(step, index) == true) x[0, 0, 0, 0, 0] = tensor(float.NaN);
        return x;
    });

    public static string TempDir()
    {
        string dir = Path.Combine(Path.GetTempPath(), "videogan-tests", "training-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static float[] Flat(nn.Module m) => m.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();
}
