using TorchSharp;
using VideoGan.Runtime;

namespace VideoGan.Tests.Runtime;

/// <remarks>Draws from torch's global generator, so it must not run beside other tests that do.</remarks>
[Collection("torch-global-rng")]
public class SeedingTests
{
    [Fact]
    public void SameSeedGivesSameTorchAndDotNetNumbers()
    {
        Seeding.SeedEverything(123);
        float[] a = torch.randn(5).data<float>().ToArray();
        int r1 = Seeding.Random.Next();
        Seeding.SeedEverything(123);
        float[] b = torch.randn(5).data<float>().ToArray();
        int r2 = Seeding.Random.Next();
        Assert.Equal(a, b);
        Assert.Equal(r1, r2);
        Seeding.SeedEverything(124);
        Assert.NotEqual(a, torch.randn(5).data<float>().ToArray());
    }

    [Fact]
    public void DerivedStreamsAreStableAndDistinct()
    {
        Assert.Equal(Seeding.Derive(7, "train-order"), Seeding.Derive(7, "train-order"));
        Assert.NotEqual(Seeding.Derive(7, "train-order"), Seeding.Derive(7, "test-order"));
        Assert.NotEqual(Seeding.Derive(7, "train-order"), Seeding.Derive(8, "train-order"));
        Assert.Equal(Seeding.CreateRandom(3, "x").Next(), Seeding.CreateRandom(3, "x").Next());
        using var g1 = Seeding.CreateGenerator(3, "noise");
        using var g2 = Seeding.CreateGenerator(3, "noise");
        Assert.Equal(torch.randn(4, generator: g1).data<float>().ToArray(), torch.randn(4, generator: g2).data<float>().ToArray());
    }

    [Fact]
    public void BadDeviceNamesAreRejectedWithTheChoices()
    {
        var e = Assert.Throws<ArgumentException>(() => TorchRuntime.ParseDevice("gpu0"));
        Assert.Contains("'cpu'", e.Message);
        Assert.Equal(DeviceType.CPU, TorchRuntime.ParseDevice("cpu").type);
    }
}
