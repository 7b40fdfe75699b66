using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VideoGan.Visualization;
using VideoGan.Runtime;

namespace VideoGan.Notebooks.Html;

/// <summary>How an executed notebook becomes HTML.</summary>
public sealed record NotebookHtmlOptions
{
    /// <summary>Page title; default: the first heading of the (first) notebook.</summary>
    public string? Title { get; init; }

    /// <summary>Show each code cell's source above its outputs (default true).</summary>
    public bool ShowCode { get; init; } = true;

    /// <summary>Key/value lines shown under the title (configuration, seed, machine...); none by default.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? Details { get; init; }

    /// <summary>The "headline results" box under the details: (what, value, notebook) rows; none by default.</summary>
    public IReadOnlyList<(string What, string Value, string Notebook)>? Headline { get; init; }
}

/// <summary>
/// Turns executed .ipynb files into ONE self-contained HTML page that renders offline: markdown cells converted by
/// <see cref="MarkdownToHtml"/>, code cells with their outputs (text/html as is, images as data URIs, text, streams
/// and errors), plotly.js embedded once (with a tiny stand-in for require.js, so charts formatted for a notebook's
/// CDN loader draw from the embedded copy), and no reference to anything outside the file. Also writes an index page
/// for a report folder. The output depends only on the input: no timestamps, so reruns compare equal.
/// </summary>
/// <remarks>Used by <c>videogan report</c> (issue 7); checked in a real browser by scripts/browser-check.sh.</remarks>
public static partial class NotebookHtmlExporter
{
    /// <summary>Output MIME types in order of preference (the richest one available is shown).</summary>
    static readonly string[] MimeOrder =
        ["text/html", "image/svg+xml", "image/png", "image/gif", "image/jpeg", "text/markdown", "text/plain", "application/json"];

    // Defines requirejs/require only when the page has none, resolving 'plotly' to the embedded window.Plotly.
    const string RequireShim =
        "(function(){if(typeof window.requirejs==='function'&&typeof window.requirejs.config==='function')return;" +
        "var r=function(deps,cb){var m=(deps||[]).map(function(d){return /plotly/i.test(d)?window.Plotly:undefined;});if(cb)cb.apply(window,m);};" +
        "r.config=function(){return r;};window.requirejs=r;if(typeof window.require!=='function')window.require=r;})();";

    /// <summary>One page for one executed notebook.</summary>
    public static string ToHtml(string ipynbPath, NotebookHtmlOptions? options = null) => ToHtml([ipynbPath], options);

    /// <summary>One page for a series of executed notebooks (in order), with a table of contents.</summary>
    public static string ToHtml(IReadOnlyList<string> ipynbPaths, NotebookHtmlOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(ipynbPaths);
        if (ipynbPaths.Count == 0) throw new ArgumentException("No notebooks to export.", nameof(ipynbPaths));
        var docs = ipynbPaths.Select(p => (Name: Path.GetFileNameWithoutExtension(p), Notebook: Load(p))).ToList();
        return Render(docs, options ?? new NotebookHtmlOptions());
    }

    /// <summary>The same from notebook JSON text (name = a label for the notebook, e.g. its file name).</summary>
    public static string ToHtmlFromJson(IReadOnlyList<(string Name, string IpynbJson)> notebooks, NotebookHtmlOptions? options = null) =>
        Render(notebooks.Select(n => (n.Name, Parse(n.IpynbJson, n.Name))).ToList(), options ?? new NotebookHtmlOptions());

    /// <summary>Writes <see cref="ToHtml(string, NotebookHtmlOptions?)"/> to <paramref name="htmlPath"/> atomically.</summary>
    public static void Export(string ipynbPath, string htmlPath, NotebookHtmlOptions? options = null) =>
        AtomicFile.WriteAllText(htmlPath, ToHtml(ipynbPath, options));

