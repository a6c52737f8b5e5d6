using System.Net.Sockets;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace Candor.Server.Tests.Http;

public sealed class MalformedTransportTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Probe()
    {
        await using var server = await TestServer.StartAsync();
        var tenant = await server.CreateTenantAsync();
        var bodyStart = Encoding.UTF8.GetBytes(Events.Batch(Events.Valid()));
        foreach (var chunk in new[] { "FFFFFFFFFFFFFFFFFFFF\r\n", "zz\r\n" })
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(server.Handle.Address.Host, server.Handle.Address.Port);
            var stream = tcp.GetStream();
            var head = $"POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {tenant.IngestionKey}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{{\"a\":\r\n{chunk}";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            var buffer = new byte[4096];
            var n = await stream.ReadAsync(buffer);
            output.WriteLine(Encoding.ASCII.GetString(buffer, 0, n));
        }

        using (var tcp = new TcpClient())
        {
            await tcp.ConnectAsync(server.Handle.Address.Host, server.Handle.Address.Port);
            var stream = tcp.GetStream();
            var head = $"POST /v1/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {tenant.IngestionKey}\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
            await stream.WriteAsync(bodyStart.AsMemory(0, 50));
            await Task.Delay(300);
            tcp.Client.LingerState = new LingerOption(true, 0);
            tcp.Client.Close();
        }

        await Task.Delay(1000);
        foreach (var line in server.Logs)
        {
            if (!line.StartsWith("Trace", StringComparison.Ordinal))
            {
                output.WriteLine(line);
            }
        }
    }
}
