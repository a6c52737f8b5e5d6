using Candor.Server.Access;
using Candor.Storage.Views;

namespace Candor.Server.Console.Views;

/// <summary>Saving and deleting a tenant's console views, with their rules and audit records: one code path for
/// <c>POST</c>/<c>DELETE /v1/analytics/views</c> and the console's views page (permission
/// <see cref="Permission.SaveViews"/>, checked by the caller's route or page). A view is only a link inside
/// <c>/console</c>: it grants nothing, since opening it runs that page's own permission check, and a link that could
/// leave the console (another host, a scheme, a <c>//</c> or <c>\</c>, a dot segment) is refused, so a saved view is
/// never an open redirect. Thread-safe.</summary>
internal static class SavedViews
{
    public const int MaxName = 100;
    public const int MaxLink = 2048;

    /// <summary>The name, trimmed, or null when it is empty, too long or holds control characters.</summary>
    public static string? AcceptName(string? name) =>
        name?.Trim() is { Length: > 0 and <= MaxName } trimmed && !trimmed.Any(char.IsControl) ? trimmed : null;

    /// <summary>Why <paramref name="link"/> cannot be a saved view, or null when it is a path (and query) inside
    /// <c>/console</c>.</summary>
    public static string? LinkRefusal(string? link)
    {
        const string Rule = "A view's link is a path inside the console (starting with /console, up to 2048 characters, no fragment), " +
            "such as /console/failures?kind=crash&range=7d.";
        if (link is null || link.Length > MaxLink || !link.StartsWith("/console", StringComparison.Ordinal)
            || (link.Length > 8 && link[8] is not ('/' or '?'))
            || link.Any(c => char.IsControl(c) || c is '\\' or '#' or ' '))
        {
            return Rule;
        }

        var path = link.Split('?', 2)[0];
        if (path.Contains("//", StringComparison.Ordinal))
        {
            return Rule;
        }

        foreach (var segment in path.Split('/'))
        {
            // Browsers resolve %2e as a dot, and a decoded slash or backslash would make a new segment.
            string decoded;
            try
            {
                decoded = Uri.UnescapeDataString(segment);
            }
            catch (UriFormatException)
            {
                return Rule;
            }

            if (decoded is "." or ".." || decoded.Contains('/', StringComparison.Ordinal) || decoded.Contains('\\', StringComparison.Ordinal))
            {
                return Rule;
            }
        }

        return null;
    }

    /// <summary>Saves a view (name and link already accepted) and audits it as <c>view.saved</c>.</summary>
    public static async Task<(SaveViewOutcome Outcome, SavedView View)> SaveAsync(SavedViewStore store, AuditLog audit, TimeProvider time,
        Principal principal, string name, string link, CancellationToken cancellationToken)
    {
        var view = new SavedView(Guid.CreateVersion7(time.GetUtcNow()), name, link, time.GetUtcNow(), principal.CredentialId.ToString("D"));
        var outcome = await store.SaveAsync(principal.Tenant.Id, view, SavedViewStore.MaxPerTenant, cancellationToken);
        if (outcome == SaveViewOutcome.Saved)
        {
            await audit.RecordAsync(principal, "view.saved", view.Id.ToString("D"), null, view, cancellationToken);
        }

        return (outcome, view);
    }

    /// <summary>What a refused save tells the person: the view limit or the taken name.</summary>
    public static string Refusal(SaveViewOutcome outcome, string name) => outcome == SaveViewOutcome.LimitReached
        ? $"The organisation already has {SavedViewStore.MaxPerTenant} saved views; delete one first."
        : $"A view named '{name}' exists already; choose another name or delete that one.";

    /// <summary>Deletes the tenant's view and audits it as <c>view.deleted</c>; false when the tenant has no such view.</summary>
    public static async Task<bool> DeleteAsync(SavedViewStore store, AuditLog audit, Principal principal, Guid id,
        CancellationToken cancellationToken)
    {
        var before = await store.GetAsync(principal.Tenant.Id, id, cancellationToken);
        if (before is null || !await store.DeleteAsync(principal.Tenant.Id, id, cancellationToken))
        {
            return false;
        }

        await audit.RecordAsync(principal, "view.deleted", id.ToString("D"), before, null, cancellationToken);
        return true;
    }
}
