using System.Xml.Linq;

namespace KvmTune.Core.Libvirt;

/// <summary>
/// Inserts and removes elements the way libvirt lays them out: one element per line, indented like its
/// siblings, so an edit written by <see cref="DomainDocument.ToXml"/> is a one-line diff.
/// </summary>
public static class XmlLayout
{
    /// <summary>Inserts <paramref name="child"/> as the first child element of <paramref name="parent"/>.</summary>
    public static void InsertFirst(XElement parent, XElement child)
    {
        ArgumentNullException.ThrowIfNull(parent);
        var first = parent.Elements().FirstOrDefault();
        if (first is null)
        {
            Append(parent, child);
            return;
        }
        InsertBefore(first, child);
    }

    /// <summary>Inserts <paramref name="child"/> just before <paramref name="sibling"/>, on its own line.</summary>
    public static void InsertBefore(XElement sibling, XElement child)
    {
        ArgumentNullException.ThrowIfNull(sibling);
        var indent = IndentBefore(sibling);
        sibling.AddBeforeSelf(child);
        if (indent is not null)
        {
            sibling.AddBeforeSelf(new XText(indent));
        }
    }

    /// <summary>Inserts <paramref name="child"/> just after <paramref name="sibling"/>, on its own line.</summary>
    public static void InsertAfter(XElement sibling, XElement child)
    {
        ArgumentNullException.ThrowIfNull(sibling);
        var indent = IndentBefore(sibling);
        sibling.AddAfterSelf(child);
        if (indent is not null)
        {
            sibling.AddAfterSelf(new XText(indent));
        }
    }

    /// <summary>Appends <paramref name="child"/> as the last child element of <paramref name="parent"/>.</summary>
    public static void Append(XElement parent, XElement child)
    {
        ArgumentNullException.ThrowIfNull(parent);
        var last = parent.Elements().LastOrDefault();
        if (last is not null)
        {
            InsertAfter(last, child);
            return;
        }
        var parentIndent = IndentBefore(parent) ?? "\n";
        if (parent.FirstNode is null || (parent.Nodes().All(n => n is XText t && string.IsNullOrWhiteSpace(t.Value))))
        {
            parent.RemoveNodes();
            parent.Add(new XText(parentIndent + IndentUnit(parent)), child, new XText(parentIndent));
        }
        else
        {
            parent.Add(child);
        }
    }

    /// <summary>Removes <paramref name="element"/> and the line it stood on.</summary>
    public static void Remove(XElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        if (element.PreviousNode is XText previous && previous is not XCData && string.IsNullOrWhiteSpace(previous.Value) && previous.Value.Contains('\n', StringComparison.Ordinal))
        {
            previous.Remove();
        }
        element.Remove();
    }

    /// <summary>The whitespace (newline + indentation) before an element, when it starts its own line.</summary>
    private static string? IndentBefore(XElement element)
    {
        if (element.PreviousNode is XText text && text is not XCData)
        {
            var value = text.Value;
            var newline = value.LastIndexOf('\n');
            if (newline >= 0 && string.IsNullOrWhiteSpace(value[newline..]))
            {
                return value[newline..];
            }
        }
        return null;
    }

    private static string IndentUnit(XElement parent)
    {
        // The step between the parent's indentation and its own parent's, else libvirt's two spaces.
        var own = IndentBefore(parent);
        var up = parent.Parent is { } grand ? IndentBefore(grand) : null;
        if (own is not null && up is not null && own.Length > up.Length && own.StartsWith(up, StringComparison.Ordinal))
        {
            return own[up.Length..];
        }
        if (own is not null && up is null && parent.Parent is not null && parent.Parent.Parent is null)
        {
            return own.Length > 1 ? own[1..] : "  ";
        }
        return "  ";
    }
}
