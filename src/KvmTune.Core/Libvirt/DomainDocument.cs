using System.Xml;
using System.Xml.Linq;
using KvmTune.Core.Input;

namespace KvmTune.Core.Libvirt;

/// <summary>
/// A libvirt domain definition. The parsed tree is the only copy of the data; typed views
/// (<see cref="Disks"/>, <see cref="IoThreads"/>) read and write it in place.
/// </summary>
public sealed class DomainDocument
{
    private readonly string _originalText;
    private bool _annotated;
    private bool _aligned;
    private bool _edited;
    private IReadOnlyList<Disk>? _disks;
    private Dictionary<object, object>? _memo;

    private DomainDocument(string originalText, XDocument document, string? sourceName)
    {
        _originalText = originalText;
        Document = document;
        SourceName = sourceName;
        // The source map is built lazily, just before the first edit, while the tree still matches the text:
        // read-only use (lint, explain) never pays for it.
        document.Changing += (_, _) =>
        {
            if (!_annotated)
            {
                _annotated = true;
                _aligned = XmlSourceMap.Annotate(document, originalText);
            }
        };
        document.Changed += (_, _) =>
        {
            _edited = true;
            _disks = null;
            _memo = null;
        };
    }

    /// <summary>True once a view (or the tree) has been edited.</summary>
    public bool IsEdited => _edited;

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
    /// <remarks>Built once and kept until the tree changes: rules that look across disks stay linear in their number.</remarks>
    public IReadOnlyList<Disk> Disks =>
        _disks ??= Root.Element("devices")?.Elements("disk").Select(e => new Disk(this, e)).ToList() ?? [];

    /// <summary>
    /// A value computed once per document state (dropped when the tree changes), for facts rules need about all disks:
    /// each disk asking anew would make a domain's lint quadratic in its disks.
    /// </summary>
    internal T Memo<T>(object key, Func<DomainDocument, T> compute)
        where T : notnull
    {
        _memo ??= [];
        if (!_memo.TryGetValue(key, out var value))
        {
            value = compute(this);
            _memo[key] = value;
        }
        return (T)value;
    }

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

    /// <summary>
    /// Parses domain XML. Throws <see cref="DomainXmlException"/> with line and column on bad input: malformed XML, a DTD
    /// (no entity is ever expanded), nesting deeper than <see cref="InputLimits.XmlDepth"/>, or a root that is not
    /// libvirt's <c>&lt;domain&gt;</c>. The message is one line whatever the input holds.
    /// </summary>
    public static DomainDocument Parse(string text, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var source = sourceName ?? "<input>";
        XDocument doc;
        try
        {
            // No DTDs: libvirt never writes one, and entity declarations are an expansion risk.
            var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersFromEntities = 0 };
            using var reader = new DepthLimitedXmlReader(XmlReader.Create(new StringReader(text), settings), InputLimits.XmlDepth);
            doc = XDocument.Load(reader, LoadOptions.PreserveWhitespace | LoadOptions.SetLineInfo);
        }
        catch (XmlException e)
        {
            // Some reader errors (a prohibited DTD) carry no position; point at the start then.
            var (line, col) = e.LineNumber > 0 ? (e.LineNumber, e.LinePosition) : (1, 1);
            // The reader's own message quotes the offending character and repeats the position: keep it one line.
            var reason = InputText.OneLine(TrimPosition(e.Message));
            throw new DomainXmlException($"{source}:{line}:{col}: malformed XML: {reason}", sourceName, line, col);
        }
        var root = doc.Root;
        if (root is null || root.Name.LocalName != "domain" || root.Name.Namespace != XNamespace.None)
        {
            var (line, col) = root is IXmlLineInfo li && li.HasLineInfo() ? (li.LineNumber, li.LinePosition) : (1, 1);
            var problem = root is null ? "no root element"
                : root.Name.LocalName != "domain" ? $"root element is <{InputText.Quote(root.Name.LocalName)}>, expected <domain>"
                : $"root element <domain> is in namespace '{InputText.Quote(root.Name.NamespaceName)}'; libvirt's <domain> has no namespace (remove xmlns)";
            throw new DomainXmlException($"{source}:{line}:{col}: {problem}", sourceName, line, col);
        }
        return new DomainDocument(text, doc, sourceName);
    }

    // "…. Line 3, position 7." — the position is already in front of the message.
    private static string TrimPosition(string message)
    {
        var at = message.LastIndexOf(" Line ", StringComparison.Ordinal);
        return at > 0 && message.EndsWith('.') && message.AsSpan(at).Contains(", position ", StringComparison.Ordinal) ? message[..at] : message;
    }

    /// <summary>
    /// Writes the document back. Unedited, this is the original text byte for byte; edited, only the changed
    /// attributes, elements and text differ from the original, in the file's own quote and indentation style.
    /// </summary>
    public string ToXml()
    {
        if (!_edited)
        {
            return _originalText;
        }
        if (_aligned)
        {
            return LosslessXmlWriter.Write(Document, _originalText);
        }
        // Only reached for text the source map cannot follow (e.g. a DOCTYPE with entity declarations).
        var declaration = Document.Declaration is null ? "" : Document.Declaration + "\n";
        return declaration + Document.ToString(SaveOptions.DisableFormatting);
    }
}

/// <summary>Malformed or non-domain XML, with its position.</summary>
public sealed class DomainXmlException(string message, string? sourceName, int line, int column) : InputException(message)
{
    public string? SourceName { get; } = sourceName;
    public int Line { get; } = line;
    public int Column { get; } = column;
}
