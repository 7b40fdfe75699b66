using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VideoGan.Notebooks;

/// <summary>
/// The report's single HTML page: every executed notebook in order (prose, code, outputs), plotly.js embedded once in
/// the head so that charts (whose scripts draw with <c>window.Plotly</c> when present) and clips (GIF data URIs) render
/// offline. Replaced by the visualisation area's exporter where one is registered in
/// <see cref="ReportBuilder.DefaultHtmlWriter"/>.
/// </summary>
public static class ReportHtml
{
    /// <summary>Writes the page for <paramref name="executedNotebooks"/> to <paramref name="path"/> (atomically).</summary>
    public static void Write(IReadOnlyList<string> executedNotebooks, string path)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>VideoGAN notebooks report</title>\n");
        sb.Append("<style>body{font-family:sans-serif;max-width:1100px;margin:auto;padding:1em}pre{background:#f6f8fa;padding:.6em;overflow-x:auto}" +
                  ".code{border-left:3px solid #4a7}.out{margin:.3em 0 1em 1em}.err{color:#b00}nav a{margin-right:1em}</style>\n");
        sb.Append("<script type=\"text/javascript\">").Append(VideoGan.ChartDisplay.PlotlyJs().Replace("</script", "<\\/script", StringComparison.OrdinalIgnoreCase)).Append("</script>\n");
        sb.Append("</head><body>\n<h1>VideoGAN notebooks report</h1>\n<nav>");
        foreach (var nb in executedNotebooks)
            sb.Append($"<a href=\"#{Anchor(nb)}\">{WebUtility.HtmlEncode(Path.GetFileNameWithoutExtension(nb))}</a>");
        sb.Append("</nav>\n");
        foreach (var nb in executedNotebooks)
        {
            sb.Append($"<section id=\"{Anchor(nb)}\"><hr>\n");
            var cells = JsonNode.Parse(File.ReadAllText(nb))?["cells"] as JsonArray ?? [];
            foreach (var cell in cells.OfType<JsonObject>())
            {
                string source = Source(cell["source"]);
                switch ((string?)cell["cell_type"])
                {
                    case "markdown": sb.Append(Markdown(source)); break;
                    case "code":
                        sb.Append("<pre class=\"code\"><code>").Append(WebUtility.HtmlEncode(source)).Append("</code></pre>\n");
                        foreach (var o in (cell["outputs"] as JsonArray ?? []).OfType<JsonObject>()) sb.Append(Output(o));
                        break;
                }
            }
            sb.Append("</section>\n");
        }
        sb.Append("</body></html>\n");
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, sb.ToString());
        File.Move(tmp, path, overwrite: true);
    }

    static string Anchor(string path) => "nb-" + Regex.Replace(Path.GetFileNameWithoutExtension(path), "[^A-Za-z0-9-]", "-");

    static string Source(JsonNode? node) => node switch
    {
        JsonArray a => string.Concat(a.Select(l => (string?)l)),
        JsonValue v => (string?)v ?? "",
        _ => "",
    };

    static string Output(JsonObject o)
    {
        string type = (string?)o["output_type"] ?? "";
        if (type == "stream")
            return $"<pre class=\"out\">{WebUtility.HtmlEncode(Source(o["text"]))}</pre>\n";
        if (type == "error")
            return $"<pre class=\"out err\">{WebUtility.HtmlEncode((string?)o["ename"] + ": " + (string?)o["evalue"])}</pre>\n";
        var data = o["data"] as JsonObject;
        if (data is null) return "";
        if (data["text/html"] is { } html) return $"<div class=\"out\">{Source(html)}</div>\n";
        if (data["image/png"] is { } png) return $"<div class=\"out\"><img src=\"data:image/png;base64,{Source(png).Trim()}\"></div>\n";
        if (data["image/gif"] is { } gif) return $"<div class=\"out\"><img src=\"data:image/gif;base64,{Source(gif).Trim()}\"></div>\n";
        if (data["text/plain"] is { } text) return $"<pre class=\"out\">{WebUtility.HtmlEncode(Source(text))}</pre>\n";
        return "";
    }

    /// <summary>The Markdown the notebooks use: headings, bullet and numbered lists, paragraphs, `code`, **bold**, *italics*, links.</summary>
    public static string Markdown(string text)
    {
        var sb = new StringBuilder();
        string? list = null;
        var paragraph = new List<string>();
        void Flush()
        {
            if (paragraph.Count > 0) { sb.Append("<p>").Append(Inline(string.Join(" ", paragraph))).Append("</p>\n"); paragraph.Clear(); }
        }
        void CloseList()
        {
            if (list is not null) { sb.Append($"</{list}>\n"); list = null; }
        }
        foreach (var raw in text.Replace("\r\n", "\n").Split('\n'))
        {
            string line = raw.TrimEnd();
            var heading = Regex.Match(line, @"^(#{1,6})\s+(.*)$");
            var bullet = Regex.Match(line, @"^\s*[-*]\s+(.*)$");
            var numbered = Regex.Match(line, @"^\s*\d+\.\s+(.*)$");
            if (line.Length == 0) { Flush(); CloseList(); }
            else if (heading.Success)
            {
                Flush(); CloseList();
                int level = heading.Groups[1].Length;
                sb.Append($"<h{level}>{Inline(heading.Groups[2].Value)}</h{level}>\n");
            }
            else if (bullet.Success || numbered.Success)
            {
                Flush();
                string kind = bullet.Success ? "ul" : "ol";
                if (list != kind) { CloseList(); sb.Append($"<{kind}>\n"); list = kind; }
                sb.Append("<li>").Append(Inline((bullet.Success ? bullet : numbered).Groups[1].Value)).Append("</li>\n");
            }
            else if (list is not null && raw.StartsWith("  ", StringComparison.Ordinal))
            {
                sb.Length -= "</li>\n".Length;
                sb.Append(' ').Append(Inline(line.Trim())).Append("</li>\n");
            }
            else { CloseList(); paragraph.Add(line); }
        }
        Flush(); CloseList();
        return sb.ToString();
    }

    static string Inline(string text)
    {
        string s = WebUtility.HtmlEncode(text);
        s = Regex.Replace(s, @"`([^`]+)`", "<code>$1</code>");
        s = Regex.Replace(s, @"\*\*([^*]+)\*\*", "<strong>$1</strong>");
        s = Regex.Replace(s, @"(?<![\w*])\*([^*]+)\*(?![\w*])", "<em>$1</em>");
        s = Regex.Replace(s, @"\[([^\]]+)\]\(([^)\s]+)\)", "<a href=\"$2\">$1</a>");
        return s;
    }
}
