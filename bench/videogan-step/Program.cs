// One full two-stream VideoGAN training iteration in TorchSharp, built to match the PyTorch peer
// (/work/shared/bench-peers/videogan_step.py) exactly: same networks (VideoGan.Models.TwoStreamGenerator with
// upsample "transpose" and VideoDiscriminator without spectral norm reproduce the peer's parameter counts),
// same init (N(0, 0.02) convs, BN gamma N(1, 0.02)), same step (G once; D: BCE(D(real),1) + BCE(D(fake.detach()),0);
// G: BCE(D(fake),1) [+ mask_l1 * mean|m|]; Adam 2e-4, (0.5, 0.999); grads set to None), fixed random real batch.
// Prints one JSON object with the peer's field names.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TorchSharp;
using VideoGan.Models;
using VideoGan.Runtime;
using static TorchSharp.torch;

var opts = Options.Parse(args);
TorchRuntime.Initialize();
torch.set_num_threads(opts.Threads);
torch.manual_seed(opts.Seed);
if (opts.Trainer is { } preset)
{
    // The project's own training step (Trainer.TrainStep: data, D step, G step, EMA) for a preset: how the rigid-path and
    // the learned-motion generators compare where they are actually trained.
    var tc = VideoGan.Training.TrainingConfig.Load(preset) with { SampleEvery = 0, TensorBoard = false, CheckpointEvery = 0, BatchSize = opts.Batch };
    using var trainer = new VideoGan.Training.Trainer(tc, null);
    for (int i = 0; i < opts.Warmup; i++) trainer.TrainStep();
    var stepMs = new List<double>();
    var self0t = ProcStats.Self();
    for (int i = 0; i < opts.Iters; i++) stepMs.Add(trainer.TrainStep().StepMs);
    var self1t = ProcStats.Self();
    var st = stepMs.OrderBy(t => t).ToArray();
    Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["bench"] = "trainer_step", ["impl"] = "torchsharp", ["preset"] = preset, ["generator"] = tc.Model.Generator,
        ["clip"] = new[] { tc.Model.Channels, tc.Model.Frames, tc.Model.Size, tc.Model.Size }, ["batch"] = tc.BatchSize,
        ["threads"] = torch.get_num_threads(), ["iters"] = opts.Iters, ["warmup"] = opts.Warmup,
        ["ms_per_iter_median"] = Math.Round(st.Length % 2 == 1 ? st[st.Length / 2] : (st[st.Length / 2 - 1] + st[st.Length / 2]) / 2, 2),
        ["cpu_s_per_iter"] = Math.Round(((self1t.User + self1t.Sys) - (self0t.User + self0t.Sys)) / opts.Iters, 3),
        ["params_G"] = trainer.Generator.ParameterCount,
        ["params_D"] = trainer.VideoDiscriminator.ParameterCount + (trainer.FrameDiscriminator?.ParameterCount ?? 0),
    }));
    return;
}

// name: (channels, T, H, G width (last G channels), D width (first D channels))
var sizes = new Dictionary<string, (int C, int T, int H, int GWidth, int DWidth)>
{
    ["full"] = (3, 32, 64, 64, 64),
    ["mnist64"] = (1, 16, 64, 64, 64),
    ["mnist32"] = (1, 16, 32, 128, 128),
};
if (!sizes.TryGetValue(opts.Size, out var s)) throw new ArgumentException($"--size must be one of {string.Join(", ", sizes.Keys)}");
int gw = opts.Width ?? s.GWidth, dw = opts.Width ?? s.DWidth;
var config = new ModelConfig
{
    Generator = opts.Generator, Size = s.H, Frames = s.T, Channels = s.C, ContentDim = 90, MotionDim = 10, // z = 100
    GeneratorWidth = gw, DiscriminatorWidth = dw, SpectralNorm = false, FrameDiscriminator = false,
    Upsample = "transpose", MaskL1 = opts.MaskL1,
};
// The peer's network is the two-stream generator; --generator swaps in another kind at the same clip size and widths.
var G = ModelFactory.CreateGenerator(config);
var D = new VideoDiscriminator(config);
G.train(); D.train();
var optG = torch.optim.Adam(G.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999);
var optD = torch.optim.Adam(D.parameters(), lr: 2e-4, beta1: 0.5, beta2: 0.999);
int B = opts.Batch;
var real = torch.rand(new long[] { B, s.C, s.T, s.H, s.H }) * 2.0 - 1.0;
var ones = torch.ones(B);
var zeros = torch.zeros(B);

