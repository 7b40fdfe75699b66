using System.Globalization;
using System.Reflection;

namespace VideoGan.Cli;

/// <summary>One verb of the <c>videogan</c> command (train, sample, evaluate, report, ...).</summary>
public interface IVerb
{
    /// <summary>The word typed after <c>videogan</c>.</summary>
    string Name { get; }
    /// <summary>One line for the verb list.</summary>
    string Summary { get; }
    /// <summary>The full usage text, with every option.</summary>
    string Usage { get; }
    /// <summary>Runs the verb; returns the process exit code.</summary>
    int Run(ParsedArgs args);
}

/// <summary>Options of the form <c>--name value</c>, <c>--flag</c>, and positional words.</summary>
public sealed class ParsedArgs
{
    readonly Dictionary<string, List<string>> _options = new(StringComparer.Ordinal);
    readonly HashSet<string> _used = new(StringComparer.Ordinal);
    public List<string> Positional { get; } = new();

    public static ParsedArgs Parse(IEnumerable<string> args)
    {
        var parsed = new ParsedArgs();
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            string a = list[i];
            if (a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2)
            {
                string name = a[2..];
                string? value = null;
                int eq = name.IndexOf('=');
                if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
                else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal)) value = list[++i];
                if (!parsed._options.TryGetValue(name, out var values)) parsed._options[name] = values = new List<string>();
                values.Add(value ?? "true");
            }
            else parsed.Positional.Add(a);
        }
        return parsed;
    }

    public bool Has(string name) { _used.Add(name); return _options.ContainsKey(name); }

    public bool Flag(string name) => Has(name) && _options[name][^1] is not ("false" or "0");

    public string? String(string name) { _used.Add(name); return _options.TryGetValue(name, out var v) ? v[^1] : null; }

    public IReadOnlyList<string> Strings(string name) { _used.Add(name); return _options.TryGetValue(name, out var v) ? v : []; }

    public string Required(string name) =>
        String(name) ?? throw new UsageException($"missing required option --{name}");

    public int Int(string name, int fallback)
    {
        string? s = String(name);
        if (s is null) return fallback;
        return int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v)
            ? v : throw new UsageException($"--{name} expects an integer, got '{s}'");
    }

    public double Double(string name, double fallback)
    {
        string? s = String(name);
        if (s is null) return fallback;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
            ? v : throw new UsageException($"--{name} expects a number, got '{s}'");
    }

    /// <summary>Options given but never read by the verb: almost always a typo.</summary>
    public IEnumerable<string> Unused() => _options.Keys.Where(k => !_used.Contains(k));
}

/// <summary>A wrong command line: printed with the verb's usage, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);

public static class CommandLine
{
    public static IReadOnlyList<IVerb> Verbs { get; } = typeof(CommandLine).Assembly.GetTypes()
        .Where(t => typeof(IVerb).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
        .Select(t => (IVerb)Activator.CreateInstance(t)!)
        .OrderBy(v => v.Name, StringComparer.Ordinal)
        .ToList();

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintVerbs(Console.Out);
            return args.Length == 0 ? 2 : 0;
        }
        var verb = Verbs.FirstOrDefault(v => v.Name == args[0]);
        if (verb is null)
        {
            Console.Error.WriteLine($"videogan: unknown verb '{args[0]}'.");
            PrintVerbs(Console.Error);
            return 2;
        }
        var parsed = ParsedArgs.Parse(args.Skip(1));
        if (parsed.Has("help")) { Console.WriteLine(verb.Usage); return 0; }
        try
        {
            int code = verb.Run(parsed);
            foreach (var unused in parsed.Unused())
                Console.Error.WriteLine($"videogan {verb.Name}: warning: option --{unused} was not used (see --help).");
            return code;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"videogan {verb.Name}: {e.Message}\n\n{verb.Usage}");
            return 2;
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException
                                      or DirectoryNotFoundException or InvalidOperationException or IOException)
        {
            Console.Error.WriteLine($"videogan {verb.Name}: error: {e.Message}");
            return 1;
        }
    }

    static void PrintVerbs(TextWriter w)
    {
        w.WriteLine("usage: videogan <verb> [options]     (videogan <verb> --help for a verb's options)\n");
        foreach (var v in Verbs) w.WriteLine($"  {v.Name,-12} {v.Summary}");
    }
}
