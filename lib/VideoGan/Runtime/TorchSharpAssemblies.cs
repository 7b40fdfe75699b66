using System.Reflection;
using System.Runtime.Loader;

namespace VideoGan.Runtime;

/// <summary>
/// One TorchSharp per process, in every host: the <c>videogan</c> command, <c>dotnet test</c>, the in-process notebook
/// runner, and the .NET Interactive kernel that Jupyter and VS Code start.
/// </summary>
/// <remarks>
/// <para>
/// Why a kernel can end up with two: a notebook's <c>#r "../lib/VideoGan/bin/VideoGan.dll"</c> goes through Roslyn's
/// scripting loader, which loads every assembly it resolves from a file into a new <see cref="AssemblyLoadContext"/> of
/// its own and resolves that assembly's references from its folder again. VideoGan, TorchSharp.PyBridge and the
/// notebook's own cells each asked it for TorchSharp, and it answered twice (measured in Jupyter: TorchSharp.dll in
/// two load contexts, both from lib/VideoGan/bin). A tensor made by PyBridge's copy is then not a
/// <c>TorchSharp.torch.Tensor</c> of VideoGan's copy, so weights files loaded as nothing.
/// </para>
/// <para>
/// The fix (<see cref="PreloadIntoDefaultContext"/>, run by VideoGan's module initializer before any torch type is
/// touched): when VideoGan itself was loaded into a non-default context, load TorchSharp and TorchSharp.PyBridge from
/// the folder beside it into <see cref="AssemblyLoadContext.Default"/>. Every scripting load context asks the default
/// context first, so from then on every request for TorchSharp gets that one copy; a resolving handler on the default
/// context finds their own dependencies in the same folder. In hosts where the default context already has TorchSharp
/// (the CLI, the tests) nothing is loaded. <see cref="EnsureSingle()"/> (called by <c>NotebookSession.Start</c>) fails
/// loudly if a second copy got in anyway, for example because a cell used torch before the preamble ran.
/// Taught in <c>notebooks/00-getting-started.ipynb</c>.
/// </para>
/// </remarks>
public static class TorchSharpAssemblies
{
    /// <summary>The assemblies whose types cross between VideoGan and the notebook's code.</summary>
    static readonly string[] Family = ["TorchSharp", "TorchSharp.PyBridge"];

    static int _preloaded;
    static string? _folder;

    /// <summary>Every TorchSharp assembly loaded in this process, with the load context and the file it came from.</summary>
    public static IReadOnlyList<LoadedAssembly> Loaded() => Find(AppDomain.CurrentDomain.GetAssemblies(), "TorchSharp");

    /// <summary>The assemblies named <paramref name="simpleName"/> among <paramref name="assemblies"/>.</summary>
    internal static IReadOnlyList<LoadedAssembly> Find(IEnumerable<Assembly> assemblies, string simpleName) =>
        assemblies.Where(a => string.Equals(a.GetName().Name, simpleName, StringComparison.Ordinal))
                  .Select(a => new LoadedAssembly(a.GetName().Version?.ToString() ?? "?",
                                                  AssemblyLoadContext.GetLoadContext(a)?.Name ?? AssemblyLoadContext.GetLoadContext(a)?.ToString() ?? "?",
                                                  a.IsDynamic ? "(dynamic)" : a.Location))
                  .ToList();

    /// <summary>
    /// Throws when more than one TorchSharp assembly is loaded in this process (tensors of one copy are not tensors of
    /// the other: weights would load as nothing, type checks would fail). Returns the single one.
    /// </summary>
    public static LoadedAssembly EnsureSingle() => EnsureSingle(Loaded());

    /// <summary>The check of <see cref="EnsureSingle()"/> on a given list (testable).</summary>
    internal static LoadedAssembly EnsureSingle(IReadOnlyList<LoadedAssembly> loaded)
    {
        if (loaded.Count == 1) return loaded[0];
        if (loaded.Count == 0)
            throw new InvalidOperationException("TorchSharp is not loaded: VideoGan needs it (reference lib/VideoGan/bin/VideoGan.dll, which has it beside it).");
        throw new InvalidOperationException(
            $"{loaded.Count} copies of TorchSharp are loaded in this process; tensors of one are not tensors of the other " +
            "(weights would load as nothing). Loaded:\n" +
            string.Join("\n", loaded.Select(l => $"  - TorchSharp {l.Version} in load context {l.Context}: {l.Location}")) +
            "\nRestart the kernel and run the notebook from its first cell: the preamble (#r \"../lib/VideoGan/bin/VideoGan.dll\" and " +
            "NotebookSession.Start) must run before any other cell uses torch, and no cell may #r another TorchSharp " +
            "(#r \"nuget: TorchSharp\" included).");
    }

    /// <summary>
    /// When VideoGan was loaded into a non-default load context (a notebook kernel's <c>#r</c>), loads TorchSharp and
    /// TorchSharp.PyBridge from the folder beside VideoGan.dll into the default context (unless some TorchSharp is
    /// loaded already) and resolves their dependencies from that folder. Idempotent; a no-op in the CLI and the tests.
    /// </summary>
    internal static void PreloadIntoDefaultContext()
    {
        if (Interlocked.Exchange(ref _preloaded, 1) != 0) return;
        var self = typeof(TorchSharpAssemblies).Assembly;
        var context = AssemblyLoadContext.GetLoadContext(self);
        if (context is null || context == AssemblyLoadContext.Default || string.IsNullOrEmpty(self.Location)) return;
        string folder = Path.GetDirectoryName(self.Location)!;
        _folder = folder;
        AssemblyLoadContext.Default.Resolving += ResolveBeside;
        foreach (var name in Family)
        {
            if (AppDomain.CurrentDomain.GetAssemblies().Any(a => a.GetName().Name == name)) continue;
            string path = Path.Combine(folder, name + ".dll");
            if (File.Exists(path)) AssemblyLoadContext.Default.LoadFromAssemblyPath(path);
        }
    }

    /// <summary>
    /// What the default context cannot find (the preloaded assemblies' dependencies, and, since scripting load contexts
    /// ask the default context first, VideoGan's own references): the copy already loaded, whatever its context, else
    /// the file beside VideoGan.dll. Never a second copy of an assembly, VideoGan itself included.
    /// </summary>
    static Assembly? ResolveBeside(AssemblyLoadContext context, AssemblyName name)
    {
        // FSharp.Core has its own resolver (ChartDisplay): the host's older copy is shared on purpose.
        if (_folder is null || name.Name is null || name.Name == "FSharp.Core") return null;
        var self = typeof(TorchSharpAssemblies).Assembly;
        if (name.Name == self.GetName().Name) return self;
        var loaded = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => !a.IsDynamic && a.GetName().Name == name.Name);
        if (loaded is not null) return loaded;
        string path = Path.Combine(_folder, name.Name + ".dll");
        return File.Exists(path) ? context.LoadFromAssemblyPath(path) : null;
    }
}

/// <summary>One loaded assembly: version, load context and file.</summary>
public sealed record LoadedAssembly(string Version, string Context, string Location);
