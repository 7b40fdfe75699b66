using TorchSharp;
using VideoGan.Models;
using static TorchSharp.torch;

namespace VideoGan.Tests.Models;

public class SpectralNormTests
{
    static double TopSingularValue(Tensor w, int dim)
    {
        using var scope = torch.NewDisposeScope();
        var m = dim == 0 ? w : w.transpose(0, dim);
        m = m.reshape(m.shape[0], -1).to(ScalarType.Float64);
        return torch.linalg.svdvals(m)[0].item<double>();
    }

    public static IEnumerable<object[]> Layers() =>
    [
        ["linear"], ["conv2d"], ["conv3d"], ["convtranspose2d"], ["convtranspose3d"],
    ];

    static (SpectralNorm sn, Tensor x, int dim) Make(string kind)
    {
        torch.manual_seed(1);
        return kind switch
        {
            "linear" => (new SpectralNorm(nn.Linear(12, 7)), torch.randn(3, 12), 0),
            "conv2d" => (new SpectralNorm(nn.Conv2d(3, 5, 3, padding: 1)), torch.randn(2, 3, 6, 6), 0),
            "conv3d" => (new SpectralNorm(nn.Conv3d(2, 4, 4, stride: 2, padding: 1)), torch.randn(new long[] { 2, 2, 4, 8, 8 }), 0),
            "convtranspose2d" => (new SpectralNorm(nn.ConvTranspose2d(6, 3, 4, stride: 2, padding: 1)), torch.randn(2, 6, 4, 4), 1),
            _ => (new SpectralNorm(nn.ConvTranspose3d(4, 2, 4, stride: 2, padding: 1)), torch.randn(new long[] { 2, 4, 2, 4, 4 }), 1),
        };
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void NormalisedWeightHasUnitSpectralNormAfterPowerIteration(string kind)
    {
        var (sn, _, dim) = Make(kind);
        using var _sn = sn;
        double svd = TopSingularValue(sn.Weight, dim);
        double sigma = sn.UpdateEstimate(iterations: 200);
        Assert.Equal(svd, sigma, svd * 1e-4);
        using var wsn = sn.NormalizedWeight();
        double top = TopSingularValue(wsn, dim);
        Assert.InRange(top, 1 - 1e-4, 1 + 1e-4);
        // Cross-check with matrix_norm(ord 2) on the same reshaping.
        var m = (dim == 0 ? wsn : wsn.transpose(0, dim)).reshape(wsn.shape[dim], -1);
        Assert.InRange(torch.linalg.matrix_norm(m, 2).item<float>(), 1 - 1e-4, 1 + 1e-4);
    }

    [Fact]
    public void OneIterationPerTrainingForwardConvergesAndEvalDoesNotUpdate()
    {
        var (sn, x, _) = Make("conv2d");
        using var _sn = sn;
        double svd = TopSingularValue(sn.Weight, 0);
        sn.train();
        double first = sn.SigmaEstimate;
        for (int i = 0; i < 100; i++) using (torch.no_grad()) sn.call(x).Dispose();
        double after = sn.SigmaEstimate;
        Assert.True(Math.Abs(after - svd) < Math.Abs(first - svd), $"sigma estimate did not approach the SVD value: {first} -> {after} vs {svd}");
        Assert.Equal(svd, after, svd * 1e-3);
        sn.eval();
        var u0 = sn.state_dict()["weight_u"].clone();
        sn.call(x).Dispose();
        Assert.True(torch.allclose(u0, sn.state_dict()["weight_u"], rtol: 0, atol: 0));
    }

    [Fact]
    public void BuffersAreSavedWithTheModule()
    {
        var (sn, _, _) = Make("linear");
        using var _sn = sn;
        var keys = sn.state_dict().Keys.ToArray();
        Assert.Contains("weight_u", keys);
        Assert.Contains("weight_v", keys);
        Assert.Contains("module.weight", keys);
        Assert.DoesNotContain(sn.named_parameters(), p => p.name.StartsWith("weight_"));
    }

    [Fact]
    public void GradientMatchesDifferentiatingThroughTheSvd()
    {
        // With converged u, v: d sigma / dW = u v^T, so the layer's gradient equals the gradient of W / sigma_max(W) by SVD.
        torch.manual_seed(3);
        using var lin = nn.Linear(6, 4, dtype: ScalarType.Float64);
        using var sn = new SpectralNorm(lin);
        sn.UpdateEstimate(300);
        sn.eval();
        var x = torch.randn(5, 6, dtype: ScalarType.Float64);
        var target = torch.randn(5, 4, dtype: ScalarType.Float64);
        var loss = (sn.call(x) - target).pow(2).sum();
        loss.backward();
        var gradSn = lin.weight.grad!.clone();
        Assert.True(gradSn.abs().sum().item<double>() > 0);

        var w = lin.weight.detach().clone().requires_grad_(true);
        var s = torch.linalg.svdvals(w)[0];
        var lossRef = (nn.functional.linear(x, w / s, lin.bias!.detach()) - target).pow(2).sum();
        lossRef.backward();
        Assert.True(torch.allclose(gradSn, w.grad!, rtol: 1e-6, atol: 1e-8), $"max diff {(gradSn - w.grad!).abs().max().item<double>()}");
    }

    [Fact]
    public void TwoTrainingForwardsBeforeOneBackwardWork()
    {
        // A discriminator scores real and fake clips in separate calls, then backpropagates once: the second call's
        // power iteration updates u, v in place, which must not invalidate what autograd kept from the first.
        var (sn, x, _) = Make("conv3d");
        using var _sn = sn;
        sn.train();
        var first = sn.call(x).square().mean();
        var second = sn.call(x + 0.1).square().mean();
        (first + second).backward();
        Assert.True(sn.Weight.grad is not null && sn.Weight.grad.abs().sum().item<float>() > 0);
    }
}
