using System.Globalization;
using System.Text.Json.Nodes;
using VideoGan.Notebooks;

namespace VideoGan.Tests.Notebooks;

/// <summary>
/// What the test suite asserts about one notebook of notebooks/. To add a notebook: create
/// <c>Cases/NNName.cs</c> with a class deriving from this one (found by reflection; one file per notebook, so
/// branches do not collide), and put its small parameter values in the notebook's metadata
/// <c>"videogan": {"parameters": {"smoke": {"name": "C# literal"}}}</c>: the test and <c>videogan report --config smoke</c>
/// both use that set.
/// </summary>
public abstract class NotebookCase
{
    /// <summary>The file name in notebooks/, for example "00-getting-started.ipynb".</summary>
    public abstract string Notebook { get; }

    /// <summary>Extra overrides on top of the notebook's "smoke" set (rarely needed).</summary>
    public virtual IReadOnlyDictionary<string, string> ExtraParameters => new Dictionary<string, string>();

    /// <summary>Upper bound for one run; a hung cell fails the test instead of the whole CI job.</summary>
    public virtual TimeSpan Timeout => TimeSpan.FromMinutes(5);

    /// <summary>Asserts on the recorded values (and, if useful, the cell outputs).</summary>
    public abstract void Check(NotebookRunResult run);

    // Helpers for Check: read a recorded value with a clear message when it is missing.
    protected static JsonNode Value(NotebookRunResult run, string name) =>
        run.Recorded.TryGetValue(name, out var v) && v is not null
            ? v
            : throw new Xunit.Sdk.XunitException($"{Path.GetFileName(run.NotebookPath)} did not record '{name}' (recorded: {string.Join(", ", run.Recorded.Keys)}).");

    protected static double Number(NotebookRunResult run, string name) => Value(run, name).GetValue<double>();

    protected static string Text(NotebookRunResult run, string name) => Value(run, name).ToString();

    protected static double[] Numbers(NotebookRunResult run, string name) =>
        Value(run, name).AsArray().Select(n => n!.GetValue<double>()).ToArray();

    /// <summary>Every case in this assembly, by notebook file name.</summary>
    public static IReadOnlyDictionary<string, NotebookCase> All { get; } = typeof(NotebookCase).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(NotebookCase)) && !t.IsAbstract)
        .Select(t => (NotebookCase)Activator.CreateInstance(t)!)
        .ToDictionary(c => c.Notebook, StringComparer.Ordinal);

    public override string ToString() => Notebook.ToString(CultureInfo.InvariantCulture);
}
