using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace VideoGan.Notebooks.Html;

/// <summary>
/// A small Markdown to HTML converter for notebook prose: ATX headings (with ids), paragraphs, nested bullet and
/// numbered lists, fenced code, block quotes, pipe tables, rules, inline code, bold, italic, links and images.
/// Math (<c>$...$</c>, <c>$$...$$</c>) is left as text. Raw HTML in the Markdown is shown as text, not interpreted.
/// </summary>
/// <remarks>Used by <see cref="NotebookHtmlExporter"/> for the offline report (issue 7).</remarks>
public static partial class MarkdownToHtml
{
    /// <summary>Converts one Markdown document (a notebook's markdown cell) to an HTML fragment.</summary>
    /// <param name="markdown">The Markdown source.</param>
    /// <param name="headingIds">Ids already used in the page (heading ids are made unique against it); may be null.</param>
    public static string Convert(string markdown, ISet<string>? headingIds = null)
    {
        var lines = (markdown ?? "").Replace("\r\n", "\n").Replace('\r', '\n').Replace("\t", "    ").Split('\n');
        var sb = new StringBuilder();
        Blocks(lines, 0, lines.Length, sb, headingIds ?? new HashSet<string>());
        return sb.ToString();
    }

    /// <summary>Converts inline Markdown (emphasis, code, links) in one line or paragraph to HTML.</summary>
    public static string Inline(string text)
    {
        var sb = new StringBuilder();
        AppendInline(text, sb);
        return sb.ToString();
    }

    [GeneratedRegex(@"^(#{1,6})\s+(.*?)\s*#*\s*$")] private static partial Regex HeadingRx();
    [GeneratedRegex(@"^ {0,3}((\*\s*){3,}|(-\s*){3,}|(_\s*){3,})$")] private static partial Regex RuleRx();
    [GeneratedRegex(@"^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$")] private static partial Regex ListItemRx();
    [GeneratedRegex(@"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")] private static partial Regex TableRuleRx();
    [GeneratedRegex(@"^\s*(`{3,}|~{3,})\s*([\w+#.-]*)")] private static partial Regex FenceRx();

    static void Blocks(string[] lines, int start, int end, StringBuilder sb, ISet<string> ids)
    {
        int i = start;
        while (i < end)
        {
            string line = lines[i];
            if (string.IsNullOrWhiteSpace(line)) { i++; continue; }

            var fence = FenceRx().Match(line);
            if (fence.Success)
            {
                string marker = fence.Groups[1].Value;
                int j = i + 1;
                var code = new List<string>();
                while (j < end && !lines[j].TrimStart().StartsWith(marker, StringComparison.Ordinal)) code.Add(lines[j++]);
                string lang = fence.Groups[2].Value;
                sb.Append("<pre><code").Append(lang.Length > 0 ? $" class=\"language-{Attr(lang)}\"" : "").Append('>')
                  .Append(Esc(string.Join("\n", code))).Append("</code></pre>\n");
                i = Math.Min(end, j + 1);
                continue;
            }

            if (line.TrimStart().StartsWith("$$", StringComparison.Ordinal))
            {
                // Display math stays text, in its own block.
                int j = i;
                var math = new List<string> { lines[j] };
                bool closed = line.Trim().Length > 2 && line.Trim().EndsWith("$$", StringComparison.Ordinal);
                while (!closed && ++j < end)
                {
                    math.Add(lines[j]);
                    closed = lines[j].TrimEnd().EndsWith("$$", StringComparison.Ordinal);
                }
                sb.Append("<div class=\"math\">").Append(Esc(string.Join("\n", math))).Append("</div>\n");
                i = Math.Min(end, j + 1);
                continue;
            }

            var heading = HeadingRx().Match(line);
            if (heading.Success)
            {
                int level = heading.Groups[1].Length;
                string text = heading.Groups[2].Value;
                string id = UniqueId(Slug(text), ids);
                sb.Append($"<h{level} id=\"{Attr(id)}\">").Append(Inline(text)).Append($"</h{level}>\n");
                i++;
                continue;
            }

            if (RuleRx().IsMatch(line)) { sb.Append("<hr>\n"); i++; continue; }

            if (line.TrimStart().StartsWith('>'))
            {
                var quoted = new List<string>();
                while (i < end && !string.IsNullOrWhiteSpace(lines[i]))
                {
                    string t = lines[i].TrimStart();
                    quoted.Add(t.StartsWith('>') ? t[1..].StartsWith(' ') ? t[2..] : t[1..] : t);
                    i++;
                }
                sb.Append("<blockquote>\n");
                Blocks(quoted.ToArray(), 0, quoted.Count, sb, ids);
                sb.Append("</blockquote>\n");
                continue;
            }

            if (ListItemRx().IsMatch(line))
            {
                i = List(lines, i, end, sb, ids);
                continue;
            }

            if (line.Contains('|') && i + 1 < end && TableRuleRx().IsMatch(lines[i + 1]) && lines[i + 1].Contains('-'))
            {
                i = Table(lines, i, end, sb);
                continue;
            }

            // Paragraph: up to a blank line or the start of another block.
            var para = new List<string>();
            while (i < end && !string.IsNullOrWhiteSpace(lines[i]) && (para.Count == 0 || !StartsBlock(lines[i])))
                para.Add(lines[i++].Trim());
            sb.Append("<p>").Append(Inline(string.Join("\n", para))).Append("</p>\n");
        }
    }

