using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Candor.Client.Generators;

/// <summary>The kind of a parsed JSON value.</summary>
internal enum JsonKind
{
    Null,
    Bool,
    Number,
    String,
    Array,
    Object,
}

/// <summary>A JSON value with the position it starts at, so that errors about it can point into the file.</summary>
internal sealed class JsonNode
{
    public JsonNode(JsonKind kind, int offset, int line, int column)
    {
        Kind = kind;
        Offset = offset;
        Line = line;
        Column = column;
    }

    public JsonKind Kind { get; }

    public int Offset { get; }

    /// <summary>Zero-based line.</summary>
    public int Line { get; }

    /// <summary>Zero-based column.</summary>
    public int Column { get; }

    public string Text { get; set; } = "";

    public bool Bool { get; set; }

    public List<JsonNode> Items { get; } = new List<JsonNode>();

    public List<KeyValuePair<string, JsonNode>> Properties { get; } = new List<KeyValuePair<string, JsonNode>>();

    public JsonNode? Get(string name)
    {
        foreach (var p in Properties)
        {
            if (string.Equals(p.Key, name, StringComparison.Ordinal))
            {
                return p.Value;
            }
        }

        return null;
    }
}

/// <summary>Malformed JSON, at a zero-based line and column.</summary>
internal sealed class JsonSyntaxException : Exception
{
    public JsonSyntaxException(string message, int offset, int line, int column)
        : base(message)
    {
        Offset = offset;
        Line = line;
        Column = column;
    }

    public int Offset { get; }

    public int Line { get; }

    public int Column { get; }
}

/// <summary>A strict RFC 8259 reader that keeps line and column of every value. System.Text.Json is not reliably
/// loadable inside every compiler host, and a catalog is small, so a tree is fine.</summary>
internal sealed class MiniJsonReader
{
    private const int MaxDepth = 64;
    private readonly string _text;
    private int _pos;
    private int _line;
    private int _lineStart;

    private MiniJsonReader(string text) => _text = text;

    public static JsonNode Parse(string text)
    {
        var reader = new MiniJsonReader(text);
        reader.SkipWhitespace();
        var value = reader.ReadValue(0);
        reader.SkipWhitespace();
        if (reader._pos < text.Length)
        {
            throw reader.Error("unexpected text after the end of the JSON value");
        }

        return value;
    }

    private JsonSyntaxException Error(string message) => new JsonSyntaxException(message, _pos, _line, _pos - _lineStart);

