using System.Net;
using System.Text;
using Xunit;

namespace Candor.Server.Tests.Http;

/// <summary>Malformed bodies thrown at a real collector: never a 5xx, never a crash, and the collector still
/// serves a valid batch afterwards.</summary>
public sealed class FuzzTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    private static IEnumerable<(string Name, byte[] Body, bool Gzip)> Handmade()
    {
        var valid = Encoding.UTF8.GetBytes(Events.Batch(Events.Valid(), Events.Valid()));
        yield return ("empty", [], false);
        yield return ("invalid utf-8", [0x7b, 0xff, 0xfe, 0x7d], false);
        yield return ("lone surrogate escape", Encoding.UTF8.GetBytes("{\"events\":[{\"id\":\"\\ud800\"}]}"), false);
        yield return ("deep nesting", Encoding.UTF8.GetBytes(new string('[', 500_000)), false);
        yield return ("deep objects", Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("{\"a\":", 100_000))), false);
        yield return ("huge string", Encoding.UTF8.GetBytes("{\"events\":[{\"name\":\"" + new string('x', 900_000) + "\"}]}"), false);
        yield return ("huge number", Encoding.UTF8.GetBytes("{\"events\":[{\"seq\":" + new string('9', 900_000) + "}]}"), false);
        yield return ("huge exponent", Encoding.UTF8.GetBytes("{\"events\":[{\"seq\":1e999999999}]}"), false);
        yield return ("wrong types everywhere", Encoding.UTF8.GetBytes("""{"events":[{"id":[],"name":{},"time":1,"seq":"x","product":null,"device":[],"data":"s"}]}"""), false);
        yield return ("null events", Encoding.UTF8.GetBytes("""{"events":null}"""), false);
        yield return ("many empty events", Encoding.UTF8.GetBytes("{\"events\":[" + string.Join(",", Enumerable.Repeat("{}", 1000)) + "]}"), false);
        yield return ("truncated", valid[..(valid.Length / 2)], false);
        yield return ("truncated gzip", TestServer.Gzip(valid)[..40], false);
        yield return ("gzip of garbage", TestServer.Gzip([0xff, 0x00, 0x7b]), true);
        yield return ("gzip of deep nesting", TestServer.Gzip(Encoding.UTF8.GetBytes(new string('[', 5_000_000))), true);
        yield return ("gzip bomb", TestServer.Gzip(new byte[60_000_000]), true);
        yield return ("nul bytes", new byte[1000], false);
        yield return ("bom", [0xef, 0xbb, 0xbf, .. valid], false);
    }

    [Fact]
    public async Task Handmade_malformed_bodies_never_get_a_5xx()
    {
        var tenant = await Server.CreateTenantAsync();
        foreach (var (name, body, gzip) in Handmade())
        {
            var response = await Server.PostBytesAsync(tenant.IngestionKey, body, gzip);
            Assert.True((int)response.StatusCode < 500, $"{name}: {(int)response.StatusCode}");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var problem = await TestServer.JsonAsync(response);
                Assert.False(string.IsNullOrEmpty(problem["code"]?.GetValue<string>()), name);
            }
        }

        Assert.Equal(HttpStatusCode.OK, (await Server.PostAsync(tenant.IngestionKey, Events.Batch(Events.Valid()))).StatusCode);
    }

    [Fact]
    public async Task Random_mutations_of_a_valid_batch_never_get_a_5xx()
    {
        var tenant = await Server.CreateTenantAsync();
        var valid = Encoding.UTF8.GetBytes(Events.Batch(Events.Valid(), Events.Valid(), Events.Valid()));
        // A fixed seed: a failure names the body, and the same bodies come back on the next run.
        var random = new Random(20261129);
        var bodies = Enumerable.Range(0, 150).Select(_ =>
        {
            var body = valid.ToArray();
            for (var edit = random.Next(1, 9); edit > 0 && body.Length > 0; edit--)
            {
                var at = random.Next(body.Length);
                var value = random.Next(256);
                switch (random.Next(4))
                {
                    case 0: body[at] = (byte)value; break;
                    case 1: body[at] = (byte)"{}[]\",:\\0e-"[value % 11]; break;
                    case 2: body = [.. body[..at], .. body[Math.Min(body.Length, at + 1 + (value % 20))..]]; break;
                    default: body = [.. body[..at], .. body[..Math.Min(at, value)], .. body[at..]]; break;
                }
            }

            return body;
        }).ToList();
        var i = 0;
        foreach (var body in bodies)
        {
            var response = await Server.PostBytesAsync(tenant.IngestionKey, body, gzip: i++ % 3 == 0);
            Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode} for {Encoding.UTF8.GetString(body)}");
        }
    }
}
