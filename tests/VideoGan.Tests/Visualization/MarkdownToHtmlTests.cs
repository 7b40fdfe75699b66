using VideoGan.Notebooks.Html;

namespace VideoGan.Tests.Visualization;

public class MarkdownToHtmlTests
{
    static string Md(string s) => MarkdownToHtml.Convert(s);

    [Fact]
    public void Headings_paragraphs_and_inline_styles()
    {
        Assert.Equal("<h2 id=\"step-1-data\">Step 1: <em>data</em></h2>\n", Md("## Step 1: *data*"));
        Assert.Equal("<p>a <strong>b</strong> <em>c</em> <strong>d</strong> <code>x &lt; y</code>\nnext</p>\n", Md("a **b** _c_ __d__ `x < y`\nnext"));
        Assert.Equal("<p><strong><em>both</em></strong></p>\n", Md("***both***"));
        Assert.Equal("<p>snake_case_name and 2 * 3 * 4</p>\n", Md("snake_case_name and 2 * 3 * 4"));
    }

    [Fact]
    public void Links_images_and_unsafe_urls()
    {
        Assert.Equal("<p><a href=\"https://x.org/a?b=1&amp;c=2\">the <strong>site</strong></a></p>\n", Md("[the **site**](https://x.org/a?b=1&c=2)"));
        Assert.Equal("<p><img src=\"img.png\" alt=\"a cat\"></p>\n", Md("![a cat](img.png)"));
        Assert.Equal("<p><a href=\"#\">x</a></p>\n", Md("[x](javascript:alert(1))"));
        Assert.Equal("<p><a href=\"https://a.org\">https://a.org</a></p>\n", Md("<https://a.org>"));
    }

    [Fact]
    public void Math_is_left_as_text()
    {
        Assert.Equal("<p>loss <span class=\"math\">$\\mathcal{L} = a_i * b_j$</span> here</p>\n", Md("loss $\\mathcal{L} = a_i * b_j$ here"));
        Assert.Equal("<div class=\"math\">$$\nx^2 * y_1\n$$</div>\n", Md("$$\nx^2 * y_1\n$$"));
        Assert.Equal("<p>costs $5 and $ 6</p>\n", Md("costs $5 and $ 6"));
    }

    [Fact]
    public void Lists_nest_and_number()
    {
        string html = Md("- one\n- two\n  - two.a\n  - two.b\n- three\n\n3. c\n4. d");
        Assert.Equal("<ul>\n<li>one</li>\n<li>two\n<ul>\n<li>two.a</li>\n<li>two.b</li>\n</ul>\n</li>\n<li>three</li>\n</ul>\n<ol start=\"3\">\n<li>c</li>\n<li>d</li>\n</ol>\n", html);
        Assert.Equal("<ol>\n<li>a\ncontinued</li>\n<li>b</li>\n</ol>\n", Md("1. a\n   continued\n2. b"));
    }

    [Fact]
    public void Code_blocks_quotes_tables_rules_and_raw_html()
    {
        Assert.Equal("<pre><code class=\"language-csharp\">var x = a &lt; b &amp;&amp; c; // **not bold**\n</code></pre>\n", Md("```csharp\nvar x = a < b && c; // **not bold**\n\n```"));
        Assert.Equal("<blockquote>\n<p>quoted <em>text</em></p>\n</blockquote>\n", Md("> quoted *text*"));
        Assert.Equal("<hr>\n", Md("---"));
        Assert.Equal("<table>\n<thead><tr><th>model</th><th style=\"text-align:right\">FVD</th></tr></thead>\n<tbody>\n<tr><td><code>two-stream</code></td><td style=\"text-align:right\">12.5</td></tr>\n</tbody></table>\n",
                     Md("| model | FVD |\n|---|---:|\n| `two-stream` | 12.5 |"));
        Assert.Equal("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n", Md("<script>alert(1)</script>"));
    }
}
