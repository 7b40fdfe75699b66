using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using VideoGan.Runtime;

namespace VideoGan.Notebooks.Html;

/// <summary>
/// The index page of a report folder: links to the one-page report, the executed notebooks and the JSON files, the
/// recorded metrics as a table, and links to report subfolders (when pointed at <c>reports/</c> itself).
/// Plain HTML with no scripts; deterministic for a given folder content.
/// </summary>
/// <remarks>Used by <c>videogan report</c> (issue 7).</remarks>
public static class ReportIndex
{
    /// <summary>The index page for <paramref name="directory"/>.</summary>
    public static string ToHtml(string directory, string? title = null)
    {
        string dir = Path.GetFullPath(directory);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Report folder '{directory}' does not exist.");
        title ??= DefaultTitle(dir);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(Esc(title)).Append("</title>\n<style>")
          .Append("body{font:15px/1.5 -apple-system,'Segoe UI',Helvetica,Arial,sans-serif;max-width:960px;margin:2em auto;padding:0 1em;color:#1f2328}")
          .Append("table{border-collapse:collapse;table-layout:fixed;width:100%}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top;overflow-wrap:anywhere;word-break:break-word}")
          .Append("col.nb{width:22%}col.name{width:30%}td.num{text-align:right;font-family:monospace}")
          .Append("</style>\n</head>\n<body>\n<h1>").Append(Esc(title)).Append("</h1>\n");

        var pages = Directory.GetFiles(dir, "*.html").Select(Path.GetFileName).Where(n => n != "index.html").Order(StringComparer.Ordinal).ToList();
        if (pages.Count > 0)
        {
            sb.Append("<h2>Pages</h2>\n<ul>\n");
            foreach (var p in pages) sb.Append($"<li><a href=\"{Href(p!)}\">").Append(Esc(p == "report.html" ? "report.html: the whole series on one page" : p!)).Append("</a></li>\n");
            sb.Append("</ul>\n");
        }

        var notebooks = Directory.Exists(Path.Combine(dir, "notebooks"))
            ? Directory.GetFiles(Path.Combine(dir, "notebooks"), "*.ipynb").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()
            : [];
        notebooks.AddRange(Directory.GetFiles(dir, "*.ipynb").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        if (notebooks.Count > 0)
        {
            sb.Append("<h2>Executed notebooks</h2>\n<ul>\n");
            foreach (var n in notebooks)
            {
                string rel = File.Exists(Path.Combine(dir, "notebooks", n!)) ? "notebooks/" + n : n!;
                string html = Path.ChangeExtension(rel, ".html");
                sb.Append($"<li><a href=\"{Href(rel)}\">").Append(Esc(n!)).Append("</a>");
                if (File.Exists(Path.Combine(dir, html))) sb.Append($" (<a href=\"{Href(html)}\">HTML</a>)");
                if (File.Exists(Path.Combine(dir, "report.html")))
                    sb.Append($" (<a href=\"report.html#{Esc(NotebookHtmlExporter.SectionId(n!))}\">in the report</a>)");
                sb.Append("</li>\n");
            }
            sb.Append("</ul>\n");
        }

        var json = Directory.GetFiles(dir, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        if (json.Count > 0)
        {
            sb.Append("<h2>Data</h2>\n<ul>\n");
            foreach (var j in json) sb.Append($"<li><a href=\"{Href(j!)}\">").Append(Esc(j!)).Append("</a></li>\n");
            sb.Append("</ul>\n");
        }

        string metricsPath = Path.Combine(dir, "metrics.json");
        if (File.Exists(metricsPath) && TryParse(File.ReadAllText(metricsPath)) is JsonObject metrics)
        {
            sb.Append("<h2>Recorded metrics</h2>\n<table>\n<colgroup><col class=\"nb\"><col class=\"name\"><col></colgroup>\n<thead><tr><th>notebook</th><th>name</th><th>value</th></tr></thead>\n<tbody>\n");
            foreach (var (nb, values) in metrics)
            {
                if (values is JsonObject obj)
                    foreach (var (k, v) in obj) Row(sb, nb, k, v);
                else Row(sb, nb, "", values);
            }
            sb.Append("</tbody></table>\n");
        }

        var sub = Directory.GetDirectories(dir).Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Where(d => File.Exists(Path.Combine(d, "report.html")) || File.Exists(Path.Combine(d, "index.html")))
            .Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        if (sub.Count > 0)
        {
            sb.Append("<h2>Reports</h2>\n<ul>\n");
            foreach (var s in sub)
            {
                string target = File.Exists(Path.Combine(dir, s!, "index.html")) ? s + "/index.html" : s + "/report.html";
                sb.Append($"<li><a href=\"{Href(target)}\">").Append(Esc(s!)).Append("</a></li>\n");
            }
            sb.Append("</ul>\n");
        }
        sb.Append("</body>\n</html>\n");
        return sb.ToString();
    }

    /// <summary>
    /// "VideoGAN report: configuration NAME" from the folder's config.json (a report is built in a staging folder, so the
    /// folder's own name says nothing); else the folder's name.
    /// </summary>
    static string DefaultTitle(string dir)
    {
        string config = Path.Combine(dir, "config.json");
        if (File.Exists(config) && TryParse(File.ReadAllText(config))?["configuration"] is JsonValue v && v.TryGetValue(out string? name) && !string.IsNullOrEmpty(name))
            return $"VideoGAN report: configuration {name}";
        return "Report " + Path.GetFileName(dir.TrimEnd(Path.DirectorySeparatorChar));
    }

    /// <summary>Writes <c>index.html</c> into <paramref name="directory"/> (atomically) and returns its path.</summary>
    public static string Write(string directory, string? title = null)
    {
        string path = Path.Combine(Path.GetFullPath(directory), "index.html");
        AtomicFile.WriteAllText(path, ToHtml(directory, title));
        return path;
    }

    static void Row(StringBuilder sb, string notebook, string name, JsonNode? value)
    {
        string text = value switch
        {
            null => "null",
            JsonValue v when v.TryGetValue(out double d) => d.ToString("G6", CultureInfo.InvariantCulture),
            JsonValue v when v.TryGetValue(out string? s) => s ?? "",
            _ => value.ToJsonString(),
        };
        if (text.Length > 200) text = text[..200] + "...";
        bool numeric = value is JsonValue nv && nv.TryGetValue(out double _);
        sb.Append("<tr><td>").Append(Esc(notebook)).Append("</td><td>").Append(Esc(name)).Append(numeric ? "</td><td class=\"num\">" : "</td><td>")
          .Append(Esc(text)).Append("</td></tr>\n");
    }

    static JsonNode? TryParse(string text)
    {
        try { return JsonNode.Parse(text); } catch (System.Text.Json.JsonException) { return null; }
    }

    static string Href(string relative) => string.Join("/", relative.Split('/').Select(Uri.EscapeDataString));
    static string Esc(string s) => WebUtility.HtmlEncode(s);
}
