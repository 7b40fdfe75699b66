using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;
using VideoGan.Models;
using VideoGan.Runtime;
using static TorchSharp.torch;

namespace VideoGan.Training;

/// <summary>
/// Trains a video GAN from a <see cref="TrainingConfig"/>: Adam per network, D:G step ratio, hinge / non-saturating /
/// WGAN-GP losses, R1, unrolled discriminator lookahead, EMA of the generator, JSONL + TensorBoard logs, sample GIFs,
/// atomic checkpoints, exact resume and a NaN guard.
/// </summary>
/// <remarks>
/// <para>Unrolled GAN (Metz et al. 2017), two ways (<c>unrollMode</c>). First-order: before each generator update the
/// discriminator takes <c>UnrollSteps</c> extra Adam steps on fresh batches (from a saved copy of its weights, buffers
/// and optimiser state); the generator's loss is taken against that look-ahead discriminator as a fixed network; then
/// the discriminator is restored. Differentiable (the paper's method): the k look-ahead steps are SGD steps kept in the
/// autograd graph, so the generator's gradient also flows through them (<see cref="UnrollDifferentiably"/>).</para>
/// <para>Determinism: weights come from <c>Seeding.SeedEverything(Seed)</c>; latents from the named stream "latent";
/// the frame discriminator's frame choice and penalty interpolation from torch's global generator (saved too);
/// data is a function of the step (see <see cref="IClipSource"/>). A checkpoint stores both torch RNG states, so a
/// resumed run reproduces the losses of an uninterrupted one on the CPU.</para>
/// Taught in notebook 03-training.
/// </remarks>
public sealed class Trainer : IDisposable
{
    readonly Adam _optG;
    readonly Adam _optD;
    readonly torch.Generator _latentRng;
    readonly IClipSource _data;
    readonly ExponentialMovingAverage? _ema;
    readonly Parameter[] _dParameters;
    readonly List<StepRecord> _history = new();
    TrainingLog? _log;
    double _elapsedBefore;

    /// <summary>Builds the networks and optimisers for <paramref name="config"/> (seeding everything from its seed).</summary>
    /// <param name="config">The run's configuration (validated again here).</param>
    /// <param name="outputDirectory">Run folder for logs, samples and checkpoints; null = nothing written.</param>
    /// <param name="data">Clip source; null = the one <see cref="TrainingData.Create"/> builds from <c>config.Data</c>.</param>
    /// <param name="device">Device; null = <see cref="TorchRuntime.Device"/>.</param>
    public Trainer(TrainingConfig config, string? outputDirectory = null, IClipSource? data = null, Device? device = null)
    {
        config.Validate();
        Config = config;
        OutputDirectory = outputDirectory is null ? null : Path.GetFullPath(outputDirectory);
        Device = device ?? TorchRuntime.Device;
        Seeding.SeedEverything(config.Seed);

        Generator = ModelFactory.CreateGenerator(config.Model);
        VideoDiscriminator = ModelFactory.CreateVideoDiscriminator(config.Model);
        FrameDiscriminator = ModelFactory.CreateFrameDiscriminator(config.Model);
        Generator.to(Device);
        VideoDiscriminator.to(Device);
        FrameDiscriminator?.to(Device);
        if (config.EmaDecay > 0)
        {
            EmaGenerator = ModelFactory.CreateGenerator(config.Model);
            EmaGenerator.to(Device);
            _ema = new ExponentialMovingAverage(Generator, EmaGenerator, config.EmaDecay);
        }
        _dParameters = VideoDiscriminator.parameters().Concat(FrameDiscriminator?.parameters() ?? []).ToArray();
        _optG = Adam(config.GeneratorOptimizer, Generator.parameters());
        _optD = Adam(config.DiscriminatorOptimizer, _dParameters);
        _latentRng = Seeding.CreateGenerator(config.Seed, "latent");
        _data = data ?? TrainingData.Create(config.Data, config.Seed);
        var shape = _data.ClipShape;
        if (shape.Frames != config.Data.Frames || shape.Height != config.Data.Size || shape.Width != config.Data.Size)
            throw new ArgumentException($"The clip source makes {shape.Frames}x{shape.Height}x{shape.Width} clips but the config says " +
                                        $"data.frames={config.Data.Frames}, data.size={config.Data.Size}.");
    }

