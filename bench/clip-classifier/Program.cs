// Times the shipped Moving MNIST clip classifier: forward throughput (clips/s, 16-frame clips, batch 64) on the case
// study's 28x28 clips and on 64x64 clips, and one whole evaluation (VideoEvaluation.Evaluate, N = 2048 real vs 2048
// generated, no cache, 100 bootstrap resamples) split into its phases. Prints one JSON object.
// Usage: clip-classifier-bench [--threads 2] [--repeat 3] [--n 2048] [--classifier data/clip-classifiers/moving-mnist.pt]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TorchSharp;
using VideoGan.Data;
using VideoGan.Metrics;
using static TorchSharp.torch;

VideoGan.Runtime.TorchRuntime.Initialize();
var argList = args.ToList();
string Opt(string name, string fallback) { int i = argList.IndexOf("--" + name); return i >= 0 ? argList[i + 1] : fallback; }
int threads = int.Parse(Opt("threads", "2"), CultureInfo.InvariantCulture);
int repeat = int.Parse(Opt("repeat", "3"), CultureInfo.InvariantCulture);
int n = int.Parse(Opt("n", "2048"), CultureInfo.InvariantCulture);
torch.set_num_threads(threads);
using var net = ClipClassifier.Load(Opt("classifier", ClipClassifier.FindShipped("moving-mnist") ?? "data/clip-classifiers/moving-mnist.pt"), torch.CPU);
var rec = new Dictionary<string, object?> { ["network"] = net.Name, ["threads"] = threads, ["batch"] = 64, ["frames"] = 16,
                                           ["params"] = net.Module.parameters().Sum(p => p.numel()) };
double Median(List<double> v) { v.Sort(); return v[v.Count / 2]; }
var test = MnistDigits.LoadEmbedded(MnistSplit.Test);

foreach (var (name, options) in new[] { ("28px", MovingMnistOptions.CaseStudyDigits), ("64px", new MovingMnistOptions { DigitsPerClip = 1, Frames = 16 }) })
{
    using var clips = MovingMnist.Generate(test, 64, options, seed: 1).Clips.ToTensor();
    var times = new List<double>();
    for (int r = 0; r <= repeat; r++)
    {
        var sw = Stopwatch.StartNew();
        using (var o = FeatureExtraction.Run(net, clips, 64)) { }
        if (r > 0) times.Add(sw.Elapsed.TotalSeconds); // the first pass is a warm-up
    }
    rec[$"forward_clips_per_s_{name}"] = Math.Round(64 / Median(times), 1);
}

var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
var total = Stopwatch.StartNew();
var real = ClipSources.Open("digits:test", n, 16, seed: 1);
var fake = ClipSources.Open("untrained:digits", n, 16, seed: 2);
var report = VideoEvaluation.Evaluate(net, real, fake, new EvaluationOptions { CacheDirectory = "", Bootstrap = 100, BatchSize = 64, DataSet = "digits" });
rec["evaluate_n"] = n;
rec["evaluate_seconds"] = Math.Round(total.Elapsed.TotalSeconds, 2);
rec["evaluate_cpu_s"] = Math.Round((Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds, 2);
rec["evaluate_fvd"] = Math.Round(report.Fvd, 4);
rec["machine"] = ClipClassifierTraining.MachineDescription();
Console.WriteLine(JsonSerializer.Serialize(rec));
