namespace Candor.Catalog.Linting;

/// <summary>Judges whether a description tells a reader something: the published summary and the catalog
/// browser show these texts to customers, so a placeholder or a restated name is as bad as none.</summary>
internal static class Descriptions
{
    private static readonly HashSet<string> Placeholders = new(StringComparer.Ordinal)
    {
        "tbd", "tba", "todo", "fixme", "xxx", "n/a", "na", "none", "nothing", "placeholder", "description",
        "desc", "test", "testing", "event", "field", "value", "product", "family", "lorem ipsum", "to be defined",
        "to be done", "to be determined", "to be added", "coming soon", "self explanatory", "self-explanatory",
        "see name", "same as name", "as above", "see above", "-", "?", "...",
    };

    private static readonly string[] PlaceholderStarts = ["todo", "tbd", "fixme", "lorem ipsum", "xxx"];

    // Words that add nothing when the rest only repeats the name ("The app session started event.").
    private static readonly HashSet<string> Filler = new(StringComparer.Ordinal)
    {
        "the", "a", "an", "of", "for", "is", "was", "this", "that", "event", "field", "value", "when", "has",
        "been", "it", "its", "in", "on", "to", "and",
    };

    /// <summary>What is wrong with a description, or null when it is fine.</summary>
    /// <param name="text">The description as written.</param>
    /// <param name="name">The name of what it describes; a description made only of its words is filler.</param>
    /// <param name="minWords">Fewer words than this is a one-line filler (events need a sentence, fields a phrase).</param>
    public static string? Problem(string? text, string? name, int minWords)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "is missing";
        }

        var normalized = string.Join(' ', text.Trim().ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .TrimEnd('.', '!', ' ');
        if (normalized.Length == 0 || Placeholders.Contains(normalized) ||
            PlaceholderStarts.Any(p => normalized.StartsWith(p, StringComparison.Ordinal)))
        {
            return $"is a placeholder ('{text.Trim()}')";
        }

        var words = PersonalDataNames.Split(text).Where(w => w.Any(char.IsAsciiLetter)).ToList();
        if (words.Count < minWords)
        {
            return $"has {words.Count} word(s), fewer than the {minWords} a useful description needs";
        }

        if (name is not null)
        {
            var nameWords = PersonalDataNames.Split(name).ToHashSet(StringComparer.Ordinal);
            if (words.All(w => nameWords.Contains(w) || Filler.Contains(w)))
            {
                return $"only repeats the name '{name}'";
            }
        }

        return null;
    }
}
