using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using Microsoft.DotNet.Interactive.Events;
using Microsoft.DotNet.Interactive.Formatting;
using Microsoft.DotNet.Interactive.PackageManagement;

namespace VideoGan.Notebooks;

/// <summary>How to run one notebook.</summary>
public sealed record NotebookRunOptions
{
    /// <summary>
    /// Overrides for the cell tagged "parameters": name -> C# literal or expression (for example <c>"steps" -> "2"</c>,
    /// <c>"domain" -> "\"digits\""</c>). Each becomes an assignment in a cell injected right after the parameters cell.
    /// </summary>
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// A named parameter set from the notebook's metadata (<c>metadata.videogan.parameters.NAME</c>, for example
    /// "smoke": the small values the tests use); <see cref="Parameters"/> override it. Null: none.
    /// </summary>
    public string? Configuration { get; init; }

    /// <summary>Where to write the executed notebook (with outputs); null: do not write it.</summary>
    public string? OutputPath { get; init; }

    /// <summary>Gives up on the notebook after this long (a cell that hangs). Null: no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Extra environment variables set while the notebook runs (restored afterwards).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Receives a line per cell as it runs (progress); null: quiet.</summary>
    public TextWriter? Log { get; init; }
}

/// <summary>The outputs of one executed code cell.</summary>
public sealed record CellRun(int CellNumber, string Code, IReadOnlyList<JsonObject> Outputs, TimeSpan Elapsed, bool Injected)
{
    /// <summary>Standard output of the cell, concatenated.</summary>
    public string StandardOutput => string.Concat(Outputs
        .Where(o => (string?)o["output_type"] == "stream" && (string?)o["name"] == "stdout")
        .Select(o => (string?)o["text"]));
}

/// <summary>What a notebook run produced.</summary>
public sealed record NotebookRunResult(
    string NotebookPath,
    IReadOnlyDictionary<string, JsonNode?> Recorded,
    IReadOnlyList<CellRun> Cells,
    string? ExecutedNotebookPath,
    IReadOnlyDictionary<string, string> Parameters,
    TimeSpan KernelStart,
    TimeSpan Elapsed);

/// <summary>A cell failed: names the notebook, the cell and the error.</summary>
public sealed class NotebookExecutionException : Exception
{
    public NotebookExecutionException(string notebookPath, int cellNumber, int codeCellNumber, string code, string error, string? executedNotebookPath)
        : base($"{notebookPath}: cell {cellNumber} (code cell {codeCellNumber}{(cellNumber == 0 ? ", injected parameters" : "")}) failed: {error}\n" +
               $"  cell starts: {FirstLine(code)}" +
               (executedNotebookPath is null ? "" : $"\n  outputs so far: {executedNotebookPath}"))
    {
        NotebookPath = notebookPath;
        CellNumber = cellNumber;
        CodeCellNumber = codeCellNumber;
        Code = code;
        Error = error;
        ExecutedNotebookPath = executedNotebookPath;
    }

    /// <summary>The notebook file.</summary>
    public string NotebookPath { get; }
    /// <summary>1-based position of the cell among all cells of the file (markdown included), as editors number them; 0 for the injected parameters cell.</summary>
    public int CellNumber { get; }
    /// <summary>1-based position among the code cells.</summary>
    public int CodeCellNumber { get; }
    /// <summary>The cell's source.</summary>
    public string Code { get; }
    /// <summary>The error message the kernel reported.</summary>
    public string Error { get; }
    /// <summary>The executed notebook with the outputs up to the failing cell, if one was written.</summary>
    public string? ExecutedNotebookPath { get; }

    static string FirstLine(string code)
    {
        string line = code.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        return line.Length > 100 ? line[..100] + "..." : line;
    }
}

