using KvmTune.Core;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;
using KvmTune.Host.Libvirt;

namespace KvmTune.Host.Domains;

/// <summary>
/// Domains from a libvirt connection, opened read-only: the named ones, or all. A persistent domain is read as its
/// persistent definition (what the next start uses), a transient one as its live definition. Labels are
/// <c>URI/NAME</c>. The connection's QEMU and libvirt versions become <see cref="HostFacts"/>. Domains are named by
/// name, UUID or id; with <paramref name="requireAll"/> false (one host of many) a name this host lacks is left out.
/// An unreachable host throws <see cref="HostFailureException"/>, as does a libvirt failure while reading.
/// </summary>
public sealed class LibvirtDomainSource(string? uri, IReadOnlyList<string> names, bool all, bool requireAll = true) : IDomainSource
{
    /// <summary>The URI read (the default when none was given).</summary>
    public string Uri { get; } = uri ?? LibvirtInput.DefaultUri;

    /// <summary>What the connection told about the host; <see cref="HostFacts.Unknown"/> until <see cref="Read"/>.</summary>
    public HostFacts HostFacts { get; private set; } = HostFacts.Unknown;

    /// <summary>The names, UUIDs and ids of the domains read (to tell which requested names no host has).</summary>
    public HashSet<string> Found { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<DomainInput> Read()
    {
        using var connection = LibvirtInput.Open(Uri, readWrite: false);
        var domains = LibvirtInput.Select(connection, names, all, requireAll);
        try
        {
            HostFacts = connection.HostFacts();
            var inputs = new List<DomainInput>(domains.Count);
            foreach (var domain in domains)
            {
                Found.UnionWith(LibvirtInput.Identifiers(domain));
                var label = $"{Uri.TrimEnd('/')}/{domain.Name}";
                string xml;
                try
                {
                    xml = domain.IsPersistent ? domain.PersistentXml : domain.LiveXml;
                }
                catch (LibvirtNoDomainException) when (all)
                {
                    // A transient domain that stopped (or one undefined) between listing and reading is simply gone;
                    // with --all that is not an error. A domain the user named is.
                    continue;
                }
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
            throw new HostFailureException($"{Uri}: {e.Message}", e);
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
