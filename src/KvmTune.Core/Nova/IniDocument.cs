using System.Text;
using KvmTune.Core.Input;

namespace KvmTune.Core.Nova;

/// <summary>
/// A lossless INI document with oslo.config's grammar (oslo_config/iniparser.py <c>BaseParser.parse</c>):
/// <c>#</c> and <c>;</c> comment lines, blank lines, <c>[section]</c> headers, <c>key = value</c> and
/// <c>key: value</c> assignments, indented continuation lines (joined with a newline), repeated keys (each
/// occurrence kept; oslo keeps them all, a single-valued option takes the last). Unedited, <see cref="ToText"/>
/// returns the input byte for byte; <see cref="Set"/> changes only the lines of one assignment.
/// </summary>
public sealed class IniDocument
{
    private readonly List<IniLine> _lines;
    private List<IniEntry> _entries = [];
    private List<IniSectionHeader> _headers = [];

    private IniDocument(List<IniLine> lines, string? sourceName)
    {
        _lines = lines;
        SourceName = sourceName;
        Index();
    }

    /// <summary>Where the document came from (a path), used in messages.</summary>
    public string? SourceName { get; }

    /// <summary>Every assignment in file order.</summary>
    public IReadOnlyList<IniEntry> Entries => _entries;

    /// <summary>Every section header in file order (a section may appear more than once; oslo merges them).</summary>
    public IReadOnlyList<IniSectionHeader> Headers => _headers;

    /// <summary>The number of lines.</summary>
    public int LineCount => _lines.Count;

    /// <summary>The text of a line (1-based), without its line terminator.</summary>
    public string LineText(int line) => _lines[line - 1].Text;

    /// <summary>
    /// Parses INI text. Throws <see cref="InputException"/> naming the file and line for what oslo.config rejects
    /// (a line without <c>=</c> or <c>:</c>, an empty key, a continuation line with nothing to continue, a bad
    /// section header, an assignment before any section).
    /// </summary>
    public static IniDocument Parse(string text, string? sourceName = null) => new(SplitLines(text), sourceName);

    /// <summary>The document's text; unedited, exactly the parsed input.</summary>
    public string ToText()
    {
        var sb = new StringBuilder();
        foreach (var line in _lines)
        {
            sb.Append(line.Text).Append(line.Newline);
        }
        return sb.ToString();
    }

    /// <summary>oslo.config's group-name normalisation (<c>cfg._normalize_group_name</c>): DEFAULT as is, others lower-case.</summary>
    public static string NormalizeSection(string section) =>
        section == "DEFAULT" ? section : section.ToLowerInvariant();

    /// <summary>Every assignment of <paramref name="key"/> in <paramref name="section"/>, in file order.</summary>
    public IReadOnlyList<IniEntry> All(string section, string key)
    {
        var normalized = NormalizeSection(section);
        return _entries.Where(e => NormalizeSection(e.Section) == normalized && e.Key == key).ToList();
    }

    /// <summary>The effective assignment of a single-valued option: the last one (oslo.config takes the last value).</summary>
    public IniEntry? Last(string section, string key) => All(section, key) is { Count: > 0 } all ? all[^1] : null;

    /// <summary>
    /// Sets <paramref name="key"/> in <paramref name="section"/> to <paramref name="value"/>. An existing assignment
    /// (the effective, last one) is rewritten in place, keeping its key spelling, separator and quoting, and its
    /// continuation lines are dropped. Otherwise the line is added to the section, after the commented-out sample line
    /// (<c>#key = …</c>) when there is one, else after the section's last assignment (or its header); a missing section is
    /// created at the end of the file. Returns false when the value was already the effective one (nothing changed).
    /// </summary>
    public bool Set(string section, string key, string value)
    {
        ValidateName(section, key, value);
        var existing = Last(section, key);
        if (existing is not null)
        {
            if (existing.Value == value && existing.FirstLine == existing.LastLine)
            {
                return false;
            }
            var first = _lines[existing.FirstLine - 1];
            var quote = existing.Quote;
            var prefix = first.Text[..existing.ValueColumn];
            if (existing.Value.Length == 0 && existing.Quote is null && prefix.Length > 0 && prefix[^1] is '=' or ':')
            {
                prefix += " ";
            }
            var text = prefix + (quote is null ? value : quote + value + quote);
            var newline = _lines[existing.LastLine - 1].Newline;
            _lines.RemoveRange(existing.FirstLine - 1, existing.LastLine - existing.FirstLine + 1);
            _lines.Insert(existing.FirstLine - 1, new IniLine(text, newline));
            Index();
            return true;
        }

        var nl = DominantNewline();
        var assignment = $"{key} = {value}";
        var headers = _headers.Where(h => NormalizeSection(h.Name) == NormalizeSection(section)).ToList();
        if (headers.Count == 0)
        {
            if (_lines.Count > 0 && _lines[^1].Newline.Length == 0)
            {
                _lines[^1] = _lines[^1] with { Newline = nl };
            }
            if (_lines.Count > 0 && _lines[^1].Text.Trim().Length > 0)
            {
                _lines.Add(new IniLine("", nl));
            }
            _lines.Add(new IniLine($"[{section}]", nl));
            _lines.Add(new IniLine(assignment, nl));
            Index();
            return true;
        }

        var at = InsertionLine(headers, key);
        var previous = _lines[at - 1];
        if (previous.Newline.Length == 0)
        {
            _lines[at - 1] = previous with { Newline = nl };
            _lines.Insert(at, new IniLine(assignment, ""));
        }
        else
        {
            _lines.Insert(at, new IniLine(assignment, nl));
        }
        Index();
        return true;
    }

