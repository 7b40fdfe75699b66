using VideoGan.Runtime;
using System.Text.Json;
using TorchSharp;

namespace VideoGan.Training;

/// <summary>
/// Per-step logs of a run folder: <c>log.jsonl</c> (one <see cref="StepRecord"/> per line, snake_case keys) and,
/// optionally, TensorBoard event files under <c>tensorboard/</c>. On resume, lines after the checkpoint's step are
/// dropped so the log matches the state that continues.
/// </summary>
/// <remarks>Taught in notebook 03-training.</remarks>
public sealed class TrainingLog : IDisposable
{
    /// <summary>JSON options of log lines (snake_case).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
    };

    readonly StreamWriter _jsonl;
    readonly TorchSharp.Modules.SummaryWriter? _tensorboard;

    /// <summary>The JSONL file.</summary>
    public string Path { get; }

    /// <summary>Opens (appends to) the logs of <paramref name="runDirectory"/>, dropping records after <paramref name="truncateAfterStep"/>.</summary>
    public TrainingLog(string runDirectory, bool tensorboard, long truncateAfterStep)
    {
        Directory.CreateDirectory(runDirectory);
        Path = System.IO.Path.Combine(runDirectory, "log.jsonl");
        if (File.Exists(Path))
        {
            var kept = Read(Path).Where(r => r.Step <= truncateAfterStep).Select(r => JsonSerializer.Serialize(r, JsonOptions)).ToList();
            AtomicFile.WriteAllText(Path, kept.Count == 0 ? "" : string.Join("\n", kept) + "\n");
        }
        _jsonl = new StreamWriter(new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read));
        if (tensorboard)
            _tensorboard = torch.utils.tensorboard.SummaryWriter(System.IO.Path.Combine(runDirectory, "tensorboard"), createRunName: false);
    }

    /// <summary>Appends one step.</summary>
    public void Write(StepRecord r)
    {
        _jsonl.WriteLine(JsonSerializer.Serialize(r, JsonOptions));
        if (_tensorboard is null) return;
        int step = (int)r.Step;
        _tensorboard.add_scalar("loss/d", (float)r.DLoss, step);
        _tensorboard.add_scalar("loss/g", (float)r.GLoss, step);
        _tensorboard.add_scalar("logits/d_real", (float)r.DReal, step);
        _tensorboard.add_scalar("logits/d_fake", (float)r.DFake, step);
        _tensorboard.add_scalar("loss/d_frame", (float)r.DFrameLoss, step);
        if (r.DClassLoss != 0 || r.GClassLoss != 0)
        {
            _tensorboard.add_scalar("loss/d_class", (float)r.DClassLoss, step);
            _tensorboard.add_scalar("loss/g_class", (float)r.GClassLoss, step);
        }
        _tensorboard.add_scalar("loss/penalty", (float)r.Penalty, step);
        _tensorboard.add_scalar("loss/g_regularization", (float)r.GRegularization, step);
        _tensorboard.add_scalar("time/step_ms", (float)r.StepMs, step);
    }

    /// <summary>Flushes the JSONL file.</summary>
    public void Flush() => _jsonl.Flush();

    /// <summary>Reads a <c>log.jsonl</c> file (or the one in a run folder).</summary>
    public static IReadOnlyList<StepRecord> Read(string pathOrRunDirectory)
    {
        string path = Directory.Exists(pathOrRunDirectory) ? System.IO.Path.Combine(pathOrRunDirectory, "log.jsonl") : pathOrRunDirectory;
        var list = new List<StepRecord>();
        string text = File.ReadAllText(path);
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            if (string.IsNullOrWhiteSpace(line)) continue;
            try { list.Add(JsonSerializer.Deserialize<StepRecord>(line, JsonOptions)!); }
            // An unterminated last line is a record cut off by a crash (or one being written now): skip it, so a
            // run that died mid-write can be resumed and a live log can be read.
            catch (JsonException) when (i == lines.Length - 1) { }
            catch (JsonException e) { throw new InvalidDataException($"Training log '{path}' line {i + 1} is not a step record: {e.Message}", e); }
        }
        return list;
    }

    /// <summary>Flushes and closes both writers.</summary>
    public void Dispose()
    {
        _jsonl.Dispose();

    }
}
