using System.Runtime.CompilerServices;

namespace VideoGan.Tests;

static class TestSetup
{
    /// <summary>Runs before any test touches torch: the native fix, and deterministic two-thread CPU math.</summary>
    [ModuleInitializer]
    internal static void Init()
    {
        VideoGan.Runtime.TorchRuntime.Initialize();
    }
}