    static Adam Adam(OptimizerConfig c, IEnumerable<Parameter> parameters) =>
        torch.optim.Adam(parameters, lr: c.Lr, beta1: c.Beta1, beta2: c.Beta2, weight_decay: c.WeightDecay);

    /// <summary>The configuration of this run.</summary>
    public TrainingConfig Config { get; }
    /// <summary>Run folder (absolute) or null.</summary>
    public string? OutputDirectory { get; }
    /// <summary>Device the networks live on.</summary>
    public Device Device { get; }
    /// <summary>The generator being trained.</summary>
    public VideoGeneratorBase Generator { get; }
    /// <summary>EMA copy of the generator (use it for samples and evaluation), or null when <c>EmaDecay</c> is 0.</summary>
    public VideoGeneratorBase? EmaGenerator { get; }
    /// <summary>The 3D video discriminator.</summary>
    public VideoDiscriminatorBase VideoDiscriminator { get; }
    /// <summary>The per-frame image discriminator, or null.</summary>
    public VideoDiscriminatorBase? FrameDiscriminator { get; }
    /// <summary>Completed generator updates.</summary>
    public long Step { get; private set; }
    /// <summary>Every step's record since step 1 (restored from the checkpoint on resume).</summary>
    public IReadOnlyList<StepRecord> History => _history;
    /// <summary>The newest checkpoint this trainer wrote or loaded.</summary>
    public string? LastCheckpoint { get; private set; }
    /// <summary>The generator to sample from: the EMA copy when there is one.</summary>
    public VideoGeneratorBase SamplingGenerator => EmaGenerator ?? Generator;

    internal Adam GeneratorOptimizer => _optG;
    internal Adam DiscriminatorOptimizer => _optD;
    internal torch.Generator LatentRng => _latentRng;
    internal double ElapsedBefore { get => _elapsedBefore; set => _elapsedBefore = value; }
    internal List<StepRecord> MutableHistory => _history;
    internal void SetStep(long step, string? checkpoint) { Step = step; LastCheckpoint = checkpoint; }

    /// <summary>Opens a run folder written by an earlier run and continues from its newest checkpoint.</summary>
    /// <param name="outputDirectory">The run folder (or a checkpoint file inside it).</param>
    /// <param name="data">Clip source; null = built from the checkpoint's config.</param>
    /// <param name="configure">Changes to the stored config (for example more steps); the architecture must not change.</param>
    /// <param name="device">Device; null = <see cref="TorchRuntime.Device"/>.</param>
    public static Trainer Resume(string outputDirectory, IClipSource? data = null, Func<TrainingConfig, TrainingConfig>? configure = null, Device? device = null)
    {
        string checkpoint = File.Exists(outputDirectory) ? outputDirectory : Checkpoints.Latest(outputDirectory)
            ?? throw new FileNotFoundException($"No checkpoint to resume from in '{outputDirectory}' (expected checkpoints/step-*.ckpt). Start without --resume.");
        string runDir = File.Exists(outputDirectory) ? Path.GetDirectoryName(Path.GetDirectoryName(Path.GetFullPath(checkpoint)))! : outputDirectory;
        var config = Checkpoints.ReadConfig(checkpoint);
        if (configure is not null) config = configure(config);
        var trainer = new Trainer(config, runDir, data, device);
        Checkpoints.Load(trainer, checkpoint);
        return trainer;
    }

