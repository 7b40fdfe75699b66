using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace VideoGan.Runtime;

/// <summary>
/// Makes TorchSharp's native library loadable on systems whose libstdc++ predates GCC 13 (Debian 12, Ubuntu 22.04).
/// </summary>
/// <remarks>
/// Runs automatically when the VideoGan assembly loads (module initializer), so a compiled program, <c>dotnet test</c>
/// and a notebook kernel that references the library are all covered, provided VideoGan is touched before the
/// first <c>torch</c> call (the notebook preamble and the CLI do this). It is a no-op where the system libstdc++
/// already provides <c>GLIBCXX_3.4.32</c> or where the library was already patched. Files are rewritten atomically
/// (temporary file, then rename); a file outside this repository (a user-wide NuGet cache) is patched only with a
/// message on standard error that names it. Taught in <c>notebooks/00-getting-started.ipynb</c>.
/// </remarks>
public static class TorchNativeFix
{
    /// <summary>The libstdc++ symbol version TorchSharp 0.107 asks for.</summary>
    public const string RequiredVersion = "GLIBCXX_3.4.32";
    const string NativeName = "libLibTorchSharp.so";

    static readonly object Gate = new();
    static FixReport? _report;

    /// <summary>What <see cref="Apply"/> found and did.</summary>
    public sealed record FixReport(bool SystemHasVersion, string? SystemLibStdCxx, IReadOnlyList<string> Candidates,
        IReadOnlyList<string> Patched, IReadOnlyList<string> AlreadyFine, IReadOnlyList<string> Problems)
    {
        public override string ToString() => SystemHasVersion
            ? $"libstdc++ ({SystemLibStdCxx}) provides {RequiredVersion}: nothing to do."
            : $"libstdc++ ({SystemLibStdCxx}) lacks {RequiredVersion}: patched {Patched.Count}, already fine {AlreadyFine.Count}" +
              (Problems.Count > 0 ? $", problems: {string.Join("; ", Problems)}" : ".");
    }

#pragma warning disable CA2255 // a module initializer is exactly right here: it must run before TorchSharp's first P/Invoke
    [ModuleInitializer]
    internal static void OnModuleLoad()
    {
        // First, before anything touches a TorchSharp type: one TorchSharp for the whole process (notebook kernels).
        try { TorchSharpAssemblies.PreloadIntoDefaultContext(); }
        catch (Exception e) { Console.Error.WriteLine($"VideoGan: could not preload TorchSharp into the default load context: {e.Message}"); }
        ApplyFromInitializer();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]   // keeps TorchSharp out of the initializer itself (it resolves TorchSharp)
    static void ApplyFromInitializer()
    {
        try { Apply(); }
        catch (Exception e) { Console.Error.WriteLine($"VideoGan: could not check TorchSharp's native library: {e.Message}"); }
    }
#pragma warning restore CA2255

    /// <summary>Checks and, where needed, patches every copy of <c>libLibTorchSharp.so</c> TorchSharp may load. Idempotent.</summary>
    public static FixReport Apply()
    {
        lock (Gate)
        {
            if (_report is not null) return _report;
            if (!OperatingSystem.IsLinux())
                return _report = new FixReport(true, null, [], [], [], []);

            return _report = ApplyTo(FindLoadedLibStdCxx(), CandidatePaths());
        }
    }

    /// <summary>The decision and the patching, for a given libstdc++ and candidate files (testable on copies).</summary>
    internal static FixReport ApplyTo(string? libstdcxx, IEnumerable<string> candidatePaths)
    {
        bool hasVersion = libstdcxx is not null && FileContainsAscii(libstdcxx, RequiredVersion + "\0");
        var candidates = candidatePaths.ToList();
        var patched = new List<string>();
        var fine = new List<string>();
        var problems = new List<string>();
        if (hasVersion)
            return new FixReport(true, libstdcxx, candidates, patched, candidates, problems);

        foreach (var path in candidates)
        {
            try
            {
                if (PatchFile(path)) patched.Add(path); else fine.Add(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                problems.Add($"{path}: {e.Message} (make the file writable, or delete the package from the NuGet cache and build again)");
            }
        }
        foreach (var p in problems) Console.Error.WriteLine("VideoGan: could not patch " + p);
        return new FixReport(false, libstdcxx, candidates, patched, fine, problems);
    }

    /// <summary>Marks <see cref="RequiredVersion"/> weak in one file (atomic rewrite). Returns false when nothing needed changing.</summary>
    public static bool PatchFile(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (ElfVersionPatch.MarkWeak(bytes, RequiredVersion, path) == 0) return false;

        if (!IsInsideRepository(path))
            Console.Error.WriteLine($"VideoGan: marking {RequiredVersion} weak in {path} (outside this workspace, e.g. a shared NuGet cache). " +
                                    "See environment.md, 'libstdc++ on Debian 12'.");
        string temp = path + $".videogan-{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temp, bytes);
        try
        {
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(temp, File.GetUnixFileMode(path));
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
        return true;
    }

    /// <summary>Every place TorchSharp's loader may take the native library from.</summary>
    static IEnumerable<string> CandidatePaths()
    {
        var dirs = new List<string>();
        string torchDir = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location) ?? "";
        if (torchDir.Length > 0)
        {
            dirs.Add(torchDir);
            dirs.Add(Path.Combine(torchDir, "cpu"));   // TorchSharp's fallback copy of all natives
            dirs.Add(Path.Combine(torchDir, "cuda"));
            // NuGet package layout: lib/net8.0/TorchSharp.dll and runtimes/linux-x64/native/libLibTorchSharp.so
            dirs.Add(Path.GetFullPath(Path.Combine(torchDir, "..", "..", "runtimes", "linux-x64", "native")));
        }
        dirs.Add(AppContext.BaseDirectory);
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string searchDirs)
            dirs.AddRange(searchDirs.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));

        return dirs.Select(d => Path.Combine(d, NativeName))
                   .Where(File.Exists)
                   .Select(p => Path.GetFullPath(p))
                   .Distinct(StringComparer.Ordinal);
    }

    /// <summary>The libstdc++ this process uses (from /proc/self/maps), else the usual Debian location.</summary>
    static string? FindLoadedLibStdCxx()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash >= 0 && line.Contains("libstdc++.so")) return line[slash..].Trim();
            }
        }
        catch (IOException) { }
        foreach (var p in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" })
            if (File.Exists(p)) return p;
        return null;
    }

    static bool FileContainsAscii(string path, string text)
    {
        byte[] needle = Encoding.ASCII.GetBytes(text);
        return File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0;
    }

    static bool IsInsideRepository(string path)
    {
        for (var dir = new DirectoryInfo(Path.GetDirectoryName(path)!); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VideoGan.Notebooks.sln"))) return true;
        return false;
    }
}
