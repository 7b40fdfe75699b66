using TorchSharp;
using VideoGan.Models;
using static TorchSharp.torch;

namespace VideoGan.Tests.Models;

/// <summary>model.classes: the class one-hot in z, the projection discriminators and their errors.</summary>
public class ClassConditioningTests
{
    static ModelConfig Conditional => ModelConfig.Tiny() with { Classes = 10, ResidualFlow = 0.05 };

    [Fact]
    public void Sampled_latents_carry_a_one_hot_class_that_WithClasses_sets()
    {
        using var scope = torch.NewDisposeScope();
        using var g = new MotionShapeGenerator(Conditional);
        Assert.Equal(16 + 10 + 4, g.LatentDim);
        Assert.Equal(26, g.Config.ContentLatentDim);
        using var rng = new torch.Generator(5);
        var z = g.SampleLatent(300, rng);
        var block = z.narrow(1, 16, 10);
        Assert.True(block.sum(1).eq(1).all().item<bool>());
        Assert.True((block.eq(0) | block.eq(1)).all().item<bool>());
        var labels = g.ClassLabels(z)!;
        Assert.Equal(10, labels.data<long>().Distinct().Count()); // 300 uniform draws cover every class

        var wanted = torch.arange(10).repeat(30);
        var z2 = g.WithClasses(z, wanted);
        Assert.Equal(wanted.data<long>().ToArray(), g.ClassLabels(z2)!.data<long>().ToArray());
        Assert.True(z2.narrow(1, 0, 16).eq(z.narrow(1, 0, 16)).all().item<bool>());          // z_content kept
        Assert.True(z2.narrow(1, 26, 4).eq(z.narrow(1, 26, 4)).all().item<bool>());          // z_motion kept

        var e = Assert.Throws<ArgumentException>(() => g.WithClasses(z, torch.full(300, 10L)));
        Assert.Contains("model.classes = 10", e.Message);
    }

    [Fact]
    public void The_class_changes_the_shape_but_not_the_path_and_zero_motion_stays_static()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(11);
        using var g = new MotionShapeGenerator(Conditional);
        g.eval();
        var z = g.SampleLatent(4);
        var zOther = g.WithClasses(z, (g.ClassLabels(z)! + 1).remainder(10));
        var (contentA, motionA) = g.SplitLatent(z);
        var (contentB, motionB) = g.SplitLatent(zOther);
        Assert.True(motionA.eq(motionB).all().item<bool>());
        Assert.True(g.MotionField(motionA).eq(g.MotionField(motionB)).all().item<bool>());
        Assert.False(g.Content(contentA).allclose(g.Content(contentB)));

