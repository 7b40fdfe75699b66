using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using VideoGan.Data;
using VideoGan.Runtime;
using static TorchSharp.torch;

namespace VideoGan.Metrics;

/// <summary>
/// A small LeNet-style digit classifier for single-digit frames <c>[N, 1, S, S]</c> in [-1, 1] (two 5x5 conv + max-pool
/// stages of 32 and 64 channels, then two linear layers with dropout; an adaptive pool makes any canvas size work). Trained on frames rendered exactly like
/// the training clips (Moving MNIST options) from the embedded MNIST <b>training</b> digits; its held-out accuracy is
/// measured on frames from the <b>test</b> digits. Used to ask "do generated frames show recognisable digits?".
/// </summary>
/// <remarks>Taught in notebook 03-training (quality of the shipped generator); used by notebooks 04-06.</remarks>
public sealed class DigitClassifier : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv1;
    readonly Conv2d conv2;
    readonly Linear fc1;
    readonly Linear fc2;

    /// <summary>A classifier with random weights.</summary>
    public DigitClassifier() : base(nameof(DigitClassifier))
    {
        conv1 = nn.Conv2d(1, 32, 5, padding: 2);
        conv2 = nn.Conv2d(32, 64, 5, padding: 2);
        fc1 = nn.Linear(64 * 7 * 7, 128);
        fc2 = nn.Linear(128, 10);
        RegisterComponents();
    }

    /// <summary>Frames <c>[N, 1, H, W]</c> in [-1, 1] -> logits <c>[N, 10]</c> (frames are centred on their ink first).</summary>
    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 4 || x.shape[1] != 1)
            throw new ArgumentException($"DigitClassifier expects frames [N, 1, H, W] in [-1, 1], got [{string.Join(", ", x.shape)}].");
        var h = nn.functional.max_pool2d(nn.functional.relu(conv1.call(CentreOnInk(x))), 2);
        h = nn.functional.max_pool2d(nn.functional.relu(conv2.call(h)), 2);
        h = nn.functional.adaptive_avg_pool2d(h, new long[] { 7, 7 });
        // Dropout only while training: the MNIST training pool here is ~8k digits, small enough to overfit.
        h = nn.functional.dropout(nn.functional.relu(fc1.call(h.flatten(1))), 0.3, training);
        return fc2.call(h);
    }

    /// <summary>
    /// Moves each frame's ink centre of mass to the frame centre by a whole-pixel shift (exact resampling; background
    /// fills in): the classifier then answers "which digit", not "where", so it learns fast and judges generated frames
    /// wherever their digit is.
    /// </summary>
    public static Tensor CentreOnInk(Tensor frames)
    {
        using var scope = NewDisposeScope();
        long n = frames.shape[0], h = frames.shape[2], w = frames.shape[3];
        var ink = ((frames.detach() + 1) / 2).clamp(0, 1).squeeze(1);                 // [N, H, W]
        var mass = ink.sum(new long[] { 1, 2 }).clamp_min(1e-6);
        var cy = (ink * arange(h, dtype: ScalarType.Float32, device: frames.device).view(1, h, 1)).sum(new long[] { 1, 2 }) / mass;
        var cx = (ink * arange(w, dtype: ScalarType.Float32, device: frames.device).view(1, 1, w)).sum(new long[] { 1, 2 }) / mass;
        var sy = (cy - (h - 1) / 2.0).round();                                         // pixels to move up
        var sx = (cx - (w - 1) / 2.0).round();
        var theta = zeros(new long[] { n, 2, 3 }, dtype: frames.dtype, device: frames.device);
        theta[.., 0, 0] = tensor(1f);
        theta[.., 1, 1] = tensor(1f);
        theta[.., 0, 2] = sx * (2.0 / w);
        theta[.., 1, 2] = sy * (2.0 / h);
        var grid = nn.functional.affine_grid(theta, new long[] { n, 1, h, w }, align_corners: false);
        var moved = nn.functional.grid_sample(frames + 1, grid, GridSampleMode.Nearest, GridSamplePaddingMode.Zeros, align_corners: false) - 1;
        return moved.MoveToOuterDisposeScope();
    }

    /// <summary>Class probabilities <c>[N, 10]</c> of frames (eval mode, no gradients, batched).</summary>
    public Tensor Probabilities(Tensor frames, int batchSize = 512)
    {
        eval();
        using var _ = no_grad();
        var parts = new List<Tensor>();
        for (long i = 0; i < frames.shape[0]; i += batchSize)
            parts.Add(nn.functional.softmax(call(frames.narrow(0, i, Math.Min(batchSize, frames.shape[0] - i))), 1));
        return cat(parts, 0);
    }

    /// <summary>Per-frame probabilities <c>[B, T, 10]</c> of clips <c>[B, 1, T, H, W]</c>.</summary>
    public Tensor ClipProbabilities(Tensor clips)
    {
        if (clips.dim() != 5 || clips.shape[1] != 1)
            throw new ArgumentException($"ClipProbabilities expects clips [B, 1, T, H, W], got [{string.Join(", ", clips.shape)}].");
        long b = clips.shape[0], t = clips.shape[2], h = clips.shape[3], w = clips.shape[4];
        var frames = clips.transpose(1, 2).reshape(b * t, 1, h, w);
        return Probabilities(frames).view(b, t, 10);
    }

    /// <summary>Saves the weights (TorchSharp format).</summary>
    public void Save(string path) => AtomicFile.WriteVia(path, tmp => save(tmp));

    /// <summary>Loads weights written by <see cref="Save"/>.</summary>
    public static DigitClassifier Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Digit classifier weights '{path}' not found (train them with DigitClassifier.Train).", path);
        var c = new DigitClassifier();
        c.load(path);
        c.eval();
        return c;
    }

    /// <summary>Accuracy of the classifier on frames with labels.</summary>
    public double Accuracy(Tensor frames, long[] labels)
    {
        using var scope = NewDisposeScope();
        var pred = Probabilities(frames).argmax(1);
        return pred.eq(tensor(labels)).to(ScalarType.Float32).mean().item<float>();
    }

    /// <summary>
    /// Trains a classifier on frames rendered with <paramref name="render"/> from the embedded MNIST training digits
    /// and reports its accuracy on frames from the test digits. Deterministic for a seed on the CPU.
    /// </summary>
    /// <remarks>Adam 1e-3 with a cosine decay of the learning rate over all batches, batch 128.</remarks>
    public static (DigitClassifier Classifier, DigitClassifierReport Report) Train(MovingMnistOptions render, int trainFrames = 40000,
        int testFrames = 4000, int epochs = 6, int seed = 1, Action<string>? log = null)
    {
        if (render.DigitsPerClip != 1) throw new ArgumentException($"DigitClassifier needs one digit per frame (DigitsPerClip = {render.DigitsPerClip}).");
        if (trainFrames < 128) throw new ArgumentOutOfRangeException(nameof(trainFrames), trainFrames, "need at least one batch (128) of training frames");
        if (testFrames < 1) throw new ArgumentOutOfRangeException(nameof(testFrames), testFrames, "need at least one test frame");
        if (epochs < 1) throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "need at least one epoch");
        var clock = Stopwatch.StartNew();
        Seeding.SeedEverything(seed);
        var (trainX, trainY) = Frames(MnistSplit.Train, render, trainFrames, Seeding.Derive(seed, "classifier/train"));
        var (testX, testY) = Frames(MnistSplit.Test, render, testFrames, Seeding.Derive(seed, "classifier/test"));
        var model = new DigitClassifier();
        using var opt = optim.Adam(model.parameters(), lr: 1e-3);
        var order = Seeding.CreateRandom(seed, "classifier/order");
        const int batch = 128;
        const double baseLr = 1e-3;
        long n = trainX.shape[0];
        long totalBatches = epochs * (n / batch), done = 0;
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            model.train();
            var idx = Enumerable.Range(0, (int)n).ToArray();
            order.Shuffle(idx);
            double lossSum = 0;
            int batches = 0;
            for (int i = 0; i + batch <= n; i += batch)
            {
                using var scope = NewDisposeScope();
                var ix = tensor(idx.AsSpan(i, batch).ToArray().Select(v => (long)v).ToArray());
                var loss = nn.functional.cross_entropy(model.call(trainX.index_select(0, ix)), trainY.index_select(0, ix));
                double lr = baseLr * 0.5 * (1 + Math.Cos(Math.PI * done++ / totalBatches));
                foreach (var group in opt.ParamGroups) group.LearningRate = lr;
                opt.zero_grad();
                loss.backward();
                opt.step();
                lossSum += loss.item<float>();
                batches++;
            }
            log?.Invoke($"classifier epoch {epoch + 1}/{epochs}: loss {lossSum / Math.Max(1, batches):0.0000}");
        }
        double acc = model.Accuracy(testX, testY.data<long>().ToArray());
        var report = new DigitClassifierReport(acc, (int)n, (int)testX.shape[0], epochs, seed, clock.Elapsed.TotalSeconds,
            $"{render.CanvasSize}x{render.CanvasSize}, digit scale {render.DigitScale}, binary ink {render.BinaryInk}");
        log?.Invoke($"classifier held-out accuracy {acc:P2} on {testX.shape[0]} test-digit frames ({clock.Elapsed.TotalSeconds:0} s)");
        trainX.Dispose(); trainY.Dispose(); testX.Dispose(); testY.Dispose();
        model.eval();
        return (model, report);
    }

    /// <summary>Frames <c>[N, 1, S, S]</c> and labels <c>[N]</c>: first and last frame of 2-frame clips from one digit pool.</summary>
    public static (Tensor Frames, Tensor Labels) Frames(MnistSplit split, MovingMnistOptions render, int count, int seed)
    {
        var o = render with { Frames = 2, DigitsPerClip = 1 };
        var set = MovingMnist.Generate(MnistDigits.LoadEmbedded(split), (count + 1) / 2, o, seed);
        using var clips = set.Clips.ToTensor();
        int s = o.CanvasSize;
        var frames = clips.transpose(1, 2).reshape(-1, 1, s, s).narrow(0, 0, count).contiguous();
        var labels = set.Labels.SelectMany(l => new long[] { l.Digits[0], l.Digits[0] }).Take(count).ToArray();
        return (frames, tensor(labels));
    }
}

/// <summary>How a <see cref="DigitClassifier"/> was trained and how well it does on held-out digits.</summary>
public sealed record DigitClassifierReport(double HeldOutAccuracy, int TrainFrames, int TestFrames, int Epochs, int Seed, double Seconds, string Rendering);
