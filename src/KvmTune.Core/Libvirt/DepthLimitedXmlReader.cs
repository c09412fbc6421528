using System.Xml;

namespace KvmTune.Core.Libvirt;

/// <summary>
/// An <see cref="XmlReader"/> that refuses elements nested deeper than a limit, so deep input is refused at the limit
/// instead of costing time and stack in every recursive walk after parsing. Everything else is the inner reader's.
/// </summary>
internal sealed class DepthLimitedXmlReader(XmlReader inner, int maxDepth) : XmlReader, IXmlLineInfo
{
    private readonly IXmlLineInfo? _lineInfo = inner as IXmlLineInfo;

    public override bool Read()
    {
        if (!inner.Read())
        {
            return false;
        }
        if (inner.NodeType == XmlNodeType.Element && inner.Depth >= maxDepth)
        {
            throw new XmlException($"elements nested deeper than {maxDepth} levels", null, LineNumber, LinePosition);
        }
        return true;
    }

    public override int AttributeCount => inner.AttributeCount;
    public override string BaseURI => inner.BaseURI;
    public override int Depth => inner.Depth;
    public override bool EOF => inner.EOF;
    public override bool IsEmptyElement => inner.IsEmptyElement;
    public override string LocalName => inner.LocalName;
    public override string Name => inner.Name;
    public override string NamespaceURI => inner.NamespaceURI;
    public override XmlNameTable NameTable => inner.NameTable;
    public override XmlNodeType NodeType => inner.NodeType;
    public override string Prefix => inner.Prefix;
    public override ReadState ReadState => inner.ReadState;
    public override string Value => inner.Value;
    public override bool HasValue => inner.HasValue;
    public override bool IsDefault => inner.IsDefault;
    public override XmlSpace XmlSpace => inner.XmlSpace;
    public override string XmlLang => inner.XmlLang;
    public override XmlReaderSettings? Settings => inner.Settings;
    public override string GetAttribute(int i) => inner.GetAttribute(i);
    public override string? GetAttribute(string name) => inner.GetAttribute(name);
    public override string? GetAttribute(string name, string? namespaceURI) => inner.GetAttribute(name, namespaceURI);
    public override string? LookupNamespace(string prefix) => inner.LookupNamespace(prefix);
    public override bool MoveToAttribute(string name) => inner.MoveToAttribute(name);
    public override bool MoveToAttribute(string name, string? ns) => inner.MoveToAttribute(name, ns);
    public override void MoveToAttribute(int i) => inner.MoveToAttribute(i);
    public override bool MoveToElement() => inner.MoveToElement();
    public override bool MoveToFirstAttribute() => inner.MoveToFirstAttribute();
    public override bool MoveToNextAttribute() => inner.MoveToNextAttribute();
    public override bool ReadAttributeValue() => inner.ReadAttributeValue();
    public override void ResolveEntity() => inner.ResolveEntity();

    public bool HasLineInfo() => _lineInfo?.HasLineInfo() == true;
    public int LineNumber => _lineInfo?.LineNumber ?? 0;
    public int LinePosition => _lineInfo?.LinePosition ?? 0;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
