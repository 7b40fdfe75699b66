using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;
using VideoGan.Runtime;

namespace VideoGan.Metrics;

/// <summary>
/// Everything that decides what a real-data statistic means: the network and its weights, the preprocessing, which
/// data (fingerprint and split), how many clips and frames, the resize. Two evaluations are comparable only when their
/// protocols are equal; the cache key is a hash of the whole record, so protocols never mix. Every JSON result embeds it.
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb.</remarks>
public sealed record EvaluationProtocol(
    string Network, string WeightsSha256, bool ComparableWithPublishedFvd, string Preprocessing,
    string DataSet, string DataFingerprint, string Split, long Clips, long Frames, string Resize, int FeatureDim)
{
    /// <summary>The covariance normalisation used by every statistic (as the reference FID/FVD code).</summary>
    public string Covariance { get; init; } = "unbiased sample covariance (N-1)";
    /// <summary>The matrix square root used.</summary>
    public string MatrixSqrt { get; init; } = "exact, float64, via symmetric eigendecompositions of sqrt(S1) S2 sqrt(S1)";
    /// <summary>Format version of cached entries; bump when the computation changes.</summary>
    public int Version { get; init; } = 2;

    /// <summary>The sentence printed beside offline numbers.</summary>
    [JsonIgnore]
    public string Caveat => ComparableWithPublishedFvd
        ? "I3D Kinetics-400 (published FVD protocol); comparable with published FVD only at the same N, frames and data."
        : $"computed with {Network}: offline feature network, NOT comparable with published (I3D) FVD.";

    static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Canonical JSON (property order fixed by the record).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads <see cref="ToJson"/> output.</summary>
    public static EvaluationProtocol FromJson(string json) =>
        JsonSerializer.Deserialize<EvaluationProtocol>(json, Json) ?? throw new InvalidDataException("Empty protocol JSON.");

    /// <summary>Cache key: the first 24 hex digits of SHA-256 of <see cref="ToJson"/>.</summary>
    [JsonIgnore]
    public string Key => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ToJson())))[..24].ToLowerInvariant();
}

/// <summary>Fingerprints of data sets and weights for <see cref="EvaluationProtocol"/>.</summary>
public static class Fingerprint
{
    /// <summary>SHA-256 (hex) of a file's bytes.</summary>
    public static string OfFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Cannot fingerprint '{path}': it does not exist.", path);
        using var fs = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(fs)).ToLowerInvariant();
    }

    /// <summary>SHA-256 (hex) of a text (for example a generator's configuration and seed).</summary>
    public static string OfText(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();

    /// <summary>SHA-256 (hex) of clips quantised to uint8 as stored on disk, with their shape.</summary>
    public static string OfClips(Tensor clips)
    {
        using var scope = torch.NewDisposeScope();
        var q = ((clips.detach().cpu().to(float32) + 1) * 127.5).round().clamp(0, 255).to(ScalarType.Byte).contiguous();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.ASCII.GetBytes(string.Join("x", clips.shape)));
        sha.AppendData(q.bytes);
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }

    /// <summary>SHA-256 (hex) of a module's parameters and buffers, in state_dict order.</summary>
    public static string OfModule(nn.Module module)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, t) in module.state_dict())
        {
            sha.AppendData(Encoding.UTF8.GetBytes(name));
            using var c = t.detach().cpu().contiguous();
            sha.AppendData(c.bytes);
        }
        return Convert.ToHexString(sha.GetHashAndReset()).ToLowerInvariant();
    }
}

