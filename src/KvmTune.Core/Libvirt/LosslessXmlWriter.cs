using System.Buffers;
using System.Text;
using System.Xml.Linq;

namespace KvmTune.Core.Libvirt;

/// <summary>
/// Writes an edited tree back as a patch of its original text: untouched nodes are copied from the
/// source span, a changed attribute replaces only its value, a removed attribute takes its leading
/// whitespace with it, and new nodes are written in the file's quote and newline style.
/// </summary>
internal sealed class LosslessXmlWriter
{
    private static readonly SearchValues<char> AttributeSpecials = SearchValues.Create("&<>\"'\t\n\r");
    private static readonly SearchValues<char> TextSpecials = SearchValues.Create("&<>\r");
    private readonly StringBuilder _out;
    private readonly char _quote;
    private readonly string _newline;

    private LosslessXmlWriter(int capacity, char quote, string newline)
    {
        _out = new StringBuilder(capacity);
        _quote = quote;
        _newline = newline;
    }

    /// <summary>Writes <paramref name="document"/>, whose root was annotated from <paramref name="original"/>.</summary>
    public static string Write(XDocument document, string original)
    {
        var root = document.Root!;
        var origin = root.Annotation<ElementOrigin>()!;
        var writer = new LosslessXmlWriter(original.Length + 256, QuoteStyle(original), original.Contains("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n");
        writer._out.Append(original, 0, origin.Source.Start);
        writer.WriteElement(root);
        writer._out.Append(original, origin.Source.End, original.Length - origin.Source.End);
        return writer._out.ToString();
    }

    /// <summary>The quote character most attributes of the text use (libvirt writes <c>'</c>).</summary>
    internal static char QuoteStyle(string text)
    {
        var eqSingle = 0;
        var eqDouble = 0;
        for (var i = text.IndexOf('=', StringComparison.Ordinal); i >= 0 && i + 1 < text.Length; i = text.IndexOf('=', i + 1))
        {
            if (text[i + 1] == '\'')
            {
                eqSingle++;
            }
            else if (text[i + 1] == '"')
            {
                eqDouble++;
            }
        }
        return eqDouble > eqSingle ? '"' : '\'';
    }

    private void WriteNode(XNode node)
    {
        switch (node)
        {
            case XElement element:
                WriteElement(element);
                break;
            case XCData cdata:
                if (!CopyOriginal(cdata, cdata.Value))
                {
                    _out.Append("<![CDATA[").Append(Newlines(cdata.Value)).Append("]]>");
                }
                break;
            case XText text:
                if (!CopyOriginal(text, text.Value))
                {
                    _out.Append(Newlines(EscapeText(text.Value)));
                }
                break;
            case XComment comment:
                if (!CopyOriginal(comment, comment.Value))
                {
                    _out.Append("<!--").Append(Newlines(comment.Value)).Append("-->");
                }
                break;
            case XProcessingInstruction pi:
                if (!CopyOriginal(pi, pi.Target + "\0" + pi.Data))
                {
                    _out.Append("<?").Append(pi.Target).Append(' ').Append(pi.Data).Append("?>");
                }
                break;
            default:
                _out.Append(node.ToString(SaveOptions.DisableFormatting));
                break;
        }
    }

    private bool CopyOriginal(XNode node, string value)
    {
        var origin = node.Annotation<NodeOrigin>();
        if (origin is null || origin.Value != value)
        {
            return false;
        }
        _out.Append(origin.Text, origin.Start, origin.End - origin.Start);
        return true;
    }

    private void WriteElement(XElement element)
    {
        var origin = element.Annotation<ElementOrigin>();
        if (origin is null || origin.Name != element.Name)
        {
            WriteNew(element);
            return;
        }
        var text = origin.Text;
        var source = origin.Source;
        var pos = source.Start;
        for (var i = 0; i < origin.Attributes.Length; i++)
        {
            var attribute = origin.Attributes[i];
            var span = source.Attributes[i];
            if (attribute.Parent != element)
            {
                _out.Append(text, pos, span.LeadingWhitespace - pos);
                pos = span.ValueEnd + 1;
            }
            else if (attribute.Value != origin.Values[i])
            {
                _out.Append(text, pos, span.ValueStart - pos);
                _out.Append(EscapeAttribute(attribute.Value, span.Quote));
                pos = span.ValueEnd;
            }
        }
        _out.Append(text, pos, source.InsertAt - pos);
        pos = source.InsertAt;
        // New attributes: those not in the original. A set, not a scan per attribute: an element may have many.
        HashSet<XAttribute>? original = origin.Attributes.Length > 8 ? new(origin.Attributes, ReferenceEqualityComparer.Instance) : null;
        foreach (var attribute in element.Attributes())
        {
            if (original is not null ? !original.Contains(attribute) : Array.IndexOf(origin.Attributes, attribute) < 0)
            {
                WriteAttribute(element, attribute, _quote);
            }
        }
        var hasContent = element.FirstNode is not null;
        if (source.SelfClosing)
        {
            if (!hasContent)
            {
                _out.Append(text, pos, source.End - pos);
                return;
            }
            _out.Append(text, pos, source.CloseStart - pos).Append('>');
            WriteChildren(element);
            _out.Append("</").Append(source.QualifiedName).Append('>');
            return;
        }
        _out.Append(text, pos, source.StartTagEnd - pos);
        WriteChildren(element);
        _out.Append(text, source.EndTagStart, source.End - source.EndTagStart);
    }

    private void WriteChildren(XElement element)
    {
        for (var node = element.FirstNode; node is not null; node = node.NextNode)
        {
            WriteNode(node);
        }
    }

    private void WriteNew(XElement element)
    {
        var name = QualifiedName(element, element.Name, isAttribute: false);
        _out.Append('<').Append(name);
        foreach (var attribute in element.Attributes())
        {
            WriteAttribute(element, attribute, _quote);
        }
        if (element.FirstNode is null)
        {
            _out.Append("/>");
            return;
        }
        _out.Append('>');
        WriteChildren(element);
        _out.Append("</").Append(name).Append('>');
    }

    private void WriteAttribute(XElement element, XAttribute attribute, char quote)
    {
        string name;
        if (attribute.IsNamespaceDeclaration)
        {
            name = attribute.Name.Namespace == XNamespace.None ? "xmlns" : "xmlns:" + attribute.Name.LocalName;
        }
        else
        {
            name = QualifiedName(element, attribute.Name, isAttribute: true);
        }
        _out.Append(' ').Append(name).Append('=').Append(quote).Append(EscapeAttribute(attribute.Value, quote)).Append(quote);
    }

    private static string QualifiedName(XElement context, XName name, bool isAttribute)
    {
        if (name.Namespace == XNamespace.None)
        {
            return name.LocalName;
        }
        if (name.Namespace == XNamespace.Xml)
        {
            return "xml:" + name.LocalName;
        }
        var prefix = context.GetPrefixOfNamespace(name.Namespace);
        if (prefix is null && !isAttribute && context.GetDefaultNamespace() == name.Namespace)
        {
            return name.LocalName;
        }
        return prefix is null ? name.LocalName : prefix + ":" + name.LocalName;
    }

    private string Newlines(string value) =>
        _newline == "\n" ? value : value.Replace("\n", _newline, StringComparison.Ordinal);

    internal static string EscapeAttribute(string value, char quote)
    {
        if (value.AsSpan().IndexOfAny(AttributeSpecials) < 0)
        {
            return value;
        }
        var sb = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '\'' when quote == '\'' => "&apos;",
                '"' when quote == '"' => "&quot;",
                '\t' => "&#9;",
                '\n' => "&#10;",
                '\r' => "&#13;",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    internal static string EscapeText(string value)
    {
        if (value.AsSpan().IndexOfAny(TextSpecials) < 0)
        {
            return value;
        }
        return value.Replace("&", "&amp;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal)
            .Replace(">", "&gt;", StringComparison.Ordinal)
            .Replace("\r", "&#13;", StringComparison.Ordinal);
    }
}
