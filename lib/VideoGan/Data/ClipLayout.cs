using System.Text.Json;
using System.Text.Json.Nodes;
using VideoGan.Runtime;

namespace VideoGan.Data;

/// <summary>
/// The order of the axes of a clip array stored in a <c>.npy</c> file. The workspace's convention for clip files:
/// the layout is never guessed from the shape. It comes from the layout side file <c>FILE.npy.layout.json</c> that every
/// clip writer here puts beside its <c>.npy</c> (<see cref="Npy.SaveMovingMnist"/>, <see cref="Npy.SaveClips"/>,
/// <c>videogan data</c>, <c>videogan sample</c>), or from an explicit layout (<c>--layout</c>, a <see cref="ClipLayout"/>
/// argument); without either, only a 5-D array is read (as <see cref="NCTHW"/>) and a 4-D one is refused.
/// </summary>
/// <remarks>Rules in <see cref="Npy.ResolveClipLayout"/>; taught in notebooks/01-data-preparation.ipynb.</remarks>
public enum ClipLayout
{
    /// <summary><c>[N, C, T, H, W]</c>: the workspace's tensor layout (<c>videogan sample</c>, <c>videogan data --kind faces</c>).</summary>
    NCTHW,
    /// <summary><c>[N, T, H, W]</c>: single-channel clips, one clip after another.</summary>
    NTHW,
    /// <summary>
    /// <c>[T, N, H, W]</c>: single-channel clips, frame-major: the canonical Moving MNIST <c>mnist_test_seq.npy</c>
    /// (uint8 (20, 10000, 64, 64)) and what <c>videogan data --kind moving-mnist|digits</c> writes.
    /// </summary>
    TNHW,
}

/// <summary>How the layout of a clip file was decided, and what it holds.</summary>
/// <param name="Path">The <c>.npy</c> file.</param>
/// <param name="Layout">Its axis order.</param>
/// <param name="Source">Where the layout came from (the side file, the labels file, the caller, the 5-D default).</param>
/// <param name="Header">The file's header.</param>
/// <param name="Count">Clips N.</param>
/// <param name="Channels">Channels C.</param>
/// <param name="Frames">Frames per clip T.</param>
/// <param name="Height">Frame height H.</param>
/// <param name="Width">Frame width W.</param>
public sealed record ClipFileInfo(string Path, ClipLayout Layout, string Source, NpyHeader Header,
                                  int Count, int Channels, int Frames, int Height, int Width)
{
    /// <summary>The clips as <c>[N, C, T, H, W]</c>.</summary>
    public long[] Shape => new long[] { Count, Channels, Frames, Height, Width };
}

/// <summary>Names, ranks and the side file of <see cref="ClipLayout"/>.</summary>
public static class ClipLayouts
{
    /// <summary>The value of <c>format</c> in a layout side file.</summary>
    public const string SideFileFormat = "videogan-clip-layout/1";

    /// <summary>The layout side file of <paramref name="npyPath"/>: <c>FILE.npy.layout.json</c>.</summary>
    public static string SideFilePath(string npyPath) => npyPath + ".layout.json";

    /// <summary>The axes as text, e.g. <c>[T, N, H, W]</c>.</summary>
    public static string Axes(this ClipLayout layout) => layout switch
    {
        ClipLayout.NCTHW => "[N, C, T, H, W]",
        ClipLayout.NTHW => "[N, T, H, W]",
        ClipLayout.TNHW => "[T, N, H, W]",
        _ => throw new ArgumentOutOfRangeException(nameof(layout), layout, null),
    };

    /// <summary>Number of array dimensions of the layout.</summary>
    public static int Rank(this ClipLayout layout) => layout == ClipLayout.NCTHW ? 5 : 4;

    /// <summary>The accepted names, for messages.</summary>
    public static string Names => string.Join("|", Enum.GetNames<ClipLayout>());

