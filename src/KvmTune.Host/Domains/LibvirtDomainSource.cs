using KvmTune.Core;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;
using KvmTune.Host.Libvirt;

namespace KvmTune.Host.Domains;

/// <summary>
/// Domains from a libvirt connection, opened read-only: the named ones, or all. A persistent domain is read as its
/// persistent definition (what the next start uses), a transient one as its live definition. Labels are
/// <c>URI/NAME</c>. The connection's QEMU and libvirt versions become <see cref="HostFacts"/>.
/// </summary>
public sealed class LibvirtDomainSource(string? uri, IReadOnlyList<string> names, bool all) : IDomainSource
{
    /// <summary>The URI read (the default when none was given).</summary>
    public string Uri { get; } = uri ?? LibvirtInput.DefaultUri;

    /// <summary>What the connection told about the host; <see cref="HostFacts.Unknown"/> until <see cref="Read"/>.</summary>
    public HostFacts HostFacts { get; private set; } = HostFacts.Unknown;

    public IReadOnlyList<DomainInput> Read()
    {
        using var connection = LibvirtInput.Open(Uri, readWrite: false);
        var domains = LibvirtInput.Select(connection, names, all);
        try
        {
            HostFacts = connection.HostFacts();
            var inputs = new List<DomainInput>(domains.Count);
            foreach (var domain in domains)
            {
                var label = $"{Uri.TrimEnd('/')}/{domain.Name}";
                var xml = domain.IsPersistent ? domain.PersistentXml : domain.LiveXml;
                try
                {
                    inputs.Add(new DomainInput(label, DomainDocument.Parse(xml, label)));
                }
                catch (DomainXmlException e)
                {
                    throw new InputException(e.Message, e);
                }
            }
            return inputs;
        }
        catch (LibvirtException e)
        {
            throw new InputException($"{Uri}: {e.Message}", e);
        }
        finally
        {
            foreach (var d in domains)
            {
                d.Dispose();
            }
        }
    }
}
