using System.Text.Json;
using VideoGan.Data;
using VideoGan.Runtime;

namespace VideoGan.Cli.Verbs;

/// <summary><c>videogan data</c>: writes a generated data set (Moving MNIST, case-study digits, synthetic faces) as .npy + labels.</summary>
public sealed class DataVerb : IVerb
{
    public string Name => "data";
    public string Summary => "generate Moving MNIST / case-study digits / synthetic faces clips to .npy + labels JSON";
    public string Usage => """
        videogan data --kind moving-mnist|digits|faces --out FILE.npy [--count 1000] [--frames F] [--seed 42]
                      [--split train|test] [--all-motions]

          moving-mnist  Srivastava et al.: 64x64, two 28-px digits, 20 frames, bounce (override --frames)
          digits        the case study's clips: 28x28, one 14-px binary digit, 16 frames, bounce
          faces         SYNTHETIC procedural faces 64x64 RGB, 16 frames (head turns, nods, blinks, smiles)
          Digit kinds are written in the canonical Moving MNIST layout uint8 [T, N, H, W] (like mnist_test_seq.npy),
          faces as uint8 [N, 3, T, H, W]; the layout is recorded in FILE.npy.layout.json (read by videogan evaluate),
          labels go to FILE.npy.labels.json. --split picks the MNIST digit pool (default test); --all-motions draws
          all six motion types instead of bounce.
        """;

    public int Run(ParsedArgs args)
    {
        string kind = args.Required("kind");
        string output = args.Required("out");
        int count = args.Int("count", 1000), seed = args.Int("seed", 42);
        if (count < 1) throw new UsageException($"--count must be >= 1 (got {count})");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        switch (kind)
        {
            case "moving-mnist" or "digits":
            {
                var split = (args.String("split") ?? "test") switch
                {
                    "train" => MnistSplit.Train,
                    "test" => MnistSplit.Test,
                    var s => throw new UsageException($"--split must be train or test (got '{s}')"),
                };
                var options = kind == "digits" ? MovingMnistOptions.CaseStudyDigits : MovingMnistOptions.Srivastava;
                options = options with { Frames = args.Int("frames", options.Frames) };
                if (args.Flag("all-motions")) options = options with { MotionTypes = Enum.GetValues<MotionType>() };
                var set = MovingMnist.Generate(MnistDigits.LoadEmbedded(split), count, options, seed);
                Npy.SaveMovingMnist(output, set.Clips, set);
                Console.WriteLine($"wrote {output} uint8 [T, N, H, W] = [{set.Clips.Frames}, {set.Count}, {set.Clips.Height}, {set.Clips.Width}] " +
                                  $"({set.DigitSource}, seed {seed}), {ClipLayouts.SideFilePath(output)} and {Npy.LabelsPath(output)}");
                return 0;
            }
            case "faces":
            {
                var options = new SyntheticFacesOptions();
                options = options with { Frames = args.Int("frames", options.Frames) };
                var set = SyntheticFaces.Generate(count, options, seed);
                Npy.SaveClips(output, set.Clips);
                string labels = Npy.LabelsPath(output);
                AtomicFile.WriteAllText(labels, JsonSerializer.Serialize(new { source = set.Source, seed, options, labels = set.Labels }, MovingMnist.LabelJson));
                Console.WriteLine($"wrote {output} uint8 [N, C, T, H, W] = [{string.Join(", ", set.Clips.Shape)}] ({set.Source}, seed {seed}), " +
                                  $"{ClipLayouts.SideFilePath(output)} and {labels}");
                return 0;
            }
            default:
                throw new UsageException($"--kind must be moving-mnist, digits or faces (got '{kind}')");
        }
    }
}
