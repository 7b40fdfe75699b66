namespace VideoGan.Tests.Notebooks;

/// <summary>
/// Notebook tests run one at a time: the in-process kernel captures the process-wide console and the runner switches
/// the working directory to the notebook's folder while it runs.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NotebookCollection
{
    public const string Name = "Notebooks (serial)";
}
