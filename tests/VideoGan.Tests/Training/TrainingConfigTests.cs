using VideoGan.Training;

namespace VideoGan.Tests.Training;

public class TrainingConfigTests
{
    [Theory]
    [InlineData("digits", 28, 32)]
    [InlineData("moving-mnist", 64, 16)]
    [InlineData("faces", 64, 16)]
    [InlineData("smoke", 28, 4)]
    [InlineData("digits-motion", 28, 32)]
    [InlineData("moving-mnist-motion", 64, 16)]
    public void Presets_load_and_validate(string name, int size, int batch)
    {
        var c = ConfigPresets.Load(name);
        Assert.Equal(name, c.Name);
        Assert.Equal(size, c.Model.Size);
        Assert.Equal(size, c.Data.Size);
        Assert.Equal(batch, c.BatchSize);
        Assert.Contains(name, ConfigPresets.Names);
        // The learned-motion presets mix every motion type, unconditionally.
        if (name.EndsWith("-motion", StringComparison.Ordinal))
        {
            Assert.Equal(Enum.GetValues<VideoGan.Data.MotionType>().Order(), c.Data.MotionTypes!.Order());
            Assert.Equal(VideoGan.Models.ModelConfig.MotionHeatmap, c.Model.Generator);
            Assert.False(c.Model.IsConditional);
        }
    }

    [Fact]
    public void Json_round_trips()
    {
        var c = ConfigPresets.Load("digits") with { UnrollSteps = 3, Loss = GanLossKind.WganGp, R1Gamma = 0.5 };
        var back = TrainingConfig.FromJson(c.ToJson());
        Assert.Equal(c.ToJson(), back.ToJson());
        Assert.Equal(GanLossKind.WganGp, back.Loss);
        Assert.Contains("\"wgan-gp\"", c.ToJson());
    }

    [Theory]
    [InlineData("{ \"batchSize\": 4, \"learningRate\": 0.1 }", "learningRate")]
    [InlineData("{ \"generatorOptimizer\": { \"lr\": 0.001, \"betas\": [0.5, 0.9] } }", "betas")]
    [InlineData("{ \"model\": { \"size\": 28, \"dropout\": 0.1 } }", "dropout")]
    public void Unknown_keys_are_errors_that_name_the_key(string json, string key)
    {
        var e = Assert.Throws<InvalidDataException>(() => TrainingConfig.FromJson(json, "test.json"));
        Assert.Contains(key, e.Message);
        Assert.Contains("test.json", e.Message);
    }

    [Theory]
    [InlineData("{ \"batchSize\": 0 }", "batchSize")]
    [InlineData("{ \"batchSize\": \"many\" }", "batchSize")]
    [InlineData("{ \"generatorOptimizer\": { \"lr\": -1 } }", "generatorOptimizer.lr")]
    [InlineData("{ \"discriminatorOptimizer\": { \"beta2\": 1.5 } }", "discriminatorOptimizer.beta2")]
    [InlineData("{ \"loss\": \"least-squares\" }", "loss")]
    [InlineData("{ \"emaDecay\": 1.0 }", "emaDecay")]
    [InlineData("{ \"unrollSteps\": -2 }", "unrollSteps")]
    [InlineData("{ \"data\": { \"kind\": \"cats\" } }", "data.kind")]
    [InlineData("{ \"model\": { \"size\": 30 }, \"data\": { \"size\": 30 } }", "model.size")]
    [InlineData("{ \"model\": { \"size\": 64 } }", "model.size")]
    [InlineData("{ \"data\": { \"kind\": \"faces\", \"size\": 28 } }", "model.channels")]
    [InlineData("{ \"model\": { \"classes\": 10 }, \"data\": { \"digits\": 2 } }", "model.classes")]
    [InlineData("{ \"model\": { \"classes\": 5 } }", "model.classes")]
    [InlineData("{ \"auxiliaryClassWeight\": 1 }", "auxiliaryClassWeight")]
    [InlineData("{ \"auxiliaryClassWeight\": -1, \"model\": { \"classes\": 10 } }", "auxiliaryClassWeight")]
    [InlineData("{ \"auxiliaryClassWeight\": 1, \"model\": { \"classes\": 10, \"frameDiscriminator\": false } }", "auxiliaryClassWeight")]
    [InlineData("{ \"model\": { \"classes\": 10, \"generator\": \"two-stream\" } }", "model.classes")]
    public void Bad_values_are_errors_that_name_the_key(string json, string key)
    {
        var e = Assert.Throws<InvalidDataException>(() => TrainingConfig.FromJson(json, "bad.json"));
        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void Unknown_preset_and_missing_file_are_clear_errors()
    {
        var e = Assert.Throws<ArgumentException>(() => ConfigPresets.Load("digitz"));
        Assert.Contains("digitz", e.Message);
        Assert.Contains("digits", e.Message);
        Assert.Throws<FileNotFoundException>(() => ConfigPresets.Load("no/such/config.json"));
    }
}
