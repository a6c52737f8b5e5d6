using System.Net;
using System.Text.Json.Nodes;
using Xunit;

namespace Candor.Server.Tests.Http;

/// <summary>Control and bidirectional formatting characters in envelope strings, sent to a real collector: refused
/// with <c>invalid_envelope</c>, and what is accepted is stored exactly as it was checked.</summary>
public sealed class EnvelopeCharacterTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private TestServer Server => fixture.Server;

    public static TheoryData<string, string> Refused() => new()
    {
        { "sdk", "candor\u0000dotnet" },
        { "os", "Android\r\nINFO forged log line" },
        { "osVersion", "14\u001b[31m" },
        { "arch", "arm\u007f64" },
        { "locale", "en\u0085GB" },
        { "os", "Android\u202Eexe." },
        { "os", "Android\u2066x\u2069" },
        { "osVersion", "14\u200F" },
        { "sdk", "candor\u2028dotnet" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Envelope_string_with_a_control_or_bidi_character_is_rejected_as_invalid_envelope(string property, string value)
    {
        var tenant = await Server.CreateTenantAsync();
        var e = Events.Valid();
        if (property == "sdk")
        {
            e["sdk"] = value;
        }
        else
        {
            ((JsonObject)e["device"]!)[property] = value;
        }

        var response = await Server.PostAsync(tenant.IngestionKey, Events.Batch(Events.Valid(), e));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await TestServer.JsonAsync(response);
        Assert.Equal(1, body["accepted"]!.GetValue<int>());
        var rejected = Assert.Single(body["rejected"]!.AsArray())!;
        Assert.Equal("invalid_envelope", rejected["code"]!.GetValue<string>());
        Assert.Contains("control or bidirectional", rejected["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, await Server.Store.CountAsync(tenant.TenantId));
    }

    [Fact]
    public async Task Accepted_envelope_and_data_strings_are_stored_exactly_as_sent()
    {
        var tenant = await Server.CreateTenantAsync();
        var e = Events.Valid(data: new JsonObject { ["durationMs"] = 5, ["result"] = "success", ["message"] = "tab\there, quote \" é 𝄞" });
        e["sdk"] = "candor-dotnet/1.0.0 (Ünïcödé 𝄞)";
        ((JsonObject)e["device"]!)["os"] = "Windows — Pro";

        var response = await Server.PostAsync(tenant.IngestionKey, Events.Batch(e));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await TestServer.JsonAsync(response))["accepted"]!.GetValue<int>());
        var stored = Assert.Single(await ReadAsync(tenant.TenantId));
        Assert.Equal("candor-dotnet/1.0.0 (Ünïcödé 𝄞)", stored.Sdk);
        Assert.Equal("Windows — Pro", stored.Os);
        Assert.Equal("tab\there, quote \" é 𝄞", JsonNode.Parse(stored.Data)!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Data_string_with_a_nul_is_rejected_as_invalid_field_because_no_store_could_keep_it_as_checked()
    {
        var tenant = await Server.CreateTenantAsync();
        var e = Events.Valid(data: new JsonObject { ["durationMs"] = 5, ["result"] = "success", ["message"] = "candor\u0000dotnet" });

        var response = await Server.PostAsync(tenant.IngestionKey, Events.Batch(e));

        var rejected = Assert.Single((await TestServer.JsonAsync(response))["rejected"]!.AsArray())!;
        Assert.Equal("invalid_field", rejected["code"]!.GetValue<string>());
        Assert.Equal(0, await Server.Store.CountAsync(tenant.TenantId));
    }

    private async Task<List<Storage.StoredEvent>> ReadAsync(Guid tenantId)
    {
        var events = new List<Storage.StoredEvent>();
        await foreach (var stored in Server.Store.ReadTenantEventsAsync(tenantId))
        {
            events.Add(stored);
        }

        return events;
    }
}