    /// <summary>
    /// The report writer (signature of <c>ReportOptions.HtmlWriter</c>): all executed notebooks, in series order, into
    /// one self-contained page at <paramref name="htmlPath"/>, titled "VideoGAN report".
    /// </summary>
    public static void WriteReport(IReadOnlyList<string> ipynbPaths, string htmlPath) =>
        AtomicFile.WriteAllText(htmlPath, ToHtml(ipynbPaths, new NotebookHtmlOptions { Title = "VideoGAN report" }));

    /// <summary>
    /// <see cref="WriteReport"/>, then <c>index.html</c> beside it (<see cref="ReportIndex"/>): the writer
    /// <c>videogan report</c> uses, called once the report folder's JSON files and executed notebooks are in place.
    /// </summary>
    public static void WriteReportAndIndex(IReadOnlyList<string> ipynbPaths, string htmlPath)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(htmlPath))!;
        var (title, details, headline) = ReportProvenance.Describe(dir);
        AtomicFile.WriteAllText(htmlPath, ToHtml(ipynbPaths, new NotebookHtmlOptions { Title = title, Details = details, Headline = headline }));
        ReportIndex.Write(dir);
    }

    /// <summary>The id of a notebook's section in a page made by <see cref="ToHtml(IReadOnlyList{string}, NotebookHtmlOptions?)"/>.</summary>
    public static string SectionId(string ipynbPath) => "nb-" + MarkdownToHtml.Slug(Path.GetFileNameWithoutExtension(ipynbPath));

    static JsonObject Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Notebook '{path}' does not exist.", path);
        return Parse(File.ReadAllText(path), path);
    }

    static JsonObject Parse(string json, string name)
    {
        JsonNode? node;
        try { node = JsonNode.Parse(json); }
        catch (System.Text.Json.JsonException e) { throw new InvalidDataException($"Notebook '{name}' is not valid JSON: {e.Message}", e); }
        if (node is not JsonObject nb || nb["cells"] is not JsonArray)
            throw new InvalidDataException($"Notebook '{name}' has no \"cells\" array: is it an .ipynb (nbformat 4) file?");
        return nb;
    }

    static string Render(List<(string Name, JsonObject Notebook)> docs, NotebookHtmlOptions options)
    {
        var ids = new HashSet<string>();
        var sections = new List<(string Id, string Heading, string Html)>();
        bool plotly = false;
        foreach (var (name, nb) in docs)
        {
            string id = UniqueId(SectionId(name + ".ipynb"), ids);
            var body = new StringBuilder();
            string? heading = null;
            foreach (var cell in nb["cells"]!.AsArray().OfType<JsonObject>())
            {
                string type = (string?)cell["cell_type"] ?? "";
                string source = Text(cell["source"]);
                if (type == "markdown")
                {
                    heading ??= FirstHeading(source);
                    body.Append("<div class=\"cell markdown\">\n").Append(MarkdownToHtml.Convert(source, ids)).Append("</div>\n");
                }
                else if (type == "code")
                {
                    body.Append("<div class=\"cell code\">\n");
                    if (options.ShowCode && source.Trim().Length > 0)
                    {
                        string count = cell["execution_count"] is JsonValue v && v.TryGetValue(out int n) ? n.ToString() : " ";
                        body.Append($"<div class=\"input\"><span class=\"prompt\">[{count}]</span><pre><code class=\"language-csharp\">")
                            .Append(Esc(source)).Append("</code></pre></div>\n");
                    }
                    if (cell["outputs"] is JsonArray outputs && outputs.Count > 0)
                    {
                        body.Append("<div class=\"outputs\">\n");
                        foreach (var o in outputs.OfType<JsonObject>()) body.Append(Output(o, ref plotly));
                        body.Append("</div>\n");
                    }
                    body.Append("</div>\n");
                }
                else if (type == "raw" && source.Length > 0)
                    body.Append("<pre class=\"raw\">").Append(Esc(source)).Append("</pre>\n");
            }
            sections.Add((id, heading ?? name, body.ToString()));
        }

        string title = options.Title ?? sections[0].Heading;
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        sb.Append("<title>").Append(Esc(title)).Append("</title>\n<style>").Append(Css).Append("</style>\n");
        if (plotly)
        {
            sb.Append("<!-- plotly.js ").Append(ChartHtml.PlotlyJsVersion).Append(" (MIT), embedded so that charts render offline -->\n");
            sb.Append(ChartHtml.PlotlyScriptTag()).Append('\n');
            sb.Append("<script type=\"text/javascript\">").Append(RequireShim).Append("</script>\n");
        }
        sb.Append("</head>\n<body>\n<main>\n<header>\n<h1 class=\"page-title\">").Append(Esc(title)).Append("</h1>\n");
        if (options.Details is { Count: > 0 } details)
        {
            sb.Append("<dl class=\"details\">\n");
            foreach (var (k, v) in details) sb.Append("<dt>").Append(Esc(k)).Append("</dt><dd>").Append(Esc(v)).Append("</dd>\n");
            sb.Append("</dl>\n");
        }
        if (options.Headline is { Count: > 0 } headline)
        {
            sb.Append("<aside class=\"headline\"><h2>Headline results</h2>\n<table>\n");
            foreach (var (what, value, nb) in headline)
                sb.Append("<tr><th>").Append(Esc(what)).Append("</th><td class=\"num\">").Append(Esc(value)).Append("</td><td class=\"from\">")
                  .Append(Esc(nb)).Append("</td></tr>\n");
            sb.Append("</table></aside>\n");
        }
        if (sections.Count > 1)
        {
            sb.Append("<nav class=\"toc\"><h2>Contents</h2>\n<ol>\n");
            foreach (var s in sections) sb.Append($"<li><a href=\"#{Attr(s.Id)}\">").Append(Esc(s.Heading)).Append("</a></li>\n");
            sb.Append("</ol></nav>\n");
        }
        sb.Append("</header>\n");
        foreach (var s in sections)
            sb.Append($"<section class=\"notebook\" id=\"{Attr(s.Id)}\">\n").Append(s.Html).Append("</section>\n");
        sb.Append("</main>\n</body>\n</html>\n");
        return sb.ToString();
    }

    static string Output(JsonObject o, ref bool plotly)
    {
        string kind = (string?)o["output_type"] ?? "";
        switch (kind)
        {
            case "stream":
                string name = (string?)o["name"] ?? "stdout";
                return $"<pre class=\"stream {(name == "stderr" ? "stderr" : "stdout")}\">" + Esc(StripAnsi(Text(o["text"]))) + "</pre>\n";
            case "error":
                var trace = o["traceback"] is JsonArray tb ? string.Join("\n", tb.Select(t => (string?)t ?? "")) : "";
                string head = $"{(string?)o["ename"]}: {(string?)o["evalue"]}";
                return "<pre class=\"error\">" + Esc(StripAnsi(trace.Length > 0 ? head + "\n" + trace : head)) + "</pre>\n";
            case "display_data":
            case "execute_result":
                if (o["data"] is not JsonObject data) return "";
                foreach (string mime in MimeOrder)
                {
                    if (!data.ContainsKey(mime)) continue;
                    var value = data[mime];
                    string text = mime == "application/json" ? value?.ToJsonString() ?? "" : Text(value);
                    switch (mime)
                    {
                        case "text/html":
                            if (text.Contains("Plotly", StringComparison.Ordinal) || text.Contains("plotly", StringComparison.Ordinal)) plotly = true;
                            return "<div class=\"output html\">" + Offline(text) + "</div>\n";
                        case "image/svg+xml":
                            return "<div class=\"output image\">" + text + "</div>\n";
                        case "image/png":
                        case "image/gif":
                        case "image/jpeg":
                            string b64 = Regex.Replace(text, @"\s+", "");
                            return $"<div class=\"output image\"><img src=\"data:{mime};base64,{b64}\" alt=\"output image\"></div>\n";
                        case "text/markdown":
                            return "<div class=\"output markdown\">" + MarkdownToHtml.Convert(text) + "</div>\n";
                        default:
                            return "<pre class=\"output text\">" + Esc(StripAnsi(text)) + "</pre>\n";
                    }
                }
                return "";
            default:
                return "";
        }
    }

    /// <summary>
    /// Removes script tags that would fetch plotly.js or require.js from a CDN (the page embeds plotly.js and a
    /// require stand-in), so nothing in the page reaches for the network.
    /// </summary>
    static string Offline(string html) => CdnScriptRx().Replace(html, "");

    [GeneratedRegex(@"<script[^>]*\ssrc\s*=\s*[""']https?://[^""']*(plotly|require)[^""']*[""'][^>]*>\s*</script>", RegexOptions.IgnoreCase)]
    private static partial Regex CdnScriptRx();

    [GeneratedRegex(@"\x1B\[[0-9;?]*[A-Za-z]")] private static partial Regex AnsiRx();
    static string StripAnsi(string s) => AnsiRx().Replace(s, "");

    static string? FirstHeading(string markdown)
    {
        foreach (var line in markdown.Split('\n'))
        {
            var t = line.Trim();
            if (t.StartsWith('#')) return t.TrimStart('#').Trim();
        }
        return null;
    }

    /// <summary>nbformat stores text either as one string or as an array of lines.</summary>
    static string Text(JsonNode? node) => node switch
    {
        null => "",
        JsonArray a => string.Concat(a.Select(x => (string?)x ?? "")),
        JsonValue v when v.TryGetValue(out string? s) => s ?? "",
        _ => node.ToJsonString(),
    };

    static string UniqueId(string id, HashSet<string> ids)
    {
        string candidate = id;
        for (int n = 2; !ids.Add(candidate); n++) candidate = $"{id}-{n}";
        return candidate;
    }

    static string Esc(string s) => WebUtility.HtmlEncode(s);
    static string Attr(string s) => WebUtility.HtmlEncode(s);

    const string Css = """
        body{margin:0;background:#fafafa;color:#1f2328;font:15px/1.55 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif}
        main{max-width:1040px;margin:0 auto;padding:24px 28px 64px;background:#fff;min-height:100vh;box-sizing:border-box}
        h1,h2,h3,h4{line-height:1.25;margin:1.4em 0 .5em}.page-title{margin-top:.4em;border-bottom:1px solid #ddd;padding-bottom:.3em}
        section.notebook{border-top:3px solid #e8e8e8;margin-top:2.5em;padding-top:.5em}
        pre{background:#f6f8fa;padding:10px 12px;border-radius:4px;overflow-x:auto;font:13px/1.45 ui-monospace,Menlo,Consolas,monospace;margin:.4em 0}
        code{font:13px ui-monospace,Menlo,Consolas,monospace;background:#f3f3f3;padding:1px 3px;border-radius:3px}pre code{background:none;padding:0}
        .cell.code{margin:1em 0}.prompt{display:block;color:#888;font:11px ui-monospace,monospace}
        .input pre{border-left:3px solid #4b8bbe}.outputs{padding-left:6px;border-left:3px solid #eee;overflow-x:auto}
        pre.stderr{background:#fff4e5}pre.error{background:#ffecec;color:#9b1c1c}pre.output.text,pre.stdout{background:#fff}
        .output img{max-width:100%}table{border-collapse:collapse;margin:.6em 0}th,td{border:1px solid #ccc;padding:4px 8px}
        blockquote{margin:.5em 0;padding:0 1em;color:#555;border-left:4px solid #ddd}.math{font-family:"Times New Roman",serif;font-style:italic}
        div.math{margin:.6em 0;text-align:center}aside.headline{border:2px solid #0969da;border-radius:6px;padding:.4em 1em;margin:1em 0;background:#f6f8fa}aside.headline h2{margin:.2em 0 .4em;font-size:1.1em}aside.headline table{border-collapse:collapse;width:100%}aside.headline th{text-align:left;font-weight:600;padding:2px 10px 2px 0}aside.headline td.num{font-family:monospace;text-align:right;padding:2px 10px}aside.headline td.from{color:#57606a;font-size:12px}dl.details{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;font-size:13px}
        dt{font-weight:600}dd{margin:0}nav.toc ol{margin:.2em 0}
        """;
}
