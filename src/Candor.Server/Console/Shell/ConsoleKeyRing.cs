using System.Xml.Linq;
using Candor.Storage;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Candor.Server.Console.Shell;

/// <summary>The data-protection key ring kept in the store (table <c>console_data_protection_keys</c>, migration 0040
/// of both backends), so that every collector in front of one store signs and reads the same console cookies and
/// anti-forgery tokens. The framework reads the ring when it starts and about once a day after, and writes a key when it
/// makes one (every 90 days), so the blocking calls the synchronous interface asks for cost nothing on a request path.
/// A name written twice (two collectors making a key at once) keeps the first: both keys are valid XML of their own
/// and the ring simply holds the one. Thread-safe.</summary>
internal sealed class ConsoleKeyRing(IAnalyticsStore store, TimeProvider time) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var rows = store.QueryAsync(new SqlStatement("SELECT xml FROM console_data_protection_keys ORDER BY created_at, name"))
            .GetAwaiter().GetResult();
        return [.. rows.Select(r => XElement.Parse((string)r[0]!))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var name = string.IsNullOrEmpty(friendlyName) ? Guid.NewGuid().ToString("D") : friendlyName;
        store.ExecuteAsync(
        [
            new SqlStatement("INSERT INTO console_data_protection_keys (name, xml, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
                name, element.ToString(SaveOptions.DisableFormatting), time.GetUtcNow().UtcDateTime),
        ]).GetAwaiter().GetResult();
    }
}
