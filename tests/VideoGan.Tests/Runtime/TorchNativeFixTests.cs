using System.Text;
using TorchSharp;
using VideoGan.Runtime;

namespace VideoGan.Tests.Runtime;

public class TorchNativeFixTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("videogan-native-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>An unpatched copy of TorchSharp's native library, straight from the NuGet package folder.</summary>
    static string PristineLibrary()
    {
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p : Path.Combine(RepoPaths.Root, ".nuget", "packages");
        string path = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(path), $"TorchSharp's native library is not in the package folder: {path}");
        return path;
    }

    string CopyOfLibrary()
    {
        string copy = Path.Combine(_dir, "libLibTorchSharp.so");
        File.Copy(PristineLibrary(), copy, overwrite: true);
        // The package copy may itself have been patched on a machine whose cache is shared: undo it for the test.
        byte[] bytes = File.ReadAllBytes(copy);
        foreach (var need in ElfVersionPatch.ReadVersionNeeds(bytes).Where(n => n.Version == TorchNativeFix.RequiredVersion))
            bytes[need.FlagsOffset] &= unchecked((byte)~ElfVersionPatch.VerFlagWeak);
        File.WriteAllBytes(copy, bytes);
        return copy;
    }

    string FakeLibStdCxx(bool withVersion)
    {
        string path = Path.Combine(_dir, withVersion ? "libstdc++-new.so.6" : "libstdc++-old.so.6");
        string versions = "GLIBCXX_3.4\0GLIBCXX_3.4.30\0" + (withVersion ? "GLIBCXX_3.4.31\0GLIBCXX_3.4.32\0" : "");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("\x7f" + "ELF..." + versions));
        return path;
    }

    [Fact]
    public void TorchSharpNativeLibraryRequiresTheGcc13MarkerVersionStrongly()
    {
        var needs = ElfVersionPatch.ReadVersionNeeds(File.ReadAllBytes(CopyOfLibrary()));
        var marker = Assert.Single(needs, n => n.Version == TorchNativeFix.RequiredVersion);
        Assert.Equal("libstdc++.so.6", marker.File);
        Assert.False(marker.IsWeak);
        Assert.Contains(needs, n => n.Version.StartsWith("GLIBC_", StringComparison.Ordinal));
    }

    [Fact]
    public void PatchMarksOnlyThatRequirementWeakAndChangesNothingElse()
    {
        string lib = CopyOfLibrary();
        byte[] before = File.ReadAllBytes(lib);

        var report = TorchNativeFix.ApplyTo(FakeLibStdCxx(withVersion: false), [lib]);

        byte[] after = File.ReadAllBytes(lib);
        Assert.Equal([lib], report.Patched);
        Assert.Equal(before.Length, after.Length);
        var changed = Enumerable.Range(0, before.Length).Where(i => before[i] != after[i]).ToList();
        int flagsOffset = (int)ElfVersionPatch.ReadVersionNeeds(before).Single(n => n.Version == TorchNativeFix.RequiredVersion).FlagsOffset;
        Assert.Equal([flagsOffset], changed);
        Assert.True(ElfVersionPatch.ReadVersionNeeds(after).Single(n => n.Version == TorchNativeFix.RequiredVersion).IsWeak);
        Assert.All(ElfVersionPatch.ReadVersionNeeds(after).Where(n => n.Version != TorchNativeFix.RequiredVersion), n => Assert.False(n.IsWeak));
    }

    [Fact]
    public void PatchIsIdempotent()
    {
        string lib = CopyOfLibrary();
        string old = FakeLibStdCxx(withVersion: false);
        Assert.Single(TorchNativeFix.ApplyTo(old, [lib]).Patched);
        byte[] once = File.ReadAllBytes(lib);
        var second = TorchNativeFix.ApplyTo(old, [lib]);
        Assert.Empty(second.Patched);
        Assert.Equal([lib], second.AlreadyFine);
        Assert.Equal(once, File.ReadAllBytes(lib));
    }

    [Fact]
    public void NothingIsTouchedWhereLibStdCxxIsNewEnough()
    {
        string lib = CopyOfLibrary();
        byte[] before = File.ReadAllBytes(lib);
        var report = TorchNativeFix.ApplyTo(FakeLibStdCxx(withVersion: true), [lib]);
        Assert.True(report.SystemHasVersion);
        Assert.Empty(report.Patched);
        Assert.Equal(before, File.ReadAllBytes(lib));
    }

    [Fact]
    public void CorruptFilesGiveAClearError()
    {
        var notElf = Assert.Throws<InvalidDataException>(() => ElfVersionPatch.ReadVersionNeeds(Encoding.ASCII.GetBytes("hello, not an ELF file at all, padded to be long enough to have a header......"), "x.so"));
        Assert.Contains("x.so", notElf.Message);
        byte[] truncated = File.ReadAllBytes(CopyOfLibrary())[..4096];
        var e = Assert.Throws<InvalidDataException>(() => ElfVersionPatch.ReadVersionNeeds(truncated, "cut.so"));
        Assert.Contains("cut.so", e.Message);
    }

    [Fact]
    public void TorchLoadsAndComputesInThisProcess()
    {
        // The test host itself depends on the fix: this is the "dotnet test" leg of the three places TorchSharp runs.
        using var x = torch.arange(6, dtype: torch.float64).reshape(2, 3);
        Assert.Equal(15.0, x.sum().item<double>());
        Assert.Equal("2.10.0.0", torch.__version__);
    }
}