    static bool StartsBlock(string line) =>
        FenceRx().IsMatch(line) || HeadingRx().IsMatch(line) || RuleRx().IsMatch(line) || line.TrimStart().StartsWith('>') ||
        ListItemRx().IsMatch(line) || line.TrimStart().StartsWith("$$", StringComparison.Ordinal);

    static int Indent(string line) => line.Length - line.TrimStart().Length;

    /// <summary>A list starting at <paramref name="i"/>; items nest by indentation. Returns the next line index.</summary>
    static int List(string[] lines, int i, int end, StringBuilder sb, ISet<string> ids)
    {
        var first = ListItemRx().Match(lines[i]);
        int indent = first.Groups[1].Length;
        bool ordered = char.IsDigit(first.Groups[2].Value[0]);
        string open = ordered
            ? (int.TryParse(first.Groups[2].Value.TrimEnd('.', ')'), out int startNo) && startNo != 1 ? $"<ol start=\"{startNo}\">" : "<ol>")
            : "<ul>";
        sb.Append(open).Append('\n');
        while (i < end)
        {
            var m = ListItemRx().Match(lines[i]);
            if (!m.Success || m.Groups[1].Length != indent || char.IsDigit(m.Groups[2].Value[0]) != ordered) break;
            // The item's own text plus its continuation lines; deeper-indented lines (sub-lists, code) go inside it.
            var body = new List<string> { m.Groups[3].Value };
            int contentIndent = indent + m.Groups[2].Length + 1;
            i++;
            bool blankSeen = false;
            while (i < end)
            {
                string l = lines[i];
                if (string.IsNullOrWhiteSpace(l)) { blankSeen = true; body.Add(""); i++; continue; }
                int ind = Indent(l);
                if (ind > indent) { body.Add(l.Length >= contentIndent && ind >= contentIndent ? l[contentIndent..] : l.TrimStart()); blankSeen = false; i++; continue; }
                if (!blankSeen && !StartsBlock(l) && ind <= indent && !ListItemRx().IsMatch(l)) { body.Add(l.Trim()); i++; continue; }
                break;
            }
            while (body.Count > 0 && body[^1].Length == 0) body.RemoveAt(body.Count - 1);
            sb.Append("<li>");
            // A plain one-paragraph item stays inline; anything richer is converted as blocks.
            int firstBlock = body.FindIndex(1, l => l.Length == 0 || StartsBlock(l));
            if (firstBlock < 0) sb.Append(Inline(string.Join("\n", body)));
            else
            {
                sb.Append(Inline(string.Join("\n", body.Take(firstBlock)))).Append('\n');
                var rest = body.Skip(firstBlock).ToArray();
                Blocks(rest, 0, rest.Length, sb, ids);
            }
            sb.Append("</li>\n");
            // A blank line between items of the same list does not end it.
            int next = i;
            while (next < end && string.IsNullOrWhiteSpace(lines[next])) next++;
            if (next < end && next != i && ListItemRx().Match(lines[next]) is { Success: true } n && n.Groups[1].Length == indent) i = next;
        }
        sb.Append(ordered ? "</ol>\n" : "</ul>\n");
        return i;
    }