    /// <summary>Runs until <see cref="TrainingConfig.Steps"/> (or <paramref name="steps"/> more steps), logging, sampling and checkpointing.</summary>
    /// <param name="steps">Steps to run now; null = up to <c>Config.Steps</c>.</param>
    /// <param name="onProgress">Called after every step (console bar, notebook display).</param>
    /// <param name="cancellation">Stops after the current step and writes a checkpoint.</param>
    /// <returns>The records of the steps run now.</returns>
    public IReadOnlyList<StepRecord> Run(long? steps = null, Action<TrainingProgress>? onProgress = null, CancellationToken cancellation = default)
    {
        long target = steps is { } n ? Step + n : Config.Steps;
        var records = new List<StepRecord>();
        if (OutputDirectory is not null)
        {
            Directory.CreateDirectory(OutputDirectory);
            AtomicFile.WriteAllText(Path.Combine(OutputDirectory, "config.json"), Config.ToJson());
            _log ??= new TrainingLog(OutputDirectory, Config.TensorBoard, truncateAfterStep: Step);
        }
        if (Step == 0 && OutputDirectory is not null && Config.SampleEvery > 0) WriteSample();
        var clock = Stopwatch.StartNew();
        long startStep = Step;
        while (Step < target && !cancellation.IsCancellationRequested)
        {
            var record = TrainStep();
            records.Add(record);
            string? sample = null, checkpoint = null;
            if (OutputDirectory is not null)
            {
                if (Step % Config.LogEvery == 0 || Step == target) _log!.Write(record);
                if (Config.SampleEvery > 0 && (Step % Config.SampleEvery == 0 || Step == target)) sample = WriteSample();
                if ((Config.CheckpointEvery > 0 && Step % Config.CheckpointEvery == 0) || Step == target) checkpoint = SaveCheckpoint();
            }
            if (onProgress is not null)
            {
                double rate = (Step - startStep) / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                TimeSpan? eta = rate > 0 ? TimeSpan.FromSeconds((target - Step) / rate) : null;
                onProgress(new TrainingProgress(Step, target, record, rate, TimeSpan.FromSeconds(record.ElapsedSeconds), eta, sample, checkpoint));
            }
        }
        if (cancellation.IsCancellationRequested && OutputDirectory is not null && LastCheckpoint != Checkpoints.PathFor(OutputDirectory, Step))
            SaveCheckpoint();
        _log?.Flush();
        return records;
    }