using (torch.no_grad())
using (var check = torch.NewDisposeScope())
{
    var v = G.call(G.SampleLatent(2));
    if (!v.shape.SequenceEqual(new long[] { 2, s.C, s.T, s.H, s.H })) throw new InvalidOperationException("G shape");
    if (!D.call(v).shape.SequenceEqual(new long[] { 2 })) throw new InvalidOperationException("D shape");
}

static void SetGradsToNone(nn.Module m)
{
    foreach (var p in m.parameters()) p.grad = null;
}

(double, double) Step()
{
    using var scope = torch.NewDisposeScope();
    var z = G.SampleLatent(B);
    var fake = G.call(z);
    SetGradsToNone(D);
    var lossD = nn.functional.binary_cross_entropy_with_logits(D.call(real), ones)
              + nn.functional.binary_cross_entropy_with_logits(D.call(fake.detach()), zeros);
    lossD.backward();
    optD.step();
    SetGradsToNone(G);
    var lossG = nn.functional.binary_cross_entropy_with_logits(D.call(fake), ones);
    if (opts.MaskL1 > 0) lossG = lossG + G.RegularizationLoss();
    lossG.backward();
    optG.step();
    return (lossD.item<float>(), lossG.item<float>());
}

for (int i = 0; i < opts.Warmup; i++) Step();
var self0 = ProcStats.Self();
double sys0 = ProcStats.SystemBusySeconds();
var times = new List<double>();
var rss = new List<object>();
(double, double) losses = default;
var sw = new Stopwatch();
for (int i = 0; i < opts.Iters; i++)
{
    sw.Restart();
    losses = Step();
    times.Add(sw.Elapsed.TotalMilliseconds);
    if (opts.RssEvery > 0 && (i % opts.RssEvery == 0 || i == opts.Iters - 1))
        rss.Add(new { step = i + 1, rss_mib = Math.Round(ProcStats.RssMib(), 1), ms = Math.Round(times[^1], 1) });
}
var self1 = ProcStats.Self();
double sys1 = ProcStats.SystemBusySeconds();
double ownCpu = (self1.User + self1.Sys) - (self0.User + self0.Sys);
var sorted = times.OrderBy(t => t).ToArray();
double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
long pg = G.parameters().Sum(p => p.numel()), pd = D.parameters().Sum(p => p.numel());
var result = new Dictionary<string, object?>
{
    ["bench"] = "videogan_step",
    ["impl"] = "torchsharp",
    ["torchsharp"] = typeof(torch).Assembly.GetName().Version?.ToString(),
    ["libtorch"] = torch.__version__,
    ["dotnet"] = Environment.Version.ToString(),
    ["size"] = opts.Size,
    ["generator"] = opts.Generator,
    ["clip"] = new[] { s.C, s.T, s.H, s.H },
    ["batch"] = B,
    ["g_width"] = gw,
    ["d_width"] = dw,
    ["threads"] = torch.get_num_threads(),
    ["mask_l1"] = opts.MaskL1,
    ["warmup"] = opts.Warmup,
    ["iters"] = opts.Iters,
    ["ms_per_iter_median"] = Math.Round(median, 2),
    ["ms_per_iter_min"] = Math.Round(sorted[0], 2),
    ["ms_per_iter_max"] = Math.Round(sorted[^1], 2),
    ["ms_per_iter_mean"] = Math.Round(times.Average(), 2),
    ["cpu_user_s"] = Math.Round(self1.User - self0.User, 2),
    ["cpu_sys_s"] = Math.Round(self1.Sys - self0.Sys, 2),
    ["minor_faults"] = self1.MinorFaults - self0.MinorFaults,
    ["other_procs_cpu_s"] = Math.Round(Math.Max(0, (sys1 - sys0) - ownCpu), 2),
    ["timed_wall_s"] = Math.Round(times.Sum() / 1000, 2),
    ["clips_per_s"] = Math.Round(B * 1000.0 / median, 3),
    ["params_G"] = pg,
    ["params_D"] = pd,
    ["params_total"] = pg + pd,
    ["peak_rss_mib"] = Math.Round(ProcStats.PeakRssMib(), 1),
    ["malloc"] = string.IsNullOrEmpty(Environment.GetEnvironmentVariable("LD_PRELOAD")) ? "glibc" : Environment.GetEnvironmentVariable("LD_PRELOAD"),
    ["ms_all"] = opts.Iters <= 100 ? times.Select(t => Math.Round(t, 1)).ToArray() : null,
    ["rss_trace"] = opts.RssEvery > 0 ? rss : null,
    ["last_loss_D"] = Math.Round(losses.Item1, 4),
    ["last_loss_G"] = Math.Round(losses.Item2, 4),
};
Console.WriteLine(JsonSerializer.Serialize(result.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value)));

