using KvmTune.Core;

namespace KvmTune.Host.Libvirt;

/// <summary>Opens libvirt connections and finds domains for commands; failures become one-line bad input.</summary>
public static class LibvirtInput
{
    /// <summary>The URI used without <c>--connect</c>: <c>$LIBVIRT_DEFAULT_URI</c>, else <c>qemu:///system</c>.</summary>
    public static string DefaultUri =>
        Environment.GetEnvironmentVariable("LIBVIRT_DEFAULT_URI") is { Length: > 0 } uri ? uri : "qemu:///system";

    /// <summary>
    /// Opens a connection (read-only unless <paramref name="readWrite"/>); unreachable → <see cref="HostFailureException"/>
    /// (exit 3: the URI may be right and the host down).
    /// </summary>
    public static LibvirtConnection Open(string? uri, bool readWrite)
    {
        uri ??= DefaultUri;
        try
        {
            return readWrite ? LibvirtConnection.Open(uri) : LibvirtConnection.OpenReadOnly(uri);
        }
        catch (LibvirtConnectionException e)
        {
            throw new HostFailureException($"{uri}: cannot connect to libvirt: {e.LibvirtMessage}", e);
        }
    }

    /// <summary>
    /// The named domains (each a name, a UUID or an id, as virsh takes them), in the order given, each once; an unknown
    /// one → <see cref="InputException"/> before anything else, unless <paramref name="requireAll"/> is false (many
    /// hosts: a domain lives on one of them), when it is left out.
    /// </summary>
    public static IReadOnlyList<LibvirtDomain> Lookup(LibvirtConnection connection, IEnumerable<string> names, bool requireAll = true)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(names);
        var found = new List<LibvirtDomain>();
        try
        {
            foreach (var name in names.Distinct(StringComparer.Ordinal))
            {
                var domain = connection.TryLookup(name);
                if (domain is null)
                {
                    if (!requireAll)
                    {
                        continue;
                    }
                    throw new InputException($"{connection.RequestedUri}: no domain named '{name}' (nor with that UUID or id)");
                }
                if (found.Any(d => d.Name == domain.Name))
                {
                    domain.Dispose();
                    continue;
                }
                found.Add(domain);
            }
            return found;
        }
        catch
        {
            foreach (var d in found)
            {
                d.Dispose();
            }
            throw;
        }
    }

    /// <summary>What a user may name a domain by, as virsh takes it: its name, its UUID, and its id while it runs.</summary>
    public static IEnumerable<string> Identifiers(LibvirtDomain domain)
    {
        ArgumentNullException.ThrowIfNull(domain);
        yield return domain.Name;
        yield return domain.Uuid;
        if (domain.Id is { } id)
        {
            yield return id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// The named domains, or every domain when <paramref name="all"/>. A listed domain undefined (or, transient, stopped)
    /// before it could be asked anything is left out: on a busy host instances come and go while KvmTune lists them.
    /// </summary>
    public static IReadOnlyList<LibvirtDomain> Select(LibvirtConnection connection, IReadOnlyList<string>? names, bool all, bool requireAll = true)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return all ? WithoutGone(connection.ListAllDomains()) : Lookup(connection, names ?? [], requireAll);
    }

    /// <summary>The domains that still exist (asked with virDomainIsPersistent); the others are disposed.</summary>
    public static IReadOnlyList<LibvirtDomain> WithoutGone(IReadOnlyList<LibvirtDomain> domains)
    {
        ArgumentNullException.ThrowIfNull(domains);
        var present = new List<LibvirtDomain>(domains.Count);
        foreach (var domain in domains)
        {
            try
            {
                _ = domain.IsPersistent;
                present.Add(domain);
            }
            catch (LibvirtNoDomainException)
            {
                domain.Dispose();
            }
        }
        return present;
    }
}