/// <summary>
/// Real-data features cached on disk, keyed by <see cref="EvaluationProtocol.Key"/>: <c>KEY.clip.f32</c> (clip
/// features), <c>KEY.frame.stats</c> (frame-feature statistics, when the network has them) and <c>KEY.json</c>
/// (the full protocol, the temporal statistics and the SHA-256 of both data files and of its own fields; written last,
/// so its presence marks a complete entry). Every file is written atomically. On a hit the stored protocol must equal the
/// requested one and every checksum must match, or the entry is refused (an <see cref="InvalidDataException"/>);
/// <see cref="GetOrCompute"/> then warns, naming the file, and recomputes and overwrites the entry.
/// </summary>
/// <remarks>Taught in notebooks/04-evaluation.ipynb.</remarks>
public sealed class RealFeatureCache
{
    /// <summary>
    /// Default directory: VIDEOGAN_CACHE/fvd when set, else <c>data/cache/fvd</c> of the repository containing the current
    /// directory (git-ignored), else <c>data/cache/fvd</c> under the current directory.
    /// </summary>
    public static string DefaultDirectory
    {
        get
        {
            if (Environment.GetEnvironmentVariable("VIDEOGAN_CACHE") is { Length: > 0 } c) return Path.Combine(c, "fvd");
            for (var d = new DirectoryInfo(System.IO.Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "VideoGan.Notebooks.sln"))) return Path.Combine(d.FullName, "data", "cache", "fvd");
            return Path.Combine("data", "cache", "fvd");
        }
    }

    /// <summary>Where entries live.</summary>
    public string Directory { get; }

    public RealFeatureCache(string? directory = null) => Directory = directory ?? DefaultDirectory;

    /// <summary>A cached real-feature set.</summary>
    /// <param name="Protocol">The protocol the entry was computed under.</param>
    /// <param name="ClipFeatures">Clip features <c>[N, d]</c> float64.</param>
    /// <param name="FrameStatistics">Per-frame feature statistics, or null.</param>
    /// <param name="Temporal">Temporal statistics of the real clips.</param>
    /// <param name="FromCache">True when read from disk.</param>
    /// <param name="Probabilities">The network's class probabilities <c>[N, K]</c> of the real clips (the Inception Score's), or null.</param>
    /// <param name="HeadProbabilities">Each single-label head's probabilities <c>[N, K]</c> (class histograms), by head name.</param>
    /// <param name="Pixels">Per-clip speeds and the grey-pixel fraction of the real clips.</param>
    public sealed record Entry(EvaluationProtocol Protocol, Tensor ClipFeatures, GaussianStatistics? FrameStatistics, TemporalStats Temporal, bool FromCache,
                               Tensor? Probabilities, IReadOnlyDictionary<string, Tensor> HeadProbabilities, PixelSummary Pixels)
    {
        /// <summary>What went wrong with the cache on the way (a refused entry that was recomputed); empty normally.</summary>
        public IReadOnlyList<string> Warnings { get; init; } = Array.Empty<string>();
    }

    // The checksums: SHA-256 (hex) of KEY.clip.f32, of KEY.frame.stats (null without frame statistics), of every other data
    // file (probabilities, heads: by file extension), and of this record serialised with MetaSha256 = null (so a
    // hand-edited statistic is caught too).
    sealed record Meta(EvaluationProtocol Protocol, TemporalStats Temporal, bool HasFrameStatistics, DateTime CreatedUtc, bool HasProbabilities,
                       string[] Heads, PixelSummary Pixels, string? ClipFeaturesSha256 = null, string? FrameStatisticsSha256 = null,
                       Dictionary<string, string>? DataSha256 = null, string? MetaSha256 = null)
    {
        public string ComputeMetaSha256() => Fingerprint.OfText(JsonSerializer.Serialize(this with { MetaSha256 = null }));
    }

    static readonly JsonSerializerOptions MetaJson = new() { WriteIndented = true };

    string PathOf(EvaluationProtocol p, string ext) => Path.Combine(Directory, $"{p.Key}.{ext}");

    /// <summary>
    /// The entry for <paramref name="protocol"/>, or null when absent. Throws <see cref="InvalidDataException"/>
    /// (naming the file) when the entry is unreadable, was written under another protocol, has no checksums (written before
    /// they were stored) or a file does not match its checksum.
    /// </summary>
    public Entry? TryLoad(EvaluationProtocol protocol)
    {
        string json = PathOf(protocol, "json");
        if (!File.Exists(json)) return null;
        Meta meta;
        try
        {
            meta = JsonSerializer.Deserialize<Meta>(File.ReadAllText(json)) ?? throw new JsonException("empty");
        }
        catch (JsonException e) { throw Rejected($"Cache entry '{json}' is not readable JSON ({e.Message})."); }
        if (meta.Protocol != protocol)
            throw Rejected($"Cache entry '{json}' was written under a different protocol ({meta.Protocol?.ToJson()}) than requested " +
                                                        $"({protocol.ToJson()}): a hash collision or a hand-edited file.");
        if (meta.MetaSha256 is null || meta.ClipFeaturesSha256 is null || (meta.HasFrameStatistics && meta.FrameStatisticsSha256 is null) || meta.DataSha256 is null)
            throw Rejected($"Cache entry '{json}' has no checksums (written before they were stored), so its numbers cannot be trusted.");
        if (meta.ComputeMetaSha256() != meta.MetaSha256)
            throw Rejected($"Cache entry '{json}' does not match its own checksum (MetaSha256): it was edited after it was written.");
        string clipPath = PathOf(protocol, "clip.f32"), framePath = PathOf(protocol, "frame.stats");
        Verify(clipPath, meta.ClipFeaturesSha256, json);
        if (meta.HasFrameStatistics) Verify(framePath, meta.FrameStatisticsSha256!, json);
        var dataFiles = DataFiles(meta.HasProbabilities, meta.Heads);
        foreach (var ext in dataFiles)
            Verify(PathOf(protocol, ext), meta.DataSha256.TryGetValue(ext, out var sha) ? sha : throw Rejected($"Cache entry '{json}' has no checksum for its '{ext}' file."), json);
        try
        {
            var clip = FeatureMatrixFile.Load(clipPath);
            var frame = meta.HasFrameStatistics ? GaussianStatistics.Load(framePath).Stats : null;
            var probs = meta.HasProbabilities ? FeatureMatrixFile.Load(PathOf(protocol, "probs.f32")) : null;
            var heads = meta.Heads.ToDictionary(h => h, h => FeatureMatrixFile.Load(PathOf(protocol, $"head.{h}.f32")));
            return new Entry(protocol, clip, frame, meta.Temporal, FromCache: true, probs, heads, meta.Pixels);
        }
        catch (InvalidDataException e) { throw Rejected(e.Message); }
    }

    /// <summary>The extensions of an entry's probability files (checksummed like the features).</summary>
    static IEnumerable<string> DataFiles(bool probabilities, IEnumerable<string> heads) =>
        (probabilities ? new[] { "probs.f32" } : Array.Empty<string>()).Concat(heads.Select(h => $"head.{h}.f32"));

    static InvalidDataException Rejected(string message) =>
        new(message + " RealFeatureCache.GetOrCompute recomputes it; or delete the entry's files.");

    static void Verify(string file, string expected, string json)
    {
        if (!File.Exists(file))
            throw Rejected($"Cache file '{file}' named by '{json}' is missing.");
        string actual = Fingerprint.OfFile(file);
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
            throw Rejected($"Cache file '{file}' has SHA-256 {actual}, but '{json}' recorded {expected}: it changed after it was cached.");
    }

    /// <summary>Stores extracted real features under <paramref name="protocol"/>, replacing any entry there.</summary>
    public Entry Store(EvaluationProtocol protocol, ExtractedFeatures real)
    {
        System.IO.Directory.CreateDirectory(Directory);
        // The old json goes first: until the new one is written the entry reads as absent, never as old checksums over new files.
        File.Delete(PathOf(protocol, "json"));
        string clipPath = PathOf(protocol, "clip.f32"), framePath = PathOf(protocol, "frame.stats");
        FeatureMatrixFile.SaveF32(clipPath, real.Features);
        GaussianStatistics? frame = real.FrameFeatures is null ? null : GaussianStatistics.FromFeatures(real.FrameFeatures);
        if (frame is null) File.Delete(framePath);
        frame?.Save(framePath, protocol.ToJson());
        if (real.Probabilities is not null) FeatureMatrixFile.SaveF32(PathOf(protocol, "probs.f32"), real.Probabilities);
        foreach (var (name, p) in real.HeadProbabilities) FeatureMatrixFile.SaveF32(PathOf(protocol, $"head.{name}.f32"), p);
        string[] heads = real.HeadProbabilities.Keys.Order(StringComparer.Ordinal).ToArray();
        var data = DataFiles(real.Probabilities is not null, heads).ToDictionary(ext => ext, ext => Fingerprint.OfFile(PathOf(protocol, ext)));
        var meta = new Meta(protocol, real.Temporal, frame is not null, DateTime.UtcNow, real.Probabilities is not null, heads, real.Pixels,
                            Fingerprint.OfFile(clipPath), frame is null ? null : Fingerprint.OfFile(framePath), data);
        meta = meta with { MetaSha256 = meta.ComputeMetaSha256() };
        AtomicFile.WriteAllText(PathOf(protocol, "json"), JsonSerializer.Serialize(meta, MetaJson));
        // Reload everything from disk so a hit and a miss give bit-identical numbers (float32 storage).
        return TryLoad(protocol)! with { FromCache = false };
    }

    /// <summary>
    /// The cached entry, or extracts the real features with <paramref name="extract"/> and stores them. A refused entry
    /// (<see cref="TryLoad"/>) is reported on standard error and in <see cref="Entry.Warnings"/>, then recomputed and overwritten.
    /// </summary>
    public Entry GetOrCompute(EvaluationProtocol protocol, Func<ExtractedFeatures> extract)
    {
        var warnings = new List<string>();
        try
        {
            if (TryLoad(protocol) is { } hit) return hit;
        }
        catch (InvalidDataException e)
        {
            string w = $"real-feature cache entry refused: {e.Message} Recomputing it.";
            Console.Error.WriteLine("warning: " + w);
            warnings.Add(w);
        }
        using var real = extract();
        if (real.Count != protocol.Clips || real.Features.shape[1] != protocol.FeatureDim)
            throw new InvalidOperationException($"Extracted {real.Count} x {real.Features.shape[1]} real features but the protocol says {protocol.Clips} x {protocol.FeatureDim}: fix the protocol (N, network) before caching.");
        return Store(protocol, real) with { Warnings = warnings };
    }
}
