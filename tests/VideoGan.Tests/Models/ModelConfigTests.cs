using VideoGan.Models;

namespace VideoGan.Tests.Models;

public class ModelConfigTests
{
    [Fact]
    public void JsonRoundTripKeepsEveryValue()
    {
        var c = new ModelConfig { Generator = ModelConfig.TwoStream, Size = 64, Frames = 32, Channels = 3, ContentDim = 90, MotionDim = 10, SpectralNorm = false, Upsample = "transpose", MaskL1 = 0.2 };
        var json = c.ToJson();
        Assert.Contains("\"frames\": 32", json);
        Assert.Contains("\"generator\": \"two-stream\"", json);
        Assert.Equal(c, ModelConfig.FromJson(json));
    }

    [Fact]
    public void BadValuesNameTheKey()
    {
        var e = Assert.Throws<ArgumentException>(() => new ModelConfig { Frames = 20 }.Validate());
        Assert.Contains("model.frames must be 16 or 32", e.Message);
        e = Assert.Throws<ArgumentException>(() => ModelConfig.FromJson("{\"size\": 48, \"channels\": 2}"));
        Assert.Contains("model.size must be 28, 32 or 64", e.Message);
        Assert.Contains("model.channels must be 1 or 3", e.Message);
        e = Assert.Throws<ArgumentException>(() => ModelConfig.FromJson("{\"generator\": \"gru\"}", "train.model"));
        Assert.Contains("train.model.generator must be one of", e.Message);
    }

    [Fact]
    public void UnknownKeyIsRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelConfig.FromJson("{\"frame\": 16}"));
        Assert.Contains("frame", e.Message);
    }

    [Theory]
    [InlineData(ModelConfig.MotionShape, 16, 64 + 16)]
    [InlineData(ModelConfig.TwoStream, 32, 64 + 16)]
    [InlineData(ModelConfig.ContentMotion, 32, 64 + 32 * 16)]
    public void LatentDimMatchesTheGenerator(string kind, int frames, int expected)
    {
        var c = new ModelConfig { Generator = kind, Frames = frames, GeneratorWidth = 4 };
        Assert.Equal(expected, c.LatentDim);
        using var g = ModelFactory.CreateGenerator(c);
        Assert.Equal(expected, g.LatentDim);
    }
}
