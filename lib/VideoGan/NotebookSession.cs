using System.Reflection;
using System.Runtime.Loader;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using VideoGan.Runtime;

namespace VideoGan;

/// <summary>
/// What every notebook's first cell starts: <c>var session = NotebookSession.Start(seed: 42);</c> seeds everything,
/// picks the device, sets the thread count and makes Plotly.NET charts display in the notebook host.
/// <c>session.Record("name", value)</c> records a value that the headless runner (tests, <c>videogan report</c>)
/// collects into the report's metrics.
/// </summary>
/// <remarks>
/// The library does not reference .NET Interactive, so the same calls work in a compiled program, in the tests and in
/// every notebook host. Under the headless runner, <see cref="RecordFileVariable"/> names a JSON file; every
/// <see cref="Record{T}"/> rewrites it atomically (the runner may have loaded another copy of this assembly, so a file
/// is the one channel both copies share). Elsewhere values are only kept in memory (<see cref="Recorded"/>).
/// Taught in <c>notebooks/00-getting-started.ipynb</c>.
/// </remarks>
public sealed class NotebookSession
{
    /// <summary>Environment variable the runner sets to the JSON file that receives recorded values.</summary>
    public const string RecordFileVariable = "VIDEOGAN_NOTEBOOK_RECORD";

    static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    readonly Dictionary<string, JsonNode?> _recorded = new(StringComparer.Ordinal);
    readonly object _gate = new();

    NotebookSession(int seed, torch.Device device, int threads, string? recordFile)
    {
        Seed = seed;
        Device = device;
        Threads = threads;
        RecordFile = recordFile;
    }

    /// <summary>The session the last <see cref="Start"/> created (null before any).</summary>
    public static NotebookSession? Current { get; private set; }

    /// <summary>The seed given to <see cref="Seeding.SeedEverything"/>.</summary>
    public int Seed { get; }

    /// <summary>The device tensors and models should go to (<see cref="TorchRuntime.Device"/>).</summary>
    public torch.Device Device { get; }

    /// <summary>libtorch's intra-op thread count.</summary>
    public int Threads { get; }

    /// <summary>The JSON file recorded values go to, or null when not run by the headless runner.</summary>
    internal string? RecordFile { get; }

    /// <summary>True when the headless runner executes this notebook (tests, <c>videogan report</c>).</summary>
    public bool IsHeadless => RecordFile is not null;

    /// <summary>Every value recorded so far, as JSON.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Recorded
    {
        get { lock (_gate) return new Dictionary<string, JsonNode?>(_recorded.Select(kv => KeyValuePair.Create(kv.Key, kv.Value?.DeepClone()))); }
    }

    /// <summary>
    /// Seeds torch and .NET randomness, chooses the device (<paramref name="device"/>: "auto", "cpu", "cuda", "cuda:N";
    /// default: <see cref="TorchRuntime.DeviceVariable"/> or auto), sets the thread count (default:
    /// <see cref="TorchRuntime.ThreadsVariable"/> or the processor count) and prepares chart display.
    /// </summary>
    public static NotebookSession Start(int seed = 42, string? device = null, int? threads = null)
    {
        TorchSharpAssemblies.EnsureSingle();   // two copies would make tensors of one unusable by the other: fail here, loudly
        TorchNativeFix.Apply();
        ChartDisplay.Prepare();

        if (device is not null) TorchRuntime.Device = TorchRuntime.ParseDevice(device);
        int n = threads
                ?? (int.TryParse(Environment.GetEnvironmentVariable(TorchRuntime.ThreadsVariable), out int env) && env > 0
                    ? env : Environment.ProcessorCount);
        TorchRuntime.SetThreads(n);
        Seeding.SeedEverything(seed);

        string? file = Environment.GetEnvironmentVariable(RecordFileVariable);
        var session = new NotebookSession(seed, TorchRuntime.Device, torch.get_num_threads(), string.IsNullOrWhiteSpace(file) ? null : file);
        session.Record("seed", seed);
        Current = session;
        return session;
    }

