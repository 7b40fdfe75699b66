using System.Text.RegularExpressions;
using VideoGan.Notebooks.Html;
using VideoGan.Visualization;

namespace VideoGan.Tests.Visualization;

public sealed class NotebookHtmlExporterTests : IDisposable
{
    readonly string _dir = Path.Combine(Path.GetTempPath(), "videogan-html-" + Guid.NewGuid().ToString("N"));
    public void Dispose() { if (Directory.Exists(_dir)) Directory.Delete(_dir, true); }

    static int Count(string s, string sub) => Regex.Matches(s, Regex.Escape(sub)).Count;

    [Fact]
    public void Executed_notebook_becomes_one_offline_page_with_every_output_kind()
    {
        string nb = SampleNotebook.Write(_dir, "00-getting-started.ipynb");
        string html = NotebookHtmlExporter.ToHtml(nb);

        // Self-contained: plotly.js once, the require stand-in, nothing fetched from elsewhere.
        Assert.Equal(1, Count(html, "plotly.js v" + ChartHtml.PlotlyJsVersion));
        Assert.Contains("window.requirejs=r", html);
        Assert.DoesNotMatch(@"<(script|img|link)[^>]*\s(src|href)\s*=\s*""https?://", html);
        Assert.Equal(3, Count(html, "Plotly.newPlot('"));
        // Markdown rendered; title from the first heading.
        Assert.Contains("<title>Getting started</title>", html);
        Assert.Contains("<h1 id=\"getting-started\">Getting started</h1>", html);
        Assert.Contains("<strong>bold</strong>", html);
        Assert.Contains("<span class=\"math\">$x_1 * y_2$</span>", html);
        // Outputs: streams escaped, clip as GIF data URI, PNG data URI, error without ANSI codes.
        Assert.Contains("hello &lt;world&gt;", html);
        Assert.Contains("<img src=\"data:image/gif;base64,", html);
        Assert.Contains("<img src=\"data:image/png;base64,", html);
        Assert.Contains("<pre class=\"error\">InvalidOperationException: bad &lt;thing&gt;\nat Cell 3\nat Somewhere</pre>", html);
        Assert.Contains("<pre class=\"stream stderr\">warning: careful", html);
        // The richest MIME type wins: the clip's HTML, not its text/plain.
        Assert.DoesNotContain("(gray) two digits", html);
        // Code cells show their source with the execution count, in order.
        Assert.True(html.IndexOf("[1]", StringComparison.Ordinal) < html.IndexOf("[2]", StringComparison.Ordinal));
        Assert.Contains("Console.WriteLine(&quot;hello&quot;);\nclip", html);
    }

    static string WebUtilityEncode(string s) => System.Net.WebUtility.HtmlEncode(s);

    [Fact]
    public void The_gif_in_the_page_decodes_to_the_clip()
    {
        string html = NotebookHtmlExporter.ToHtml(SampleNotebook.Write(_dir, "a.ipynb", withCharts: false));
        var m = Regex.Match(html, "data:image/gif;base64,([A-Za-z0-9+/=]+)");
        var decoded = SkiaDecode.Decode(Convert.FromBase64String(m.Groups[1].Value));
        var clip = SampleNotebook.Clip();
        Assert.Equal(clip.Frames, decoded.Rgba.Count);
        Assert.Equal(clip.ToGif(), Convert.FromBase64String(m.Groups[1].Value));
    }

    [Fact]
    public void Pages_without_charts_do_not_carry_plotly_and_output_is_deterministic()
    {
        string nb = SampleNotebook.Write(_dir, "a.ipynb", withCharts: false);
        string first = NotebookHtmlExporter.ToHtml(nb);
        Assert.DoesNotContain("plotly.js v", first);
        Assert.True(first.Length < 200_000, $"page is {first.Length} chars");
        Assert.Equal(first, NotebookHtmlExporter.ToHtml(nb));
    }

