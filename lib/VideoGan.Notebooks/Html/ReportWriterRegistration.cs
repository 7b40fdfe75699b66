using System.Runtime.CompilerServices;

namespace VideoGan.Notebooks.Html;

/// <summary>
/// Makes <c>videogan report</c> use this exporter: <see cref="ReportBuilder.DefaultHtmlWriter"/> is the documented
/// hook, set when the assembly loads so every caller (CLI, tests) gets the same page without extra wiring.
/// </summary>
static class ReportWriterRegistration
{
#pragma warning disable CA2255 // A module initializer is the point here: the hook must be set before any report is built.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => ReportBuilder.DefaultHtmlWriter = NotebookHtmlExporter.WriteReportAndIndex;
}
