namespace VideoGan.Visualization.Notebook;

/// <summary>
/// Names a type's formatter source for notebook hosts. .NET Interactive finds this attribute by its name (a
/// convention), so the library renders rich output without referencing .NET Interactive.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true, Inherited = true)]
public sealed class TypeFormatterSourceAttribute(Type formatterSourceType) : Attribute
{
    /// <summary>The type whose <c>CreateTypeFormatters()</c> returns the formatters.</summary>
    public Type FormatterSourceType { get; } = formatterSourceType;

    /// <summary>MIME types the host should prefer for this type.</summary>
    public string[] PreferredMimeTypes { get; set; } = ["text/html"];
}

/// <summary>Supplies the HTML formatter that shows a <see cref="Clip"/> as an animated GIF.</summary>
/// <remarks>Used by notebook hosts by convention; taught in notebook 00-getting-started.</remarks>
public sealed class ClipFormatterSource
{
    /// <summary>The formatters (convention: objects with MimeType, Type and Format(object, TextWriter)).</summary>
    public IEnumerable<object> CreateTypeFormatters() => [new HtmlFormatter<Clip>(c => c.ToHtml())];
}

/// <summary>Supplies the HTML formatter of <see cref="HtmlView"/>: its markup as is.</summary>
public sealed class HtmlViewFormatterSource
{
    /// <summary>The formatters (convention: objects with MimeType, Type and Format(object, TextWriter)).</summary>
    public IEnumerable<object> CreateTypeFormatters() => [new HtmlFormatter<HtmlView>(h => h.Html)];
}

/// <summary>A convention-shaped text/html formatter for <typeparamref name="T"/>.</summary>
public sealed class HtmlFormatter<T>(Func<T, string> toHtml)
{
    /// <summary>Always "text/html".</summary>
    public string MimeType => "text/html";

    /// <summary>The formatted type.</summary>
    public Type Type => typeof(T);

    /// <summary>Writes the HTML of <paramref name="instance"/>; false when it is not a <typeparamref name="T"/>.</summary>
    public bool Format(object instance, TextWriter writer)
    {
        if (instance is not T value) return false;
        writer.Write(toHtml(value));
        return true;
    }
}
