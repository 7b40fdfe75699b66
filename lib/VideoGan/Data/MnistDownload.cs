using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;

namespace VideoGan.Data;

/// <summary>A file to download: its name under each mirror, its size and its SHA-256 (lower-case hex).</summary>
public sealed record RemoteFile(string Name, long Size, string Sha256);

/// <summary>Where and what <see cref="MnistDownload"/> fetches.</summary>
public sealed record MnistDownloadOptions
{
    /// <summary>Base URLs tried in order (each ends with '/').</summary>
    public IReadOnlyList<string> Mirrors { get; init; } = MnistDownload.DefaultMirrors;
    /// <summary>The files and their checksums.</summary>
    public IReadOnlyList<RemoteFile> Files { get; init; } = MnistDownload.FullMnistFiles;
    /// <summary>Timeout of each HTTP request.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>Progress lines (file, mirror, bytes); null prints nothing.</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>
/// Verified, resumable download of the full MNIST IDX files from public mirrors. A partial file
/// (<c>name.part</c>) is continued with an HTTP Range request; a finished file is renamed into place only after
/// its SHA-256 matches.
/// </summary>
/// <remarks>Taught in notebooks/01-data-preparation.ipynb.</remarks>
public static class MnistDownload
{
    /// <summary>The mirrors torchvision and TensorFlow use (yann.lecun.com no longer serves the files).</summary>
    public static readonly IReadOnlyList<string> DefaultMirrors = new[]
    {
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    };

    /// <summary>The four standard files, with their published sizes and SHA-256 sums.</summary>
    public static readonly IReadOnlyList<RemoteFile> FullMnistFiles = new[]
    {
        new RemoteFile("train-images-idx3-ubyte.gz", 9_912_422, "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"),
        new RemoteFile("train-labels-idx1-ubyte.gz", 28_881, "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"),
        new RemoteFile("t10k-images-idx3-ubyte.gz", 1_648_877, "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"),
        new RemoteFile("t10k-labels-idx1-ubyte.gz", 4_542, "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"),
    };

    /// <summary>The default download folder: <c>data/cache/mnist</c> in the repository (git-ignored).</summary>
    public static string DefaultFolder() => Path.Combine(DataPaths.FindDataDirectory(), "cache", "mnist");

    /// <summary>Downloads every file of <paramref name="options"/> into <paramref name="folder"/>; returns their paths.</summary>
    public static async Task<IReadOnlyList<string>> DownloadAsync(string folder, MnistDownloadOptions? options = null, CancellationToken ct = default)
    {
        options ??= new MnistDownloadOptions();
        Directory.CreateDirectory(folder);
        using var http = new HttpClient { Timeout = options.Timeout };
        var paths = new List<string>();
        foreach (var file in options.Files)
            paths.Add(await DownloadFileAsync(http, folder, file, options, ct).ConfigureAwait(false));
        return paths;
    }

    static async Task<string> DownloadFileAsync(HttpClient http, string folder, RemoteFile file, MnistDownloadOptions options, CancellationToken ct)
    {
        var target = Path.Combine(folder, file.Name);
        if (File.Exists(target))
        {
            if (Sha256Of(target) == file.Sha256) { options.Log?.Invoke($"{file.Name}: present, SHA-256 ok"); return target; }
            options.Log?.Invoke($"{file.Name}: present but SHA-256 differs; downloading again");
            File.Delete(target);
        }
        var part = target + ".part";
        var failures = new List<string>();
        bool allUnreachable = true;
        foreach (var mirror in options.Mirrors)
        {
            var url = mirror.EndsWith('/') ? mirror + file.Name : mirror + "/" + file.Name;
            try
            {
                await FetchIntoPartAsync(http, url, part, file, options, ct).ConfigureAwait(false);
                allUnreachable = false;
                var sha = Sha256Of(part);
                if (sha != file.Sha256)
                {
                    File.Delete(part); // a wrong file cannot be resumed into a right one
                    failures.Add($"{url}: SHA-256 {sha} != expected {file.Sha256} (file deleted)");
                    continue;
                }
                File.Move(part, target, overwrite: true);
                options.Log?.Invoke($"{file.Name}: downloaded from {mirror}, SHA-256 ok");
                return target;
            }
            catch (HttpRequestException e) when (e.StatusCode is null)
            {
                failures.Add($"{url}: {e.Message}");
            }
            catch (HttpRequestException e)
            {
                allUnreachable = false;
                failures.Add($"{url}: HTTP {(int)e.StatusCode!} {e.StatusCode}");
            }
            catch (IOException e) when (!ct.IsCancellationRequested)
            {
                allUnreachable = false;
                failures.Add($"{url}: transfer interrupted ({e.Message}); partial data kept in {part}, run again to resume");
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                failures.Add($"{url}: timed out after {options.Timeout.TotalSeconds:0} s (partial data kept in {part} for resuming)");
            }
        }
        var why = allUnreachable
            ? $"No MNIST mirror could be reached: this machine looks offline. Either copy the standard IDX files into {folder} " +
              "(then MnistDigits.LoadIdx) or use the embedded digits (MnistDigits.LoadEmbedded), which need no network."
            : $"Downloading {file.Name} into {folder} failed on every mirror.";
        throw new IOException($"{why} Tried:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", failures)}");
    }

    static async Task FetchIntoPartAsync(HttpClient http, string url, string part, RemoteFile file, MnistDownloadOptions options, CancellationToken ct)
    {
        long have = File.Exists(part) ? new FileInfo(part).Length : 0;
        if (have > file.Size) { File.Delete(part); have = 0; }
        if (have == file.Size) return; // complete from an earlier run; the caller verifies it
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (have > 0) request.Headers.Range = new RangeHeaderValue(have, null);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable) { File.Delete(part); have = 0; }
        response.EnsureSuccessStatusCode();
        bool resumed = have > 0 && response.StatusCode == HttpStatusCode.PartialContent
                       && response.Content.Headers.ContentRange?.From == have;
        options.Log?.Invoke(resumed ? $"{file.Name}: resuming at byte {have} from {url}" : $"{file.Name}: downloading {url}");
        using var source = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var sink = new FileStream(part, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write);
        await source.CopyToAsync(sink, 1 << 16, ct).ConfigureAwait(false);
    }

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string Sha256Of(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }
}
