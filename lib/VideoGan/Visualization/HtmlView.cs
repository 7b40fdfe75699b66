namespace VideoGan.Visualization;

/// <summary>
/// A piece of HTML that a notebook shows as HTML: return it from a cell or pass it to <c>display(...)</c>.
/// </summary>
/// <remarks>
/// The kernel's own <c>HTML("...")</c> helper returns a type from Microsoft.AspNetCore.Html.Abstractions 2.x, which makes
/// the .NET Interactive C# kernel print "warning CS1701: Assuming assembly reference ..." under every such cell (the
/// kernel has no switch to silence it); this type renders through the library's formatter convention instead (see
/// <see cref="Notebook.TypeFormatterSourceAttribute"/>), with no warning. A cell that returns a bare HTML string shows the
/// markup as text: wrap it. Taught in notebooks/00-getting-started.ipynb; used by notebooks 03, 05 and 06.
/// </remarks>
[Notebook.TypeFormatterSource(typeof(Notebook.HtmlViewFormatterSource))]
public sealed record HtmlView(string Html)
{
    /// <summary>The markup.</summary>
    public override string ToString() => Html;
}
