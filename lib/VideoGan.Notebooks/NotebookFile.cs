using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;
using VideoGan.Runtime;

namespace VideoGan.Notebooks;

/// <summary>
/// An .ipynb file as JSON, edited in place so that everything the runner does not touch (metadata, ids, markdown)
/// survives byte-for-byte in meaning. Cell sources come from the .NET Interactive Documents parser, which also
/// understands <c>#!csharp</c> magic lines and the Polyglot kernel metadata.
/// </summary>
public sealed class NotebookFile
{
    readonly JsonObject _root;
    readonly List<NotebookCell> _cells;

    NotebookFile(string path, JsonObject root, List<NotebookCell> cells)
    {
        Path = path;
        _root = root;
        _cells = cells;
    }

    /// <summary>The file this notebook was read from.</summary>
    public string Path { get; }

    /// <summary>The whole notebook as JSON (live: edits show in <see cref="Save"/>).</summary>
    public JsonObject Root => _root;

    /// <summary>Every cell in file order.</summary>
    public IReadOnlyList<NotebookCell> Cells => _cells;

    /// <summary>The code cells in file order.</summary>
    public IReadOnlyList<NotebookCell> CodeCells() => _cells.Where(c => c.Kind == "code").ToList();

    /// <summary>Reads an .ipynb file; a clear error names the file when it is not a notebook.</summary>
    public static NotebookFile Load(string path)
    {
        string text = File.ReadAllText(path);
        JsonObject root;
        try
        {
            root = JsonNode.Parse(text) as JsonObject ?? throw new InvalidDataException($"{path}: not a JSON object, so not a notebook.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not valid notebook JSON ({e.Message}).", e);
        }
        if (root["cells"] is not JsonArray cellArray)
            throw new InvalidDataException($"{path}: no \"cells\" array: not an .ipynb notebook.");

        var document = Notebook.Parse(text, NotebookFormat.KernelInfos());
        var jsonCells = cellArray.OfType<JsonObject>().ToList();
        if (document.Elements.Count != jsonCells.Count)
            throw new InvalidDataException($"{path}: the Documents parser saw {document.Elements.Count} cells, the JSON has {jsonCells.Count}.");

        var cells = new List<NotebookCell>();
        for (int i = 0; i < jsonCells.Count; i++)
        {
            var element = document.Elements[i];
            string type = (string?)jsonCells[i]["cell_type"] ?? "";
            string kind = type == "code" ? "code" : type;
            if (kind == "code" && element.KernelName is not (null or "csharp" or "C#"))
                throw new InvalidDataException($"{path}: cell {i + 1} is for kernel '{element.KernelName}'; the headless runner runs C# cells only.");
            cells.Add(new NotebookCell(i + 1, kind, kind == "code" ? element.Contents : SourceOf(jsonCells[i]), jsonCells[i]));
        }
        return new NotebookFile(path, root, cells);
    }

    /// <summary>
    /// The parameter overrides of a named configuration, from the notebook's metadata
    /// <c>"videogan": {"parameters": {"smoke": {"steps": "2"}}}</c> (name -> C# literal). A configuration the notebook
    /// does not list means "no overrides": the values in its parameters cell (CPU-sized) are used.
    /// </summary>
    public IReadOnlyDictionary<string, string> ParameterSet(string configuration)
    {
        var set = _root["metadata"]?["videogan"]?["parameters"]?[configuration] as JsonObject;
        if (set is null) return new Dictionary<string, string>();
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in set)
            result[name] = value switch
            {
                JsonValue v when v.TryGetValue(out string? s) => s,
                null => "null",
                _ => value.ToJsonString(), // a number or boolean written as JSON is also a C# literal
            };
        return result;
    }

    /// <summary>The configuration names this notebook lists in its metadata.</summary>
    public IReadOnlyList<string> ParameterSetNames() =>
        (_root["metadata"]?["videogan"]?["parameters"] as JsonObject)?.Select(kv => kv.Key).ToList() ?? [];

    /// <summary>Inserts a code cell after <paramref name="after"/> (for the injected parameters) and returns it.</summary>
    public NotebookCell InsertInjectedCodeCellAfter(NotebookCell after, string code, string tag)
    {
        var json = new JsonObject
        {
            ["cell_type"] = "code",
            ["id"] = "injected-parameters",
            ["execution_count"] = null,
            ["metadata"] = new JsonObject
            {
                ["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" },
                ["tags"] = new JsonArray(tag),
            },
            ["outputs"] = new JsonArray(),
            ["source"] = NotebookFormat.SourceLines(code),
        };
        var array = (JsonArray)_root["cells"]!;
        array.Insert(array.IndexOf(after.Json) + 1, json);
        var cell = new NotebookCell(0, "code", code, json);
        _cells.Insert(_cells.IndexOf(after) + 1, cell);
        return cell;
    }

    /// <summary>The injected parameters cell, if any.</summary>
    public NotebookCell? FindInjected() => _cells.FirstOrDefault(c => c.Number == 0);

    /// <summary>Writes the notebook (atomically) with the Polyglot metadata VS Code needs.</summary>
    public void Save(string path)
    {
        NotebookFormat.EnsurePolyglotMetadata(_root);
        NotebookFormat.EnsureCellIds(_root, System.IO.Path.GetFileNameWithoutExtension(Path));
        NotebookFormat.WriteAtomically(path, _root);
    }

    static string SourceOf(JsonObject cell) => cell["source"] switch
    {
        JsonArray lines => string.Concat(lines.Select(l => (string?)l)),
        JsonValue v => (string?)v ?? "",
        _ => "",
    };
}

