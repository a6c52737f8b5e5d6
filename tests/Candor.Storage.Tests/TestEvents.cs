using System.Text.Json.Nodes;
using Candor.Core.Model;
using Xunit;

namespace Candor.Storage.Tests;

/// <summary>Events for the contract tests. Times are whole microseconds, the precision every store keeps.</summary>
internal static class TestEvents
{
    public static readonly DateTimeOffset Base = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    public static StoredEvent Make(Guid tenant, Guid device, int i, DataLevel level = DataLevel.Required,
        DataCategory category = DataCategory.ProductAndServicePerformance, string name = "fieldservice.sync.completed",
        DateTimeOffset? receivedAt = null) => new()
        {
            TenantId = tenant,
            EventId = Guid.NewGuid(),
            Name = name,
            Level = level,
            Category = category,
            Product = "d365.field-service",
            AppVersion = "9.3.2411.1",
            Sdk = "candor-dotnet/1.0.0",
            SessionId = Guid.NewGuid(),
            DeviceId = device,
            DeviceClass = "mobile",
            Os = "Android",
            OsVersion = "14",
            Arch = "arm64",
            Locale = "en-GB",
            Seq = i,
            // 1 second plus an odd number of microseconds apart, so that truncation to milliseconds would show.
            Time = Base.AddTicks(i * 10_000_010L + 1230),
            ReceivedAt = receivedAt ?? Base.AddMinutes(5).AddTicks(i * 10L),
            Data = $$"""{"durationMs":{{1840 + i}},"recordCount":312,"result":"success"}""",
        };

    /// <summary>A version 7 (time-ordered) UUID: 48 bits of Unix milliseconds, then random bits.</summary>
    public static Guid V7(DateTimeOffset at)
    {
        Span<byte> bytes = stackalloc byte[16];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        var ms = at.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            bytes[i] = (byte)(ms >> (8 * (5 - i)));
        }

        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x70);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Events whose ids are version 7 UUIDs made at each event's time, as the SDK makes them.</summary>
    public static List<StoredEvent> ManyTimeOrdered(Guid tenant, Guid device, int count, int first = 0) =>
        Enumerable.Range(first, count).Select(i =>
        {
            var e = Make(tenant, device, i);
            return e with { EventId = V7(e.Time) };
        }).ToList();

    public static List<StoredEvent> Many(Guid tenant, Guid device, int count) =>
        Enumerable.Range(0, count).Select(i => Make(tenant, device, i)).ToList();

    /// <summary>Equal in every column; <c>data</c> as JSON, since a store may keep it in a normalised form
    /// (PostgreSQL's jsonb orders keys and adds spaces).</summary>
    public static void AssertSame(StoredEvent expected, StoredEvent actual)
    {
        Assert.Equal(expected with { Data = "" }, actual with { Data = "" });
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected.Data), JsonNode.Parse(actual.Data)),
            $"data differs: expected {expected.Data}, got {actual.Data}");
    }

    public static void AssertSame(IReadOnlyList<StoredEvent> expected, IReadOnlyList<StoredEvent> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            AssertSame(expected[i], actual[i]);
        }
    }

    public static async Task<List<StoredEvent>> ReadAll(this IEventStore store, Guid tenant, Guid device, EventFilter? filter = null)
    {
        var list = new List<StoredEvent>();
        await foreach (var e in store.ReadDeviceEventsAsync(tenant, device, filter))
        {
            list.Add(e);
        }

        return list;
    }
}
