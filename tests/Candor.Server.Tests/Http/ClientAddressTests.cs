using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Candor.Server.Tests.Http;

public sealed class ClientAddressTests
{
    [Fact]
    public async Task Client_address_appears_in_no_log_line_and_no_stored_event()
    {
        var logs = new ConcurrentQueue<string>();
        await using var server = await TestServer.StartAsync(o =>
        {
            // The production log set-up (the collector's own filters), one level more verbose.
            o.LogLevel = LogLevel.Debug;
            o.ConfigureLogging = logging => logging.AddProvider(new TestServer.ListLoggerProvider(logs));
        });
        var tenant = await server.CreateTenantAsync();
        var clientPorts = new ConcurrentBag<int>();
        using var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                clientPorts.Add(((IPEndPoint)socket.LocalEndPoint!).Port);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        using var http = new HttpClient(handler) { BaseAddress = server.Handle.Address };
        var batch = Events.Batch(Events.Valid(), Events.Valid(data: new JsonObject { ["durationMs"] = 1, ["result"] = "success", ["userRef"] = "a@b.example" }));
        for (var i = 0; i < 3; i++)
        {
            using var content = new StringContent(batch, Encoding.UTF8, "application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/events") { Content = content };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", i == 2 ? "cik_wrong" : tenant.IngestionKey);
            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized);
        }

        Assert.NotEmpty(clientPorts);
        foreach (var port in clientPorts)
        {
            var marker = ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.DoesNotContain(logs, line => line.Contains(marker, StringComparison.Ordinal));
        }

        await foreach (var stored in server.Store.ReadDeviceEventsAsync(tenant.TenantId, Guid.Parse("c3f4a2d1-5b6e-4f70-8a91-b2c3d4e5f607")))
        {
            Assert.DoesNotContain("127.0.0.1", stored.Data + stored.Os + stored.OsVersion + stored.Sdk + stored.Locale, StringComparison.Ordinal);
        }
    }
}
