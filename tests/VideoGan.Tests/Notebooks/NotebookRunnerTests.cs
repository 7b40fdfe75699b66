using System.Text.Json.Nodes;
using VideoGan;
using VideoGan.Notebooks;

namespace VideoGan.Tests.Notebooks;

/// <summary>The headless runner itself: failures are reported with notebook, cell and message; parameters are injected.</summary>
[Collection(NotebookCollection.Name)]
public sealed class NotebookRunnerTests : IDisposable
{
    static readonly string Failing = Path.Combine(Workspace.Root, "tests", "VideoGan.Tests", "Notebooks", "Fixtures", "failing.ipynb");
    readonly string _temp = Directory.CreateTempSubdirectory("videogan-runner-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public async Task A_throwing_cell_stops_the_run_and_names_notebook_cell_and_message()
    {
        string output = Path.Combine(_temp, "failing.executed.ipynb");
        var e = await Assert.ThrowsAsync<NotebookExecutionException>(() =>
            NotebookRunner.RunAsync(Failing, new NotebookRunOptions { OutputPath = output }));

        Assert.Equal(Failing, e.NotebookPath);
        Assert.Equal(6, e.CellNumber);        // file position, markdown cells counted
        Assert.Equal(4, e.CodeCellNumber);
        Assert.Contains("deliberate failure 4711", e.Error);
        Assert.Contains("failing.ipynb: cell 6", e.Message);
        Assert.Contains("deliberate failure 4711", e.Message);

        // The outputs up to the failure are kept: stdout of cell 4, the error of cell 6, nothing for cell 7.
        var cells = JsonNode.Parse(File.ReadAllText(output))!["cells"]!.AsArray();
        Assert.Contains("before the failure", cells[3]!["outputs"]!.ToJsonString());
        Assert.Equal("error", (string?)cells[5]!["outputs"]![0]!["output_type"]);
        Assert.Empty(cells[6]!["outputs"]!.AsArray());
    }

    [Fact]
    public async Task A_compile_error_is_reported_with_the_compiler_message()
    {
        string nb = CopyFixtureWith("failWith", "\"compile\"", replaceCode: ("session.Record(\"after\", marker + 1);", "session.Record(\"after\", noSuchVariable);"));
        var e = await Assert.ThrowsAsync<NotebookExecutionException>(() => NotebookRunner.RunAsync(nb));
        Assert.Equal(7, e.CellNumber);
        Assert.Contains("CS0103", e.Error);
        Assert.Contains("noSuchVariable", e.Error);
    }

    [Fact]
    public async Task The_log_gets_each_cells_own_output_lines_while_it_runs_and_no_record_file_is_left()
    {
        string output = Path.Combine(_temp, "logged.ipynb");
        var log = new StringWriter();
        await NotebookRunner.RunAsync(Failing, new NotebookRunOptions
        {
            Parameters = new Dictionary<string, string> { ["failWith"] = "\"none\"" },
            OutputPath = output,
            Log = log,
        });
        string text = log.ToString();
        Assert.Contains("[failing.ipynb] cell 4 ...", text);
        Assert.Contains("[failing.ipynb] cell 4 | before the failure", text);   // the cell's stdout, passed through
        Assert.Equal(new[] { "logged.ipynb" }, Directory.GetFiles(_temp).Select(Path.GetFileName).ToArray());   // the record file is gone
    }

    [Fact]
    public async Task Parameters_are_injected_after_the_parameters_cell_and_values_are_recorded()
    {
        string output = Path.Combine(_temp, "passing.ipynb");
        var run = await NotebookRunner.RunAsync(Failing, new NotebookRunOptions
        {
            Parameters = new Dictionary<string, string> { ["failWith"] = "\"none\"", ["marker"] = "41" },
            OutputPath = output,
        });

        Assert.Equal(7, run.Recorded["seed"]!.GetValue<int>());
        Assert.Equal(41, run.Recorded["before"]!.GetValue<int>());
        Assert.True(run.Recorded["passed_failing_cell"]!.GetValue<bool>());
        Assert.Equal(42, run.Recorded["after"]!.GetValue<int>());
        // The notebook's #r "../lib/VideoGan/bin/VideoGan.dll" binds to the copy this process already loaded (same
        // identity), so there is one VideoGan, one TorchSharp and one libtorch in the process.
        Assert.Equal(typeof(NotebookSession).Assembly.Location, (string?)run.Recorded["library"]);
        Assert.Contains(run.Cells, c => c.Injected && c.Code.Contains("marker = 41;"));
        Assert.Equal("before the failure\n", run.Cells.Single(c => c.CellNumber == 4).StandardOutput);

        // The executed notebook has the injected cell right after the parameters cell, outputs and Polyglot metadata.
        var root = JsonNode.Parse(File.ReadAllText(output))!.AsObject();
        var cells = root["cells"]!.AsArray();
        Assert.Equal(8, cells.Count);
        Assert.Contains("injected-parameters", cells[3]!["metadata"]!["tags"]!.ToJsonString());
        Assert.Equal("csharp", (string?)root["metadata"]!["polyglot_notebook"]!["kernelInfo"]!["defaultKernelName"]);
        Assert.All(cells.Where(c => (string?)c!["cell_type"] == "code"), c => Assert.NotNull(c!["execution_count"]));
    }

    [Fact]
    public async Task An_unknown_parameter_is_refused_before_anything_runs()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => NotebookRunner.RunAsync(Failing, new NotebookRunOptions
        {
            Parameters = new Dictionary<string, string> { ["marekr"] = "1" },
        }));
        Assert.Contains("marekr", e.Message);
        Assert.Contains("failWith", e.Message);   // lists what is declared
    }

    /// <summary>An edited copy of the failing fixture in the temporary folder, referencing the library by absolute path.</summary>
    string CopyFixtureWith(string parameter, string value, (string from, string to) replaceCode)
    {
        string library = Path.Combine(Workspace.Root, "lib", "VideoGan", "bin", "VideoGan.dll");
        string text = File.ReadAllText(Failing)
            .Replace("../../../../lib/VideoGan/bin/VideoGan.dll", library)
            .Replace($"var {parameter} = \\\"exception\\\"", $"var {parameter} = {value.Replace("\"", "\\\"")}")
            .Replace(replaceCode.from.Replace("\"", "\\\""), replaceCode.to.Replace("\"", "\\\""));
        string path = Path.Combine(_temp, "failing-copy.ipynb");
        File.WriteAllText(path, text);
        return path;
    }
}
