using System.Security.Cryptography;
using Candor.Server.Otlp.Proto;
using Google.Protobuf;
using Google.Protobuf.Collections;

namespace Candor.Server.Otlp;

/// <summary>What one OTLP resource says about the app and the device, read once for all its records with the
/// OpenTelemetry semantic-convention names (docs/otlp.md has the table). Immutable.</summary>
internal sealed class OtlpResource
{
    private OtlpResource()
    {
    }

    /// <summary><c>candor.product</c>, else <c>service.name</c>.</summary>
    public string? Product { get; private init; }

    /// <summary><c>service.version</c>.</summary>
    public string? AppVersion { get; private init; }

    /// <summary><c>telemetry.sdk.name</c>-<c>telemetry.sdk.language</c>/<c>telemetry.sdk.version</c>, as the Candor
    /// SDK writes its own (<c>opentelemetry-dotnet/1.21.0</c>); <c>otlp</c> when the resource names no SDK.</summary>
    public required string Sdk { get; init; }

    /// <summary><c>session.id</c>, else <c>service.instance.id</c> (a random UUID per process run, which is what a
    /// Candor session is), when it is a UUID.</summary>
    public Guid? Session { get; private init; }

    /// <summary><c>app.installation.id</c>, else <c>device.id</c>, when it is a UUID.</summary>
    public Guid? DeviceId { get; private init; }

    public required string Os { get; init; }

    public required string OsVersion { get; init; }

    public required string Arch { get; init; }

    /// <summary>SHA-256 of the resource's protobuf form: part of every derived event id, so that two devices sending
    /// the same record at the same instant still get two ids.</summary>
    public required byte[] Hash { get; init; }

    public static OtlpResource From(Resource? resource)
    {
        var attributes = resource?.Attributes ?? [];
        var sdkName = Text(attributes, "telemetry.sdk.name");
        var sdkLanguage = Text(attributes, "telemetry.sdk.language");
        var sdkVersion = Text(attributes, "telemetry.sdk.version");
        var sdk = sdkName is null ? "otlp"
            : sdkName + (sdkLanguage is null ? "" : "-" + sdkLanguage) + (sdkVersion is null ? "" : "/" + sdkVersion);
        return new OtlpResource
        {
            Product = Text(attributes, "candor.product") ?? Text(attributes, "service.name"),
            AppVersion = Text(attributes, "service.version"),
            Sdk = sdk,
            Session = Uuid(attributes, "session.id") ?? Uuid(attributes, "service.instance.id"),
            DeviceId = Uuid(attributes, "app.installation.id") ?? Uuid(attributes, "device.id"),
            Os = OsName(Text(attributes, "os.name"), Text(attributes, "os.type")),
            OsVersion = Text(attributes, "os.version") ?? Unknown,
            Arch = ArchName(Text(attributes, "host.arch")),
            Hash = SHA256.HashData(resource?.ToByteArray() ?? []),
        };
    }

    /// <summary>The value of a descriptive envelope string the resource does not give.</summary>
    public const string Unknown = "unknown";

    /// <summary>A string attribute's value, the first when the key repeats; null when absent, empty or not a string.</summary>
    public static string? Text(RepeatedField<KeyValue> attributes, string key)
    {
        foreach (var kv in attributes)
        {
            if (kv.Key == key)
            {
                return kv.Value is { ValueCase: AnyValue.ValueOneofCase.StringValue, StringValue: { Length: > 0 } s } ? s : null;
            }
        }

        return null;
    }

    public static Guid? Uuid(RepeatedField<KeyValue> attributes, string key) =>
        Guid.TryParse(Text(attributes, key), out var id) ? id : null;

    /// <summary>The OS as the Candor SDK names it (<c>Windows</c>, <c>macOS</c>, <c>Linux</c>): <c>os.name</c> when given,
    /// else the <c>os.type</c> value translated.</summary>
    private static string OsName(string? name, string? type) => name ?? type switch
    {
        null => Unknown,
        "windows" => "Windows",
        "darwin" => "macOS",
        "linux" => "Linux",
        _ => type,
    };

    /// <summary>The architecture as the Candor SDK names it (.NET's <c>x64</c>, <c>arm64</c>...) from the
    /// semantic-convention values (<c>amd64</c>, <c>arm32</c>...).</summary>
    private static string ArchName(string? arch) => arch switch
    {
        null => Unknown,
        "amd64" => "x64",
        "arm32" => "arm",
        _ => arch,
    };
}
