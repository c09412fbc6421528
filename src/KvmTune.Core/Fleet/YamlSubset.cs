using System.Text;

namespace KvmTune.Core.Fleet;

/// <summary>A node of <see cref="YamlSubset"/>: a mapping, a sequence or a scalar (null for <c>~</c>, <c>null</c> or nothing).</summary>
internal abstract record YamlNode(int Line);

internal sealed record YamlScalar(string? Value, int Line) : YamlNode(Line);

internal sealed record YamlSequence(IReadOnlyList<YamlNode> Items, int Line) : YamlNode(Line);

internal sealed record YamlMapping(IReadOnlyList<KeyValuePair<string, YamlNode>> Entries, int Line) : YamlNode(Line)
{
    /// <summary>The line of each entry's key (a block value starts on a later line).</summary>
    public IReadOnlyList<int> KeyLines { get; init; } = [];
}

/// <summary>
/// The part of YAML that Ansible inventories use: block mappings and sequences by indentation, plain, single- and
/// double-quoted scalars, one-line flow collections (<c>{ ansible_host: 10.0.0.1 }</c>, <c>[10, 20]</c>), literal and
/// folded block scalars, comments and <c>---</c>. Anchors, aliases and multi-document streams are refused with the
/// line, as is anything else outside the subset, so nothing in an inventory is silently misread.
/// </summary>
internal sealed class YamlSubset
{
    private readonly string _source;
    private readonly List<(int Number, int Indent, string Text)> _lines = [];
    private int _at;

