using System.Xml.Linq;

namespace KvmTune.Core.Libvirt;

/// <summary>
/// Where every node of a parsed XML text sits in that text. Built by a small tokenizer over text that
/// <see cref="XDocument"/> has already accepted as well-formed, then attached to the tree's nodes as
/// annotations so <see cref="LosslessXmlWriter"/> can copy untouched spans verbatim.
/// </summary>
internal static class XmlSourceMap
{
    /// <summary>Tokenizes <paramref name="text"/> and annotates <paramref name="document"/>. False when the two do not align.</summary>
    public static bool Annotate(XDocument document, string text)
    {
        if (document.Root is null)
        {
            return false;
        }
        SourceElement? root;
        try
        {
            root = new Tokenizer(text).ReadRoot();
        }
        catch (FormatException)
        {
            return false;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
        if (root is null)
        {
            return false;
        }
        var pending = new List<(XObject Node, object Origin)>();
        if (!Align(document.Root, root, text, pending))
        {
            return false;
        }
        foreach (var (node, origin) in pending)
        {
            node.AddAnnotation(origin);
        }
        return true;
    }

    private static bool Align(XElement element, SourceElement source, string text, List<(XObject, object)> pending)
    {
        var attributes = element.Attributes().ToArray();
        if (attributes.Length != source.Attributes.Count)
        {
            return false;
        }
        var nodes = element.Nodes().ToArray();
        if (nodes.Length != source.Children.Count)
        {
            return false;
        }
        pending.Add((element, new ElementOrigin(text, element.Name, source, attributes, attributes.Select(a => a.Value).ToArray())));
        for (var i = 0; i < nodes.Length; i++)
        {
            var node = nodes[i];
            var span = source.Children[i];
            switch (node)
            {
                case XElement child when span is SourceElement childSource:
                    if (!Align(child, childSource, text, pending))
                    {
                        return false;
                    }
                    break;
                case XCData cdata when span.Kind == SourceKind.CData:
                    pending.Add((cdata, new NodeOrigin(text, span.Start, span.End, cdata.Value)));
                    break;
                case XText plain when node is not XCData && span.Kind == SourceKind.Text:
                    pending.Add((plain, new NodeOrigin(text, span.Start, span.End, plain.Value)));
                    break;
                case XComment comment when span.Kind == SourceKind.Comment:
                    pending.Add((comment, new NodeOrigin(text, span.Start, span.End, comment.Value)));
                    break;
                case XProcessingInstruction pi when span.Kind == SourceKind.ProcessingInstruction:
                    pending.Add((pi, new NodeOrigin(text, span.Start, span.End, pi.Target + "\0" + pi.Data)));
                    break;
                default:
                    return false;
            }
        }
        return true;
    }

    private sealed class Tokenizer(string text)
    {
        private int _pos;

        public SourceElement? ReadRoot()
        {
            while (_pos < text.Length)
            {
                if (text[_pos] != '<')
                {
                    _pos++;
                    continue;
                }
                if (StartsWith("<?") || StartsWith("<!--") || StartsWith("<!DOCTYPE"))
                {
                    SkipMarkup();
                    continue;
                }
                return ReadElement();
            }
            return null;
        }

        private bool StartsWith(string s) => string.CompareOrdinal(text, _pos, s, 0, s.Length) == 0;

        private void SkipMarkup()
        {
            if (StartsWith("<?"))
            {
                _pos = IndexOf("?>") + 2;
            }
            else if (StartsWith("<!--"))
            {
                _pos = IndexOf("-->") + 3;
            }
            else
            {
                // <!DOCTYPE …> with an optional [internal subset].
                var depth = 0;
                while (_pos < text.Length)
                {
                    var c = text[_pos++];
                    if (c == '[')
                    {
                        depth++;
                    }
                    else if (c == ']')
                    {
                        depth--;
                    }
                    else if (c == '>' && depth == 0)
                    {
                        return;
                    }
                    else if (c is '"' or '\'')
                    {
                        _pos = text.IndexOf(c, _pos) + 1;
                    }
                }
            }
        }

        private int IndexOf(string s)
        {
            var i = text.IndexOf(s, _pos, StringComparison.Ordinal);
            return i < 0 ? throw new FormatException(s) : i;
        }

        private SourceElement ReadElement()
        {
            var element = new SourceElement { Start = _pos };
            _pos++; // '<'
            var nameStart = _pos;
            while (!IsNameEnd(text[_pos]))
            {
                _pos++;
            }
            element.QualifiedName = text[nameStart.._pos];
            element.InsertAt = _pos;
            while (true)
            {
                var wsStart = _pos;
                while (char.IsWhiteSpace(text[_pos]))
                {
                    _pos++;
                }
                if (text[_pos] == '/')
                {
                    element.SelfClosing = true;
                    element.CloseStart = _pos;
                    _pos += 2;
                    element.StartTagEnd = _pos;
                    element.End = _pos;
                    return element;
                }
                if (text[_pos] == '>')
                {
                    element.CloseStart = _pos;
                    _pos++;
                    element.StartTagEnd = _pos;
                    break;
                }
                var attrStart = _pos;
                while (!IsNameEnd(text[_pos]) && text[_pos] != '=')
                {
                    _pos++;
                }
                while (text[_pos] != '\'' && text[_pos] != '"')
                {
                    _pos++;
                }
                var quote = text[_pos];
                var valueStart = _pos + 1;
                var valueEnd = text.IndexOf(quote, valueStart);
                if (valueEnd < 0)
                {
                    throw new FormatException("attribute");
                }
                _pos = valueEnd + 1;
                element.Attributes.Add(new SourceAttribute(wsStart, attrStart, valueStart, valueEnd, quote));
                element.InsertAt = _pos;
            }
            // Content until the matching end tag.
            while (true)
            {
                if (text[_pos] != '<')
                {
                    var start = _pos;
                    var next = text.IndexOf('<', _pos);
                    _pos = next < 0 ? throw new FormatException("text") : next;
                    element.Children.Add(new SourceNode(SourceKind.Text, start, _pos));
                    continue;
                }
                if (StartsWith("</"))
                {
                    element.EndTagStart = _pos;
                    _pos = IndexOf(">") + 1;
                    element.End = _pos;
                    return element;
                }
                if (StartsWith("<!--"))
                {
                    var start = _pos;
                    _pos = IndexOf("-->") + 3;
                    element.Children.Add(new SourceNode(SourceKind.Comment, start, _pos));
                }
                else if (StartsWith("<![CDATA["))
                {
                    var start = _pos;
                    _pos = IndexOf("]]>") + 3;
                    element.Children.Add(new SourceNode(SourceKind.CData, start, _pos));
                }
                else if (StartsWith("<?"))
                {
                    var start = _pos;
                    _pos = IndexOf("?>") + 2;
                    element.Children.Add(new SourceNode(SourceKind.ProcessingInstruction, start, _pos));
                }
                else
                {
                    element.Children.Add(ReadElement());
                }
            }
        }

        private static bool IsNameEnd(char c) => char.IsWhiteSpace(c) || c is '>' or '/' or '=';
    }
}

internal enum SourceKind
{
    Element,
    Text,
    CData,
    Comment,
    ProcessingInstruction,
}

internal class SourceNode(SourceKind kind, int start, int end)
{
    public SourceKind Kind { get; } = kind;
    public int Start { get; set; } = start;
    public int End { get; set; } = end;
}

internal sealed class SourceElement() : SourceNode(SourceKind.Element, 0, 0)
{
    public string QualifiedName { get; set; } = "";