        var still = g.Render(g.Content(contentB), torch.zeros(new long[] { 4, 2, 16, 28, 28 }));
        Assert.True(still.allclose(still.narrow(2, 0, 1).expand_as(still), atol: 1e-6));
    }

    [Fact]
    public void Unconditional_generators_have_no_class()
    {
        using var g = new MotionShapeGenerator(ModelConfig.Tiny());
        using var z = g.SampleLatent(2);
        Assert.Null(g.ClassLabels(z));
        Assert.Throws<InvalidOperationException>(() => g.WithClasses(z, torch.zeros(2, torch.int64)));
    }

    [Fact]
    public void Conditional_discriminators_need_the_labels_and_use_them()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(12);
        var c = Conditional with { FrameDiscriminatorFrames = 3 };
        using var d = ModelFactory.CreateVideoDiscriminator(c);
        using var fd = ModelFactory.CreateFrameDiscriminator(c)!;
        d.eval(); fd.eval();
        var x = torch.rand(new long[] { 3, 1, 16, 28, 28 }) * 2 - 1;
        var labels = torch.tensor(new long[] { 0, 4, 9 });
        foreach (var disc in new VideoDiscriminatorBase[] { d, fd })
        {
            var e = Assert.Throws<ArgumentException>(() => disc.call(x));
            Assert.Contains("Score(video, labels)", e.Message);
            Assert.Equal(new long[] { 3 }, disc.Score(x, labels).shape);
        }
        // The frame choice is random per call: fix it to compare two label sets on the same frames.
        var frame = (FrameDiscriminator)fd;
        var idx = frame.SampleFrameIndices(3, torch.CPU);
        Assert.False(frame.FrameLogits(x, idx, labels).allclose(frame.FrameLogits(x, idx, (labels + 1).remainder(10))));
        Assert.False(d.Score(x, labels).allclose(d.Score(x, (labels + 1).remainder(10))));

        using var plain = ModelFactory.CreateVideoDiscriminator(ModelConfig.Tiny());
        var e2 = Assert.Throws<ArgumentException>(() => plain.Score(x, labels));
        Assert.Contains("unconditional", e2.Message);
    }

    [Fact]
    public void The_projection_term_is_the_embedding_dotted_with_the_scaled_sum_of_the_features()
    {
        using var scope = torch.NewDisposeScope();
        var c = ModelConfig.Tiny() with { Classes = 3, SpectralNorm = false };
        var projection = Layers.ClassProjection(c, 2)!;
        var linear = (TorchSharp.Modules.Linear)projection;
        using (torch.no_grad()) linear.weight.copy_(torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }, new long[] { 2, 3 })); // [C=2, classes=3]
        // Features [N=2, C=2, 2x2]: 4 positions, so pooled = sum / 2.
        var features = torch.tensor(new float[] { 1, 1, 1, 1, 2, 2, 2, 2, 0, 1, 0, 1, 3, 0, 0, 1 }, new long[] { 2, 2, 2, 2 });
        var logits = torch.tensor(new float[] { 0.5f, -1f });
        var labels = torch.tensor(new long[] { 1, 2 });
        var scored = Layers.AddClassProjection("test", c, logits, features, projection, labels).data<float>().ToArray();
        // Sample 0: class 1 embeds to (2, 5); pooled (4/2, 8/2) = (2, 4): 0.5 + 2*2 + 5*4 = 24.5.
        // Sample 1: class 2 embeds to (3, 6); pooled (2/2, 4/2) = (1, 2): -1 + 3*1 + 6*2 = 14.
        Assert.Equal(24.5f, scored[0], 1e-5f);
        Assert.Equal(14f, scored[1], 1e-5f);
    }

    [Theory]
    [InlineData(ModelConfig.TwoStream, 10, "only")]
    [InlineData(ModelConfig.ContentMotion, 10, "only")]
    [InlineData(ModelConfig.MotionShape, 1, "between 2 and 1000")]
    [InlineData(ModelConfig.MotionShape, -3, "between 2 and 1000")]
    public void Bad_class_settings_name_the_key(string generator, int classes, string rule)
    {
        var e = Assert.Throws<ArgumentException>(() => new ModelConfig { Generator = generator, Classes = classes }.Validate());
        Assert.Contains("model.classes", e.Message);
        Assert.Contains(rule, e.Message);
    }
}

public class AuxiliaryClassifierTests
{
    [Fact]
    public void The_frame_discriminator_scores_and_classifies_the_same_frames()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(13);
        var c = ModelConfig.Tiny() with { Classes = 10, FrameDiscriminatorFrames = 3 };
        using var fd = new FrameDiscriminator(c);
        fd.eval();
        var x = torch.rand(new long[] { 2, 1, 16, 28, 28 }) * 2 - 1;
        var labels = torch.tensor(new long[] { 3, 7 });
        var idx = fd.SampleFrameIndices(2, torch.CPU);
        var (logits, classLogits) = fd.FrameLogitsAndClasses(x, labels, idx);
        Assert.Equal(new long[] { 2, 3 }, logits.shape);
        Assert.Equal(new long[] { 6, 10 }, classLogits.shape);
        // The real/fake half equals the plain frame scores of the same frames and classes.
        Assert.True(logits.allclose(fd.FrameLogits(x, idx, labels), atol: 1e-6));

        using var plain = new FrameDiscriminator(ModelConfig.Tiny());
        Assert.Throws<InvalidOperationException>(() => plain.FrameLogitsAndClasses(x, labels));
    }
}
