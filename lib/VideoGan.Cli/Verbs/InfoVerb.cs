using VideoGan.Runtime;

namespace VideoGan.Cli.Verbs;

/// <summary><c>videogan info</c>: versions, device, threads and the state of the native-library fix.</summary>
public sealed class InfoVerb : IVerb
{
    public string Name => "info";
    public string Summary => "show TorchSharp/libtorch versions, device, threads and the libstdc++ fix";
    public string Usage => "videogan info [--device auto|cpu|cuda] [--threads N]";

    public int Run(ParsedArgs args)
    {
        if (args.String("device") is { } d) TorchRuntime.Device = TorchRuntime.ParseDevice(d);
        if (args.Has("threads")) TorchRuntime.SetThreads(args.Int("threads", 2));
        var info = TorchRuntime.Describe();
        foreach (var p in typeof(RuntimeDescription).GetProperties())
            Console.WriteLine($"{p.Name,-18} {p.GetValue(info)}");
        return 0;
    }
}
