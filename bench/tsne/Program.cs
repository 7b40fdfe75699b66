// t-SNE bench: dotnet run -c Release -- INPUT.csv OUTPUT.csv [--threads 2] [--perplexity 30] [--iters 1000]
//   [--theta 0.5] [--method barnes_hut|exact] [--seed 0]
// Prints one JSON line: wall seconds (affinities + optimisation), KL, CPU time of this process and of others.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VideoGan.Analysis;

if (args.Length < 2) { Console.Error.WriteLine("usage: TsneBench INPUT OUTPUT [--threads N] [--perplexity P] [--iters N] [--theta T] [--method barnes_hut|exact] [--seed S]"); return 2; }
string input = args[0], output = args[1];
int threads = 2, iters = 1000, seed = 0; double perplexity = 30, theta = 0.5; var method = TsneMethod.BarnesHut;
for (int a = 2; a < args.Length; a += 2)
{
    string v = args[a + 1];
    switch (args[a])
    {
        case "--threads": threads = int.Parse(v); break;
        case "--iters": iters = int.Parse(v); break;
        case "--seed": seed = int.Parse(v); break;
        case "--perplexity": perplexity = double.Parse(v, CultureInfo.InvariantCulture); break;
        case "--theta": theta = double.Parse(v, CultureInfo.InvariantCulture); break;
        case "--method": method = v == "exact" ? TsneMethod.Exact : TsneMethod.BarnesHut; break;
        default: Console.Error.WriteLine($"unknown option {args[a]}"); return 2;
    }
}
var x = DenseMatrix.LoadCsv(input);
ThreadPool.SetMinThreads(threads, threads);
double busy0 = SystemBusySeconds(); var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
var sw = Stopwatch.StartNew();
var result = Tsne.Fit(x, new TsneOptions { Perplexity = perplexity, Iterations = iters, Theta = theta, Method = method, Seed = seed, Threads = threads });
double secs = sw.Elapsed.TotalSeconds;
double own = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds, busy1 = SystemBusySeconds();
result.Embedding.SaveCsv(output);
var rec = new Dictionary<string, object?>
{
    ["bench"] = "tsne", ["impl"] = "csharp", ["n"] = x.Rows, ["dim"] = x.Cols, ["method"] = method == TsneMethod.Exact ? "exact" : "barnes_hut",
    ["perplexity"] = perplexity, ["n_iter"] = iters, ["n_iter_run"] = result.Iterations, ["learning_rate"] = result.LearningRate, ["angle"] = theta,
    ["threads"] = threads, ["seconds"] = Math.Round(secs, 3), ["affinity_seconds"] = Math.Round(result.AffinitySeconds, 3),
    ["optimise_seconds"] = Math.Round(result.OptimiseSeconds, 3), ["kl_divergence"] = result.KlDivergence,
    ["cpu_s"] = Math.Round(own, 2), ["other_procs_cpu_s"] = double.IsNaN(busy0) ? null : Math.Round(Math.Max(0, busy1 - busy0 - own), 2),
    ["embedding"] = output,
};
Console.WriteLine(JsonSerializer.Serialize(rec));
return 0;

// Busy CPU seconds of the whole machine (all cores) from /proc/stat, as the peer's contention meter.
static double SystemBusySeconds()
{
    try
    {
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        long busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f.Length > 7 ? f[7] : 0);
        return busy / 100.0;
    }
    catch { return double.NaN; }
}
