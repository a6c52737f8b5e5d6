using System.Net;
using Candor.Server.Access;
using Candor.Server.Tests.Http;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Candor.Server.Tests.Access;

/// <summary>Failed authentications throttled per source address and per credential prefix, on a real collector
/// (the test client's address is 127.0.0.1) and on the throttle itself.</summary>
public sealed class AuthenticationThrottleTests
{
    private static string Guess() => "cat_" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task Guessing_from_one_address_gets_429_with_retry_after_while_known_tokens_keep_working()
    {
        await using var server = await TestServer.StartAsync(o => o.ThrottleFailuresPerAddress = 5);
        var tenant = await server.CreateTenantAsync();
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Get, "/v1/admin/audit", tenant.AdminToken)).StatusCode);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.SendAsync(HttpMethod.Get, "/v1/admin/audit", Guess())).StatusCode);
        }

        using var throttled = await server.SendAsync(HttpMethod.Get, "/v1/admin/audit", Guess());
        Assert.Equal((HttpStatusCode)429, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), throttled.Headers.RetryAfter?.Delta);
        Assert.Equal("authentication_throttled", (await TestServer.JsonAsync(throttled))["code"]!.GetValue<string>());
        Assert.Equal((HttpStatusCode)429, (await server.PostAsync(Guess(), "[]")).StatusCode); // the ingestion path too
        Assert.Equal((HttpStatusCode)429, (await server.SendAsync(HttpMethod.Get, "/v1/operator/tenants", Guess())).StatusCode);

        // A token this collector has seen valid is no guess, and the operator token is not locked out either.
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Get, "/v1/admin/audit", tenant.AdminToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.SendAsync(HttpMethod.Get, "/v1/operator/tenants", TestServer.OperatorToken)).StatusCode);

        server.Time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.SendAsync(HttpMethod.Get, "/v1/admin/audit", Guess())).StatusCode);
    }

    [Fact]
    public async Task Guessing_the_rest_of_a_known_prefix_gets_429()
    {
        await using var server = await TestServer.StartAsync(o => o.ThrottleFailuresPerPrefix = 3);
        var tenant = await server.CreateTenantAsync();
        var prefix = tenant.AdminToken[..AuthenticationThrottle.PrefixLength];

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await server.SendAsync(HttpMethod.Get, "/v1/admin/audit", prefix + Guess())).StatusCode);
        }

        Assert.Equal((HttpStatusCode)429, (await server.SendAsync(HttpMethod.Get, "/v1/admin/audit", prefix + Guess())).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.SendAsync(HttpMethod.Get, "/v1/admin/audit", Guess())).StatusCode); // other prefixes
    }

    [Fact]
    public void An_enterprise_nat_with_a_few_misconfigured_devices_is_not_throttled_at_the_defaults()
    {
        var time = new FakeTimeProvider();
        var throttle = new AuthenticationThrottle(new AuthenticationThrottleOptions(), time);
        var nat = IPAddress.Parse("203.0.113.7");

        // 50 devices with a revoked key, each retrying every 30 s: 100 failures a minute from one address.
        for (var minute = 0; minute < 10; minute++)
        {
            for (var i = 0; i < 100; i++)
            {
                var key = $"cik_{i % 50:D4}device-revoked";
                Assert.Null(throttle.RetryAfter(nat, key));
                throttle.RecordFailure(nat, key);
            }

            time.Advance(TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public void An_ipv6_guesser_is_counted_by_its_64_not_by_each_address()
    {
        var throttle = new AuthenticationThrottle(new AuthenticationThrottleOptions { FailuresPerAddress = 3 }, new FakeTimeProvider());
        for (var i = 1; i <= 3; i++)
        {
            throttle.RecordFailure(IPAddress.Parse($"2001:db8:1:2::{i}"), Guess());
        }

        Assert.NotNull(throttle.RetryAfter(IPAddress.Parse("2001:db8:1:2:ffff::9"), Guess()));
        Assert.Null(throttle.RetryAfter(IPAddress.Parse("2001:db8:1:3::1"), Guess()));
    }
}