/// <summary>
/// Executes a C# Polyglot notebook (.ipynb) in this process with .NET Interactive, as VS Code or Jupyter would, but
/// headlessly: every code cell goes to a fresh <see cref="CompositeKernel"/> in order; displayed and returned values,
/// standard output and errors are collected; the first failing cell stops the run with a
/// <see cref="NotebookExecutionException"/>. Used by the tests and by <c>videogan report</c>.
/// </summary>
/// <remarks>
/// One notebook at a time per process: the kernel captures the process-wide console, and the working directory is the
/// notebook's folder while it runs (so <c>#r "../lib/VideoGan/bin/VideoGan.dll"</c> resolves as in Jupyter and VS Code).
/// Recorded values (<c>session.Record</c>) arrive through the JSON file named by <c>VIDEOGAN_NOTEBOOK_RECORD</c>.
/// </remarks>
public static class NotebookRunner
{
    /// <summary>The tag of the cell whose variables the runner may override (the papermill convention).</summary>
    public const string ParametersTag = "parameters";
    /// <summary>The tag of the cell the runner injects after it.</summary>
    public const string InjectedParametersTag = "injected-parameters";

    static readonly SemaphoreSlim OneAtATime = new(1, 1);
    static readonly Regex DeclaredName = new(@"^\s*(?:var|[A-Za-z_][\w<>\[\],\s\.\?]*?)\s+([A-Za-z_]\w*)\s*=", RegexOptions.Multiline);
    static readonly Regex ValidName = new(@"^[A-Za-z_]\w*$");

