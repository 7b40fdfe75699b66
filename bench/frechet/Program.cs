// Times VideoGan.Metrics on the peer's inputs: statistics + Fréchet distance (float64, exact eigh square root), KVD, and
// feature-extraction throughput of the offline feature network and of I3D (random weights: same cost as the real ones).
// Prints one JSON object. Usage: frechet-bench A.npy B.npy [--repeat 3] [--threads 2] [--extract-clips 64] [--i3d-clips 4]
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TorchSharp;
using VideoGan.Metrics;
using static TorchSharp.torch;

VideoGan.Runtime.TorchRuntime.Initialize();
var argList = args.ToList();
string Opt(string name, string fallback) { int i = argList.IndexOf("--" + name); return i >= 0 ? argList[i + 1] : fallback; }
int repeat = int.Parse(Opt("repeat", "3"), CultureInfo.InvariantCulture);
int threads = int.Parse(Opt("threads", "2"), CultureInfo.InvariantCulture);
int extractClips = int.Parse(Opt("extract-clips", "64"), CultureInfo.InvariantCulture);
int i3dClips = int.Parse(Opt("i3d-clips", "4"), CultureInfo.InvariantCulture);
torch.set_num_threads(threads);
var a = FeatureMatrixFile.Load(args[0]);
var b = FeatureMatrixFile.Load(args[1]);
var rec = new Dictionary<string, object?> { ["a"] = args[0], ["b"] = args[1], ["n"] = a.shape[0], ["d"] = a.shape[1], ["threads"] = threads };

double Median(List<double> v) { v.Sort(); return v[v.Count / 2]; }
var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
var stats = new List<double>(); var fdT = new List<double>(); var kvdT = new List<double>();
double fd = 0, kvd = 0;
// one warm-up, then timed repeats
for (int r = 0; r <= repeat; r++)
{
    var sw = Stopwatch.StartNew();
    var sa = GaussianStatistics.FromFeatures(a); var sb = GaussianStatistics.FromFeatures(b);
    double t1 = sw.Elapsed.TotalSeconds;
    fd = FrechetDistance.Compute(sa, sb);
    double t2 = sw.Elapsed.TotalSeconds;
    kvd = KernelDistance.PolynomialMmd2(a, b);
    double t3 = sw.Elapsed.TotalSeconds;
    if (r == 0) continue;
    stats.Add(t1); fdT.Add(t2); kvdT.Add(t3 - t2);
}
rec["fd"] = fd; rec["kid_full"] = kvd;
rec["seconds_stats_median"] = Math.Round(Median(stats), 4);
rec["seconds_fd_total_median"] = Math.Round(Median(fdT), 4);
rec["kid_full_seconds_median"] = Math.Round(Median(kvdT), 4);
rec["cpu_s_fd_kvd"] = Math.Round((Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds, 2);

// Feature extraction throughput (clips per second), 16-frame clips.
double Throughput(IVideoFeatureNetwork net, Tensor clips, int batch)
{
    using (FeatureExtraction.Run(net, clips.narrow(0, 0, Math.Min(batch, (int)clips.shape[0])), batch)) { } // warm-up
    var sw = Stopwatch.StartNew();
    using (FeatureExtraction.Run(net, clips, batch)) { }
    return clips.shape[0] / sw.Elapsed.TotalSeconds;
}
torch.random.manual_seed(0);
string? shipped = ClipClassifier.FindShipped("moving-mnist");
using (var fnet = shipped is not null ? ClipClassifier.Load(shipped, torch.CPU)
                                      : new ClipClassifier(new ClipClassifierModule(ClipClassifierTraining.ConfigFor("moving-mnist")), device: torch.CPU))
using (var clips = torch.rand(new long[] { extractClips, 1, 16, 64, 64 }) * 2 - 1)
{
    rec["feature_net"] = fnet.Name;
    rec["feature_net_clips_per_s"] = Math.Round(Throughput(fnet, clips, 32), 2);
}
if (i3dClips > 0)
{
    using var i3d = I3dFeatureNetwork.CreateUntrained(0, torch.CPU);
    using var clips = torch.rand(new long[] { i3dClips, 1, 16, 64, 64 }) * 2 - 1;
    rec["i3d_clips_per_s"] = Math.Round(Throughput(i3d, clips, 2), 3);
}
rec["torchsharp"] = typeof(torch).Assembly.GetName().Version?.ToString();
rec["libtorch"] = torch.__version__;
Console.WriteLine(JsonSerializer.Serialize(rec));
