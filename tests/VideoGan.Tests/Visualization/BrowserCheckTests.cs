using System.Diagnostics;
using VideoGan.Notebooks.Html;
using VideoGan.Visualization;

namespace VideoGan.Tests.Visualization;

/// <summary>Runs only where Chromium is installed (apt-get install chromium); skipped with that message elsewhere.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Path = "/usr/bin/chromium";
    public ChromiumFactAttribute()
    {
        if (!File.Exists(Path)) Skip = $"Chromium is not installed ({Path}); apt-get install chromium to run the browser check.";
    }
}

public sealed class BrowserCheckTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "videogan-browser-" + Guid.NewGuid().ToString("N"));
    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, true); }

    static (int Code, string Output) Check(string page, string outDir, params string[] extra)
    {
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(System.IO.Path.Combine(SampleNotebook.RepoRoot(), "scripts", "browser-check.sh"));
        psi.ArgumentList.Add(page);
        psi.ArgumentList.Add(outDir);
        foreach (var e in extra) psi.ArgumentList.Add(e);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout + stderr.Result);
    }

    [ChromiumFact]
    public void Report_page_renders_charts_and_animated_clips_in_headless_chromium()
    {
        string nb = SampleNotebook.Write(_dir, "00-getting-started.ipynb");
        string page = Path.Combine(_dir, "report.html");
        NotebookHtmlExporter.WriteReport([nb], page);
        string outDir = Path.Combine(_dir, "check");
        var (code, output) = Check(page, outDir, "--min-charts", "3", "--min-gifs", "1");
        Assert.True(code == 0, output);
        Assert.Contains("plots_drawn=3", output);
        Assert.Contains("gifs_decoded=1", output);
        Assert.Contains("resources=0", output);
        Assert.True(new FileInfo(Path.Combine(outDir, "screenshot.png")).Length > 10_000);
        Assert.Contains("main-svg", File.ReadAllText(Path.Combine(outDir, "dom.html")));
    }

    [ChromiumFact]
    public void Check_fails_for_a_chart_page_that_needs_the_network()
    {
        // The CDN form a plain Plotly.NET page uses: offline, plotly.js never arrives and nothing is drawn.
        string page = Path.Combine(_dir, "cdn.html");
        Directory.CreateDirectory(_dir);
        File.WriteAllText(page, "<!DOCTYPE html><html><head><script src=\"https://cdn.plot.ly/plotly-2.28.0.min.js\"></script></head><body>" +
                                ChartHtml.ToDiv(Charts.Line("t", "x", "y", ("s", [0, 1], [0.0, 1.0]))) + "</body></html>");
        var (code, output) = Check(page, Path.Combine(_dir, "check"), "--min-charts", "1");
        Assert.Equal(1, code);
        Assert.Contains("FAIL", output);
    }
}