    /// <summary>One generator update with its discriminator updates; returns its record. Throws <see cref="TrainingDivergedException"/> on NaN/inf.</summary>
    public StepRecord TrainStep()
    {
        var total = Stopwatch.StartNew();
        double dataMs = 0, dMs = 0;
        long stepIndex = Step; // 0-based index of this update
        Generator.train();
        VideoDiscriminator.train();
        FrameDiscriminator?.train();

        DStepResult last = default;
        for (int i = 0; i < Config.DiscriminatorSteps; i++)
        {
            last = DiscriminatorStep(stepIndex, i, ref dataMs, ref dMs, stepIndex * Config.DiscriminatorSteps + i);
        }

        var gWatch = Stopwatch.StartNew();
        MemoryStream? dSnapshot = null;
        Tensor[]? dWeights = null;
        if (Config.UnrollSteps > 0 && Config.UnrollMode == UnrollMode.FirstOrder)
        {
            // Look ahead: remember D exactly (weights, buffers, Adam state), take k more D steps, let G answer that D.
            dSnapshot = new MemoryStream();
            using (var w = new BinaryWriter(dSnapshot, System.Text.Encoding.UTF8, leaveOpen: true)) _optD.save_state_dict(w);
            dWeights = DiscriminatorState().Select(t => t.detach().clone()).ToArray();
            var unrollWatch = Stopwatch.StartNew();
            double unrollData = 0, unrollD = 0;
            for (int k = 0; k < Config.UnrollSteps; k++)
                DiscriminatorStep(stepIndex, Config.DiscriminatorSteps + k, ref unrollData, ref unrollD, long.MinValue);
            dataMs += unrollData;
            dMs += unrollD;
            gWatch.Restart();
        }

        double gLoss, gReg, gClass = 0;
        using (var scope = NewDisposeScope())
        {
            foreach (var p in _dParameters) p.requires_grad_(false); // G's step needs no D weight gradients
            var lookahead = Config.UnrollSteps > 0 && Config.UnrollMode == UnrollMode.Differentiable ? SpectralLayers() : null;
            try
            {
                _optG.zero_grad();
                if (lookahead is not null)
                {
                    var unrollWatch = Stopwatch.StartNew();
                    UnrollDifferentiably(lookahead, stepIndex, ref dataMs);
                    dMs += unrollWatch.Elapsed.TotalMilliseconds;
                    gWatch.Restart();
                }
                var z = Generator.SampleLatent(Config.BatchSize, _latentRng).to(Device);
                var fake = Generator.call(z);
                var labels = Generator.ClassLabels(z); // the classes G was asked for (null: unconditional)
                var adv = GanLosses.GeneratorLoss(Config.Loss, VideoDiscriminator.Score(fake, labels));
                var (frameLogits, classLoss) = FrameScores(fake, labels, labels);
                if (frameLogits is not null)
                    adv = adv + Config.FrameDiscriminatorWeight * GanLosses.GeneratorLoss(Config.Loss, frameLogits);
                if (classLoss is not null)
                {
                    // AC-GAN: G is asked for frames of the class it was given.
                    gClass = classLoss.item<float>();
                    adv = adv + Config.AuxiliaryClassWeight * classLoss;
                }
                var reg = Generator.RegularizationLoss();
                var loss = adv + reg.to(adv.device);
                gLoss = loss.item<float>();
                gReg = reg.item<float>();
                if (!double.IsFinite(gLoss)) throw new TrainingDivergedException(stepIndex + 1, "g_loss", gLoss, LastCheckpoint);
                loss.backward();
                _optG.step();
            }
            finally
            {
                foreach (var p in _dParameters) p.requires_grad_(true);
                foreach (var layer in lookahead ?? []) layer.Override = null;
            }
        }
        if (dSnapshot is not null)
        {
            using var _ = no_grad();
            foreach (var (target, saved) in DiscriminatorState().Zip(dWeights!)) target.copy_(saved);
            foreach (var t in dWeights!) t.Dispose();
            dSnapshot.Position = 0;
            using var r = new BinaryReader(dSnapshot);
            _optD.load_state_dict(r);
        }
        _ema?.Update(stepIndex);
        double gMs = gWatch.Elapsed.TotalMilliseconds;

        Step = stepIndex + 1;
        var record = new StepRecord
        {
            Step = Step, DLoss = last.Loss, GLoss = gLoss, DReal = last.Real, DFake = last.Fake, DFrameLoss = last.FrameLoss,
            DClassLoss = last.ClassLoss, GClassLoss = gClass,
            Penalty = last.Penalty, GRegularization = gReg, DataMs = dataMs, DMs = dMs, GMs = gMs,
            StepMs = total.Elapsed.TotalMilliseconds,
            ElapsedSeconds = _elapsedBefore + total.Elapsed.TotalSeconds,
        };
        _elapsedBefore = record.ElapsedSeconds;
        _history.Add(record);
        return record;
    }

    readonly record struct DStepResult(double Loss, double Real, double Fake, double FrameLoss, double Penalty, double ClassLoss);

    /// <summary>The frame discriminator when it also classifies (AC-GAN, auxiliaryClassWeight &gt; 0), else null.</summary>
    FrameDiscriminator? AuxiliaryClassifier => Config.AuxiliaryClassWeight > 0 ? FrameDiscriminator as FrameDiscriminator : null;

