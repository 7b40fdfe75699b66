using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace VideoGan.Tests.Data;

/// <summary>
/// A tiny HTTP file server on 127.0.0.1 for download tests: serves byte arrays by name, honours
/// <c>Range: bytes=N-</c> with 206 Partial Content, and records every request's path and Range header.
/// </summary>
sealed class LoopbackHttpServer : IDisposable
{
    readonly HttpListener _listener = new();
    readonly Dictionary<string, byte[]> _files;
    readonly Task _loop;
    public ConcurrentQueue<(string Path, string? Range, int Status, long BytesSent)> Requests { get; } = new();
    public bool IgnoreRange { get; set; }
    public string BaseUrl { get; }

    public LoopbackHttpServer(Dictionary<string, byte[]> files)
    {
        _files = files;
        int port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}/mnist/";
        _listener.Prefixes.Add(BaseUrl);
        _listener.Start();
        _loop = Task.Run(Serve);
    }

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    async Task Serve()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext ctx;
            try { ctx = await _listener.GetContextAsync(); }
            catch { return; }
            var name = ctx.Request.Url!.AbsolutePath.Split('/').Last();
            var range = ctx.Request.Headers["Range"];
            var resp = ctx.Response;
            try
            {
                if (!_files.TryGetValue(name, out var data))
                {
                    Requests.Enqueue((name, range, 404, 0));
                    resp.StatusCode = 404;
                    resp.Close();
                    continue;
                }
                long from = 0;
                if (!IgnoreRange && range is { } r && r.StartsWith("bytes=") && r.EndsWith("-"))
                    from = long.Parse(r["bytes=".Length..^1]);
                if (from > 0)
                {
                    resp.StatusCode = 206;
                    resp.AddHeader("Content-Range", $"bytes {from}-{data.Length - 1}/{data.Length}");
                }
                resp.ContentLength64 = data.Length - from;
                // Recorded before the body goes out: the client may finish (and the test look) before Close returns.
                Requests.Enqueue((name, range, resp.StatusCode, data.Length - from));
                await resp.OutputStream.WriteAsync(data.AsMemory((int)from));
                resp.Close();
            }
            catch { try { resp.Abort(); } catch { } }
        }
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(2000); } catch { }
    }
}
