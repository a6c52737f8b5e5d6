using System.Text;
using Candor.Server.Ingestion;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Candor.Server.Tests.Http;

/// <summary>Malformed framing and clients that go away, against a real collector: a chunk size that overflows is a
/// 400 with one log line and no stack trace; a reset mid-body is a debug line, not a failure.</summary>
public sealed class MalformedTransportTests
{
    public static TheoryData<string> Paths() => ["/v1/events", "/v1/logs"];

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Chunk_size_that_overflows_gets_400_and_one_log_line_without_a_stack_trace(string path)
    {
        await using var server = await TestServer.StartAsync();
        var tenant = await server.CreateTenantAsync();
        using var raw = await RawHttp.ConnectAsync(server.Handle.Address);

        await raw.SendAsync(RawHttp.Head(path, tenant.IngestionKey, "Transfer-Encoding: chunked\r\n") + "5\r\n{\"a\":\r\nFFFFFFFFFFFFFFFFFFFF\r\n");
        var (status, text) = await raw.ReadResponseAsync(TimeSpan.FromSeconds(20));

        Assert.True(status == 400, text);
        Assert.Contains("bad_request", text, StringComparison.Ordinal);
        var logged = server.Logs.ToArray();
        Assert.Single(logged, l => l.Contains("could not be read", StringComparison.Ordinal));
        Assert.DoesNotContain(logged, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal)
            || l.StartsWith("Warning", StringComparison.Ordinal));
        Assert.DoesNotContain(logged, l => l.Contains("   at ", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task Client_that_resets_mid_body_is_logged_at_debug_not_as_a_failure(string path)
    {
        await using var server = await TestServer.StartAsync();
        var tenant = await server.CreateTenantAsync();
        using (var raw = await RawHttp.ConnectAsync(server.Handle.Address))
        {
            await raw.SendAsync(RawHttp.Head(path, tenant.IngestionKey, "Content-Length: 5000\r\n"));
            await raw.SendAsync(Encoding.UTF8.GetBytes(Events.Batch(Events.Valid()))[..100]);
            await WaitUntilAsync(() => server.Handle.Services.GetRequiredService<IngestionAdmission>().InProgressByAddress == 1);
            raw.Reset();
        }

        await WaitUntilAsync(() => server.Logs.Any(l => l.Contains("went away", StringComparison.Ordinal)));
        var logged = server.Logs.ToArray();
        Assert.StartsWith("Debug", Assert.Single(logged, l => l.Contains("went away", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.DoesNotContain(logged, l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Warning", StringComparison.Ordinal)
            || l.StartsWith("Information", StringComparison.Ordinal));
    }

    internal static Task WaitUntilAsync(Func<bool> condition, Func<string>? failure = null) =>
        WaitUntilAsync(() => Task.FromResult(condition()), failure);

    /// <summary>Polls <paramref name="condition"/> every 50 ms for up to 10 s and fails the test with
    /// <paramref name="failure"/> (read once it has failed) if it never held.</summary>
    internal static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string>? failure = null)
    {
        for (var i = 0; i < 200; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.True(await condition(), failure?.Invoke() ?? "The condition did not become true within 10 s.");
    }
}