    /// <summary>Runs a notebook; see <see cref="NotebookRunner"/>.</summary>
    public static async Task<NotebookRunResult> RunAsync(string notebookPath, NotebookRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new NotebookRunOptions();
        string path = Path.GetFullPath(notebookPath);
        if (!File.Exists(path)) throw new FileNotFoundException($"Notebook not found: {path}", path);

        var notebook = NotebookFile.Load(path);
        var parameters = new Dictionary<string, string>(options.Configuration is null ? [] : notebook.ParameterSet(options.Configuration), StringComparer.Ordinal);
        foreach (var (k, v) in options.Parameters) parameters[k] = v;
        var codeCells = notebook.CodeCells();
        var parameterCells = codeCells.Where(c => c.Tags.Contains(ParametersTag)).ToList();
        if (parameters.Count > 0)
        {
            if (parameterCells.Count != 1)
                throw new ArgumentException($"{path}: parameters were given ({string.Join(", ", parameters.Keys)}) but the notebook has " +
                                            $"{parameterCells.Count} cells tagged \"{ParametersTag}\" (it needs exactly one).");
            var declared = DeclaredName.Matches(parameterCells[0].Source).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
            foreach (var name in parameters.Keys)
                if (!ValidName.IsMatch(name) || !declared.Contains(name))
                    throw new ArgumentException($"{path}: parameter '{name}' is not declared in the parameters cell " +
                                                $"(declared: {string.Join(", ", declared.Order())}).");
        }

        await OneAtATime.WaitAsync(cancellationToken);
        // The record file: beside the executed notebook when one is written (a report's staging folder, removed with it),
        // else in the temp folder; files left there by killed processes are removed first.
        SweepStaleRecordFiles();
        string recordFile = options.OutputPath is not null
            ? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.OutputPath))!, $".{Path.GetFileNameWithoutExtension(options.OutputPath)}.record-{System.Environment.ProcessId}.json")
            : Path.Combine(Path.GetTempPath(), $"{RecordFilePrefix}{System.Environment.ProcessId}-{Guid.NewGuid():N}.json");
        if (options.OutputPath is not null) Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(options.OutputPath))!);
        var savedEnvironment = new Dictionary<string, string?>();
        string savedDirectory = System.Environment.CurrentDirectory;
        var total = Stopwatch.StartNew();
        try
        {
            foreach (var (k, v) in options.Environment.Append(KeyValuePair.Create("VIDEOGAN_NOTEBOOK_RECORD", recordFile)))
            {
                savedEnvironment[k] = System.Environment.GetEnvironmentVariable(k);
                System.Environment.SetEnvironmentVariable(k, v);
            }
            System.Environment.CurrentDirectory = Path.GetDirectoryName(path)!;

            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (options.Timeout is { } limit) cts.CancelAfter(limit);

            var kernelClock = Stopwatch.StartNew();
            using var kernel = await CreateKernelAsync();
            var kernelStart = kernelClock.Elapsed;

            var runs = new List<CellRun>();
            int executionCount = 0, codeIndex = 0;
            foreach (var cell in notebook.Cells.ToList())   // a snapshot: the injected cell is inserted while iterating
            {
                if (cell.Kind != "code") continue;
                codeIndex++;
                if (string.IsNullOrWhiteSpace(cell.Source)) { cell.ClearOutputs(); continue; }
                var run = await RunCellAsync(kernel, notebook, path, cell.Number, codeIndex, cell.Source, ++executionCount, injected: false, options, cts.Token);
                cell.SetOutputs(run.Outputs, executionCount);
                runs.Add(run);

                if (cell.Tags.Contains(ParametersTag) && parameters.Count > 0)
                {
                    string code = "// Parameters injected by the headless runner\n" +
                                  string.Join("\n", parameters.Select(p => $"{p.Key} = {p.Value};"));
                    var injectedCell = notebook.InsertInjectedCodeCellAfter(cell, code, InjectedParametersTag);
                    var injectedRun = await RunCellAsync(kernel, notebook, path, 0, codeIndex, code, ++executionCount, injected: true, options, cts.Token);
                    injectedCell.SetOutputs(injectedRun.Outputs, executionCount);
                    runs.Add(injectedRun);
                }
            }

            if (options.OutputPath is not null) notebook.Save(options.OutputPath);
            var recorded = ReadRecorded(recordFile, path);
            return new NotebookRunResult(path, recorded, runs, options.OutputPath is null ? null : Path.GetFullPath(options.OutputPath),
                                         parameters,
                                         kernelStart, total.Elapsed);
        }
        finally
        {
            System.Environment.CurrentDirectory = savedDirectory;
            foreach (var (k, v) in savedEnvironment) System.Environment.SetEnvironmentVariable(k, v);
            TryDelete(recordFile);
            TryDelete(recordFile + ".tmp");
            OneAtATime.Release();
        }
    }

    /// <summary>A C# kernel like the one VS Code and Jupyter start: #r "nuget:", kernel helpers, value sharing.</summary>
    static async Task<CompositeKernel> CreateKernelAsync()
    {
        var csharp = new CSharpKernel()
            .UseNugetDirective((kernel, resolved) =>
            {
                kernel.AddAssemblyReferences(resolved.SelectMany(r => r.AssemblyPaths));
                return Task.CompletedTask;
            }, forceRestore: false)
            .UseKernelHelpers()
            .UseValueSharing()
            .UseWho();
        var composite = new CompositeKernel { csharp };
        composite.DefaultKernelName = csharp.Name;
        // Plotly.NET.Interactive's formatter: the one the dotnet-interactive tool loads when a notebook references the package.
        await ((IKernelExtension)new Plotly.NET.Interactive.FormatterKernelExtension()).OnLoadAsync(composite);
        return composite;
    }

    static async Task<CellRun> RunCellAsync(Kernel kernel, NotebookFile notebook, string path, int cellNumber, int codeCellNumber,
        string code, int executionCount, bool injected, NotebookRunOptions options, CancellationToken token)
    {
        string label = $"  [{Path.GetFileName(path)}] {(injected ? "injected parameters" : $"cell {cellNumber}")}";
        options.Log?.WriteLine($"{label} ...");
        var clock = Stopwatch.StartNew();
        var submit = new SubmitCode(code);
        KernelCommandResult result;
        // While the cell runs: its own output lines (a training loop's progress) pass through to the log as they come,
        // and a line every HeartbeatInterval says how long it has been running.
        using var passThrough = options.Log is null ? null : new LinePassThrough(options.Log, label + " |");
        using var subscription = passThrough is null ? null : kernel.KernelEvents.Subscribe(new EventObserver(e =>
        {
            if (e is StandardOutputValueProduced so) passThrough.Write(Text(so));   // one cell runs at a time
        }));
        using var heartbeat = options.Log is null ? null : new Timer(_ =>
        {
            lock (options.Log) options.Log.WriteLine($"{label}: running for {clock.Elapsed.TotalSeconds:F0} s");
        }, null, HeartbeatInterval, HeartbeatInterval);
        try
        {
            result = await kernel.SendAsync(submit, token);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw Fail(notebook, path, cellNumber, codeCellNumber, code, $"timed out after {options.Timeout}", options);
        }
        finally
        {
            heartbeat?.Dispose();
            passThrough?.Flush();
        }
        if (options.Log is not null && clock.Elapsed >= TimeSpan.FromSeconds(2))
            lock (options.Log) options.Log.WriteLine($"{label}: {clock.Elapsed.TotalSeconds:F1} s");

        var outputs = new List<JsonObject>();
        string? failure = null;
        foreach (var e in result.Events)
        {
            switch (e)
            {
                case StandardOutputValueProduced so: AppendStream(outputs, "stdout", Text(so)); break;
                case StandardErrorValueProduced se: AppendStream(outputs, "stderr", Text(se)); break;
                case ReturnValueProduced rv when rv.FormattedValues.Any(f => !f.SuppressDisplay):
                    outputs.Add(new JsonObject
                    {
                        ["output_type"] = "execute_result",
                        ["data"] = Data(rv.FormattedValues),
                        ["execution_count"] = executionCount,
                        ["metadata"] = new JsonObject(),
                    });
                    break;
                case DisplayedValueUpdated du:
                    // An update replaces the earlier display of the same value id (a progress bar): keep the last state.
                    var earlier = outputs.FindLastIndex(o => (string?)o["metadata"]?["transient_id"] == du.ValueId);
                    var updated = Display(du);
                    if (earlier >= 0) outputs[earlier] = updated; else outputs.Add(updated);
                    break;
                case DisplayedValueProduced dv: outputs.Add(Display(dv)); break;
                case ErrorProduced ep:
                    outputs.Add(ErrorOutput("Error", ep.Message, []));
                    break;
                case CommandFailed cf when cf.Command == submit || failure is null:
                    failure = cf.Message;
                    if (string.IsNullOrWhiteSpace(failure)) failure = cf.Exception?.ToString() ?? "unknown error";
                    outputs.Add(ErrorOutput(cf.Exception?.GetType().Name ?? "Error", failure,
                        (cf.Exception?.StackTrace ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries)));
                    break;
            }
        }
        foreach (var o in outputs) (o["metadata"] as JsonObject)?.Remove("transient_id");

        var run = new CellRun(cellNumber, code, outputs, clock.Elapsed, injected);
        if (failure is not null)
        {
            if (injected) notebook.FindInjected()?.SetOutputs(outputs, executionCount);
            else notebook.Cells.First(c => c.Number == cellNumber).SetOutputs(outputs, executionCount);
            throw Fail(notebook, path, cellNumber, codeCellNumber, code, failure, options);
        }
        return run;
    }

    /// <summary>How often a running cell's elapsed time is logged.</summary>
    internal static TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Writes complete lines of a cell's output to the log, prefixed; keeps a partial line until it ends.</summary>
    sealed class LinePassThrough(TextWriter log, string prefix) : IDisposable
    {
        readonly StringBuilder _pending = new();

        public void Write(string text)
        {
            lock (_pending)
            {
                _pending.Append(text.Replace("\r\n", "\n").Replace('\r', '\n'));
                string all = _pending.ToString();
                int last = all.LastIndexOf('\n');
                if (last < 0) return;
                foreach (var line in all[..last].Split('\n'))
                    if (line.Trim().Length > 0) lock (log) log.WriteLine($"{prefix} {line.TrimEnd()}");
                _pending.Clear().Append(all[(last + 1)..]);
            }
        }

        public void Flush()
        {
            lock (_pending)
            {
                if (_pending.ToString().Trim().Length > 0) lock (log) log.WriteLine($"{prefix} {_pending.ToString().TrimEnd()}");
                _pending.Clear();
            }
        }

        public void Dispose() => Flush();
    }

    sealed class EventObserver(Action<KernelEvent> onNext) : IObserver<KernelEvent>
    {
        public void OnNext(KernelEvent value) => onNext(value);
        public void OnError(Exception error) { }
        public void OnCompleted() { }
    }

    static NotebookExecutionException Fail(NotebookFile notebook, string path, int cellNumber, int codeCellNumber, string code, string error, NotebookRunOptions options)
    {
        string? written = null;
        if (options.OutputPath is not null)
        {
            try { notebook.Save(options.OutputPath); written = Path.GetFullPath(options.OutputPath); }
            catch (IOException) { }
        }
        return new NotebookExecutionException(path, cellNumber, codeCellNumber, code, error.Trim(), written);
    }

    static string Text(DisplayEvent e) =>
        e.FormattedValues.FirstOrDefault(f => f.MimeType == "text/plain")?.Value ?? e.FormattedValues.FirstOrDefault()?.Value ?? "";

    static void AppendStream(List<JsonObject> outputs, string name, string text)
    {
        if (outputs.Count > 0 && (string?)outputs[^1]["output_type"] == "stream" && (string?)outputs[^1]["name"] == name)
            outputs[^1]["text"] = (string?)outputs[^1]["text"] + text;
        else
            outputs.Add(new JsonObject { ["output_type"] = "stream", ["name"] = name, ["text"] = text });
    }

    static JsonObject Display(DisplayEvent e) => new()
    {
        ["output_type"] = "display_data",
        ["data"] = Data(e.FormattedValues),
        ["metadata"] = new JsonObject { ["transient_id"] = e.ValueId },
    };

    static JsonObject Data(IEnumerable<FormattedValue> values)
    {
        var data = new JsonObject();
        foreach (var f in values.Where(f => !f.SuppressDisplay))
            data[f.MimeType] = f.MimeType.EndsWith("json", StringComparison.Ordinal) && TryParseJson(f.Value) is { } json ? json : f.Value;
        return data;
    }

    static JsonNode? TryParseJson(string text)
    {
        try { return JsonNode.Parse(text); } catch (JsonException) { return null; }
    }

    static JsonObject ErrorOutput(string name, string message, IEnumerable<string> trace) => new()
    {
        ["output_type"] = "error",
        ["ename"] = name,
        ["evalue"] = message,
        ["traceback"] = new JsonArray(trace.Select(t => (JsonNode?)JsonValue.Create(t.TrimEnd())).ToArray()),
    };

    static IReadOnlyDictionary<string, JsonNode?> ReadRecorded(string recordFile, string notebookPath)
    {
        if (!File.Exists(recordFile)) return new Dictionary<string, JsonNode?>();
        try
        {
            var obj = JsonNode.Parse(File.ReadAllText(recordFile)) as JsonObject
                      ?? throw new InvalidDataException("not a JSON object");
            return obj.ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone(), StringComparer.Ordinal);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{notebookPath}: the recorded values file {recordFile} is not valid JSON: {e.Message}", e);
        }
    }

    const string RecordFilePrefix = "videogan-record-";

    /// <summary>Removes temp-folder record files whose process (the number in the name) no longer runs.</summary>
    internal static int SweepStaleRecordFiles()
    {
        int removed = 0;
        try
        {
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), RecordFilePrefix + "*"))
            {
                var rest = Path.GetFileName(file)[RecordFilePrefix.Length..];
                int dash = rest.IndexOf('-');
                if (dash <= 0 || !int.TryParse(rest[..dash], out int pid) || VideoGan.Runtime.ScratchFolder.IsAlive(pid)) continue;
                TryDelete(file);
                removed++;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return removed;
    }

    static void TryDelete(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
