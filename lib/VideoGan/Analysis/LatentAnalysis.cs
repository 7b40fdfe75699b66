using TorchSharp;
using VideoGan.Models;
using static TorchSharp.torch;

namespace VideoGan.Analysis;

/// <summary>
/// Glue for the latent-analysis chapter: tensors to matrices, simple clip descriptors (appearance, motion energy and
/// the ink's centre-of-mass trajectory, which separates motion types without any trained network), labelling
/// generated clips by their nearest labelled real clips, and loading the trained generator when it is shipped.
/// </summary>
/// <remarks>Taught in notebooks/05-latent-analysis.ipynb.</remarks>
public static class LatentAnalysis
{
    /// <summary>A <c>[B, ...]</c> tensor as a <c>B x (rest)</c> matrix (copied to the CPU in double).</summary>
    public static DenseMatrix ToMatrix(Tensor x)
    {
        if (x.dim() < 1) throw new ArgumentException("ToMatrix needs a tensor with a batch dimension.");
        using var scope = NewDisposeScope();
        var flat = x.detach().cpu().to(float64).reshape(x.shape[0], -1).contiguous();
        return new DenseMatrix(flat.data<double>().ToArray(), (int)flat.shape[0], (int)flat.shape[1]);
    }

    /// <summary>
    /// Hand-made clip descriptors <c>[B, F]</c> for clips <c>[B, C, T, H, W]</c> in [-1, 1]: the time-averaged frame and the
    /// mean absolute frame difference, each average-pooled to <paramref name="grid"/> x <paramref name="grid"/>, and the
    /// ink's centre of mass per frame relative to frame 0 (x and y in frame units, times <paramref name="trajectoryWeight"/>).
    /// A stand-in for a trained feature network's features: no training, and motion types differ in the trajectory.
    /// </summary>
    public static DenseMatrix ClipDescriptors(Tensor clips, int grid = 7, double trajectoryWeight = 4.0)
    {
        if (clips.dim() != 5) throw new ArgumentException($"ClipDescriptors: clips must be [B, C, T, H, W], got [{string.Join(", ", clips.shape)}].");
        using var scope = NewDisposeScope();
        var x = (clips.detach().cpu().to(float32) + 1) / 2;                  // [0, 1]
        long b = x.shape[0], t = x.shape[2], h = x.shape[3], w = x.shape[4];
        var mono = x.mean([1]);                                               // [B, T, H, W]
        var appearance = nn.functional.adaptive_avg_pool2d(mono.mean([1], keepdim: true), [grid, grid]).reshape(b, -1);
        var diff = (mono.narrow(1, 1, t - 1) - mono.narrow(1, 0, t - 1)).abs().mean([1], keepdim: true);
        var motion = nn.functional.adaptive_avg_pool2d(diff, [grid, grid]).reshape(b, -1);
        var mass = mono.sum([2, 3]).clamp_min(1e-6);                          // [B, T]
        var ys = torch.linspace(0, 1, h).reshape(1, 1, h, 1);
        var xs = torch.linspace(0, 1, w).reshape(1, 1, 1, w);
        var cy = (mono * ys).sum([2, 3]) / mass;
        var cx = (mono * xs).sum([2, 3]) / mass;
        var traj = torch.cat([cx - cx.narrow(1, 0, 1), cy - cy.narrow(1, 0, 1)], 1) * trajectoryWeight;
        return ToMatrix(torch.cat([appearance, motion, traj], 1));
    }

    /// <summary>
    /// Labels each query row by a majority vote of its <paramref name="k"/> nearest rows of a labelled set (ties: the
    /// nearest tied label). Used to give generated clips a motion type from real clips' labels when no trained
    /// classifier is available.
    /// </summary>
    public static int[] NearestNeighbourLabels(DenseMatrix labelled, IReadOnlyList<int> labels, DenseMatrix query, int k = 5)
    {
        if (labelled.Cols != query.Cols) throw new ArgumentException($"Labelled rows have {labelled.Cols} columns, queries {query.Cols}.");
        if (labels.Count != labelled.Rows) throw new ArgumentException($"{labels.Count} labels for {labelled.Rows} labelled rows.");
        k = Math.Min(k, labelled.Rows);
        var result = new int[query.Rows];
        Parallel.For(0, query.Rows, i =>
        {
            var d = new (double D, int J)[labelled.Rows];
            for (int j = 0; j < d.Length; j++) d[j] = (NearestNeighbors.SquaredDistance(query.Row(i), labelled.Row(j)), j);
            var best = d.OrderBy(p => p.D).ThenBy(p => p.J).Take(k).ToArray();
            var votes = best.GroupBy(p => labels[p.J]).ToDictionary(g => g.Key, g => g.Count());
            int top = votes.Values.Max();
            result[i] = best.Select(p => labels[p.J]).First(l => votes[l] == top);
        });
        return result;
    }

    /// <summary>Stacks matrices with equal column counts.</summary>
    public static DenseMatrix Stack(params DenseMatrix[] parts)
    {
        int cols = parts[0].Cols;
        if (parts.Any(p => p.Cols != cols)) throw new ArgumentException("Stack needs matrices with the same number of columns.");
        return new DenseMatrix(parts.SelectMany(p => p.Data).ToArray(), parts.Sum(p => p.Rows), cols);
    }

    /// <summary>
    /// Clip features <c>[B, d]</c>: the shipped Moving MNIST feature network's clip features when
    /// <c>data/clip-classifiers/moving-mnist.pt</c> exists (the evaluation chapter's network), else <see cref="ClipDescriptors"/>.
    /// <paramref name="source"/> says which.
    /// </summary>
    public static DenseMatrix Features(Tensor clips, out string source)
    {
        if (Metrics.ClipClassifier.FindShipped("moving-mnist") is string path)
        {
            using var net = Metrics.ClipClassifier.Load(path);
            var parts = new List<DenseMatrix>();
            for (long s = 0; s < clips.shape[0]; s += 64)
            {
                using var scope = NewDisposeScope();
                parts.Add(ToMatrix(net.Forward(clips.narrow(0, s, Math.Min(64, clips.shape[0] - s))).Features));
            }
            source = net.Name;
            return Stack(parts.ToArray());
        }
        source = "clip descriptors (no shipped feature network found)";
        return ClipDescriptors(clips);
    }

    /// <summary>
    /// The shipped learned-motion digits generator (<c>data/trained/digits-motion</c>, all motion types) when it is there,
    /// else the shipped rigid-path digits generator (<see cref="Training.TrainedModels.LoadDigitsGenerator"/>), or null
    /// with the reason in <paramref name="note"/> when neither is (the chapter then uses a freshly initialised generator,
    /// and says so).
    /// </summary>
    public static VideoGeneratorBase? TryLoadTrainedDigitsGenerator(out string note)
    {
        try
        {
            if (Training.Sampling.ShippedFolder("digits-motion") is { } learned)
            {
                note = $"trained learned-motion digits generator ({learned})";
                return Training.TrainedModels.LoadGenerator(learned);
            }
            var g = Training.TrainedModels.LoadDigitsGenerator();
            note = "trained digits generator (TrainedModels.LoadDigitsGenerator; rigid-path baseline, bounce only)";
            return g;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException)
        {
            note = $"trained generator unavailable: {e.Message}";
            return null;
        }
    }
}