    static int Table(string[] lines, int i, int end, StringBuilder sb)
    {
        var header = Cells(lines[i]);
        var aligns = Cells(lines[i + 1]).Select(c =>
            c.StartsWith(':') && c.EndsWith(':') ? "center" : c.EndsWith(':') ? "right" : c.StartsWith(':') ? "left" : null).ToList();
        string Align(int c) => c < aligns.Count && aligns[c] is { } a ? $" style=\"text-align:{a}\"" : "";
        sb.Append("<table>\n<thead><tr>");
        for (int c = 0; c < header.Count; c++) sb.Append($"<th{Align(c)}>").Append(Inline(header[c])).Append("</th>");
        sb.Append("</tr></thead>\n<tbody>\n");
        i += 2;
        while (i < end && !string.IsNullOrWhiteSpace(lines[i]) && lines[i].Contains('|'))
        {
            var cells = Cells(lines[i++]);
            sb.Append("<tr>");
            for (int c = 0; c < header.Count; c++) sb.Append($"<td{Align(c)}>").Append(c < cells.Count ? Inline(cells[c]) : "").Append("</td>");
            sb.Append("</tr>\n");
        }
        sb.Append("</tbody></table>\n");
        return i;
    }

    static List<string> Cells(string row)
    {
        string r = row.Trim();
        if (r.StartsWith('|')) r = r[1..];
        if (r.EndsWith('|') && !r.EndsWith("\\|", StringComparison.Ordinal)) r = r[..^1];
        var cells = new List<string>();
        var cur = new StringBuilder();
        for (int k = 0; k < r.Length; k++)
        {
            if (r[k] == '\\' && k + 1 < r.Length && r[k + 1] == '|') { cur.Append('|'); k++; }
            else if (r[k] == '|') { cells.Add(cur.ToString().Trim()); cur.Clear(); }
            else cur.Append(r[k]);
        }
        cells.Add(cur.ToString().Trim());
        return cells;
    }

    static void AppendInline(string s, StringBuilder sb)
    {
        int i = 0;
        while (i < s.Length)
        {
            char c = s[i];
            if (c == '\\' && i + 1 < s.Length && char.IsPunctuation(s[i + 1]) || c == '\\' && i + 1 < s.Length && char.IsSymbol(s[i + 1]))
            {
                sb.Append(Esc(s[i + 1].ToString())); i += 2; continue;
            }
            if (c == '`')
            {
                int run = 0;
                while (i + run < s.Length && s[i + run] == '`') run++;
                string ticks = new('`', run);
                int close = s.IndexOf(ticks, i + run, StringComparison.Ordinal);
                if (close > 0)
                {
                    string code = s[(i + run)..close];
                    if (code.Length > 1 && code[0] == ' ' && code[^1] == ' ') code = code[1..^1];
                    sb.Append("<code>").Append(Esc(code)).Append("</code>");
                    i = close + run; continue;
                }
                sb.Append(ticks); i += run; continue;
            }
            if (c == '$')
            {
                // Inline math is kept as written (no emphasis inside), for the reader or a later MathJax.
                bool display = i + 1 < s.Length && s[i + 1] == '$';
                string delim = display ? "$$" : "$";
                int from = i + delim.Length;
                int close = from < s.Length && !char.IsWhiteSpace(s[from]) ? s.IndexOf(delim, from, StringComparison.Ordinal) : -1;
                if (close > from && !char.IsWhiteSpace(s[close - 1]))
                {
                    sb.Append("<span class=\"math\">").Append(Esc(s[i..(close + delim.Length)])).Append("</span>");
                    i = close + delim.Length; continue;
                }
                sb.Append(delim); i += delim.Length; continue;
            }
            if (c == '!' && i + 1 < s.Length && s[i + 1] == '[' && TryLink(s, i + 1, out string alt, out string url, out int after))
            {
                sb.Append("<img src=\"").Append(Attr(SafeUrl(url))).Append("\" alt=\"").Append(Attr(alt)).Append("\">");
                i = after; continue;
            }
            if (c == '[' && TryLink(s, i, out string label, out string href, out int next))
            {
                sb.Append("<a href=\"").Append(Attr(SafeUrl(href))).Append("\">");
                AppendInline(label, sb);
                sb.Append("</a>");
                i = next; continue;
            }
            if (c == '<')
            {
                int close = s.IndexOf('>', i + 1);
                if (close > 0 && Uri.TryCreate(s[(i + 1)..close], UriKind.Absolute, out var auto) && (auto.Scheme is "http" or "https" or "mailto"))
                {
                    string u = s[(i + 1)..close];
                    sb.Append("<a href=\"").Append(Attr(u)).Append("\">").Append(Esc(u)).Append("</a>");
                    i = close + 1; continue;
                }
            }
            if (c is '*' or '_' && TryEmphasis(s, i, sb, out int end)) { i = end; continue; }
            if (c == '\n')
            {
                // Two trailing spaces make a hard break; otherwise a newline is a space.
                if (sb.Length >= 2 && sb[^1] == ' ' && sb[^2] == ' ') { sb.Length -= 2; sb.Append("<br>\n"); }
                else sb.Append('\n');
                i++; continue;
            }
            sb.Append(c switch { '<' => "&lt;", '>' => "&gt;", '&' => "&amp;", '"' => "&quot;", _ => c.ToString() });
            i++;
        }
    }