    /// <summary>
    /// Records <paramref name="value"/> under <paramref name="name"/> (a later call with the same name replaces it) and
    /// returns it, so a cell can record and show a value at once. Numbers, strings, booleans, arrays/lists of them,
    /// dictionaries, records and one-element tensors are accepted.
    /// </summary>
    public T Record<T>(string name, T value)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A recorded value needs a non-empty name.", nameof(name));
        JsonNode? node = ToJson(name, value);
        lock (_gate)
        {
            _recorded[name] = node;
            if (RecordFile is not null) WriteAtomically(RecordFile, _recorded);
        }
        return value;
    }

    /// <summary>One-line description for the first cell's output.</summary>
    public override string ToString() =>
        $"NotebookSession(seed {Seed}, device {Device}, threads {Threads}{(IsHeadless ? ", headless" : "")})";

    static JsonNode? ToJson(string name, object? value)
    {
        switch (value)
        {
            case null: return null;
            case torch.Tensor t:
                if (t.numel() != 1)
                    throw new ArgumentException($"Record(\"{name}\", tensor): only one-element tensors can be recorded (shape [{string.Join(", ", t.shape)}]); " +
                                                "record a number (t.item<float>()) or an array (t.data<float>().ToArray()).", nameof(value));
                return t.dtype == torch.ScalarType.Bool ? JsonValue.Create(t.item<bool>())
                     : torch.is_integral(t.dtype) ? JsonValue.Create(t.to_type(torch.int64).item<long>())
                     : JsonValue.Create(t.to_type(torch.float64).item<double>());
            case float f: return JsonValue.Create((double)f);
            default:
                try { return JsonSerializer.SerializeToNode(value, value.GetType(), JsonOptions); }
                catch (Exception e) when (e is NotSupportedException or InvalidOperationException or JsonException)
                {
                    throw new ArgumentException($"Record(\"{name}\", {value.GetType().Name}): the value cannot be written as JSON ({e.Message}); " +
                                                "record numbers, strings, booleans, arrays or dictionaries of them.", nameof(value), e);
                }
        }
    }

    static void WriteAtomically(string path, Dictionary<string, JsonNode?> values)
    {
        var obj = new JsonObject();
        foreach (var (k, v) in values) obj[k] = v?.DeepClone();
        AtomicFile.WriteAllText(path, obj.ToJsonString(JsonOptions));
    }
}

/// <summary>
/// Makes Plotly.NET charts work in notebook hosts without a reference to .NET Interactive from the library.
/// </summary>
/// <remarks>
/// Two problems, both measured (see environment.md): Plotly.NET 6 is compiled against FSharp.Core 10.1 while notebook
/// hosts ship FSharp.Core 10.0 (a resolving handler hands out the FSharp.Core already loaded, or the one beside this
/// library), and a kernel that references this DLL by path does not load Plotly.NET.Interactive's formatter (so, when
/// a .NET Interactive formatter is present in the process, an HTML formatter for <c>GenericChart</c> is registered
/// through reflection; it writes Plotly.NET's own chart HTML, which loads plotly.js from its CDN; the report exporter
/// replaces that with an embedded copy).
/// </remarks>
public static class ChartDisplay
{
    static int _resolverInstalled;

    /// <summary>Installs the FSharp.Core resolver and, inside a notebook kernel, the chart formatter. Idempotent.</summary>
    public static void Prepare()
    {
        if (Interlocked.Exchange(ref _resolverInstalled, 1) == 0)
            AssemblyLoadContext.Default.Resolving += ResolveFSharpCore;
        RegisterNotebookFormatter();
    }

    static Assembly? ResolveFSharpCore(AssemblyLoadContext context, AssemblyName name)
    {
        if (name.Name != "FSharp.Core") return null;
        var loaded = AppDomain.CurrentDomain.GetAssemblies()
            .Where(a => a.GetName().Name == "FSharp.Core")
            .OrderByDescending(a => a.GetName().Version)
            .FirstOrDefault();
        if (loaded is not null) return loaded;
        string beside = Path.Combine(Path.GetDirectoryName(typeof(ChartDisplay).Assembly.Location) ?? "", "FSharp.Core.dll");
        return File.Exists(beside) ? context.LoadFromAssemblyPath(beside) : null;
    }