    /// <summary>
    /// The frame discriminator's clip logits <c>[B]</c> (null when it is off or weighted 0 without AC-GAN) and, with
    /// AC-GAN, the class cross-entropy of the first <paramref name="classTargets"/>.Length clips against those targets:
    /// the same frames answer "real?" and "which digit?" in one forward.
    /// </summary>
    (Tensor? Logits, Tensor? ClassLoss) FrameScores(Tensor clips, Tensor? labels, Tensor? classTargets)
    {
        if (AuxiliaryClassifier is { } acgan)
        {
            var (frameLogits, classLogits) = acgan.FrameLogitsAndClasses(clips, labels!);
            long k = frameLogits.shape[1], n = classTargets!.shape[0];
            var classLoss = nn.functional.cross_entropy(classLogits.narrow(0, 0, n * k), classTargets.repeat_interleave(k));
            return (frameLogits.mean(new long[] { 1 }), classLoss);
        }
        if (FrameDiscriminator is not null && Config.FrameDiscriminatorWeight > 0)
            return (FrameDiscriminator.Score(clips, labels), null);
        return (null, null);
    }

    DStepResult DiscriminatorStep(long stepIndex, int subStep, ref double dataMs, ref double dMs, long r1Counter)
    {
        using var scope = NewDisposeScope();
        var watch = Stopwatch.StartNew();
        Tensor real;
        Tensor? realLabels = null;
        if (Config.Model.IsConditional)
        {
            var (clips, classes) = _data.LabeledBatch(stepIndex, subStep, Config.BatchSize);
            real = clips.to(Device);
            realLabels = (classes ?? throw new InvalidOperationException(
                $"model.classes = {Config.Model.Classes} needs a clip source with labels, but {_data.GetType().Name} gave none; set model.classes to 0 or use one-digit Moving MNIST clips.")).to(Device);
        }
        else real = _data.Batch(stepIndex, subStep, Config.BatchSize).to(Device);
        dataMs += watch.Elapsed.TotalMilliseconds;
        watch.Restart();

        Tensor fake;
        Tensor? fakeLabels;
        using (no_grad())
        {
            var z = Generator.SampleLatent(Config.BatchSize, _latentRng).to(Device);
            fake = Generator.call(z).detach();
            fakeLabels = Generator.ClassLabels(z);
        }
        _optD.zero_grad();
        // Real and fake go through each discriminator in ONE forward (as BigGAN does): half the calls, and a
        // spectral-norm power iteration per step rather than per call.
        long b = real.shape[0];
        var both = cat(new[] { real, fake }, 0);
        var bothLabels = realLabels is null ? null : cat(new[] { realLabels, fakeLabels! }, 0);
        var logits = VideoDiscriminator.Score(both, bothLabels);
        var realLogits = logits.narrow(0, 0, b);
        var fakeLogits = logits.narrow(0, b, logits.shape[0] - b);
        var loss = GanLosses.DiscriminatorLoss(Config.Loss, realLogits, fakeLogits);
        Tensor frameLoss = zeros(1, device: Device);
        // AC-GAN: the class head learns the digits of REAL frames only (in Odena et al.'s original D also learns the
        // classes of fakes, which rewards it for reading classes into poor samples).
        var (frameLogits, classLossOrNull) = FrameScores(both, bothLabels, realLabels);
        if (frameLogits is not null)
        {
            frameLoss = GanLosses.DiscriminatorLoss(Config.Loss, frameLogits.narrow(0, 0, b), frameLogits.narrow(0, b, frameLogits.shape[0] - b));
            loss = loss + Config.FrameDiscriminatorWeight * frameLoss;
        }
        var classLoss = classLossOrNull ?? zeros(1, device: Device);
        if (classLossOrNull is not null) loss = loss + Config.AuxiliaryClassWeight * classLoss;
        double lossValue = loss.item<float>();
        if (!double.IsFinite(lossValue)) throw new TrainingDivergedException(stepIndex + 1, "d_loss", lossValue, LastCheckpoint);
        loss.backward();

        // Penalties get their own forward and backward (gradients accumulate): a second training-mode forward before the
        // first backward would change spectral-norm buffers that the first graph saved.
        Tensor penalty = zeros(1, device: Device);
        double penaltyWeight = 0;
        if (Config.Loss == GanLossKind.WganGp && Config.GradientPenaltyWeight > 0)
        {
            penalty = GanLosses.GradientPenalty(x => VideoDiscriminator.Score(x, realLabels), real, fake);
            penaltyWeight = Config.GradientPenaltyWeight;
        }
        // Lazy R1: every R1Every-th D step, scaled by R1Every so the average strength matches. Unroll steps skip it.
        else if (Config.R1Gamma > 0 && r1Counter >= 0 && r1Counter % Config.R1Every == 0)
        {
            penalty = GanLosses.R1Penalty(x => VideoDiscriminator.Score(x, realLabels), real);
            penaltyWeight = Config.R1Gamma / 2 * Config.R1Every;
        }
        if (penaltyWeight > 0)
        {
            double p = penalty.item<float>();
            if (!double.IsFinite(p)) throw new TrainingDivergedException(stepIndex + 1, "d_penalty", p, LastCheckpoint);
            (penaltyWeight * penalty).backward();
            lossValue += penaltyWeight * p;
        }
        _optD.step();
        var result = new DStepResult(lossValue, realLogits.mean().item<float>(), fakeLogits.mean().item<float>(),
                                     frameLoss.item<float>(), penalty.item<float>(), classLoss.item<float>());
        dMs += watch.Elapsed.TotalMilliseconds;
        return result;
    }