    /// <summary>Parses a layout name (<c>NCTHW</c>, <c>NTHW</c>, <c>TNHW</c>; case and separators ignored); null stays null.</summary>
    public static ClipLayout? ParseOption(string? text)
    {
        if (text is null) return null;
        var key = new string(text.Where(char.IsLetter).ToArray());
        return Enum.TryParse<ClipLayout>(key, ignoreCase: true, out var l) && Enum.IsDefined(l)
            ? l
            : throw new ArgumentException($"Unknown clip layout '{text}': use {Names} (--layout TNHW for mnist_test_seq.npy).");
    }

    /// <summary>
    /// Writes the side file that records <paramref name="layout"/> for the existing <paramref name="npyPath"/>, with its
    /// dtype and shape (a side file left beside a replaced array is then refused instead of trusted). Atomic.
    /// </summary>
    public static void WriteSideFile(string npyPath, ClipLayout layout)
    {
        var h = Npy.ReadHeader(npyPath);
        if (h.Shape.Length != layout.Rank())
            throw new ArgumentException($"{npyPath}: shape ({string.Join(", ", h.Shape)}) has {h.Shape.Length} dimensions; layout {layout} {layout.Axes()} has {layout.Rank()}.");
        var root = new JsonObject
        {
            ["format"] = SideFileFormat,
            ["layout"] = layout.ToString(),
            ["axes"] = layout.Axes(),
            ["descr"] = h.Descr,
            ["shape"] = new JsonArray(h.Shape.Select(d => (JsonNode)d).ToArray()),
        };
        AtomicFile.WriteAllText(SideFilePath(npyPath), root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The layout recorded in the side file of <paramref name="npyPath"/>, checked against its header; null when there is none.</summary>
    internal static ClipLayout? ReadSideFile(string npyPath, NpyHeader header)
    {
        string side = SideFilePath(npyPath);
        if (!File.Exists(side)) return null;
        ClipLayout layout; string descr; long[] shape;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(side)) as JsonObject ?? throw new InvalidDataException("not a JSON object");
            if ((string?)root["format"] != SideFileFormat) throw new InvalidDataException($"format is not \"{SideFileFormat}\"");
            string name = (string?)root["layout"] ?? throw new InvalidDataException("no \"layout\"");
            layout = Enum.GetNames<ClipLayout>().Contains(name) ? Enum.Parse<ClipLayout>(name) : throw new InvalidDataException($"unknown layout \"{name}\"");
            descr = (string?)root["descr"] ?? throw new InvalidDataException("no \"descr\"");
            shape = (root["shape"] as JsonArray ?? throw new InvalidDataException("no \"shape\" array")).Select(d => (long)d!).ToArray();
        }
        catch (Exception e) when (e is JsonException or InvalidDataException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new InvalidDataException($"{side}: not a valid clip layout file ({e.Message}). Delete it and pass the layout explicitly (--layout {Names}).", e);
        }
        if (descr != header.Descr || !shape.SequenceEqual(header.Shape))
            throw new InvalidDataException($"{side} records '{descr}' ({string.Join(", ", shape)}) but {npyPath} holds '{header.Descr}' ({string.Join(", ", header.Shape)}): " +
                                           "the side file belongs to an earlier array. Delete it and pass the layout explicitly (--layout " + Names + ").");
        return layout;
    }

    /// <summary>
    /// Files written by <see cref="Npy.SaveMovingMnist"/> before the side file existed carry only its labels file; that
    /// writer has only ever written <see cref="ClipLayout.TNHW"/>, so a labels file of that format whose clip count
    /// matches axis 1 records the layout. Anything else records nothing.
    /// </summary>
    internal static ClipLayout? ReadLegacyLabels(string npyPath, NpyHeader header)
    {
        string labels = Npy.LabelsPath(npyPath);
        if (header.Shape.Length != 4 || !File.Exists(labels)) return null;
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(labels)) as JsonObject;
            if ((string?)root?["format"] != "videogan-moving-mnist-labels/1") return null;
            long count = root!["labels"] is JsonArray a ? a.Count : -1;
            return count == header.Shape[1] ? ClipLayout.TNHW : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException) { return null; }
    }
}