    // After which line (1-based) a new assignment of `key` goes: below "#key = …" in the section when the file is a
    // commented sample (oslo-config-generator writes every option that way), else after the section's last
    // assignment, so it never lands inside the comment block that documents another option.
    private int InsertionLine(List<IniSectionHeader> headers, string key)
    {
        foreach (var header in headers)
        {
            for (var line = header.Line + 1; line <= header.EndLine; line++)
            {
                var text = _lines[line - 1].Text;
                if (text.Length > 1 && text[0] is '#' or ';')
                {
                    var rest = text[1..].TrimStart();
                    if (rest.StartsWith(key, StringComparison.Ordinal) &&
                        rest[key.Length..].TrimStart() is ['=' or ':', ..])
                    {
                        return line;
                    }
                }
            }
        }
        var normalized = NormalizeSection(headers[0].Name);
        var lastAssignment = _entries.LastOrDefault(e => NormalizeSection(e.Section) == normalized);
        return lastAssignment?.LastLine ?? headers[^1].Line;
    }

    private string DominantNewline()
    {
        var crlf = _lines.Count(l => l.Newline == "\r\n");
        var lf = _lines.Count(l => l.Newline == "\n");
        var cr = _lines.Count(l => l.Newline == "\r");
        return cr > lf && cr > crlf ? "\r" : crlf > lf ? "\r\n" : "\n";
    }

    private static void ValidateName(string section, string key, string value)
    {
        if (section.Length == 0 || section.IndexOfAny([']', '\n', '\r']) >= 0)
        {
            throw new InputException($"invalid section name '{InputText.Quote(section)}'");
        }
        if (key.Length == 0 || key != key.Trim() || key.IndexOfAny(['=', ':', '\n', '\r', '[']) >= 0 || key[0] is '#' or ';')
        {
            throw new InputException($"[{InputText.Quote(section)}] invalid key '{InputText.Quote(key)}'");
        }
        if (value.IndexOfAny(['\n', '\r']) >= 0 || value != value.Trim())
        {
            throw new InputException($"[{InputText.Quote(section)}] {InputText.Quote(key)}: a value must be one line without surrounding blanks");
        }
    }

    // Python's universal newlines, as oslo.config reads a file (open() in text mode, then readlines()): "\r\n", "\r"
    // and "\n" each end a line. Each line keeps its own terminator so the text is written back byte for byte.
    private static List<IniLine> SplitLines(string text)
    {
        var lines = new List<IniLine>();
        var start = 0;
        while (start < text.Length)
        {
            var end = text.AsSpan(start).IndexOfAny('\r', '\n');
            if (end < 0)
            {
                lines.Add(new IniLine(text[start..], ""));
                break;
            }
            end += start;
            var newline = text[end] == '\r' && end + 1 < text.Length && text[end + 1] == '\n' ? "\r\n" : text[end] == '\r' ? "\r" : "\n";
            lines.Add(new IniLine(text[start..end], newline));
            start = end + newline.Length;
        }
        return lines;
    }

    // Python's str.isspace(), which strip()/rstrip()/lstrip() use: .NET's char.IsWhiteSpace plus the information
    // separators U+001C..U+001F.
    private static bool IsPythonSpace(char c) => char.IsWhiteSpace(c) || c is >= '\u001c' and <= '\u001f';

    private static string PyRStrip(string s)
    {
        var end = s.Length;
        while (end > 0 && IsPythonSpace(s[end - 1]))
        {
            end--;
        }
        return s[..end];
    }

    private static string PyLStrip(string s)
    {
        var start = 0;
        while (start < s.Length && IsPythonSpace(s[start]))
        {
            start++;
        }
        return s[start..];
    }