    /// <summary>Every spectrally normalised layer of both discriminators, in a fixed order: the differentiable look-ahead's weights.</summary>
    SpectralNorm[] SpectralLayers() =>
        new nn.Module?[] { VideoDiscriminator, FrameDiscriminator }.Where(m => m is not null)
            .SelectMany(m => m!.modules().OfType<SpectralNorm>()).ToArray();

    /// <summary>
    /// The differentiable look-ahead (Metz et al. 2017, eq. 5-7): from D's current weights theta_0, k SGD steps
    /// theta_{i+1} = theta_i - unrollLr * dL_D(theta_i)/dtheta on fresh real batches and fresh fakes of the CURRENT G, each
    /// step's gradient kept in the graph (create_graph), then theta_k is put in place of D's weights for G's loss. G's
    /// gradient therefore includes how D would have answered G's change over k steps. D itself is not changed. Penalties
    /// (R1, WGAN-GP) are left out of the look-ahead; u, v of the spectral norm are held.
    /// </summary>
    void UnrollDifferentiably(SpectralNorm[] layers, long stepIndex, ref double dataMs)
    {
        var theta = layers.Select(l => (W: l.Weight.detach().clone().requires_grad_(true), B: l.LayerBias?.detach().clone().requires_grad_(true))).ToArray();
        for (int k = 0; k < Config.UnrollSteps; k++)
        {
            for (int i = 0; i < layers.Length; i++) layers[i].Override = theta[i];
            var watch = Stopwatch.StartNew();
            Tensor real;
            Tensor? realLabels = null;
            int subStep = Config.DiscriminatorSteps + k;
            if (Config.Model.IsConditional)
            {
                var (clips, classes) = _data.LabeledBatch(stepIndex, subStep, Config.BatchSize);
                real = clips.to(Device);
                realLabels = classes!.to(Device);
            }
            else real = _data.Batch(stepIndex, subStep, Config.BatchSize).to(Device);
            dataMs += watch.Elapsed.TotalMilliseconds;
            var z = Generator.SampleLatent(Config.BatchSize, _latentRng).to(Device);
            var fake = Generator.call(z);                                     // in the graph: theta_k depends on G
            var fakeLabels = Generator.ClassLabels(z);
            long b = real.shape[0];
            var both = cat(new[] { real, fake }, 0);
            var bothLabels = realLabels is null ? null : cat(new[] { realLabels, fakeLabels! }, 0);
            var logits = VideoDiscriminator.Score(both, bothLabels);
            var loss = GanLosses.DiscriminatorLoss(Config.Loss, logits.narrow(0, 0, b), logits.narrow(0, b, logits.shape[0] - b));
            if (FrameDiscriminator is not null && Config.FrameDiscriminatorWeight > 0)
            {
                var frame = FrameDiscriminator.Score(both, bothLabels);
                loss = loss + Config.FrameDiscriminatorWeight * GanLosses.DiscriminatorLoss(Config.Loss, frame.narrow(0, 0, b), frame.narrow(0, b, frame.shape[0] - b));
            }
            double value = loss.item<float>();
            if (!double.IsFinite(value)) throw new TrainingDivergedException(stepIndex + 1, "d_loss (look-ahead)", value, LastCheckpoint);
            var inputs = theta.SelectMany(t => t.B is null ? new[] { t.W } : new[] { t.W, t.B }).ToArray();
            var grads = torch.autograd.grad(new[] { loss }, inputs, retain_graph: true, create_graph: true);
            int g = 0;
            for (int i = 0; i < theta.Length; i++)
            {
                var w = theta[i].W.sub(Scalars.Mul(grads[g++], Config.UnrollLr));
                var bias = theta[i].B is null ? null : theta[i].B!.sub(Scalars.Mul(grads[g++], Config.UnrollLr));
                theta[i] = (w, bias);
            }
        }
        for (int i = 0; i < layers.Length; i++) layers[i].Override = theta[i];
    }

