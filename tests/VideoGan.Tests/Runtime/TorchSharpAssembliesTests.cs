using System.Runtime.Loader;
using TorchSharp;
using VideoGan.Runtime;
using VideoGan.Tests.Notebooks;

namespace VideoGan.Tests.Runtime;

/// <summary>
/// One TorchSharp per process. Serial (the notebook collection runs alone): while one test holds a second copy,
/// any other test's NotebookSession.Start would rightly fail. The kernel side (VideoGan loaded by a notebook's #r) is
/// proved by scripts/jupyter-check.sh, where every notebook starts a session in the real .NET Interactive kernel.
/// </summary>
[Collection(NotebookCollection.Name)]
public class TorchSharpAssembliesTests
{
    [Fact]
    public void TheTestProcessHasExactlyOneTorchSharp_TheOneTheLibraryUses()
    {
        var single = TorchSharpAssemblies.EnsureSingle();
        Assert.Equal(typeof(torch).Assembly.Location, single.Location);
        Assert.Equal("0.107.0.0", single.Version);
    }

    [Fact]
    public void ASecondTorchSharpInAnotherLoadContextFailsLoudly_AndNotebookSessionStartRefuses()
    {
        var unloaded = LoadSecondCopyAndCheck();
        // The copy must be gone before the next (serial) test starts a session.
        for (int i = 0; i < 20 && unloaded.IsAlive; i++) { GC.Collect(); GC.WaitForPendingFinalizers(); }
        Assert.False(unloaded.IsAlive, "the second TorchSharp's load context did not unload");
        Assert.Single(TorchSharpAssemblies.Loaded());
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    static WeakReference LoadSecondCopyAndCheck()
    {
        var context = new AssemblyLoadContext("second-torchsharp-test", isCollectible: true);
        try
        {
            var second = context.LoadFromAssemblyPath(typeof(torch).Assembly.Location);
            Assert.NotSame(typeof(torch).Assembly, second);

            var loaded = TorchSharpAssemblies.Loaded();
            Assert.Equal(2, loaded.Count);
            Assert.Contains(loaded, l => l.Context.Contains("second-torchsharp-test"));
            var e = Assert.Throws<InvalidOperationException>(() => TorchSharpAssemblies.EnsureSingle());
            Assert.Contains("2 copies of TorchSharp", e.Message);
            Assert.Contains("second-torchsharp-test", e.Message);
            Assert.Contains("Restart the kernel", e.Message);
            Assert.Throws<InvalidOperationException>(() => NotebookSession.Start(seed: 1));
        }
        finally
        {
            context.Unload();
        }
        return new WeakReference(context);
    }

    [Fact]
    public void NoTorchSharpIsAnErrorToo()
    {
        Assert.Throws<InvalidOperationException>(() => TorchSharpAssemblies.EnsureSingle([]));
        var one = new LoadedAssembly("0.107.0.0", "Default", "/x/TorchSharp.dll");
        Assert.Same(one, TorchSharpAssemblies.EnsureSingle([one]));
    }
}
