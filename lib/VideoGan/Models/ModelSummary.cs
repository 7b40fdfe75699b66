using System.Globalization;
using System.Net;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoGan.Models;

/// <summary>One layer of a <see cref="ModelSummary"/>: its path, type, output shape of the traced call and its own parameters.</summary>
public sealed record LayerSummary(string Name, string Type, long[]? OutputShape, long Parameters)
{
    /// <summary>The output shape as "[2, 64, 8, 14, 14]" ("-" when the layer was not called with one tensor).</summary>
    public string Shape => OutputShape is null ? "-" : "[" + string.Join(", ", OutputShape) + "]";
}

/// <summary>
/// A per-layer table of a network (like torchinfo/Keras summary): every leaf layer in call order with its output shape
/// for a given input and its parameter count. A <see cref="SpectralNorm"/> layer counts as one leaf (its u, v are
/// buffers, not parameters). Renders as text (<see cref="ToString"/>) or an HTML table in notebooks.
/// </summary>
/// <remarks>Taught in notebooks/02-architecture.ipynb.</remarks>
[VideoGan.Visualization.Notebook.TypeFormatterSource(typeof(ModelSummaryFormatterSource))]
public sealed class ModelSummary
{
    ModelSummary(string title, IReadOnlyList<LayerSummary> layers, long total, long[] inputShape, long[] outputShape)
    {
        Title = title; Layers = layers; TotalParameters = total; InputShape = inputShape; OutputShape = outputShape;
    }

    /// <summary>The network's type name.</summary>
    public string Title { get; }
    /// <summary>Leaf layers in call order (layers with parameters that were never called come last, without a shape).</summary>
    public IReadOnlyList<LayerSummary> Layers { get; }
    /// <summary>All trainable parameters of the network (equals the sum over <see cref="Layers"/>).</summary>
    public long TotalParameters { get; }
    /// <summary>Shape of the traced input.</summary>
    public long[] InputShape { get; }
    /// <summary>Shape of the traced output.</summary>
    public long[] OutputShape { get; }

    /// <summary>Runs <paramref name="model"/> once on <paramref name="input"/> (eval mode, no grad; training mode restored) and records every leaf layer.</summary>
    public static ModelSummary Of(nn.Module<Tensor, Tensor> model, Tensor input)
    {
        var leaves = new List<(string Name, nn.Module Module)>();
        Collect(model, "", leaves);
        var calls = new List<(string Name, nn.Module Module, long[] Shape)>();
        var removers = new List<Action>();
        foreach (var (name, m) in leaves)
        {
            if (m is nn.Module<Tensor, Tensor> tm)
            {
                var n = name;
                var h = tm.register_forward_hook((mod, x, y) => { calls.Add((n, mod, y.shape)); return y; });
                removers.Add(h.remove);
            }
        }
        bool wasTraining = model.training;
        long[] outShape;
        try
        {
            model.eval();
            using var scope = torch.NewDisposeScope();
            using (torch.no_grad()) outShape = model.call(input).shape;
        }
        finally
        {
            foreach (var r in removers) r();
            model.train(wasTraining);
        }
        var rows = new List<LayerSummary>();
        var seen = new HashSet<string>();
        foreach (var (n, m, shape) in calls)
        {
            rows.Add(new LayerSummary(n, Describe(m), shape, seen.Add(n) ? OwnParameters(m) : 0));
        }
        foreach (var (n, m) in leaves)
            if (!seen.Contains(n) && OwnParameters(m) > 0) rows.Add(new LayerSummary(n, Describe(m), null, OwnParameters(m)));
        long total = model.parameters().Sum(p => p.numel());
        return new ModelSummary(model.GetType().Name, rows, total, input.shape, outShape);
    }

    static void Collect(nn.Module m, string prefix, List<(string, nn.Module)> leaves)
    {
        var children = m.named_children().ToList();
        if (children.Count == 0 || m is SpectralNorm) { if (prefix.Length > 0) leaves.Add((prefix, m)); return; }
        foreach (var (name, child) in children) Collect(child, prefix.Length == 0 ? name : prefix + "." + name, leaves);
    }

    static long OwnParameters(nn.Module m) => m.parameters().Sum(p => p.numel());

    static string Describe(nn.Module m) => m switch
    {
        SpectralNorm sn => $"SpectralNorm({Describe(sn.Module)})",
        TorchSharp.Modules.Convolution c => $"{m.GetType().Name}({c.in_channels}->{c.out_channels}, k={string.Join("x", c.kernel_size)}, s={string.Join("x", c.stride)})",
        TorchSharp.Modules.Linear l => $"Linear({l.in_features}->{l.out_features})",
        _ => m.GetType().Name,
    };

    /// <summary>A fixed-width text table.</summary>
    public override string ToString()
    {
        int wn = Math.Max(5, Layers.Select(l => l.Name.Length).DefaultIfEmpty(0).Max());
        int wt = Math.Max(4, Layers.Select(l => l.Type.Length).DefaultIfEmpty(0).Max());
        int ws = Math.Max(12, Layers.Select(l => l.Shape.Length).DefaultIfEmpty(0).Max());
        var sb = new StringBuilder();
        sb.AppendLine($"{Title}: input [{string.Join(", ", InputShape)}] -> output [{string.Join(", ", OutputShape)}]");
        sb.AppendLine($"{"layer".PadRight(wn)}  {"type".PadRight(wt)}  {"output shape".PadRight(ws)}  {"params",12}");
        foreach (var l in Layers)
            sb.AppendLine($"{l.Name.PadRight(wn)}  {l.Type.PadRight(wt)}  {l.Shape.PadRight(ws)}  {l.Parameters.ToString("N0", CultureInfo.InvariantCulture),12}");
        sb.Append($"{"total".PadRight(wn + wt + ws + 4)}  {TotalParameters.ToString("N0", CultureInfo.InvariantCulture),12}");
        return sb.ToString();
    }

    /// <summary>An HTML table (what a notebook shows).</summary>
    public string ToHtml()
    {
        var sb = new StringBuilder();
        sb.Append($"<div><b>{WebUtility.HtmlEncode(Title)}</b>: input [{string.Join(", ", InputShape)}] &rarr; output [{string.Join(", ", OutputShape)}]");
        sb.Append("<table><thead><tr><th style='text-align:left'>layer</th><th style='text-align:left'>type</th><th style='text-align:left'>output shape</th><th style='text-align:right'>params</th></tr></thead><tbody>");
        foreach (var l in Layers)
            sb.Append($"<tr><td style='text-align:left'>{WebUtility.HtmlEncode(l.Name)}</td><td style='text-align:left'>{WebUtility.HtmlEncode(l.Type)}</td><td style='text-align:left'>{l.Shape}</td><td style='text-align:right'>{l.Parameters.ToString("N0", CultureInfo.InvariantCulture)}</td></tr>");
        sb.Append($"<tr><td colspan='3' style='text-align:left'><b>total</b></td><td style='text-align:right'><b>{TotalParameters.ToString("N0", CultureInfo.InvariantCulture)}</b></td></tr></tbody></table></div>");
        return sb.ToString();
    }
}

/// <summary>Notebook formatter (by the library's convention) that shows a <see cref="ModelSummary"/> as an HTML table.</summary>
public sealed class ModelSummaryFormatterSource
{
    /// <summary>The formatters.</summary>
    public IEnumerable<object> CreateTypeFormatters() => [new VideoGan.Visualization.Notebook.HtmlFormatter<ModelSummary>(s => s.ToHtml())];
}
