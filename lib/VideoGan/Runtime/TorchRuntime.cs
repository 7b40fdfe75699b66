using System.Runtime.InteropServices;
using TorchSharp;

namespace VideoGan.Runtime;

/// <summary>Device choice, thread count and a description of the torch runtime. Taught in notebook 00.</summary>
public static class TorchRuntime
{
    /// <summary>Environment variable that overrides the automatic device choice ("cpu", "cuda", "cuda:1").</summary>
    public const string DeviceVariable = "VIDEOGAN_DEVICE";
    /// <summary>Environment variable that sets the intra-op thread count.</summary>
    public const string ThreadsVariable = "VIDEOGAN_THREADS";

    static torch.Device? _device;

    /// <summary>Makes sure the native fix ran, then sets threads from <see cref="ThreadsVariable"/> if given.</summary>
    public static void Initialize()
    {
        TorchNativeFix.Apply();
        if (int.TryParse(Environment.GetEnvironmentVariable(ThreadsVariable), out int n) && n > 0)
            SetThreads(n);
    }

    /// <summary>The device models and tensors go to: CUDA when present, else CPU, unless overridden.</summary>
    public static torch.Device Device
    {
        get
        {
            if (_device is not null) return _device;
            TorchNativeFix.Apply();
            string? requested = Environment.GetEnvironmentVariable(DeviceVariable);
            _device = string.IsNullOrWhiteSpace(requested) ? (torch.cuda.is_available() ? torch.CUDA : torch.CPU) : ParseDevice(requested);
            return _device;
        }
        set => _device = value;
    }

    /// <summary>Parses "cpu", "cuda" or "cuda:N", with an error naming the value and the choices.</summary>
    public static torch.Device ParseDevice(string text)
    {
        string t = text.Trim().ToLowerInvariant();
        if (t == "auto") return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
        if (t == "cpu") return torch.CPU;
        if (t == "cuda" || t.StartsWith("cuda:"))
        {
            if (!torch.cuda.is_available())
                throw new ArgumentException($"Device '{text}' was requested but CUDA is not available (the CPU libtorch is referenced, or no GPU). " +
                                            "Use 'cpu', or build with -p:LibTorchPackage=libtorch-cuda-12.8-linux-x64 (environment.md).");
            return torch.device(t);
        }
        throw new ArgumentException($"Unknown device '{text}': use 'auto', 'cpu', 'cuda' or 'cuda:N'.");
    }

    /// <summary>Sets libtorch's intra-op thread count (the machine's core count is the sensible maximum).</summary>
    public static void SetThreads(int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "Thread count must be at least 1.");
        TorchNativeFix.Apply();
        torch.set_num_threads(threads);
    }

    /// <summary>The CPU's model name from /proc/cpuinfo (the process architecture where that cannot be read).</summary>
    public static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (IOException) { return RuntimeInformation.ProcessArchitecture.ToString(); }
        catch (UnauthorizedAccessException) { return RuntimeInformation.ProcessArchitecture.ToString(); }
    }

    /// <summary>Versions, device and threads: what a report or a bug report needs.</summary>
    public static RuntimeDescription Describe()
    {
        TorchNativeFix.Apply();
        return new RuntimeDescription(
            TorchSharpVersion: typeof(torch).Assembly.GetName().Version?.ToString() ?? "?",
            LibTorchVersion: torch.__version__,
            Device: Device.ToString(),
            CudaAvailable: torch.cuda.is_available(),
            Threads: torch.get_num_threads(),
            ProcessorCount: Environment.ProcessorCount,
            Os: RuntimeInformation.OSDescription,
            Framework: RuntimeInformation.FrameworkDescription,
            NativeFix: TorchNativeFix.Apply().ToString());
    }
}

/// <summary>A snapshot of the runtime, recorded in every report.</summary>
public sealed record RuntimeDescription(string TorchSharpVersion, string LibTorchVersion, string Device, bool CudaAvailable,
    int Threads, int ProcessorCount, string Os, string Framework, string NativeFix);
