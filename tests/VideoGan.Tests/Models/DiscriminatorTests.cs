using TorchSharp;
using VideoGan.Models;
using static TorchSharp.torch;

namespace VideoGan.Tests.Models;

public class DiscriminatorTests
{
    public static IEnumerable<object[]> Combos()
    {
        foreach (int size in new[] { 28, 32, 64 })
            foreach (int frames in new[] { 16, 32 })
                foreach (bool sn in new[] { false, true })
                    yield return [size, frames, sn];
    }

    [Theory]
    [MemberData(nameof(Combos))]
    public void DiscriminatorsGiveOneLogitPerClip(int size, int frames, bool sn)
    {
        using var scope = torch.NewDisposeScope();
        var c = new ModelConfig { Size = size, Frames = frames, Channels = 3, DiscriminatorWidth = 4, SpectralNorm = sn, FrameDiscriminatorFrames = 3 };
        using var d = ModelFactory.CreateVideoDiscriminator(c);
        using var fd = ModelFactory.CreateFrameDiscriminator(c)!;
        var x = torch.rand(new long[] { 2, 3, frames, size, size }) * 2 - 1;
        Assert.Equal(new long[] { 2 }, d.call(x).shape);
        Assert.Equal(new long[] { 2 }, fd.call(x).shape);
        Assert.Equal(sn, d.modules().OfType<SpectralNorm>().Any());
        Assert.Equal(!sn, d.modules().Any(m => m is TorchSharp.Modules.BatchNorm3d));
    }

    [Fact]
    public void FrameDiscriminatorScoresTheChosenFrames()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(6);
        var c = new ModelConfig { DiscriminatorWidth = 4, FrameDiscriminatorFrames = 4 };
        using var fd = new FrameDiscriminator(c);
        fd.eval();
        var x = torch.rand(new long[] { 3, 1, 16, 28, 28 }) * 2 - 1;
        var idx = torch.tensor(new long[] { 0, 5, 9, 15, 1, 2, 3, 4, 15, 14, 13, 12 }, new long[] { 3, 4 });
        var logits = fd.FrameLogits(x, idx);
        Assert.Equal(new long[] { 3, 4 }, logits.shape);
        Assert.Equal(fd.ScoreImages(x[1, .., 3].unsqueeze(0)).item<float>(), logits[1, 2].item<float>(), 1e-5f);
        Assert.Equal(fd.ScoreImages(x[2, .., 12].unsqueeze(0)).item<float>(), logits[2, 3].item<float>(), 1e-5f);
        var picks = fd.SampleFrameIndices(50, torch.CPU);
        for (int b = 0; b < 50; b++)
            Assert.Equal(4, picks[b].data<long>().Distinct().Count());
    }

    [Fact]
    public void WrongClipShapeIsAClearError()
    {
        using var d = ModelFactory.CreateVideoDiscriminator(new ModelConfig { DiscriminatorWidth = 4 });
        var e = Assert.Throws<ArgumentException>(() => d.call(torch.zeros(new long[] { 1, 1, 8, 28, 28 })));
        Assert.Contains("[B, 1, 16, 28, 28]", e.Message);
    }

    [Fact]
    public void GradientsReachTheSpectrallyNormalisedDiscriminator()
    {
        using var scope = torch.NewDisposeScope();
        using var d = ModelFactory.CreateVideoDiscriminator(new ModelConfig { DiscriminatorWidth = 4, SpectralNorm = true });
        d.call(torch.rand(new long[] { 2, 1, 16, 28, 28 })).sum().backward();
        foreach (var (name, p) in d.named_parameters())
            Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0, $"{name} has no gradient");
    }
}
