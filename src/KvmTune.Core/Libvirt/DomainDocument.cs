using System.Xml;
using System.Xml.Linq;

namespace KvmTune.Core.Libvirt;

/// <summary>
/// A libvirt domain definition. The parsed tree is the only copy of the data; typed views
/// (<see cref="Disks"/>, <see cref="IoThreads"/>) read and write it in place.
/// </summary>
public sealed class DomainDocument
{
    private readonly string _originalText;

    private DomainDocument(string originalText, XDocument document, string? sourceName)
    {
        _originalText = originalText;
        Document = document;
        SourceName = sourceName;
    }

    /// <summary>Where the document came from (a path, a domain name, or null).</summary>
    public string? SourceName { get; }

    /// <summary>The underlying tree. Views edit it; <see cref="ToXml"/> writes it back.</summary>
    public XDocument Document { get; }

    /// <summary>The <c>&lt;domain&gt;</c> element.</summary>
    public XElement Root => Document.Root!;

    /// <summary>The domain's <c>&lt;name&gt;</c>, or null when absent.</summary>
    public string? Name => Root.Element("name")?.Value;

    /// <summary>The domain's hypervisor type (<c>kvm</c>, <c>qemu</c>, …).</summary>
    public string? HypervisorType => (string?)Root.Attribute("type");

    /// <summary>The disks under <c>&lt;devices&gt;</c>, in document order.</summary>
    public IReadOnlyList<Disk> Disks =>
        Root.Element("devices")?.Elements("disk").Select(e => new Disk(this, e)).ToList() ?? [];

    /// <summary>The number of iothreads the domain declares (<c>&lt;iothreads&gt;N&lt;/iothreads&gt;</c>), 0 when none.</summary>
    public int IoThreads
    {
        get
        {
            var declared = int.TryParse(Root.Element("iothreads")?.Value, out var n) ? n : 0;
            var ids = Root.Element("iothreadids")?.Elements("iothread").Count() ?? 0;
            return Math.Max(declared, ids);
        }
    }

    /// <summary>The ids of the domain's iothreads (from <c>&lt;iothreadids&gt;</c>, else 1..N).</summary>
    public IReadOnlyList<int> IoThreadIds
    {
        get
        {
            var ids = Root.Element("iothreadids")?.Elements("iothread")
                .Select(e => int.TryParse((string?)e.Attribute("id"), out var id) ? id : 0)
                .Where(id => id > 0).ToList();
            return ids is { Count: > 0 } ? ids : Enumerable.Range(1, IoThreads).ToList();
        }
    }

    /// <summary>True when nova manages the domain (its metadata namespace is present).</summary>
    public bool IsNovaManaged =>
        Root.Element("metadata")?.Elements().Any(e => e.Name.NamespaceName.StartsWith("http://openstack.org/xmlns/libvirt/nova", StringComparison.Ordinal)) == true;

    /// <summary>Parses domain XML. Throws <see cref="DomainXmlException"/> with line and column on bad input.</summary>
    public static DomainDocument Parse(string text, string? sourceName = null)
    {
        XDocument doc;
        try
        {
            doc = XDocument.Parse(text, LoadOptions.PreserveWhitespace | LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            throw new DomainXmlException($"{sourceName ?? "<input>"}:{e.LineNumber}:{e.LinePosition}: malformed XML: {e.Message}", sourceName, e.LineNumber, e.LinePosition);
        }
        if (doc.Root is null || doc.Root.Name.LocalName != "domain" || doc.Root.Name.Namespace != XNamespace.None)
        {
            var (line, col) = doc.Root is IXmlLineInfo li && li.HasLineInfo() ? (li.LineNumber, li.LinePosition) : (1, 1);
            throw new DomainXmlException($"{sourceName ?? "<input>"}:{line}:{col}: root element is <{doc.Root?.Name.LocalName}>, expected <domain>", sourceName, line, col);
        }
        return new DomainDocument(text, doc, sourceName);
    }

    /// <summary>Writes the document back. Unedited, this is the original text byte for byte.</summary>
    public string ToXml() => _originalText; // TODO #2: lossless writer for edited documents.
}

/// <summary>Malformed or non-domain XML, with its position.</summary>
public sealed class DomainXmlException(string message, string? sourceName, int line, int column) : Exception(message)
{
    public string? SourceName { get; } = sourceName;
    public int Line { get; } = line;
    public int Column { get; } = column;
}
