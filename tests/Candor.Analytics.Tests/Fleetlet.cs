using System.Globalization;
using Candor.Core.Model;
using Candor.Storage;

namespace Candor.Analytics.Tests;

/// <summary>Builds hand-written events for the analytics tests: one device's sessions and what happens in them.</summary>
internal sealed class Fleetlet(Guid tenant)
{
    private long _seq;

    public Guid Tenant { get; } = tenant;

    public List<StoredEvent> Events { get; } = [];

    /// <summary>When the collector received the events (the projector reads by it).</summary>
    public DateTimeOffset ReceivedAt { get; set; } = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public Guid Session(Guid device, string product, string version, DateOnly day, double? endedAfterMs = null, string deviceClass = "desktop")
    {
        var session = Guid.NewGuid();
        Add(device, session, product, version, day, "app.session.started", DataCategory.ProductAndServiceUsage, "{}", deviceClass);
        if (endedAfterMs is { } ms)
        {
            Add(device, session, product, version, day, "app.session.ended", DataCategory.ProductAndServiceUsage,
                string.Create(CultureInfo.InvariantCulture, $$"""{"durationMs":{{ms}}}"""), deviceClass);
        }

        return session;
    }

    public void Add(Guid device, Guid session, string product, string version, DateOnly day, string name, DataCategory category, string data,
        string deviceClass = "desktop")
    {
        _seq++;
        Events.Add(new StoredEvent
        {
            TenantId = Tenant,
            EventId = Guid.NewGuid(),
            Name = name,
            Level = DataLevel.Required,
            Category = category,
            Product = product,
            AppVersion = version,
            Sdk = "candor-dotnet/1.0.0",
            SessionId = session,
            DeviceId = device,
            DeviceClass = deviceClass,
            Os = "Windows",
            OsVersion = "11",
            Arch = "x64",
            Locale = "en-GB",
            Seq = _seq,
            Time = new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero).AddSeconds(_seq),
            ReceivedAt = ReceivedAt.AddTicks(_seq * 10),
            Data = data,
        });
    }

    public void Crash(Guid device, Guid session, string product, string version, DateOnly day, string type, string stack) =>
        Add(device, session, product, version, day, "app.crashed", DataCategory.ProductAndServicePerformance,
            $$"""{"exceptionType":"{{type}}","stackSignature":"{{stack}}","hResult":-2147467261}""");

    public void FeatureFailed(Guid device, Guid session, string product, string version, DateOnly day, string feature, string code) =>
        Add(device, session, product, version, day, "app.feature.failed", DataCategory.ProductAndServicePerformance,
            $$"""{"feature":"{{feature}}","errorCode":"{{code}}"}""");

    public void Operation(Guid device, Guid session, string product, string version, DateOnly day, string operation, double ms,
        string deviceClass = "desktop") =>
        Add(device, session, product, version, day, "app.operation.completed", DataCategory.ProductAndServicePerformance,
            string.Create(CultureInfo.InvariantCulture, $$"""{"operation":"{{operation}}","durationMs":{{ms}},"success":true}"""), deviceClass);

    public void Command(Guid device, Guid session, string product, string version, DateOnly day, string command) =>
        Add(device, session, product, version, day, "app.command.invoked", DataCategory.ProductAndServiceUsage,
            $$"""{"commandId":"{{command}}","surface":"ribbon"}""");
}
