using VideoGan.Runtime;
using System.Net;
using System.Text;
using Plotly.NET;

namespace VideoGan.Visualization;

/// <summary>
/// Offline HTML for charts: plotly.js is embedded in the page (taken once from the copy Plotly.NET.dll carries as a
/// resource), so charts render with no network. Works for Plotly.NET charts and XPlot.Plotly charts.
/// </summary>
/// <remarks>Used by the HTML report (issue 7) and notebook 06-results.</remarks>
public static class ChartHtml
{
    /// <summary>The plotly.js version embedded in Plotly.NET 6.0.0 (and so in every page written here).</summary>
    public const string PlotlyJsVersion = "2.28.0";
    const string ResourceName = "Plotly.NET.plotly-" + PlotlyJsVersion + ".min.js";

    static readonly Lazy<string> Js = new(() =>
    {
        using var stream = typeof(GenericChart).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"Plotly.NET.dll has no resource '{ResourceName}': the Plotly.NET package version changed; update ChartHtml.PlotlyJsVersion.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        // A literal "</script" inside an inline script would end it early; "<\/script" means the same to JavaScript.
        return reader.ReadToEnd().Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase);
    });

    /// <summary>The minified plotly.js source (about 3.6 MB), read once.</summary>
    public static string PlotlyJs => Js.Value;

    /// <summary>An inline <c>&lt;script&gt;</c> element holding plotly.js; put it once in a page, before any chart div.</summary>
    public static string PlotlyScriptTag() => "<script type=\"text/javascript\">" + PlotlyJs + "</script>";

    /// <summary>A div plus the script that draws <paramref name="chart"/> (expects plotly.js loaded in the page).</summary>
    public static string ToDiv(GenericChart chart) => GenericChart.toChartHTML(chart ?? throw new ArgumentNullException(nameof(chart)));

    /// <summary>A div plus the script that draws an XPlot.Plotly chart (expects plotly.js loaded in the page).</summary>
    public static string ToDiv(XPlot.Plotly.PlotlyChart chart) => (chart ?? throw new ArgumentNullException(nameof(chart))).GetInlineHtml();

    /// <summary>A complete HTML page drawing <paramref name="chart"/> with plotly.js embedded (renders offline).</summary>
    public static string ToStandaloneHtml(GenericChart chart, string? title = null) => Page(title ?? "Chart", [ToDiv(chart)]);

    /// <summary>A complete HTML page drawing an XPlot.Plotly chart with plotly.js embedded (renders offline).</summary>
    public static string ToStandaloneHtml(XPlot.Plotly.PlotlyChart chart, string? title = null) => Page(title ?? "Chart", [ToDiv(chart)]);

    /// <summary>A complete HTML page with plotly.js embedded once, then the given HTML fragments (chart divs, clips...).</summary>
    public static string Page(string title, IEnumerable<string> bodyFragments)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(WebUtility.HtmlEncode(title)).Append("</title>\n");
        sb.Append(PlotlyScriptTag()).Append("\n</head><body>\n");
        foreach (string f in bodyFragments) sb.Append(f).Append('\n');
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToStandaloneHtml(GenericChart, string?)"/> to <paramref name="path"/> atomically.</summary>
    public static void SaveStandaloneHtml(GenericChart chart, string path, string? title = null) => AtomicFile.WriteAllText(path, ToStandaloneHtml(chart, title));
}
