using TorchSharp;
using VideoGan.Models;
using VideoGan.Training;
using static TorchSharp.torch;

namespace VideoGan.Tests.Training;

[Collection("torch-global-rng")]
public class GanLossesTests
{
    [Fact]
    public void Losses_match_their_formulas_on_known_logits()
    {
        using var real = tensor(new float[] { 2f, -0.5f });
        using var fake = tensor(new float[] { -3f, 0.5f });
        // Hinge: mean(relu(1 - real)) + mean(relu(1 + fake)) = (0 + 1.5)/2 + (0 + 1.5)/2
        Assert.Equal(1.5, GanLosses.DiscriminatorLoss(GanLossKind.Hinge, real, fake).item<float>(), 5);
        // Non-saturating BCE at logits 0: log 2 each side.
        using var zero = zeros(4);
        Assert.Equal(2 * Math.Log(2), GanLosses.DiscriminatorLoss(GanLossKind.NonSaturating, zero, zero).item<float>(), 5);
        Assert.Equal(Math.Log(2), GanLosses.GeneratorLoss(GanLossKind.NonSaturating, zero).item<float>(), 5);
        double expectedNs = (Math.Log(1 + Math.Exp(-2)) + Math.Log(1 + Math.Exp(0.5))) / 2 + (Math.Log(1 + Math.Exp(-3)) + Math.Log(1 + Math.Exp(0.5))) / 2;
        Assert.Equal(expectedNs, GanLosses.DiscriminatorLoss(GanLossKind.NonSaturating, real, fake).item<float>(), 5);
        // WGAN critic: mean(fake) - mean(real) = -1.25 - 0.75
        Assert.Equal(-2.0, GanLosses.DiscriminatorLoss(GanLossKind.WganGp, real, fake).item<float>(), 5);
    }

    [Fact]
    public void Generator_loss_of_hinge_and_wgan_is_minus_mean_fake_logit()
    {
        using var fake = tensor(new float[] { -3f, 0.5f });
        Assert.Equal(1.25, GanLosses.GeneratorLoss(GanLossKind.Hinge, fake).item<float>(), 5);
        Assert.Equal(1.25, GanLosses.GeneratorLoss(GanLossKind.WganGp, fake).item<float>(), 5);
    }

    [Fact]
    public void Penalties_of_a_linear_critic_are_analytic()
    {
        // D(x) = w . x: grad_x D = w everywhere, so GP = (|w| - 1)^2 and R1 = |w|^2, and d(R1)/dw = 2w.
        var w = tensor(new float[] { 3f, 4f }).requires_grad_(true);   // |w| = 5
        Func<Tensor, Tensor> d = x => x.matmul(w);
        using var real = randn(6, 2);
        using var fake = randn(6, 2);
        Assert.Equal(16.0, GanLosses.GradientPenalty(d, real, fake).item<float>(), 3);
        var r1 = GanLosses.R1Penalty(d, real);
        Assert.Equal(25.0, r1.item<float>(), 3);
        r1.backward();   // the penalty's own gradient must reach the critic's weights (create_graph)
        Assert.Equal(new[] { 6f, 8f }, w.grad!.data<float>().ToArray());
    }

    [Fact]
    public void Discriminator_losses_fall_on_a_fixed_tiny_batch()
    {
        foreach (var kind in new[] { GanLossKind.Hinge, GanLossKind.NonSaturating, GanLossKind.WganGp })
        {
            torch.manual_seed(11);
            var config = ModelConfig.Tiny();
            using var d = ModelFactory.CreateVideoDiscriminator(config);
            using var opt = optim.Adam(d.parameters(), lr: 2e-3, beta1: 0.5);
            using var real = (rand(new long[] { 4, 1, 16, 28, 28 }) * 2 - 1).sign();   // fixed "binary ink" clips
            using var fake = rand(new long[] { 4, 1, 16, 28, 28 }) * 0.2 - 0.1;         // fixed grey clips
            double first = 0, last = 0;
            for (int i = 0; i < 25; i++)
            {
                using var scope = NewDisposeScope();
                var logits = d.call(cat(new[] { real, fake }, 0));
                var loss = GanLosses.DiscriminatorLoss(kind, logits.narrow(0, 0, 4), logits.narrow(0, 4, 4));
                if (i == 0) first = loss.item<float>();
                last = loss.item<float>();
                opt.zero_grad();
                loss.backward();
                opt.step();
            }
            Assert.True(last < first - 0.1, $"{kind}: discriminator loss did not fall ({first:0.000} -> {last:0.000})");
        }
    }
}