/// <summary>One cell of a <see cref="NotebookFile"/>.</summary>
public sealed class NotebookCell
{
    internal NotebookCell(int number, string kind, string source, JsonObject json)
    {
        Number = number;
        Kind = kind;
        Source = source;
        Json = json;
    }

    /// <summary>1-based position in the file as stored (0 for a cell the runner injected).</summary>
    public int Number { get; }
    /// <summary>"code", "markdown" or "raw".</summary>
    public string Kind { get; }
    /// <summary>The cell's text.</summary>
    public string Source { get; }
    /// <summary>The cell's JSON (live).</summary>
    public JsonObject Json { get; }

    /// <summary>The cell's tags (metadata.tags).</summary>
    public IReadOnlySet<string> Tags =>
        (Json["metadata"]?["tags"] as JsonArray)?.Select(t => (string?)t ?? "").ToHashSet(StringComparer.Ordinal) ?? new HashSet<string>();

    internal void SetOutputs(IEnumerable<JsonObject> outputs, int executionCount)
    {
        Json["outputs"] = new JsonArray(outputs.Select(o => (JsonNode?)o.DeepClone()).ToArray());
        Json["execution_count"] = executionCount;
    }

    internal void ClearOutputs()
    {
        Json["outputs"] = new JsonArray();
        Json["execution_count"] = null;
    }
}

/// <summary>The notebook conventions of this workspace: Polyglot metadata, outputs, source lines.</summary>
public static class NotebookFormat
{
    static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The C# kernel as VS Code's Polyglot extension and the Documents parser name it.</summary>
    public static KernelInfoCollection KernelInfos() => new() { new KernelInfo("csharp", "C#", ["c#", "C#"]) };

