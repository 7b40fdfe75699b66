using System.Text.Json.Nodes;
using VideoGan.Notebooks;

namespace VideoGan.Cli.Verbs;

/// <summary><c>videogan notebooks</c>: run one notebook headlessly, check the stored format, or strip outputs.</summary>
public sealed class NotebooksVerb : IVerb
{
    public string Name => "notebooks";
    public string Summary => "run a notebook headlessly, check notebooks/ for outputs and metadata, or clean them";
    public string Usage => """
        videogan notebooks run FILE... [--config NAME] [--param NAME=LITERAL]... [--out DIR]
            executes each notebook in-process (as the tests do); --config picks a parameter set from the notebook's
            metadata (e.g. smoke), --param overrides one variable of the parameters cell with a C# literal;
            writes the executed copies to DIR (default: artifacts/notebooks) and prints the recorded values
        videogan notebooks check [FILE...]
            lists notebooks (default: all in notebooks/) stored with outputs or without the Polyglot metadata
        videogan notebooks clean FILE...
            strips outputs and execution counts and adds the Polyglot metadata and cell ids, in place
        """;

    public int Run(ParsedArgs args)
    {
        if (args.Positional.Count == 0) throw new UsageException("say run, check or clean");
        var files = args.Positional.Skip(1).Select(Path.GetFullPath).ToList();
        return args.Positional[0] switch
        {
            "run" => RunNotebooks(args, files),
            "check" => Check(files.Count > 0 ? files : Workspace.Notebooks()),
            "clean" => Clean(files),
            var other => throw new UsageException($"unknown action '{other}' (run, check, clean)"),
        };
    }

    static int RunNotebooks(ParsedArgs args, List<string> files)
    {
        if (files.Count == 0) throw new UsageException("name at least one notebook file");
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in args.Strings("param"))
        {
            int eq = p.IndexOf('=');
            if (eq <= 0) throw new UsageException($"--param expects NAME=LITERAL, got '{p}'");
            parameters[p[..eq]] = p[(eq + 1)..];
        }
        string outDir = Path.GetFullPath(args.String("out") ?? Path.Combine(Workspace.Root, "artifacts", "notebooks"));
        string? config = args.String("config");
        foreach (var file in files)
        {
            try
            {
                var run = NotebookRunner.RunAsync(file, new NotebookRunOptions
                {
                    Configuration = config,
                    Parameters = parameters,
                    OutputPath = Path.Combine(outDir, Path.GetFileName(file)),
                    Log = Console.Error,
                }).GetAwaiter().GetResult();
                Console.WriteLine($"{Path.GetFileName(file)}: {run.Elapsed.TotalSeconds:F1} s (kernel start {run.KernelStart.TotalSeconds:F1} s) -> {run.ExecutedNotebookPath}");
                foreach (var (k, v) in run.Recorded.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    Console.WriteLine($"  {k} = {v?.ToJsonString() ?? "null"}");
            }
            catch (NotebookExecutionException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        }
        return 0;
    }

    static int Check(IReadOnlyList<string> files)
    {
        int bad = 0;
        foreach (var file in files)
        {
            var problems = NotebookFormat.StorageProblems(JsonNode.Parse(File.ReadAllText(file))!.AsObject());
            if (problems.Count == 0) { Console.WriteLine($"ok   {file}"); continue; }
            bad++;
            Console.WriteLine($"FAIL {file}\n  " + string.Join("\n  ", problems));
        }
        if (bad > 0) Console.WriteLine($"{bad} notebook(s) need `videogan notebooks clean FILE`.");
        return bad == 0 ? 0 : 1;
    }

    static int Clean(List<string> files)
    {
        if (files.Count == 0) throw new UsageException("name the notebook files to clean");
        foreach (var file in files)
        {
            var root = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
            NotebookFormat.StripOutputs(root);
            NotebookFormat.EnsurePolyglotMetadata(root);
            NotebookFormat.EnsureCellIds(root, Path.GetFileNameWithoutExtension(file));
            NotebookFormat.WriteAtomically(file, root);
            Console.WriteLine($"cleaned {file}");
        }
        return 0;
    }
}