    /// <summary>Where a new attribute goes: right after the last attribute (or the name).</summary>
    public int InsertAt { get; set; }

    /// <summary>Position of <c>/&gt;</c> or <c>&gt;</c> closing the start tag.</summary>
    public int CloseStart { get; set; }

    public int StartTagEnd { get; set; }
    public bool SelfClosing { get; set; }
    public int EndTagStart { get; set; }
    public List<SourceAttribute> Attributes { get; } = [];
    public List<SourceNode> Children { get; } = [];
}

/// <param name="LeadingWhitespace">Start of the whitespace before the attribute (removed with it).</param>
/// <param name="NameStart">Start of the attribute name.</param>
/// <param name="ValueStart">First character inside the quotes.</param>
/// <param name="ValueEnd">Position of the closing quote.</param>
/// <param name="Quote">The quote character used.</param>
internal sealed record SourceAttribute(int LeadingWhitespace, int NameStart, int ValueStart, int ValueEnd, char Quote);

/// <summary>An element's original text and attribute values, to detect and patch edits.</summary>
internal sealed class ElementOrigin(string text, XName name, SourceElement source, XAttribute[] attributes, string[] values)
{
    public string Text { get; } = text;
    public XName Name { get; } = name;
    public SourceElement Source { get; } = source;
    public XAttribute[] Attributes { get; } = attributes;
    public string[] Values { get; } = values;
}

/// <summary>A text, CDATA, comment or processing-instruction node's original span and value.</summary>
internal sealed class NodeOrigin(string text, int start, int end, string value)
{
    public string Text { get; } = text;
    public int Start { get; } = start;
    public int End { get; } = end;
    public string Value { get; } = value;
}
