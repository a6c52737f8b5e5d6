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

    /// <summary>After how many acknowledged batches the collector is killed (five kills, spread over the ingest).</summary>
    private static readonly int[] KillPoints = [3, 10, 18, 26, 34];

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

            // Kills at points of the ingest, not after a time: on a quiet machine the 40 batches can all be
            // acknowledged before a timed kill comes (the test once failed that way), on a busy one a time may fall
            // before the first batch. Each kill waits for a count of acknowledgements, then a few milliseconds, so it
            // lands while the client's next batch is on its way or being committed.
            var random = new Random(20261129);
            foreach (var point in KillPoints)
            {
                while (!client.IsCompleted && Volatile.Read(ref acknowledged) < point)
                {
                    await Task.Delay(2);
                }

                if (client.IsCompleted)
                {
                    break;
                }

                await Task.Delay(random.Next(0, 15));
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
            Assert.Equal(KillPoints.Length, kills);
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