    /// <summary>Parameters and buffers of both discriminators, in a fixed order (for the unrolling snapshot).</summary>
    IEnumerable<Tensor> DiscriminatorState()
    {
        foreach (var m in new nn.Module?[] { VideoDiscriminator, FrameDiscriminator })
        {
            if (m is null) continue;
            foreach (var p in m.parameters()) yield return p;
            foreach (var b in m.buffers()) yield return b;
        }
    }

    /// <summary>
    /// <paramref name="count"/> clips from the sampling generator (EMA when present), in eval mode, from latents of the
    /// named stream "samples" of <paramref name="seed"/> (default: the run's seed), so the same seed shows the same latents
    /// at every step. The training random streams are not touched.
    /// </summary>
    public Tensor Sample(int count, int? seed = null)
    {
        var g = SamplingGenerator;
        bool wasTraining = g.training;
        var torchState = get_rng_state();
        try
        {
            g.eval();
            using var _ = no_grad();
            using var rng = Seeding.CreateGenerator(seed ?? Config.Seed, "samples");
            var z = g.SampleLatent(count, rng).to(Device);
            return g.call(z).cpu().detach();
        }
        finally
        {
            set_rng_state(torchState);
            torchState.Dispose();
            g.train(wasTraining);
        }
    }

    string? WriteSample()
    {
        if (OutputDirectory is null) return null;
        string dir = Path.Combine(OutputDirectory, "samples");
        Directory.CreateDirectory(dir);
        string path = Path.Combine(dir, $"step-{Step:D7}.gif");
        using var scope = NewDisposeScope();
        VideoGan.Visualization.Clip.FromTensor(Sample(Config.SampleCount), $"{Config.Name} step {Step}").SaveGif(path, fps: 8, scale: 2);
        return path;
    }

    /// <summary>Writes a checkpoint (atomically) to <c>checkpoints/step-NNNNNNN.ckpt</c> of the run folder, or to <paramref name="path"/>.</summary>
    public string SaveCheckpoint(string? path = null)
    {
        path ??= Checkpoints.PathFor(OutputDirectory ?? throw new InvalidOperationException("This trainer has no output directory; pass a checkpoint path."), Step);
        Checkpoints.Save(this, path);
        LastCheckpoint = path;
        if (OutputDirectory is not null && Config.KeepCheckpoints > 0) Checkpoints.Prune(OutputDirectory, Config.KeepCheckpoints);
        _log?.Flush();
        return path;
    }

    /// <summary>Disposes the networks, optimisers and log writers.</summary>
    public void Dispose()
    {
        _log?.Dispose();
        _optG.Dispose();
        _optD.Dispose();
        _latentRng.Dispose();
        Generator.Dispose();
        EmaGenerator?.Dispose();
        VideoDiscriminator.Dispose();
        FrameDiscriminator?.Dispose();
    }
}