    /// <summary>
    /// Registers the text/html formatters of Plotly.NET's GenericChart and XPlot.Plotly's PlotlyChart with every loaded
    /// Microsoft.DotNet.Interactive.Formatting (none outside notebook hosts). Re-registered on each Start, since a host
    /// may reset its formatters.
    /// </summary>
    static void RegisterNotebookFormatter()
    {
        foreach (var asm in AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name == "Microsoft.DotNet.Interactive.Formatting"))
        {
            var formatter = asm.GetType("Microsoft.DotNet.Interactive.Formatting.Formatter");
            var register = formatter?.GetMethods(BindingFlags.Public | BindingFlags.Static)
                .FirstOrDefault(m => m.Name == "Register" && !m.IsGenericMethod && m.GetParameters() is var p && p.Length == 3
                                     && p[0].ParameterType == typeof(Type) && p[1].ParameterType == typeof(Action<object, TextWriter>));
            if (register is null) continue;
            Action<object, TextWriter> plotly = (chart, writer) => writer.Write(ToHtml((Plotly.NET.GenericChart)chart));
            Action<object, TextWriter> xplot = (chart, writer) => writer.Write(ToHtml((XPlot.Plotly.PlotlyChart)chart));
            register.Invoke(null, [typeof(Plotly.NET.GenericChart), plotly, "text/html"]);
            register.Invoke(null, [typeof(XPlot.Plotly.PlotlyChart), xplot, "text/html"]);
        }
    }

    /// <summary>
    /// The HTML fragment a notebook shows for a chart: a div and a script that draws it with <c>window.Plotly</c> when
    /// the page already has plotly.js (an exported report embeds it once), else loads plotly.js from its CDN, through
    /// require.js where the host uses it (classic Jupyter), else with a script tag (VS Code, JupyterLab).
    /// </summary>
    public static string ToHtml(Plotly.NET.GenericChart chart)
    {
        string id = "videogan-chart-" + Guid.NewGuid().ToString("N");
        string figure = Plotly.NET.GenericChart.toFigureJson(chart).Replace("</", "<\\/"); // keep "</script>" in text from ending the script
        return $"""<div id="{id}" class="videogan-chart" style="width:100%;min-height:450px"></div>""" + "\n" +
               WithPlotly($"var figure = {figure};\nPlotly.newPlot('{id}', figure.data, figure.layout, {{ responsive: true }});");
    }

    /// <summary>The same for an XPlot.Plotly chart: its own div and drawing script, run once plotly.js is there.</summary>
    public static string ToHtml(XPlot.Plotly.PlotlyChart chart)
    {
        string html = chart.GetInlineHtml();
        var script = System.Text.RegularExpressions.Regex.Match(html, @"<script[^>]*>(.*?)</script>", System.Text.RegularExpressions.RegexOptions.Singleline);
        if (!script.Success) return html;
        return html.Remove(script.Index, script.Length) + "\n" + WithPlotly(script.Groups[1].Value);
    }

    /// <summary>A script element that runs <paramref name="drawingCode"/> (which uses <c>Plotly</c>) once plotly.js is loaded.</summary>
    static string WithPlotly(string drawingCode)
    {
        string cdn = $"https://cdn.plot.ly/plotly-{PlotlyJsVersion}.min";
        return $$"""
            <script type="text/javascript">
            (function () {
              var draw = function (Plotly) {
            {{drawingCode}}
              };
              if (window.Plotly) { draw(window.Plotly); return; }
              if (typeof window.requirejs === 'function') {
                window.requirejs.config({ paths: { plotly: '{{cdn}}' } });
                window.requirejs(['plotly'], function (P) { window.Plotly = window.Plotly || P; draw(P); });
                return;
              }
              var s = document.createElement('script');
              s.src = '{{cdn}}.js';
              s.onload = function () { draw(window.Plotly); };
              document.head.appendChild(s);
            })();
            </script>
            """;
    }

    /// <summary>The plotly.js version Plotly.NET embeds (its resource <c>plotly-X.Y.Z.min.js</c>), the one charts load.</summary>
    public static string PlotlyJsVersion { get; } = FindPlotlyJsVersion();

    /// <summary>The plotly.js that Plotly.NET embeds, for pages that must render offline.</summary>
    public static string PlotlyJs()
    {
        var asm = typeof(Plotly.NET.GenericChart).Assembly;
        string name = asm.GetManifestResourceNames().First(n => n.EndsWith($"plotly-{PlotlyJsVersion}.min.js", StringComparison.Ordinal));
        using var reader = new StreamReader(asm.GetManifestResourceStream(name)!);
        return reader.ReadToEnd();
    }

    static string FindPlotlyJsVersion()
    {
        foreach (var name in typeof(Plotly.NET.GenericChart).Assembly.GetManifestResourceNames())
        {
            var m = System.Text.RegularExpressions.Regex.Match(name, @"plotly-(\d+\.\d+\.\d+)\.min\.js$");
            if (m.Success) return m.Groups[1].Value;
        }
        return "2.28.0"; // what Plotly.NET 6.0.0 ships
    }
}
