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

    [Fact]
    public void MinibatchStdMeasuresTheSpreadOfEachGroupOfConsecutiveClips()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        // Eight clips: four identical (a collapsed half) then four different ones; groups are 0-3 and 4-7.
        var same = torch.randn(new long[] { 1, 3, 2, 2, 2 }).expand(4, 3, 2, 2, 2);
        var varied = torch.randn(new long[] { 4, 3, 2, 2, 2 }) * 2;
        var s = VideoDiscriminator.MinibatchStd(torch.cat(new[] { same, varied }, 0));
        Assert.Equal(new long[] { 8, 1, 2, 2, 2 }, s.shape);
        Assert.True(s.narrow(0, 0, 4).max().item<float>() < 1e-3f, "identical clips have no spread");
        // The std over a group of 4 of N(0, 4) draws (population form) averages about 2 * sqrt(3/4) * c4: well above 1.
        float spread = s[4, 0, 0, 0, 0].item<float>();
        Assert.InRange(spread, 1.0f, 2.5f);
        Assert.True(torch.allclose(s.narrow(0, 4, 4), torch.full(new long[] { 4, 1, 2, 2, 2 }, spread)));
        // The discriminator with it scores a batch and trains.
        var c = new ModelConfig { DiscriminatorWidth = 4, MinibatchStd = true };
        using var d = ModelFactory.CreateVideoDiscriminator(c);
        var x = torch.rand(new long[] { 8, 1, 16, 28, 28 }) * 2 - 1;
        var logits = d.call(x);
        Assert.Equal(new long[] { 8 }, logits.shape);
        logits.sum().backward();
        Assert.All(d.named_parameters(), p => Assert.True(p.parameter.grad is not null && p.parameter.grad.abs().sum().item<float>() > 0, p.name));
    }
}