    static bool TryEmphasis(string s, int i, StringBuilder sb, out int end)
    {
        end = i;
        char d = s[i];
        int run = 0;
        while (i + run < s.Length && s[i + run] == d && run < 3) run++;
        // Underscores inside words (snake_case) are not emphasis.
        if (d == '_' && i > 0 && char.IsLetterOrDigit(s[i - 1])) return false;
        int from = i + run;
        if (from >= s.Length || char.IsWhiteSpace(s[from])) return false;
        for (int n = run; n >= 1; n--)
        {
            string delim = new(d, n);
            int search = i + n;
            while (true)
            {
                int close = s.IndexOf(delim, search, StringComparison.Ordinal);
                if (close < 0) break;
                bool okBefore = close > i + n && !char.IsWhiteSpace(s[close - 1]);
                bool okAfter = d != '_' || close + n >= s.Length || !char.IsLetterOrDigit(s[close + n]);
                // Skip a delimiter that is part of a longer run (e.g. the ** of bold when closing a single *).
                bool exact = (close + n >= s.Length || s[close + n] != d || n == 3) && s[close - 1] != d;
                if (okBefore && okAfter && exact)
                {
                    string inner = s[(i + n)..close];
                    string open = n switch { 1 => "<em>", 2 => "<strong>", _ => "<strong><em>" };
                    string shut = n switch { 1 => "</em>", 2 => "</strong>", _ => "</em></strong>" };
                    sb.Append(open);
                    AppendInline(inner, sb);
                    sb.Append(shut);
                    end = close + n;
                    return true;
                }
                search = close + 1;
            }
        }
        return false;
    }

    static bool TryLink(string s, int open, out string label, out string url, out int after)
    {
        label = url = ""; after = open;
        int depth = 0, close = -1;
        for (int k = open; k < s.Length; k++)
        {
            if (s[k] == '\\') { k++; continue; }
            if (s[k] == '[') depth++;
            else if (s[k] == ']' && --depth == 0) { close = k; break; }
        }
        if (close < 0 || close + 1 >= s.Length || s[close + 1] != '(') return false;
        // The URL ends at the ')' that balances the '(' (URLs may hold parentheses).
        int paren = -1;
        for (int k = close + 2, depthP = 1; k < s.Length; k++)
        {
            if (s[k] == '(') depthP++;
            else if (s[k] == ')' && --depthP == 0) { paren = k; break; }
        }
        if (paren < 0) return false;
        label = s[(open + 1)..close];
        url = s[(close + 2)..paren].Trim();
        int space = url.IndexOf(' ');
        if (space > 0) url = url[..space]; // drop an optional "title"
        url = url.Trim('<', '>');
        after = paren + 1;
        return true;
    }

    static string SafeUrl(string url)
    {
        string u = url.Trim();
        int colon = u.IndexOf(':');
        if (colon > 0 && u.IndexOfAny(['/', '?', '#']) is int slash && (slash < 0 || colon < slash))
        {
            string scheme = u[..colon].ToLowerInvariant();
            if (scheme is not ("http" or "https" or "mailto" or "data" or "file")) return "#";
            if (scheme == "data" && !u.StartsWith("data:image/", StringComparison.OrdinalIgnoreCase)) return "#";
        }
        return u;
    }

    /// <summary>A heading's anchor: lower-case letters and digits joined by hyphens.</summary>
    public static string Slug(string text)
    {
        var sb = new StringBuilder();
        foreach (char ch in text.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(ch)) sb.Append(ch);
            else if ((ch == ' ' || ch == '-' || ch == '_') && sb.Length > 0 && sb[^1] != '-') sb.Append('-');
        }
        string slug = sb.ToString().Trim('-');
        return slug.Length == 0 ? "section" : slug;
    }

    static string UniqueId(string id, ISet<string> ids)
    {
        string candidate = id;
        for (int n = 2; !ids.Add(candidate); n++) candidate = $"{id}-{n}";
        return candidate;
    }

    static string Esc(string s) => WebUtility.HtmlEncode(s);
    static string Attr(string s) => WebUtility.HtmlEncode(s);
}
