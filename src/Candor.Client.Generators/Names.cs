using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;

namespace Candor.Client.Generators;

/// <summary>Turns catalog names (dotted, snake_case, camelCase) into C# identifiers and text into XML doc text.</summary>
internal static class Names
{
    /// <summary><c>fieldservice.work_order.status_changed</c> becomes <c>FieldserviceWorkOrderStatusChanged</c>:
    /// every run of letters and digits between separators starts with a capital, camelCase humps are kept. A name
    /// that would start with a digit gets a leading underscore.</summary>
    public static string Pascal(string name)
    {
        var builder = new StringBuilder(name.Length);
        var upper = true;
        foreach (var c in name)
        {
            if (!char.IsLetterOrDigit(c))
            {
                upper = true;
                continue;
            }

            builder.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = false;
        }

        if (builder.Length == 0 || char.IsDigit(builder[0]))
        {
            builder.Insert(0, '_');
        }

        return builder.ToString();
    }

    /// <summary>A parameter name for a camelCase field name, escaped with <c>@</c> when it is a C# keyword.</summary>
    public static string Parameter(string fieldName, ICollection<string> taken)
    {
        var builder = new StringBuilder(fieldName.Length);
        foreach (var c in fieldName)
        {
            if (char.IsLetterOrDigit(c) || c == '_')
            {
                builder.Append(c);
            }
        }

        var name = builder.Length == 0 || char.IsDigit(builder[0]) ? "_" + builder : builder.ToString();
        if (name.Length > 0 && char.IsUpper(name[0]))
        {
            name = char.ToLowerInvariant(name[0]) + name.Substring(1);
        }

        while (taken.Contains(name))
        {
            name += "Value";
        }

        taken.Add(name);
        return SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None || SyntaxFacts.GetContextualKeywordKind(name) != SyntaxKind.None
            ? "@" + name
            : name;
    }

    /// <summary>Text for an XML doc comment: XML-escaped, one line per source line, each continued line prefixed with
    /// <paramref name="indent"/> and <c>///</c>.</summary>
    public static string Xml(string text, string indent)
    {
        var escaped = text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
        return escaped.Replace("\r\n", "\n").Replace("\r", "\n").Replace("\n", "\n" + indent + "/// ");
    }

    /// <summary>A C# string literal.</summary>
    public static string Literal(string text) => SymbolDisplay.FormatLiteral(text, quote: true);
}
