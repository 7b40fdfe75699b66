using VideoGan.Data;
using VideoGan.Runtime;
using static TorchSharp.torch;

namespace VideoGan.Training;

/// <summary>
/// Builds the clip source a <see cref="DataConfig"/> names. Digit kinds draw fresh Moving MNIST clips every step from
/// the embedded MNIST training digits (never the test digits), seeded by (run seed, step, sub-step): unlimited data,
/// and a resumed run sees exactly the clips an uninterrupted one would.
/// </summary>
/// <remarks>Taught in notebook 03-training.</remarks>
public static class TrainingData
{
    /// <summary>The clip source for <paramref name="data"/>, seeded from the run's <paramref name="seed"/>.</summary>
    public static IClipSource Create(DataConfig data, int seed) => data.Kind switch
    {
        "digits" or "moving-mnist" => new MovingMnistSource(MovingMnistOptionsFor(data), seed),
        "faces" => new SyntheticFacesSource(new SyntheticFacesOptions { Size = data.Size, Frames = data.Frames }, seed),
        _ => throw new ArgumentException($"data.kind '{data.Kind}' has no clip source; use 'digits', 'moving-mnist' or 'faces'."),
    };

    /// <summary>The Moving MNIST generator options a digits data config stands for.</summary>
    public static MovingMnistOptions MovingMnistOptionsFor(DataConfig data) => new()
    {
        CanvasSize = data.Size,
        Frames = data.Frames,
        DigitsPerClip = data.Digits,
        DigitScale = data.DigitScale,
        BinaryInk = data.BinaryInk,
        Speed = data.Speed,
        SpeedJitter = data.SpeedJitter,
        MotionTypes = data.MotionTypes ?? [MotionType.Bounce],
    };

    /// <summary>Fresh Moving MNIST clips per (step, sub-step) from the embedded training digits.</summary>
    public sealed class MovingMnistSource : IClipSource
    {
        static readonly Lazy<MnistDigits> TrainDigits = new(() => MnistDigits.LoadEmbedded(MnistSplit.Train));
        readonly int _seed;

        /// <summary>A source with these generator options.</summary>
        public MovingMnistSource(MovingMnistOptions options, int seed)
        {
            options.Validate();
            Options = options;
            _seed = Seeding.Derive(seed, "train-data");
        }

        /// <summary>The generator options.</summary>
        public MovingMnistOptions Options { get; }

        /// <inheritdoc />
        public (int Channels, int Frames, int Height, int Width) ClipShape => (1, Options.Frames, Options.CanvasSize, Options.CanvasSize);

        /// <inheritdoc />
        public Tensor Batch(long step, int index, int batchSize) => LabeledBatch(step, index, batchSize).Clips;

        /// <inheritdoc />
        /// <remarks>The label is the digit's class when each clip holds one digit; null otherwise.</remarks>
        public (Tensor Clips, Tensor? Labels) LabeledBatch(long step, int index, int batchSize)
        {
            // One seed per (step, sub-step); the generator derives a stream per clip from it.
            int seed = Seeding.Derive(_seed, $"{step}/{index}");
            var set = MovingMnist.Generate(TrainDigits.Value, batchSize, Options, seed);
            return (set.Clips.ToTensor(), set.SingleDigitLabels() is { } digits ? TorchSharp.torch.tensor(digits) : null);
        }
    }

    /// <summary>Fresh SYNTHETIC face clips (procedural drawings, RGB) per (step, sub-step).</summary>
    public sealed class SyntheticFacesSource : IClipSource
    {
        readonly int _seed;

        /// <summary>A source with these generator options.</summary>
        public SyntheticFacesSource(SyntheticFacesOptions options, int seed)
        {
            options.Validate();
            Options = options;
            _seed = Seeding.Derive(seed, "train-data");
        }

        /// <summary>The generator options.</summary>
        public SyntheticFacesOptions Options { get; }

        /// <inheritdoc />
        public (int Channels, int Frames, int Height, int Width) ClipShape => (3, Options.Frames, Options.Size, Options.Size);

        /// <inheritdoc />
        public Tensor Batch(long step, int index, int batchSize) =>
            SyntheticFaces.Generate(batchSize, Options, Seeding.Derive(_seed, $"{step}/{index}")).Clips.ToTensor();
    }
}