    [Fact]
    public void Report_combines_notebooks_with_contents_and_one_plotly_copy()
    {
        var paths = new[] { SampleNotebook.Write(_dir, "00-a.ipynb"), SampleNotebook.Write(_dir, "01-b.ipynb") };
        string out_ = Path.Combine(_dir, "report", "report.html");
        NotebookHtmlExporter.WriteReport(paths, out_);
        string html = File.ReadAllText(out_);
        Assert.Equal(1, Count(html, "plotly.js v" + ChartHtml.PlotlyJsVersion));
        Assert.Contains("<a href=\"#nb-00-a\">Getting started</a>", html);
        Assert.Contains("<section class=\"notebook\" id=\"nb-01-b\">", html);
        // Heading ids stay unique across notebooks.
        Assert.Contains("id=\"getting-started-2\"", html);
        Assert.Equal(6, Count(html, "Plotly.newPlot('"));
        Assert.False(File.Exists(out_ + ".tmp"));
    }

    [Fact]
    public void The_report_command_uses_this_exporter_and_writes_an_index()
    {
        Assert.Equal(NotebookHtmlExporter.WriteReportAndIndex, VideoGan.Notebooks.ReportBuilder.DefaultHtmlWriter);
        string report = Path.Combine(_dir, "r");
        string nb = SampleNotebook.Write(Path.Combine(report, "notebooks"), "00-a.ipynb", withCharts: false);
        VideoGan.Notebooks.ReportBuilder.DefaultHtmlWriter([nb], Path.Combine(report, "report.html"));
        Assert.Contains("<section class=\"notebook\" id=\"nb-00-a\">", File.ReadAllText(Path.Combine(report, "report.html")));
        Assert.Contains("report.html#nb-00-a", File.ReadAllText(Path.Combine(report, "index.html")));
    }

    [Fact]
    public void Bad_notebooks_fail_with_the_file_named()
    {
        string bad = Path.Combine(_dir, "broken.ipynb");
        Directory.CreateDirectory(_dir);
        File.WriteAllText(bad, "{ not json");
        Assert.Contains("broken.ipynb", Assert.Throws<InvalidDataException>(() => NotebookHtmlExporter.ToHtml(bad)).Message);
        File.WriteAllText(bad, "{\"nbformat\": 4}");
        Assert.Contains("cells", Assert.Throws<InvalidDataException>(() => NotebookHtmlExporter.ToHtml(bad)).Message);
        Assert.Throws<FileNotFoundException>(() => NotebookHtmlExporter.ToHtml(Path.Combine(_dir, "missing.ipynb")));
    }

    [Fact]
    public void Report_index_links_pages_notebooks_data_and_lists_metrics()
    {
        string report = Path.Combine(_dir, "reports", "smoke");
        SampleNotebook.Write(Path.Combine(report, "notebooks"), "00-getting-started.ipynb", withCharts: false);
        File.WriteAllText(Path.Combine(report, "report.html"), "<html></html>");
        File.WriteAllText(Path.Combine(report, "metrics.json"), "{\"00-getting-started\": {\"fvd\": 123.456789, \"label\": \"a<b\"}}");
        File.WriteAllText(Path.Combine(report, "config.json"), "{}");
        string index = File.ReadAllText(ReportIndex.Write(report));
        Assert.Contains("<a href=\"report.html\">", index);
        Assert.Contains("<a href=\"notebooks/00-getting-started.ipynb\">", index);
        Assert.Contains("<a href=\"report.html#nb-00-getting-started\">in the report</a>", index);
        Assert.Contains("<a href=\"config.json\">", index);
        Assert.Contains("<td class=\"num\">123.457</td>", index);
        Assert.Contains("a&lt;b", index);
        // Pointed at reports/, it lists the report folders.
        Assert.Contains("<a href=\"smoke/index.html\">smoke</a>", ReportIndex.ToHtml(Path.Combine(_dir, "reports")));
    }
}
