using TorchSharp;
using VideoGan.Models;
using static TorchSharp.torch;

namespace VideoGan.Tests.Models;

public class GeneratorTests
{
    public static IEnumerable<object[]> Combos()
    {
        foreach (var kind in ModelConfig.GeneratorKinds)
            foreach (int size in new[] { 28, 32, 64 })
                foreach (int frames in new[] { 16, 32 })
                    foreach (int ch in new[] { 1, 3 })
                        yield return [kind, size, frames, ch];
    }

    static ModelConfig Tiny(string kind, int size = 28, int frames = 16, int channels = 1) => new()
    {
        Generator = kind, Size = size, Frames = frames, Channels = channels,
        GeneratorWidth = 4, DiscriminatorWidth = 4, ContentDim = 6, MotionDim = 3,
    };

    [Theory]
    [MemberData(nameof(Combos))]
    public void EveryGeneratorGivesTheConfiguredShapeInRange(string kind, int size, int frames, int channels)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(0);
        using var g = ModelFactory.CreateGenerator(Tiny(kind, size, frames, channels));
        var z = g.SampleLatent(2);
        Assert.Equal(new long[] { 2, g.LatentDim }, z.shape);
        var v = g.call(z);
        Assert.Equal(new long[] { 2, channels, frames, size, size }, v.shape);
        Assert.True(v.min().item<float>() >= -1f && v.max().item<float>() <= 1f);
        Assert.True(v.std().item<float>() > 0);
        g.eval();
        using (torch.no_grad())
            foreach (var (name, s) in g.Streams(z))
            {
                Assert.True(s.dim() == 5 && s.shape[0] == 2 && (s.shape[1] == 1 || s.shape[1] == 3) && s.shape[2] == frames && s.shape[3] == size && s.shape[4] == size,
                    $"stream {name} has shape [{string.Join(", ", s.shape)}]");
                Assert.True(s.min().item<float>() >= -1f && s.max().item<float>() <= 1f, $"stream {name} leaves [-1, 1]");
            }
    }

    [Theory]
    [InlineData("transpose", 64, 16, 1, 64, 15_414_019L, 11_024_129L)] // peer mnist64
    [InlineData("transpose", 64, 32, 3, 64, 16_243_463L, 11_040_513L)] // peer full
    [InlineData("transpose", 32, 16, 1, 128, 15_586_819L, 10_511_873L)] // peer mnist32
    public void TwoStreamModelsHaveThePyTorchPeersParameterCounts(string upsample, int size, int frames, int channels, int width, long gParams, long dParams)
    {
        var c = new ModelConfig
        {
            Generator = ModelConfig.TwoStream, Size = size, Frames = frames, Channels = channels, ContentDim = 90, MotionDim = 10,
            GeneratorWidth = width, DiscriminatorWidth = size == 32 ? 128 : 64, SpectralNorm = false, Upsample = upsample,
        };
        using var g = ModelFactory.CreateGenerator(c);
        using var d = ModelFactory.CreateVideoDiscriminator(c);
        Assert.Equal(gParams, g.ParameterCount);
        Assert.Equal(dParams, d.ParameterCount);
    }

    [Fact]
    public void ZeroMotionFieldGivesAStaticClipOfTheContent()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        using var g = new MotionShapeGenerator(Tiny(ModelConfig.MotionShape));
        g.eval();
        var (zc, zm) = g.SplitLatent(g.SampleLatent(3));
        var content = g.Content(zc);
        var moving = g.Render(content, g.MotionField(zm));
        var still = g.Render(content, torch.zeros(new long[] { 3, 2, 16, 28, 28 }));
        for (int t = 0; t < 16; t++)
            Assert.True(torch.allclose(still.select(2, t), content, atol: 1e-5), $"frame {t} differs from the content image");
        // The real motion field does move the content.
        Assert.True((moving.select(2, 15) - moving.select(2, 0)).abs().max().item<float>() > 0.01f);
        // A zero motion range and no residual flow give a static clip straight from z.
        using var g0 = new MotionShapeGenerator(Tiny(ModelConfig.MotionShape) with { MotionRange = 0, ResidualFlow = 0 });
        var v = g0.call(g0.SampleLatent(2));
        Assert.True(torch.allclose(v, v.select(2, 0).unsqueeze(2).expand_as(v), atol: 1e-5));
    }

    [Fact]
    public void GlobalMotionTranslatesTheContentByTheTrajectory()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new MotionShapeGenerator(Tiny(ModelConfig.MotionShape) with { ResidualFlow = 0 });
        // A single bright pixel at (row 10, col 12); a field of +4 px in x (normalised 8/28) and -2 px in y moves it to (8, 16).
        var content = torch.full(1, 1, 28, 28, -1f);
        content[0, 0, 10, 12] = torch.tensor(1f);
        var field = torch.zeros(new long[] { 1, 2, 16, 28, 28 });
        field[0, 0] = torch.tensor(8f / 28);
        field[0, 1] = torch.tensor(-4f / 28);
        var v = g.Render(content, field);
        var frame = v[0, 0, 3];
        Assert.Equal(1f, frame[8, 16].item<float>(), 1e-4f);
        Assert.Equal(-1f, frame[10, 12].item<float>(), 1e-4f);
    }

    [Fact]
    public void ReflectionBouncesAtTheBorders()
    {
        var x = torch.tensor(new[] { 0f, 0.3f, 0.5f, 0.7f, 1.4f, -0.6f, 2.2f });
        var r = MotionShapeGenerator.Reflect(x, 0.5).data<float>().ToArray();
        float[] expected = [0f, 0.3f, 0.5f, 0.3f, -0.4f, -0.4f, 0.2f];
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], r[i], 1e-5f);
    }

    [Fact]
    public void TwoStreamVideoIsTheMaskedCompositionOfItsStreams()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(2);
        foreach (var up in new[] { "resize", "transpose" })
        {
            using var g = new TwoStreamGenerator(Tiny(ModelConfig.TwoStream, 32, 16, 3) with { Upsample = up, MaskL1 = 0.1 });
            g.eval();
            var z = g.SampleLatent(2);
            var (f, m, b) = g.StreamsRaw(z);
            Assert.Equal(new long[] { 2, 1, 16, 32, 32 }, m.shape);
            Assert.Equal(new long[] { 2, 3, 32, 32 }, b.shape);
            Assert.True(m.min().item<float>() >= 0 && m.max().item<float>() <= 1);
            var v = g.call(z);
            for (int t = 0; t < 16; t += 5)
            {
                var expect = m[.., .., t] * f[.., .., t] + (1 - m[.., .., t]) * b;
                Assert.True(torch.allclose(v[.., .., t], expect, atol: 1e-6));
            }
            Assert.Equal(0.1 * m.mean().item<float>(), g.RegularizationLoss().item<float>(), 1e-6);
        }
    }

    [Fact]
    public void MaskPenaltyIsZeroWhenOff()
    {
        using var g = new TwoStreamGenerator(Tiny(ModelConfig.TwoStream) with { MaskL1 = 0 });
        g.call(g.SampleLatent(1)).Dispose();
        Assert.Equal(0f, g.RegularizationLoss().item<float>());
    }

    [Fact]
    public void ContentMotionSwapKeepsContentAndMotionApart()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(4);
        using var g = new ContentMotionGenerator(Tiny(ModelConfig.ContentMotion));
        g.eval();
        var cA = g.SampleContent(2);
        var cB = g.SampleContent(2);
        var nA = g.SampleMotionNoise(2);
        var nB = g.SampleMotionNoise(2);
        // The latent split and the two-part API agree.
        Assert.True(torch.allclose(g.call(g.JoinLatent(cA, nB)), g.Generate(cA, nB), atol: 1e-6));
        // Motion codes do not depend on content; swapping content keeps the motion codes.
        var codesB = g.MotionCodes(nB);
        Assert.True(torch.allclose(g.Generate(cB, nB), g.GenerateFromCodes(cB, codesB), atol: 1e-6));
        // Holding content and changing motion noise from frame 6 on leaves frames 0..5 unchanged (the GRU is causal)
        // and changes later frames.
        var nMix = torch.cat(new[] { nA.narrow(1, 0, 6), nB.narrow(1, 6, 10) }, 1);
        var va = g.Generate(cA, nA);
        var vm = g.Generate(cA, nMix);
        Assert.True(torch.allclose(va.narrow(2, 0, 6), vm.narrow(2, 0, 6), atol: 1e-6));
        Assert.False(torch.allclose(va.narrow(2, 6, 10), vm.narrow(2, 6, 10), atol: 1e-4));
        // Constant motion codes give a static clip: all change over time comes from motion.
        var held = codesB.narrow(1, 3, 1).expand(2, 16, 3);
        var still = g.GenerateFromCodes(cA, held);
        Assert.True(torch.allclose(still, still.select(2, 0).unsqueeze(2).expand_as(still), atol: 1e-6));
    }

    [Theory]
    [InlineData(ModelConfig.MotionShape)]
    [InlineData(ModelConfig.TwoStream)]
    [InlineData(ModelConfig.ContentMotion)]
    [InlineData(ModelConfig.MotionHeatmap)]
    public void GradientsReachEveryGeneratorParameter(string kind)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        using var g = ModelFactory.CreateGenerator(Tiny(kind));
        var v = g.call(g.SampleLatent(2));
        var loss = (v * torch.randn_like(v)).sum() + g.RegularizationLoss();
        loss.backward();
        foreach (var (name, p) in g.named_parameters())
        {
            Assert.True(p.grad is not null, $"{name} has no gradient");
            Assert.True(p.grad!.abs().sum().item<float>() > 0, $"{name} has a zero gradient");
        }
    }

    [Fact]
    public void WrongLatentShapeIsAClearError()
    {
        using var g = ModelFactory.CreateGenerator(Tiny(ModelConfig.MotionShape));
        var e = Assert.Throws<ArgumentException>(() => g.call(torch.randn(2, 5)));
        Assert.Contains("[B, 9]", e.Message);
    }
}
