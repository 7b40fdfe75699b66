using TorchSharp;
using TorchSharp.PyBridge;
using VideoGan.Metrics;
using static TorchSharp.torch;

namespace VideoGan.Tests.Metrics;

public class InceptionI3dTests
{
    [Fact]
    public void StateDictNamesAndShapesFollowThePyTorchLayout()
    {
        using var m = new InceptionI3d();
        var sd = m.state_dict();
        // Published i3d_pretrained_400.pt layout: 57 conv+BN units (3 stem + 9 inception blocks x 6) and the logits conv.
        var learned = sd.Keys.Where(k => !k.EndsWith("num_batches_tracked")).ToList();
        Assert.Equal(57 * 5 + 2, learned.Count);
        void Shape(string key, params long[] shape) => Assert.Equal(shape, sd[key].shape);
        Shape("Conv3d_1a_7x7.conv3d.weight", 64, 3, 7, 7, 7);
        Shape("Conv3d_1a_7x7.bn.running_var", 64);
        Shape("Conv3d_2b_1x1.conv3d.weight", 64, 64, 1, 1, 1);
        Shape("Conv3d_2c_3x3.conv3d.weight", 192, 64, 3, 3, 3);
        Shape("Mixed_3b.b0.conv3d.weight", 64, 192, 1, 1, 1);
        Shape("Mixed_3b.b1b.conv3d.weight", 128, 96, 3, 3, 3);
        Shape("Mixed_4f.b3b.conv3d.weight", 128, 528, 1, 1, 1);
        Shape("Mixed_5c.b2b.bn.weight", 128);
        Shape("Mixed_5c.b0.conv3d.weight", 384, 832, 1, 1, 1);
        Shape("logits.conv3d.weight", 400, 1024, 1, 1, 1);
        Shape("logits.conv3d.bias", 400);
        Assert.DoesNotContain(sd.Keys, k => k.StartsWith("MaxPool") || k.Contains("b3a") || k.Contains("avg_pool"));
        Assert.DoesNotContain(sd.Keys, k => k.Contains(".conv3d.bias") && !k.StartsWith("logits"));
    }

    [Fact]
    public void SavedStateDictLoadsBackIdentically()
    {
        string path = Path.Combine(Path.GetTempPath(), $"vg-i3d-{Guid.NewGuid():N}.pt");
        try
        {
            torch.random.manual_seed(1);
            using var a = new InceptionI3d();
            using (torch.no_grad())
                foreach (var (k, t) in a.state_dict()) // make running stats non-trivial too
                    if (k.EndsWith("running_mean")) t.normal_(); else if (k.EndsWith("running_var")) t.uniform_(0.5, 2.0);
            a.save_py(path);
            torch.random.manual_seed(2);
            using var b = new InceptionI3d();
            int copied = StateDictFile.Load(b, path);
            Assert.Equal(a.state_dict().Count, copied);
            using var c = new InceptionI3d();
            c.load_py(path); // PyBridge's own loader agrees
            var sa = a.state_dict(); var sb = b.state_dict(); var sc = c.state_dict();
            foreach (var (k, t) in sa)
            {
                if (k.EndsWith("num_batches_tracked")) continue;
                Assert.True(t.equal(sb[k]).all().item<bool>(), $"{k} differs after StateDictFile.Load");
                Assert.True(t.equal(sc[k]).all().item<bool>(), $"{k} differs after load_py");
            }
            // A file of another layout is refused with the offending key named.
            using var other = torch.nn.Linear(3, 4);
            string bad = path + ".bad.pt";
            other.save_py(bad);
            var e = Assert.Throws<InvalidDataException>(() => StateDictFile.Load(b, bad));
            Assert.Contains("Conv3d_1a_7x7.conv3d.weight", e.Message);
            File.Delete(bad);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void PreprocessingQuantisesRepeatsGrayAndResizesTo224()
    {
        using var clips = torch.zeros(new long[] { 2, 1, 3, 8, 8 });
        clips[0].fill_(-1); clips[1].fill_(0.001); // 0.001 -> uint8 128 -> 2*128/255 - 1
        using var x = I3dFeatureNetwork.Preprocess(clips);
        Assert.Equal(new long[] { 2, 3, 3, 224, 224 }, x.shape);
        Assert.Equal(-1.0, x[0].max().item<float>(), 6);
        Assert.Equal(2.0 * 128 / 255 - 1, x[1].min().item<float>(), 5);
        Assert.Equal(2.0 * 128 / 255 - 1, x[1].max().item<float>(), 5);
    }

    [Fact]
    public void RandomWeightsGiveFourHundredFeaturesPerClip()
    {
        using var net = I3dFeatureNetwork.CreateUntrained(seed: 3, device: torch.CPU);
        using var clips = torch.rand(new long[] { 1, 1, 10, 32, 32 }) * 2 - 1; // 10 frames: the shortest T the 16-frame path also takes (T' = 1)
        var o = net.Forward(clips);
        Assert.Equal(new long[] { 1, 400 }, o.Features.shape);
        Assert.Equal(1.0, o.Probabilities!.sum().item<double>(), 9);
        Assert.False(net.ComparableWithPublishedFvd);
        Assert.Throws<ArgumentException>(() => net.Forward(torch.zeros(new long[] { 1, 1, 8, 32, 32 })));
    }

    [Fact]
    public void MissingWeightsSayWhereToGetThem()
    {
        var e = Assert.Throws<FileNotFoundException>(() => I3dFeatureNetwork.Load("/nonexistent/i3d_pretrained_400.pt"));
        Assert.Contains(I3dFeatureNetwork.WeightsVariable, e.Message);
        Assert.Contains("i3d_pretrained_400.pt", e.Message);
    }

    /// <summary>
    /// The sanity value published with the reference FVD code: 16 all-zero vs 16 all-255 clips (15 frames, 64x64) give
    /// about 131. Runs only when the user supplies the weights (VIDEOGAN_I3D_WEIGHTS).
    /// </summary>
    [SkippableFact]
    public void PublishedSanityValueWithRealWeights()
    {
        Skip.If(I3dFeatureNetwork.FindWeights() is null, I3dFeatureNetwork.WhereToGetWeights);
        using var net = I3dFeatureNetwork.Load();
        using var zeros = torch.full(new long[] { 16, 3, 15, 64, 64 }, -1.0f);
        using var ones = torch.full(new long[] { 16, 3, 15, 64, 64 }, 1.0f);
        using var fz = FeatureExtraction.Run(net, zeros, batchSize: 4);
        using var fo = FeatureExtraction.Run(net, ones, batchSize: 4);
        double fvd = FeatureDistances.Frechet(fz.Features, fo.Features).Value;
        Assert.InRange(fvd, 131 * 0.9, 131 * 1.1);
    }
}
