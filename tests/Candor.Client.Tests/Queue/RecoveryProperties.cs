using System.Text;
using Candor.Client.Diagnostics;
using Candor.Client.Queue;
using Candor.Client.Tests.Infrastructure;
using FsCheck;
using FsCheck.Xunit;

namespace Candor.Client.Tests.Queue;

public sealed class RecoveryProperties
{
    [Property(MaxTest = 60)]
    public bool Recovery_keeps_exactly_the_whole_records_whatever_bytes_follow_them(byte[] garbage, PositiveInt count)
    {
        using var temp = new TempFolder();
        using var diagnostics = new SelfDiagnostics();
        var n = 1 + (count.Get % 20);
        using (var queue = DurableQueue.Open(temp.Sub("q"), 1 << 20, 64 * 1024, diagnostics))
        {
            for (var i = 0; i < n; i++)
            {
                queue.TryAppend("e", seq => Encoding.UTF8.GetBytes("{\"name\":\"e\",\"seq\":" + seq + "}"), out _);
            }

            queue.Commit();
        }

        var segment = Directory.GetFiles(temp.Sub("q"), "seg-*.log").Single();
        using (var stream = new FileStream(segment, FileMode.Append))
        {
            stream.Write(garbage ?? []);
        }

        using var reopened = DurableQueue.Open(temp.Sub("q"), 1 << 20, 64 * 1024, diagnostics);
        var seqs = reopened.Snapshot().Select(e => e.Seq).ToList();
        return seqs.SequenceEqual(Enumerable.Range(1, n).Select(i => (long)i));
    }

    [Property(MaxTest = 300)]
    public bool Policy_parsing_never_throws_whatever_the_collector_sends(string text)
    {
        // Reaching the return is the property: a malformed document is refused without an exception.
        var policy = Candor.Core.Policy.TenantPolicyJson.Read(Encoding.UTF8.GetBytes(text ?? ""), Candor.Core.Policy.TenantPolicyReadOptions.Tolerant);
        return policy is null || policy.Levels is not null;
    }

    [Property]
    public bool Dotted_numbers_of_two_to_four_parts_are_versions_and_nothing_else_is(NonNegativeInt a, NonNegativeInt b, NonNegativeInt c, string other)
    {
        var three = $"{a.Get}.{b.Get}.{c.Get}";
        var ok = Candor.Client.Events.FieldRules.IsVersion(three) && !Candor.Client.Events.FieldRules.IsVersion(a.Get.ToString());
        var text = other ?? "";
        var looksLikeVersion = text.Split('.') is { Length: >= 2 and <= 4 } parts && parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit));
        return ok && Candor.Client.Events.FieldRules.IsVersion(text) == looksLikeVersion;
    }
}
