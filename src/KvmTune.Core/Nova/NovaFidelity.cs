using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace KvmTune.Core.Nova;

/// <summary>One field where KvmTune's simulation and the real nova disagree.</summary>
/// <param name="Conf">The nova.conf.</param>
/// <param name="Case">The disk case.</param>
/// <param name="Field">The field (<see cref="NovaFidelity.Fields"/>).</param>
/// <param name="KvmTune">KvmTune's value.</param>
/// <param name="Nova">nova's value.</param>
public sealed record NovaFieldMismatch(string Conf, string Case, string Field, string? KvmTune, string? Nova);

/// <summary>
/// Compares a disk of <see cref="NovaSimulator"/> with the one the real nova built (<see cref="NovaOracleDisk"/>):
/// whether nova could build it at all, then the source type, the driver's name, format (type), cache, io and discard,
/// and the whole <c>&lt;disk&gt;</c> element in canonical form.
/// </summary>
public static class NovaFidelity
{
    /// <summary>The fields compared for a disk both sides built (<c>error</c> is compared for every disk).</summary>
    public static IReadOnlyList<string> Fields { get; } = ["source_type", "driver_name", "format", "cache", "io", "discard", "disk_xml"];

    /// <summary>
    /// The mismatches for one disk. <paramref name="patched"/> compares the driver nova writes when it honours
    /// <c>disk_io_modes</c> (the patched nova) instead of stock nova's.
    /// </summary>
    public static IReadOnlyList<NovaFieldMismatch> Compare(string conf, SimulatedDisk simulated, NovaOracleDisk nova, bool patched)
    {
        ArgumentNullException.ThrowIfNull(simulated);
        ArgumentNullException.ThrowIfNull(nova);
        var list = new List<NovaFieldMismatch>();
        var kvmtuneFails = simulated.Error is not null;
        var novaFails = nova.Error is not null;
        if (kvmtuneFails || novaFails)
        {
            if (kvmtuneFails != novaFails)
            {
                list.Add(new(conf, simulated.Case, "error", simulated.Error, nova.Error));
            }
            return list;
        }
        var a = patched ? simulated.Attributes : simulated.NovaAttributes;
        var n = nova.Driver ?? new NovaDriverAttributes(null, null, null, null, null);
        void Field(string name, string? mine, string? theirs)
        {
            if (!string.Equals(mine, theirs, StringComparison.Ordinal))
            {
                list.Add(new(conf, simulated.Case, name, mine, theirs));
            }
        }
        Field("source_type", simulated.SourceType, nova.SourceType);
        Field("driver_name", a.Name, n.Name);
        Field("format", a.Type, n.Type);
        Field("cache", a.Cache, n.Cache);
        Field("io", a.Io, n.Io);
        Field("discard", a.Discard, n.Discard);
        Field("disk_xml", CanonicalXml(patched ? simulated.DiskXml : simulated.NovaDiskXml), nova.DiskXml is null ? null : CanonicalXml(nova.DiskXml));
        return list;
    }

    /// <summary>
    /// An element in canonical form: attributes sorted by name, whitespace between elements dropped, text trimmed,
    /// empty elements self-closed. Two serialisations of the same element give the same string.
    /// </summary>
    public static string CanonicalXml(string xml)
    {
        XElement element;
        try
        {
            element = XElement.Parse(xml);
        }
        catch (XmlException e)
        {
            throw new InputException($"not XML: {e.Message}", e);
        }
        var sb = new StringBuilder();
        Write(sb, element);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, XElement element)
    {
        sb.Append('<').Append(element.Name.LocalName);
        foreach (var attribute in element.Attributes().Where(a => !a.IsNamespaceDeclaration).OrderBy(a => a.Name.LocalName, StringComparer.Ordinal))
        {
            sb.Append(' ').Append(attribute.Name.LocalName).Append("=\"").Append(attribute.Value).Append('"');
        }
        var children = element.Nodes().Where(n => n is XElement || (n is XText t && t.Value.Trim().Length > 0)).ToList();
        if (children.Count == 0)
        {
            sb.Append("/>");
            return;
        }
        sb.Append('>');
        foreach (var child in children)
        {
            if (child is XElement e)
            {
                Write(sb, e);
            }
            else
            {
                sb.Append(((XText)child).Value.Trim());
            }
        }
        sb.Append("</").Append(element.Name.LocalName).Append('>');
    }
}
