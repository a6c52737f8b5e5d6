using System.Text;
using System.Text.Json.Nodes;
using System.Text.Unicode;
using Candor.Core.Policy;
using Candor.Core.Privacy;
using Candor.Server.Ingestion;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Candor.Server.Tests.Ingestion;

public sealed class BatchReaderPropertyTests
{
    private static readonly CatalogIndex Catalog = new(TestCatalogs.Create());

    private static BatchResult Read(byte[] json) =>
        BatchReader.Read(json, new BatchRules(Catalog, new TenantPolicy(), Guid.NewGuid(), Events.Now, new IngestionLimits(), new PiiGuard()));

    [Property(MaxTest = 300)]
    public bool Any_string_value_is_either_stored_within_its_limit_or_rejected_for_the_field(NonNull<string> text)
    {
        var e = Events.Valid(data: new JsonObject { ["durationMs"] = 1, ["result"] = "success", ["message"] = text.Get });
        var bytes = Encoding.UTF8.GetBytes(Events.Batch(e));
        if (!Utf8.IsValid(bytes))
        {
            return true;
        }

        var result = Read(bytes);
        if (result.Accepted.Count == 1)
        {
            var stored = JsonNode.Parse(result.Accepted[0].Data)!["message"]!.GetValue<string>();
            return stored.Length <= 40 || stored.Contains("[redacted:", StringComparison.Ordinal);
        }

        return result.Rejected.Count == 1 && result.Rejected[0].Code == RejectionCode.InvalidField;
    }

    [Property(MaxTest = 500)]
    public bool Arbitrary_bytes_never_throw(byte[] bytes)
    {
        if (!Utf8.IsValid(bytes))
        {
            return true;
        }

        var result = Read(bytes);
        return result.Error is not null || result.Count >= 0;
    }

    [Property(MaxTest = 300)]
    public Property Truncating_a_valid_batch_anywhere_fails_it_as_a_whole()
    {
        var batch = Encoding.UTF8.GetBytes(Events.Batch(Events.Valid(), Events.Valid()));
        return Prop.ForAll(Gen.Choose(0, batch.Length - 2).ToArbitrary(), cut =>
        {
            var result = Read(batch[..cut]);
            return result.Error is { Status: 400 } && result.Accepted.Count == 0;
        });
    }

    [Property(MaxTest = 200)]
    public bool Replacing_any_data_value_with_any_json_never_throws(NonNull<string> key, int number, bool flag)
    {
        var data = new JsonObject
        {
            ["durationMs"] = number,
            ["result"] = flag ? "success" : key.Get,
            [key.Get] = flag,
        };
        var bytes = Encoding.UTF8.GetBytes(Events.Batch(Events.Valid(data: data)));
        var result = Read(bytes);
        return result.Accepted.Count + result.Rejected.Count == 1;
    }
}
