using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using VideoGan.Notebooks;

namespace VideoGan.Tests.Notebooks;

/// <summary>
/// Every notebook in notebooks/ runs headlessly with its "smoke" parameters and records the values its
/// <see cref="NotebookCase"/> asserts; every notebook is stored clean, with the Polyglot metadata and the common preamble.
/// </summary>
[Collection(NotebookCollection.Name)]
public sealed class NotebookSeriesTests
{
    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var path in Workspace.Notebooks()) data.Add(Path.GetFileName(path));
        return data;
    }

    static string PathOf(string name) => Path.Combine(Workspace.NotebooksDirectory, name);

    [Fact]
    public void The_series_starts_with_the_getting_started_notebook()
    {
        Assert.Equal("00-getting-started.ipynb", Path.GetFileName(Workspace.Notebooks()[0]));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Runs_headlessly_with_its_smoke_parameters(string name)
    {
        Assert.True(NotebookCase.All.TryGetValue(name, out var check),
            $"notebooks/{name} has no test case: add tests/VideoGan.Tests/Notebooks/Cases/<Name>.cs deriving from NotebookCase.");
        var notebook = NotebookFile.Load(PathOf(name));
        Assert.True(notebook.ParameterSet("smoke").Count > 0,
            $"notebooks/{name} has no smoke parameters: add \"videogan\": {{\"parameters\": {{\"smoke\": {{...}}}}}} to its metadata.");

        string output = Path.Combine(Path.GetTempPath(), $"videogan-test-{Guid.NewGuid():N}-{name}");
        try
        {
            var run = await NotebookRunner.RunAsync(PathOf(name), new NotebookRunOptions
            {
                Configuration = "smoke",
                Parameters = check!.ExtraParameters,
                OutputPath = output,
                Timeout = check.Timeout,
            });
            check.Check(run);
            // The executed notebook has outputs and stays a Polyglot notebook.
            var executed = JsonNode.Parse(File.ReadAllText(output))!.AsObject();
            Assert.Contains(executed["cells"]!.AsArray(), c => c!["outputs"] is JsonArray { Count: > 0 });
            Assert.DoesNotContain(NotebookFormat.StorageProblems(executed), p => p.Contains("metadata"));
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Is_stored_without_outputs_and_opens_as_a_CSharp_polyglot_notebook(string name)
    {
        var root = JsonNode.Parse(File.ReadAllText(PathOf(name)))!.AsObject();
        var problems = NotebookFormat.StorageProblems(root);
        Assert.True(problems.Count == 0, $"notebooks/{name}:\n  " + string.Join("\n  ", problems));
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Starts_with_the_common_preamble_and_a_parameters_cell(string name)
    {
        var code = NotebookFile.Load(PathOf(name)).CodeCells();
        Assert.True(code.Count >= 2, $"notebooks/{name} needs at least the preamble and the parameters cell.");
        Assert.Contains("#r \"../lib/VideoGan/bin/VideoGan.dll\"", code[0].Source);
        Assert.Matches(@"var session = NotebookSession\.Start\(seed: \d+\);", code[0].Source);
        Assert.Contains(NotebookRunner.ParametersTag, code[1].Tags);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Pins_nuget_packages_at_the_central_versions(string name)
    {
        var central = XDocument.Load(Path.Combine(Workspace.Root, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!, StringComparer.OrdinalIgnoreCase);
        foreach (var cell in NotebookFile.Load(PathOf(name)).CodeCells())
            foreach (Match m in Regex.Matches(cell.Source, @"#r\s+""nuget:\s*([^,""\s]+)\s*(?:,\s*([^""\s]+))?\s*"""))
            {
                string package = m.Groups[1].Value, version = m.Groups[2].Value;
                Assert.True(central.TryGetValue(package, out var expected), $"notebooks/{name} cell {cell.Number}: {package} is not in Directory.Packages.props.");
                Assert.True(version == expected, $"notebooks/{name} cell {cell.Number}: {package} pinned at '{version}', Directory.Packages.props has {expected}.");
            }
    }
}