    private static string PyStrip(string s) => PyLStrip(PyRStrip(s));

    // Mirrors oslo_config.iniparser.BaseParser.parse line by line, remembering where each assignment lives.
    private void Index()
    {
        var entries = new List<IniEntry>();
        var headers = new List<IniSectionHeader>();
        string? section = null;
        PendingEntry? pending = null;
        var source = SourceName ?? "<input>";

        void Flush()
        {
            if (pending is not null)
            {
                entries.Add(new IniEntry(pending.Section, pending.Key, string.Join('\n', pending.Values), pending.FirstLine, pending.LastLine, pending.ValueColumn, pending.Quote));
                pending = null;
            }
        }

        for (var i = 0; i < _lines.Count; i++)
        {
            var lineNo = i + 1;
            var line = PyRStrip(_lines[i].Text);
            if (line.Length == 0)
            {
                Flush();
                continue;
            }
            if (line[0] is ' ' or '\t')
            {
                if (pending is null)
                {
                    throw new InputException($"{source}:{lineNo}: unexpected continuation line: an indented line with no assignment before it (oslo.config refuses it; the line is not shown)");
                }
                pending.Values.Add(PyLStrip(line));
                pending.LastLine = lineNo;
                continue;
            }
            Flush();
            if (line[0] == '[')
            {
                if (!line.EndsWith(']'))
                {
                    throw new InputException($"{source}:{lineNo}: invalid section header: a line starting with [ must end with ] (the line is not shown)");
                }
                if (line.Length <= 2)
                {
                    throw new InputException($"{source}:{lineNo}: empty section name");
                }
                section = line[1..^1];
                if (headers.Count > 0)
                {
                    headers[^1] = headers[^1] with { EndLine = lineNo - 1 };
                }
                headers.Add(new IniSectionHeader(section, lineNo, _lines.Count));
            }
            else if (line[0] is '#' or ';')
            {
                continue;
            }
            else
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var equal = line.IndexOf('=', StringComparison.Ordinal);
                if (colon < 0 && equal < 0)
                {
                    throw new InputException($"{source}:{lineNo}: no ':' or '=' found in assignment (the line is not shown: it may hold a secret)");
                }
                var sep = colon < 0 || (equal >= 0 && equal < colon) ? equal : colon;
                var key = PyStrip(line[..sep]);
                if (key.Length == 0)
                {
                    throw new InputException($"{source}:{lineNo}: key cannot be empty (the line is not shown)");
                }
                if (section is null)
                {
                    throw new InputException($"{source}:{lineNo}: assignment to '{InputText.Quote(key)}' before any [section] (the value is not shown)");
                }
                var column = sep + 1;
                while (column < line.Length && IsPythonSpace(line[column]))
                {
                    column++;
                }
                var value = line[column..];
                string? quote = null;
                if (value.Length > 0 && value[0] == value[^1] && value[0] is '"' or '\'')
                {
                    quote = value[0].ToString();
                    value = value.Length >= 2 ? value[1..^1] : "";
                }
                pending = new PendingEntry(section, key, lineNo, column, quote) { Values = { value } };
            }
        }
        Flush();
        _entries = entries;
        _headers = headers;
    }

    private sealed class PendingEntry(string section, string key, int firstLine, int valueColumn, string? quote)
    {
        public string Section { get; } = section;
        public string Key { get; } = key;
        public int FirstLine { get; } = firstLine;
        public int LastLine { get; set; } = firstLine;
        public int ValueColumn { get; } = valueColumn;
        public string? Quote { get; } = quote;
        public List<string> Values { get; } = [];
    }

    private readonly record struct IniLine(string Text, string Newline);
}

/// <summary>One assignment: section (as spelled in the header), key, value (continuation lines joined with a newline), lines.</summary>
/// <param name="Section">The section header's name as written.</param>
/// <param name="Key">The key, stripped.</param>
/// <param name="Value">The value as oslo.config reads it: stripped, one pair of matching quotes removed.</param>
/// <param name="FirstLine">1-based line of the key.</param>
/// <param name="LastLine">1-based last line (continuation lines included).</param>
/// <param name="ValueColumn">0-based column where the value starts on the first line.</param>
/// <param name="Quote">The quote character around the value, if it was quoted.</param>
public sealed record IniEntry(string Section, string Key, string Value, int FirstLine, int LastLine, int ValueColumn, string? Quote);

/// <summary>A <c>[section]</c> header and the last line (1-based) belonging to it.</summary>
public sealed record IniSectionHeader(string Name, int Line, int EndLine);