    /// <summary>
    /// Adds (or repairs) the metadata with which VS Code opens the file as a C# Polyglot notebook and Jupyter picks the
    /// .NET (C#) kernel: kernelspec, language_info, polyglot_notebook at the top and per code cell.
    /// </summary>
    public static void EnsurePolyglotMetadata(JsonObject root)
    {
        var metadata = root["metadata"] as JsonObject ?? (JsonObject)(root["metadata"] = new JsonObject());
        metadata["kernelspec"] = new JsonObject { ["display_name"] = ".NET (C#)", ["language"] = "C#", ["name"] = ".net-csharp" };
        metadata["language_info"] = new JsonObject { ["name"] = "polyglot-notebook" };
        metadata["polyglot_notebook"] = new JsonObject
        {
            ["kernelInfo"] = new JsonObject
            {
                ["defaultKernelName"] = "csharp",
                ["items"] = new JsonArray(new JsonObject { ["aliases"] = new JsonArray(), ["name"] = "csharp" }),
            },
        };
        root["nbformat"] ??= 4;
        root["nbformat_minor"] ??= 5;
        foreach (var cell in (root["cells"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if ((string?)cell["cell_type"] != "code") continue;
            var cellMeta = cell["metadata"] as JsonObject ?? (JsonObject)(cell["metadata"] = new JsonObject());
            cellMeta["polyglot_notebook"] = new JsonObject { ["kernelName"] = "csharp" };
            cell["outputs"] ??= new JsonArray();
            if (!cell.ContainsKey("execution_count")) cell["execution_count"] = null;
        }
    }

    /// <summary>What is wrong with a notebook as stored in the repository (outputs, missing metadata); empty when fine.</summary>
    public static IReadOnlyList<string> StorageProblems(JsonObject root)
    {
        var problems = new List<string>();
        var meta = root["metadata"];
        void Expect(JsonNode? actual, string expected, string where)
        {
            if ((string?)actual != expected) problems.Add($"{where} should be \"{expected}\" (is {(actual is null ? "missing" : actual.ToJsonString())})");
        }
        Expect(meta?["kernelspec"]?["name"], ".net-csharp", "metadata.kernelspec.name");
        Expect(meta?["kernelspec"]?["display_name"], ".NET (C#)", "metadata.kernelspec.display_name");
        Expect(meta?["kernelspec"]?["language"], "C#", "metadata.kernelspec.language");
        Expect(meta?["language_info"]?["name"], "polyglot-notebook", "metadata.language_info.name");
        Expect(meta?["polyglot_notebook"]?["kernelInfo"]?["defaultKernelName"], "csharp", "metadata.polyglot_notebook.kernelInfo.defaultKernelName");
        var items = meta?["polyglot_notebook"]?["kernelInfo"]?["items"] as JsonArray;
        if (items is null || !items.Any(i => (string?)i?["name"] == "csharp"))
            problems.Add("metadata.polyglot_notebook.kernelInfo.items should list {\"aliases\":[],\"name\":\"csharp\"}");
        // nbformat 4.5 makes cell ids required: unique, 1-64 characters of [A-Za-z0-9_-] (VS Code and Jupyter rely on them).
        int major = (int?)root["nbformat"] ?? 0, minor = (int?)root["nbformat_minor"] ?? 0;
        bool idsRequired = major > 4 || (major == 4 && minor >= 5);
        var seenIds = new HashSet<string>(StringComparer.Ordinal);
        int n = 0;
        foreach (var cell in (root["cells"] as JsonArray ?? []).OfType<JsonObject>())
        {
            n++;
            if (idsRequired)
            {
                string? id = cell["id"] is JsonValue v && v.TryGetValue(out string? text) ? text : null;
                if (string.IsNullOrEmpty(id)) problems.Add($"cell {n}: has no id (required by nbformat {major}.{minor})");
                else if (!System.Text.RegularExpressions.Regex.IsMatch(id, "^[A-Za-z0-9_-]{1,64}$")) problems.Add($"cell {n}: id \"{id}\" is not 1-64 characters of [A-Za-z0-9_-]");
                else if (!seenIds.Add(id)) problems.Add($"cell {n}: id \"{id}\" is used by an earlier cell");
            }
            if ((string?)cell["cell_type"] != "code") continue;
            Expect(cell["metadata"]?["polyglot_notebook"]?["kernelName"], "csharp", $"cell {n}: metadata.polyglot_notebook.kernelName");
            if (cell["outputs"] is JsonArray { Count: > 0 }) problems.Add($"cell {n}: has outputs (store notebooks without outputs)");
            if (cell["execution_count"] is JsonValue) problems.Add($"cell {n}: has an execution_count (store notebooks unexecuted)");
        }
        return problems;
    }

    /// <summary>Gives every cell without one a short stable id (nbformat 4.5), derived from <paramref name="salt"/> and its position.</summary>
    public static void EnsureCellIds(JsonObject root, string salt)
    {
        var cells = (root["cells"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var used = cells.Select(c => (string?)c["id"]).Where(id => !string.IsNullOrEmpty(id)).ToHashSet(StringComparer.Ordinal);
        for (int i = 0; i < cells.Count; i++)
        {
            if (!string.IsNullOrEmpty((string?)cells[i]["id"])) continue;
            string id;
            int attempt = 0;
            do
            {
                byte[] hash = System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes($"{salt}:{i}:{attempt++}"));
                id = Convert.ToHexStringLower(hash)[..8];
            } while (!used.Add(id));
            cells[i]["id"] = id;
        }
        if (((int?)root["nbformat_minor"] ?? 0) < 5) root["nbformat_minor"] = 5;
    }

    /// <summary>Removes outputs and execution counts (what is stored in the repository).</summary>
    public static void StripOutputs(JsonObject root)
    {
        foreach (var cell in (root["cells"] as JsonArray ?? []).OfType<JsonObject>())
            if ((string?)cell["cell_type"] == "code")
            {
                cell["outputs"] = new JsonArray();
                cell["execution_count"] = null;
            }
    }

    /// <summary>Splits text into the line list Jupyter stores as a cell's source.</summary>
    public static JsonArray SourceLines(string text)
    {
        var lines = new JsonArray();
        int start = 0;
        for (int i = 0; i < text.Length; i++)
            if (text[i] == '\n') { lines.Add(text[start..(i + 1)]); start = i + 1; }
        if (start < text.Length) lines.Add(text[start..]);
        return lines;
    }

    /// <summary>Writes notebook JSON to <paramref name="path"/> atomically (temporary file, then rename).</summary>
    public static void WriteAtomically(string path, JsonNode root) => AtomicFile.WriteAllText(path, root.ToJsonString(Indented) + "\n");
}