    private void SkipWhitespace()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == '\n')
            {
                _pos++;
                _line++;
                _lineStart = _pos;
            }
            else if (c == ' ' || c == '\t' || c == '\r')
            {
                _pos++;
            }
            else
            {
                return;
            }
        }
    }

    private JsonNode ReadValue(int depth)
    {
        if (depth > MaxDepth)
        {
            throw Error("the JSON is nested too deeply");
        }

        if (_pos >= _text.Length)
        {
            throw Error("unexpected end of the file, a value was expected");
        }

        var c = _text[_pos];
        switch (c)
        {
            case '{':
                return ReadObject(depth);
            case '[':
                return ReadArray(depth);
            case '"':
            {
                var node = New(JsonKind.String);
                node.Text = ReadString();
                return node;
            }

            case 't':
                return ReadLiteral("true", JsonKind.Bool, true);
            case 'f':
                return ReadLiteral("false", JsonKind.Bool, false);
            case 'n':
                return ReadLiteral("null", JsonKind.Null, false);
            default:
                if (c == '-' || (c >= '0' && c <= '9'))
                {
                    return ReadNumber();
                }

                throw Error("unexpected character '" + c + "', a value was expected");
        }
    }

    private JsonNode New(JsonKind kind) => new JsonNode(kind, _pos, _line, _pos - _lineStart);

    private JsonNode ReadLiteral(string literal, JsonKind kind, bool value)
    {
        if (string.CompareOrdinal(_text, _pos, literal, 0, literal.Length) != 0)
        {
            throw Error("invalid literal, expected '" + literal + "'");
        }

        var node = New(kind);
        node.Bool = value;
        _pos += literal.Length;
        return node;
    }

    private JsonNode ReadNumber()
    {
        var node = New(JsonKind.Number);
        var start = _pos;
        if (_text[_pos] == '-')
        {
            _pos++;
        }

        var digits = ReadDigits();
        if (digits == 0)
        {
            throw Error("invalid number");
        }

        if (_pos < _text.Length && _text[_pos] == '.')
        {
            _pos++;
            if (ReadDigits() == 0)
            {
                throw Error("invalid number: digits expected after '.'");
            }
        }

        if (_pos < _text.Length && (_text[_pos] == 'e' || _text[_pos] == 'E'))
        {
            _pos++;
            if (_pos < _text.Length && (_text[_pos] == '+' || _text[_pos] == '-'))
            {
                _pos++;
            }

            if (ReadDigits() == 0)
            {
                throw Error("invalid number: digits expected in the exponent");
            }
        }

        node.Text = _text.Substring(start, _pos - start);
        return node;
    }

    private int ReadDigits()
    {
        var start = _pos;
        while (_pos < _text.Length && _text[_pos] >= '0' && _text[_pos] <= '9')
        {
            _pos++;
        }

        return _pos - start;
    }

    private string ReadString()
    {
        _pos++;
        var builder = new StringBuilder();
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error("unterminated string");
            }

            var c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                return builder.ToString();
            }

            if (c < ' ')
            {
                throw Error("control character in a string");
            }

            if (c != '\\')
            {
                builder.Append(c);
                _pos++;
                continue;
            }

            _pos++;
            if (_pos >= _text.Length)
            {
                throw Error("unterminated string");
            }

            var e = _text[_pos++];
            switch (e)
            {
                case '"': builder.Append('"'); break;
                case '\\': builder.Append('\\'); break;
                case '/': builder.Append('/'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'u':
                    if (_pos + 4 > _text.Length
                        || !int.TryParse(_text.Substring(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        throw Error("invalid \\u escape");
                    }

                    builder.Append((char)code);
                    _pos += 4;
                    break;
                default:
                    _pos--;
                    throw Error("invalid escape '\\" + e + "'");
            }
        }
    }

    private JsonNode ReadArray(int depth)
    {
        var node = New(JsonKind.Array);
        _pos++;
        SkipWhitespace();
        if (_pos < _text.Length && _text[_pos] == ']')
        {
            _pos++;
            return node;
        }

        while (true)
        {
            SkipWhitespace();
            node.Items.Add(ReadValue(depth + 1));
            SkipWhitespace();
            if (_pos >= _text.Length)
            {
                throw Error("unterminated array, expected ',' or ']'");
            }

            var c = _text[_pos++];
            if (c == ']')
            {
                return node;
            }

            if (c != ',')
            {
                _pos--;
                throw Error("expected ',' or ']' in an array");
            }
        }
    }

    private JsonNode ReadObject(int depth)
    {
        var node = New(JsonKind.Object);
        _pos++;
        SkipWhitespace();
        if (_pos < _text.Length && _text[_pos] == '}')
        {
            _pos++;
            return node;
        }

        while (true)
        {
            SkipWhitespace();
            if (_pos >= _text.Length || _text[_pos] != '"')
            {
                throw Error("expected a property name in quotes");
            }

            var name = ReadString();
            SkipWhitespace();
            if (_pos >= _text.Length || _text[_pos] != ':')
            {
                throw Error("expected ':' after a property name");
            }

            _pos++;
            SkipWhitespace();
            node.Properties.Add(new KeyValuePair<string, JsonNode>(name, ReadValue(depth + 1)));
            SkipWhitespace();
            if (_pos >= _text.Length)
            {
                throw Error("unterminated object, expected ',' or '}'");
            }

            var c = _text[_pos++];
            if (c == '}')
            {
                return node;
            }

            if (c != ',')
            {
                _pos--;
                throw Error("expected ',' or '}' in an object");
            }
        }
    }
}