sealed record Options(string Size, int Batch, int Iters, int Warmup, int Threads, int Seed, double MaskL1, int? Width, int RssEvery,
                      string Generator = ModelConfig.TwoStream, string? Trainer = null)
{
    public static Options Parse(string[] a)
    {
        var o = new Options("mnist64", 16, 10, 3, 2, 0, 0.0, null, 0);
        for (int i = 0; i < a.Length; i++)
        {
            string Next() => i + 1 < a.Length ? a[++i] : throw new ArgumentException($"{a[i]} needs a value");
            o = a[i] switch
            {
                "--size" => o with { Size = Next() },
                "--batch" => o with { Batch = int.Parse(Next()) },
                "--iters" => o with { Iters = int.Parse(Next()) },
                "--warmup" => o with { Warmup = int.Parse(Next()) },
                "--threads" => o with { Threads = int.Parse(Next()) },
                "--seed" => o with { Seed = int.Parse(Next()) },
                "--mask-l1" => o with { MaskL1 = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--width" => o with { Width = int.Parse(Next()) },
                "--rss-every" => o with { RssEvery = int.Parse(Next()) },
                "--generator" => o with { Generator = Next() },
                "--trainer" => o with { Trainer = Next() },
                _ => throw new ArgumentException($"Unknown option {a[i]}. Options: --size full|mnist64|mnist32 --batch N --iters N --warmup N --threads N --seed N --mask-l1 X --width W (scales both nets down; not the peer's size) --rss-every N --generator two-stream|motion-shape|motion-heatmap --trainer PRESET (the project's Trainer step)"),
            };
        }
        return o;
    }
}

static class ProcStats
{
    static readonly double Tick = 100.0; // USER_HZ on Linux

    public static (double User, double Sys, long MinorFaults) Self()
    {
        // /proc/self/stat: fields after the ")" start at field 3; minflt = 10, utime = 14, stime = 15.
        var text = File.ReadAllText("/proc/self/stat");
        var f = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(f[11]) / Tick, long.Parse(f[12]) / Tick, long.Parse(f[7]));
    }

    public static double SystemBusySeconds()
    {
        var v = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        return (v[0] + v[1] + v[2] + v[5] + v[6] + (v.Length > 7 ? v[7] : 0)) / Tick;
    }

    static double StatusKib(string key) => File.ReadLines("/proc/self/status").Where(l => l.StartsWith(key + ":"))
        .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)).First();

    public static double RssMib() => StatusKib("VmRSS") / 1024;
    public static double PeakRssMib() => StatusKib("VmHWM") / 1024;
}