    private YamlSubset(string text, string source)
    {
        _source = source;
        var number = 0;
        var documents = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r');
            var indent = 0;
            while (indent < line.Length && line[indent] == ' ')
            {
                indent++;
            }
            if (indent < line.Length && line[indent] == '\t')
            {
                throw Error(number, "a tab in the indentation (YAML indents with spaces)");
            }
            var content = StripComment(line[indent..]).TrimEnd();
            if (content.Length == 0)
            {
                continue;
            }
            if (indent == 0 && (content == "---" || content.StartsWith("--- ", StringComparison.Ordinal)))
            {
                if (++documents > 1 || _lines.Count > 0)
                {
                    throw Error(number, "more than one YAML document");
                }
                continue;
            }
            if (indent == 0 && content == "...")
            {
                break;
            }
            // Comments are stripped again where a line is read as a key or a value; block scalars keep the raw text.
            _lines.Add((number, indent, line[indent..].TrimEnd()));
        }
    }

    /// <summary>Parses <paramref name="text"/>; null for an empty document.</summary>
    public static YamlNode? Parse(string text, string source)
    {
        var parser = new YamlSubset(text, source);
        if (parser._lines.Count == 0)
        {
            return null;
        }
        var node = parser.Block(parser._lines[0].Indent);
        if (parser._at < parser._lines.Count)
        {
            throw parser.Error(parser._lines[parser._at].Number, "unexpected indentation");
        }
        return node;
    }

    private YamlNode Block(int indent)
    {
        var (_, lineIndent, text) = _lines[_at];
        return lineIndent == indent && IsSequenceItem(text) ? Sequence(indent) : Mapping(indent);
    }

    private static bool IsSequenceItem(string text) => text == "-" || text.StartsWith("- ", StringComparison.Ordinal);

    private YamlMapping Mapping(int indent)
    {
        var entries = new List<KeyValuePair<string, YamlNode>>();
        var keyLines = new List<int>();
        var first = _lines[_at].Number;
        while (_at < _lines.Count && _lines[_at].Indent == indent && !IsSequenceItem(_lines[_at].Text))
        {
            var (number, _, raw) = _lines[_at];
            var text = StripComment(raw).TrimEnd();
            var colon = KeySeparator(text);
            if (colon < 0)
            {
                throw Error(number, $"expected 'key: value', found '{Shorten(text)}'");
            }
            var key = Unquote(text[..colon].Trim(), number) ?? "";
            var rest = text[(colon + 1)..].Trim();
            _at++;
            YamlNode value;
            if (rest.Length == 0)
            {
                if (_at < _lines.Count && _lines[_at].Indent > indent)
                {
                    value = Block(_lines[_at].Indent);
                }
                else if (_at < _lines.Count && _lines[_at].Indent == indent && IsSequenceItem(_lines[_at].Text))
                {
                    value = Sequence(indent);
                }
                else
                {
                    value = new YamlScalar(null, number);
                }
            }
            else if (rest[0] is '|' or '>')
            {
                value = BlockScalar(indent, rest[0] == '>', number);
            }
            else
            {
                value = Inline(rest, number);
            }
            entries.Add(new(key, value));
            keyLines.Add(number);
        }
        if (_at < _lines.Count && _lines[_at].Indent > indent)
        {
            throw Error(_lines[_at].Number, "unexpected indentation");
        }
        return new YamlMapping(entries, first) { KeyLines = keyLines };
    }

    private YamlSequence Sequence(int indent)
    {
        var items = new List<YamlNode>();
        var first = _lines[_at].Number;
        while (_at < _lines.Count && _lines[_at].Indent == indent && IsSequenceItem(_lines[_at].Text))
        {
            var (number, _, text) = _lines[_at];
            var content = text.Length > 1 ? text[2..] : "";
            var trimmed = StripComment(content).Trim();
            if (trimmed.Length == 0)
            {
                _at++;
                items.Add(_at < _lines.Count && _lines[_at].Indent > indent ? Block(_lines[_at].Indent) : new YamlScalar(null, number));
            }
            else if (KeySeparator(trimmed) >= 0 && trimmed[0] is not ('{' or '[' or '"' or '\''))
            {
                // "- key: value" starts a mapping indented past the dash: re-read the line as such.
                var inner = indent + 2 + (content.Length - content.TrimStart().Length);
                _lines[_at] = (number, inner, content.TrimStart());
                items.Add(Mapping(inner));
            }
            else
            {
                _at++;
                items.Add(Inline(trimmed, number));
            }
        }
        return new YamlSequence(items, first);
    }

    private YamlScalar BlockScalar(int indent, bool folded, int number)
    {
        var text = new StringBuilder();
        while (_at < _lines.Count && _lines[_at].Indent > indent)
        {
            text.Append(_lines[_at].Text).Append(folded ? ' ' : '\n');
            _at++;
        }
        return new YamlScalar(text.ToString().TrimEnd(), number);
    }

    private YamlNode Inline(string text, int number)
    {
        if (text[0] is '&' or '*')
        {
            throw Error(number, "anchors and aliases (& and *) are not supported in an inventory");
        }
        if (text.StartsWith("!!", StringComparison.Ordinal))
        {
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            return space < 0 ? new YamlScalar(null, number) : Inline(text[(space + 1)..].Trim(), number);
        }
        if (text[0] is '{' or '[')
        {
            var position = 0;
            var node = Flow(text, ref position, number);
            SkipSpaces(text, ref position);
            if (position != text.Length)
            {
                throw Error(number, $"unexpected text after a flow collection: '{Shorten(text[position..])}'");
            }
            return node;
        }
        return new YamlScalar(Unquote(text, number), number);
    }

    private YamlNode Flow(string text, ref int position, int number)
    {
        SkipSpaces(text, ref position);
        if (position >= text.Length)
        {
            throw Error(number, "unterminated flow collection (one-line { } and [ ] only)");
        }
        var open = text[position];
        if (open is '{' or '[')
        {
            position++;
            var close = open == '{' ? '}' : ']';
            var entries = new List<KeyValuePair<string, YamlNode>>();
            var items = new List<YamlNode>();
            while (true)
            {
                SkipSpaces(text, ref position);
                if (position < text.Length && text[position] == close)
                {
                    position++;
                    break;
                }
                if (open == '{')
                {
                    var key = FlowScalar(text, ref position, number, stopAtColon: true);
                    SkipSpaces(text, ref position);
                    YamlNode value = new YamlScalar(null, number);
                    if (position < text.Length && text[position] == ':')
                    {
                        position++;
                        value = Flow(text, ref position, number);
                    }
                    entries.Add(new(key ?? "", value));
                }
                else
                {
                    items.Add(Flow(text, ref position, number));
                }
                SkipSpaces(text, ref position);
                if (position < text.Length && text[position] == ',')
                {
                    position++;
                }
                else if (position >= text.Length || text[position] != close)
                {
                    throw Error(number, $"expected ',' or '{close}' in a flow collection");
                }
            }
            return open == '{' ? new YamlMapping(entries, number) : new YamlSequence(items, number);
        }
        return new YamlScalar(FlowScalar(text, ref position, number, stopAtColon: false), number);
    }

    private string? FlowScalar(string text, ref int position, int number, bool stopAtColon)
    {
        SkipSpaces(text, ref position);
        var start = position;
        if (position < text.Length && text[position] is '"' or '\'')
        {
            var quote = text[position++];
            while (position < text.Length && !(text[position] == quote && (quote == '\'' || text[position - 1] != '\\')))
            {
                position++;
            }
            if (position >= text.Length)
            {
                throw Error(number, "unterminated quoted string");
            }
            position++;
            return Unquote(text[start..position], number);
        }
        while (position < text.Length && text[position] is not (',' or '}' or ']')
               && !(stopAtColon && text[position] == ':' && (position + 1 == text.Length || text[position + 1] == ' ')))
        {
            position++;
        }
        return Unquote(text[start..position].Trim(), number);
    }

    private static void SkipSpaces(string text, ref int position)
    {
        while (position < text.Length && text[position] == ' ')
        {
            position++;
        }
    }

    /// <summary>The colon that ends a mapping key: followed by a space or the end of the line, outside quotes.</summary>
    private static int KeySeparator(string text)
    {
        var quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if ((c is '"' or '\'') && i == 0)
            {
                quote = c;
            }
            else if (c == ':' && (i + 1 == text.Length || text[i + 1] == ' '))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>A line without its comment: '#' at the start or after a space, outside quotes.</summary>
    private static string StripComment(string text)
    {
        var quote = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if ((c is '"' or '\'') && (i == 0 || text[i - 1] is ' ' or ':' or '[' or '{' or ','))
            {
                quote = c;
            }
            else if (c == '#' && (i == 0 || text[i - 1] is ' ' or '\t'))
            {
                return text[..i];
            }
        }
        return text;
    }

    private string? Unquote(string text, int number)
    {
        if (text.Length >= 2 && text[0] == '\'' && text[^1] == '\'')
        {
            return text[1..^1].Replace("''", "'", StringComparison.Ordinal);
        }
        if (text.Length >= 2 && text[0] == '"' && text[^1] == '"')
        {
            var s = new StringBuilder();
            for (var i = 1; i < text.Length - 1; i++)
            {
                if (text[i] == '\\' && i + 1 < text.Length - 1)
                {
                    i++;
                    s.Append(text[i] switch { 'n' => '\n', 't' => '\t', '0' => '\0', _ => text[i] });
                }
                else
                {
                    s.Append(text[i]);
                }
            }
            return s.ToString();
        }
        if (text.Length > 0 && text[0] is '"' or '\'')
        {
            throw Error(number, $"unterminated quoted string: {Shorten(text)}");
        }
        return text is "" or "~" or "null" or "Null" or "NULL" ? null : text;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private InputException Error(int line, string message) => new($"{_source}:{line}: {message}");
}
