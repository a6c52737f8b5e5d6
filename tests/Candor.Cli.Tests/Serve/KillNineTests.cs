using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Candor.Storage.DuckDb;
using Xunit;

namespace Candor.Cli.Tests.Serve;

public sealed class KillNineTests
{
    private const int Batches = 40;
    private const int EventsPerBatch = 50;

    [Fact]
    public async Task Collector_killed_repeatedly_during_ingest_keeps_every_acknowledged_event_exactly_once()
    {
        var data = Path.Combine(Path.GetTempPath(), "candor-kill-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        try
        {
            var created = await CandorProcess.RunAsync(data, "tenant", "create", "Kill Nine", "--family", "dynamics365-clients", "--data", data, "--json");
            Assert.True(created.ExitCode == 0, created.Stderr);
            var tenant = JsonNode.Parse(created.Stdout)!;
            var key = tenant["ingestionKey"]!.GetValue<string>();
            var tenantId = tenant["tenantId"]!.GetValue<Guid>();

            var batches = Enumerable.Range(0, Batches).Select(_ => Batch()).ToList();
            var server = await ServeProcess.StartAsync(data);
            var current = server.Address;
            var acknowledged = 0;
            var kills = 0;
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            var client = Task.Run(async () =>
            {
                foreach (var batch in batches)
                {
                    // The retrying client: the same batch, with the same event ids, until it is acknowledged.
                    while (true)
                    {
                        try
                        {
                            using var content = new ByteArrayContent(batch);
                            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Volatile.Read(ref current), "/v1/events")) { Content = content };
                            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
                            using var response = await http.SendAsync(request);
                            if (response.StatusCode == HttpStatusCode.OK)
                            {
                                var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                                Assert.Empty(body["rejected"]!.AsArray());
                                Interlocked.Increment(ref acknowledged);
                                break;
                            }

                            Assert.True((int)response.StatusCode >= 500, $"unexpected {(int)response.StatusCode}");
                        }
                        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                        {
                        }

                        await Task.Delay(50);
                    }
                }
            });

            var random = new Random(20261129);
            while (!client.IsCompleted && kills < 5)
            {
                await Task.WhenAny(client, Task.Delay(random.Next(300, 1200)));
                if (client.IsCompleted)
                {
                    break;
                }

                await server.KillAsync();
                await server.DisposeAsync();
                kills++;
                server = await ServeProcess.StartAsync(data);
                Volatile.Write(ref current, server.Address);
            }

            await client.WaitAsync(TimeSpan.FromMinutes(5));
            await server.KillAsync();
            await server.DisposeAsync();

            Assert.Equal(Batches, acknowledged);
            Assert.True(kills >= 1, "the collector was never killed during the ingest");
            await using var store = await DuckDbStore.OpenAsync(new DuckDbStoreOptions { DataFolder = data });
            Assert.Equal(Batches * EventsPerBatch, await store.CountAsync(tenantId));
        }
        finally
        {
            try
            {
                Directory.Delete(data, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static byte[] Batch()
    {
        var now = TimeProvider.System.GetUtcNow();
        var events = new JsonArray();
        for (var i = 0; i < EventsPerBatch; i++)
        {
            events.Add(new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(),
                ["name"] = "app.launch.completed",
                ["time"] = now.AddSeconds(-1).ToString("O", CultureInfo.InvariantCulture),
                ["seq"] = i,
                ["product"] = "d365.field-service",
                ["appVersion"] = "9.3.2411.1",
                ["sdk"] = "candor-dotnet/1.0.0",
                ["session"] = Guid.NewGuid().ToString(),
                ["device"] = new JsonObject
                {
                    ["id"] = Guid.NewGuid().ToString(),
                    ["class"] = "mobile",
                    ["os"] = "Android",
                    ["osVersion"] = "14",
                    ["arch"] = "arm64",
                    ["locale"] = "en-GB",
                },
                ["data"] = new JsonObject { ["launchType"] = "cold", ["durationMs"] = 1200 },
            });
        }

        return Encoding.UTF8.GetBytes(new JsonObject { ["events"] = events }.ToJsonString(new JsonSerializerOptions()));
    }
}
