using System.Net.Sockets;
using System.Text;

namespace Candor.Server.Tests.Http;

/// <summary>HTTP/1.1 written by hand on a TCP connection to the test collector, for what HttpClient will not send: a
/// malformed chunked body, a body trickled in slowly, a connection reset mid-body.</summary>
internal sealed class RawHttp : IDisposable
{
    private readonly TcpClient _tcp = new();
    private NetworkStream? _stream;

    public static async Task<RawHttp> ConnectAsync(Uri server)
    {
        var raw = new RawHttp();
        await raw._tcp.ConnectAsync(server.Host, server.Port);
        raw._stream = raw._tcp.GetStream();
        return raw;
    }

    public static string Head(string path, string key, string headers) =>
        $"POST {path} HTTP/1.1\r\nHost: collector\r\nAuthorization: Bearer {key}\r\nContent-Type: application/json\r\n{headers}\r\n";

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream!.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Sends <paramref name="body"/> in pieces of <paramref name="piece"/> bytes, one every
    /// <paramref name="every"/>, and stops early (without error) when the server closes the connection or answers.</summary>
    public async Task TrickleAsync(byte[] body, int piece, TimeSpan every, CancellationToken stop)
    {
        for (var at = 0; at < body.Length && !stop.IsCancellationRequested; at += piece)
        {
            try
            {
                await _stream!.WriteAsync(body.AsMemory(at, Math.Min(piece, body.Length - at)), stop);
                await Task.Delay(every, stop);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
            {
                return;
            }
        }
    }

    /// <summary>The status code and the whole text of the first response, read until the headers and a body of the
    /// declared length (or the connection's end) have arrived.</summary>
    public async Task<(int Status, string Text)> ReadResponseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        while (true)
        {
            int n;
            try
            {
                n = await _stream!.ReadAsync(buffer, cts.Token);
            }
            catch (IOException)
            {
                n = 0;
            }

            if (n == 0)
            {
                break;
            }

            received.Write(buffer, 0, n);
            var text = Encoding.UTF8.GetString(received.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end > 0 && (text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal)
                || (ContentLength(text[..end]) is { } length && text.Length - end - 4 >= length)))
            {
                break;
            }
        }

        var all = Encoding.UTF8.GetString(received.ToArray());
        return (all.Length >= 12 ? int.Parse(all[9..12], System.Globalization.CultureInfo.InvariantCulture) : 0, all);
    }

    /// <summary>Closes the connection with a reset (RST) rather than an orderly close.</summary>
    public void Reset()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Client.Close();
    }

    public void Dispose() => _tcp.Dispose();

    private static int? ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return int.Parse(line[15..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }
}
