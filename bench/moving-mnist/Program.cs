// Times VideoGan.Data.MovingMnist.Generate: N clips of the Srivastava preset (64x64, 2 digits, 20 frames) from the
// embedded train digits. Prints one JSON line. Usage:
//   dotnet run -c Release --project bench/moving-mnist -- [--clips 10000] [--threads 2] [--repeats 5] [--preset srivastava|case-study|all-motions]
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using VideoGan.Data;

int clips = 10000, threads = 2, repeats = 5, seed = 42;
string preset = "srivastava";
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--clips": clips = int.Parse(args[++i]); break;
        case "--threads": threads = int.Parse(args[++i]); break;
        case "--repeats": repeats = int.Parse(args[++i]); break;
        case "--seed": seed = int.Parse(args[++i]); break;
        case "--preset": preset = args[++i]; break;
        default: Console.Error.WriteLine($"unknown argument {args[i]}"); return 2;
    }
}
var options = preset switch
{
    "srivastava" => MovingMnistOptions.Srivastava,
    "case-study" => MovingMnistOptions.CaseStudyDigits,
    "all-motions" => MovingMnistOptions.AllMotions,
    _ => throw new ArgumentException($"unknown preset {preset}"),
};
var pool = MnistDigits.LoadEmbedded(MnistSplit.Train);
MovingMnist.Generate(pool, 500, options, seed, threads); // warm-up (JIT, thread pool)
var times = new List<double>();
var cpu = new List<double>();
var proc = Process.GetCurrentProcess();
string sha = "";
for (int r = 0; r < repeats; r++)
{
    GC.Collect();
    GC.WaitForPendingFinalizers();
    proc.Refresh();
    var cpu0 = proc.TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    var set = MovingMnist.Generate(pool, clips, options, seed, threads);
    sw.Stop();
    proc.Refresh();
    times.Add(sw.Elapsed.TotalSeconds);
    cpu.Add((proc.TotalProcessorTime - cpu0).TotalSeconds);
    if (r == 0) sha = Convert.ToHexStringLower(SHA256.HashData(set.Clips.Data));
}
var loadavg = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "";
times.Sort();
cpu.Sort();
Console.WriteLine(JsonSerializer.Serialize(new
{
    impl = "csharp",
    preset,
    clips,
    threads,
    shape = new[] { clips, 1, options.Frames, options.CanvasSize, options.CanvasSize },
    seconds_median = times[times.Count / 2],
    seconds_min = times[0],
    seconds_all = times,
    cpu_s_median = cpu[cpu.Count / 2],
    cpu_s_min = cpu[0],
    loadavg_1min = loadavg,
    clips_per_s = clips / times[times.Count / 2],
    sha256 = sha,
}));
return 0;
