using System.Text.Json.Nodes;
using VideoGan.Notebooks;

namespace VideoGan.Tests.Notebooks;

/// <summary>nbformat 4.5 cell ids: `videogan notebooks check` (NotebookFormat.StorageProblems) refuses cells without them.</summary>
public class NotebookCellIdTests
{
    static JsonObject Notebook(int minor, params JsonObject[] cells)
    {
        var root = new JsonObject { ["nbformat"] = 4, ["nbformat_minor"] = minor, ["metadata"] = new JsonObject(), ["cells"] = new JsonArray(cells) };
        NotebookFormat.EnsurePolyglotMetadata(root);
        return root;
    }

    static JsonObject Markdown(string? id) => id is null
        ? new JsonObject { ["cell_type"] = "markdown", ["metadata"] = new JsonObject(), ["source"] = "x" }
        : new JsonObject { ["cell_type"] = "markdown", ["id"] = id, ["metadata"] = new JsonObject(), ["source"] = "x" };

    [Fact]
    public void A_4_5_notebook_without_cell_ids_is_refused_and_clean_fixes_it()
    {
        var root = Notebook(5, Markdown(null), Markdown(null));
        var problems = NotebookFormat.StorageProblems(root);
        Assert.Equal(2, problems.Count(p => p.Contains("has no id")));
        NotebookFormat.EnsureCellIds(root, "x");
        Assert.Empty(NotebookFormat.StorageProblems(root));
    }

    [Fact]
    public void Duplicate_and_malformed_ids_are_refused()
    {
        var problems = NotebookFormat.StorageProblems(Notebook(5, Markdown("a1"), Markdown("a1"), Markdown("no spaces")));
        Assert.Contains(problems, p => p.StartsWith("cell 2:") && p.Contains("used by an earlier cell"));
        Assert.Contains(problems, p => p.StartsWith("cell 3:") && p.Contains("[A-Za-z0-9_-]"));
    }

    [Fact]
    public void A_4_4_notebook_needs_no_ids()
    {
        Assert.Empty(NotebookFormat.StorageProblems(Notebook(4, Markdown(null))));
    }
}
