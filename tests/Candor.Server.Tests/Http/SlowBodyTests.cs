using System.Diagnostics;
using System.Net;
using System.Text;
using Candor.Server.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Candor.Server.Tests.Http;

/// <summary>Bodies sent slowly and requests held open, against a real collector: a body deadline and a minimum data
/// rate end a trickle with 408, and the per-key and per-address bounds answer 429 with Retry-After.</summary>
public sealed class SlowBodyTests
{
    [Fact]
    public async Task Body_trickled_at_400_bytes_a_second_is_cut_at_the_body_deadline_with_408()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxBodySeconds = 2);
        var tenant = await server.CreateTenantAsync();
        var body = Encoding.UTF8.GetBytes(Events.Batch([.. Enumerable.Range(0, 20).Select(_ => Events.Valid())]));
        var (status, text, elapsed) = await TrickleAt400BytesASecondAsync(server, tenant.IngestionKey, body);

        Assert.True(status == 408, $"{status} after {elapsed}: {text}");
        Assert.Contains("body_timeout", text, StringComparison.Ordinal);
        // The whole body would take over 20 s at this rate; the answer comes soon after the 2 s deadline (a loaded
        // machine may delay it by some seconds, never by the body's remaining time).
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(body.Length / 400.0 / 2));
        Assert.Equal(0, await server.Store.CountAsync(tenant.TenantId));
    }

    [Fact]
    public async Task Body_slower_than_the_minimum_data_rate_gets_408_before_the_deadline()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.MaxBodySeconds = 600;
            o.MinBodyBytesPerSecond = 2_000;
        });
        var tenant = await server.CreateTenantAsync();
        var body = Encoding.UTF8.GetBytes(Events.Batch([.. Enumerable.Range(0, 10).Select(_ => Events.Valid())]));
        var (status, text, elapsed) = await TrickleAt400BytesASecondAsync(server, tenant.IngestionKey, body);

        Assert.True(status == 408, $"{status} after {elapsed}: {text}");
        Assert.True(elapsed < TimeSpan.FromSeconds(body.Length / 400.0 - 1), $"answered after {elapsed}, the whole body takes {body.Length / 400.0} s");
        Assert.Equal(0, await server.Store.CountAsync(tenant.TenantId));
    }

    [Fact]
    public async Task Requests_over_the_per_key_bound_get_429_with_retry_after_until_one_ends()
    {
        await using var server = await TestServer.StartAsync(o =>
        {
            o.MaxConcurrentRequestsPerKey = 2;
            o.MaxConcurrentRequestsPerAddress = 0;
        });
        var tenant = await server.CreateTenantAsync();
        var other = await server.CreateTenantAsync();
        var held = await HoldAsync(server, tenant.IngestionKey, 2);

        var refused = await server.PostAsync(tenant.IngestionKey, Events.Batch(Events.Valid()));
        var otherKey = await server.PostAsync(other.IngestionKey, Events.Batch(Events.Valid()));

        await AssertRefusedAsync(refused);
        Assert.Equal(HttpStatusCode.OK, otherKey.StatusCode);
        held[0].Reset();
        await MalformedTransportTests.WaitUntilAsync(() => server.Handle.Services.GetRequiredService<IngestionAdmission>().InProgressByKey == 1);
        Assert.Equal(HttpStatusCode.OK, (await server.PostAsync(tenant.IngestionKey, Events.Batch(Events.Valid()))).StatusCode);
        foreach (var h in held)
        {
            h.Dispose();
        }
    }

    [Fact]
    public async Task Requests_over_the_per_address_bound_get_429_whatever_their_key()
    {
        await using var server = await TestServer.StartAsync(o => o.MaxConcurrentRequestsPerAddress = 2);
        var first = await server.CreateTenantAsync();
        var second = await server.CreateTenantAsync();
        var held = new List<RawHttp>();
        held.AddRange(await HoldAsync(server, first.IngestionKey, 1));
        held.AddRange(await HoldAsync(server, second.IngestionKey, 1));

        await AssertRefusedAsync(await server.PostAsync(second.IngestionKey, Events.Batch(Events.Valid())));
        using var logs = new HttpRequestMessage(HttpMethod.Post, "/v1/logs") { Content = new StringContent("{}", Encoding.UTF8, "application/json") };
        logs.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", first.IngestionKey);
        var otlp = await server.Http.SendAsync(logs);
        Assert.Equal(HttpStatusCode.TooManyRequests, otlp.StatusCode);
        Assert.NotNull(otlp.Headers.RetryAfter);

        foreach (var h in held)
        {
            h.Reset();
            h.Dispose();
        }

        await MalformedTransportTests.WaitUntilAsync(() => server.Handle.Services.GetRequiredService<IngestionAdmission>().InProgressByAddress == 0);
        Assert.Equal(HttpStatusCode.OK, (await server.PostAsync(first.IngestionKey, Events.Batch(Events.Valid()))).StatusCode);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::")]
    public void Addresses_are_counted_by_ipv4_address_or_ipv6_slash_64(string address, string bucket) =>
        Assert.Equal(IPAddress.Parse(bucket), IngestionAdmission.Bucket(IPAddress.Parse(address)));

    /// <summary>Sends the headers, then the body 40 bytes every 100 ms, until the collector answers.</summary>
    private static async Task<(int Status, string Text, TimeSpan Elapsed)> TrickleAt400BytesASecondAsync(TestServer server, string key, byte[] body)
    {
        using var raw = await RawHttp.ConnectAsync(server.Handle.Address);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        var clock = Stopwatch.StartNew();
        await raw.SendAsync(RawHttp.Head("/v1/events", key, $"Content-Length: {body.Length}\r\n"));
        var trickle = raw.TrickleAsync(body, 40, TimeSpan.FromMilliseconds(100), stop.Token);
        var (status, text) = await raw.ReadResponseAsync(TimeSpan.FromSeconds(35));
        var elapsed = clock.Elapsed;
        await stop.CancelAsync();
        await trickle;
        return (status, text, elapsed);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal("too_many_concurrent_requests", (await TestServer.JsonAsync(response))["code"]!.GetValue<string>());
    }

    /// <summary>Opens <paramref name="count"/> requests whose body never finishes, and waits until the collector
    /// counts them in progress.</summary>
    private static async Task<List<RawHttp>> HoldAsync(TestServer server, string key, int count)
    {
        var admission = server.Handle.Services.GetRequiredService<IngestionAdmission>();
        var before = admission.InProgressByKey;
        var held = new List<RawHttp>();
        for (var i = 0; i < count; i++)
        {
            var raw = await RawHttp.ConnectAsync(server.Handle.Address);
            await raw.SendAsync(RawHttp.Head("/v1/events", key, "Content-Length: 100000\r\n") + "{\"events\":[");
            held.Add(raw);
        }

        await MalformedTransportTests.WaitUntilAsync(() => admission.InProgressByKey == before + count);
        return held;
    }
}
