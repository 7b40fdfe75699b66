using System.Globalization;

namespace VideoGan.Training;

/// <summary>
/// A command-line progress bar with rate, ETA and the latest losses. On a terminal it redraws one line; when output is
/// redirected (nohup, CI) it prints a plain line at most every <c>interval</c> so logs stay readable.
/// </summary>
/// <remarks>Used by <c>videogan train</c>; notebooks pass their own callback to <see cref="Trainer.Run"/>.</remarks>
public sealed class ConsoleProgressBar(TextWriter? writer = null, TimeSpan? interval = null, bool? interactive = null)
{
    readonly TextWriter _w = writer ?? Console.Out;
    readonly bool _interactive = interactive ?? (writer is null && !Console.IsOutputRedirected);
    readonly TimeSpan _interval = interval ?? TimeSpan.FromSeconds(30);
    DateTime _lastPrint = DateTime.MinValue;

    /// <summary>The callback to hand to <see cref="Trainer.Run"/>.</summary>
    public void Report(TrainingProgress p)
    {
        bool done = p.Step >= p.TotalSteps;
        var now = DateTime.UtcNow;
        if (!_interactive && !done && now - _lastPrint < _interval && p.CheckpointPath is null) return;
        _lastPrint = now;
        string line = Format(p);
        if (_interactive) { _w.Write("\r" + line.PadRight(Math.Max(line.Length, 110))); if (done) _w.WriteLine(); }
        else _w.WriteLine(line);
        _w.Flush();
    }

    /// <summary>One progress line: bar, step, percent, rate, elapsed, ETA, losses.</summary>
    public static string Format(TrainingProgress p)
    {
        const int width = 24;
        int filled = (int)Math.Round(p.Fraction * width);
        var ci = CultureInfo.InvariantCulture;
        string eta = p.Eta is { } e ? Clock(e) : "?";
        string line = string.Create(ci, $"[{new string('#', filled)}{new string('.', width - filled)}] {p.Step}/{p.TotalSteps} {p.Fraction * 100,3:0}% " +
            $"{p.StepsPerSecond:0.00} it/s elapsed {Clock(p.Elapsed)} ETA {eta} d={p.Last.DLoss:0.000} g={p.Last.GLoss:0.000}");
        if (p.CheckpointPath is not null) line += $"  saved {Path.GetFileName(p.CheckpointPath)}";
        return line;
    }

    static string Clock(TimeSpan t) => t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : $"{t.Minutes:00}:{t.Seconds:00}";
}
