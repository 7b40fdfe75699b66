using VideoGan.Notebooks;

namespace VideoGan.Cli.Verbs;

/// <summary><c>videogan report</c>: runs the notebook series headlessly into reports/&lt;name&gt;/ (the README's main job).</summary>
public sealed class ReportVerb : IVerb
{
    public string Name => "report";
    public string Summary => "run the notebook series into reports/<config>/ (executed notebooks, offline HTML, metrics)";
    public string Usage => """
        videogan report [--config NAME] [--out DIR] [--notebook FILE]... [--timeout-minutes N]

          --config NAME        parameter set: default (CPU-sized, each notebook's own values), smoke (the test values),
                               or a set the notebooks list in their metadata (default: default)
          --out DIR            report folder (default: reports/NAME); replaced only when the new report is complete
          --notebook FILE      run only these notebooks (repeatable; default: every notebook in notebooks/)
          --timeout-minutes N  give up on a notebook after N minutes (default: no limit)

        Writes notebooks/*.ipynb (executed), report.html (self-contained, renders offline), metrics.json,
        config.json, environment.json and timings.json. A failing notebook stops the report with its cell and error.
        """;

    public int Run(ParsedArgs args)
    {
        var notebooks = args.Strings("notebook");
        int timeout = args.Int("timeout-minutes", 0);
        var options = new ReportOptions
        {
            Configuration = args.String("config") ?? "default",
            OutputDirectory = args.String("out"),
            Notebooks = notebooks.Count > 0 ? notebooks.Select(Path.GetFullPath).ToList() : null,
            NotebookTimeout = timeout > 0 ? TimeSpan.FromMinutes(timeout) : null,
            Log = Console.Error,
        };
        try
        {
            var result = ReportBuilder.BuildAsync(options).GetAwaiter().GetResult();
            Console.WriteLine(result.Directory);
            return 0;
        }
        catch (ReportFailedException e)
        {
            Console.Error.WriteLine($"videogan report: {e.Message}");
            return 1;
        }
    }
}
