using KvmTune.Core.Rules;

namespace KvmTune.Host.Libvirt;

/// <summary>
/// A connection to libvirt through its C API (<c>qemu:///system</c>, <c>qemu+ssh://host/system</c>, …).
/// Remote URIs are passed to libvirt as they are. Every failure is a <see cref="LibvirtException"/>.
/// </summary>
public sealed class LibvirtConnection : IDisposable
{
    private readonly ConnectHandle _handle;

    private LibvirtConnection(ConnectHandle handle, string requestedUri, bool readOnly)
    {
        _handle = handle;
        RequestedUri = requestedUri;
        IsReadOnly = readOnly;
    }

    /// <summary>The URI given to <see cref="Open"/>.</summary>
    public string RequestedUri { get; }

    /// <summary>True for a read-only connection.</summary>
    public bool IsReadOnly { get; }

    /// <summary>Opens a read-write connection (virConnectOpen).</summary>
    public static LibvirtConnection Open(string uri) => OpenWith(uri, readOnly: false);

    /// <summary>Opens a read-only connection (virConnectOpenReadOnly): lists and reads, never changes.</summary>
    public static LibvirtConnection OpenReadOnly(string uri) => OpenWith(uri, readOnly: true);

    private static LibvirtConnection OpenWith(string uri, bool readOnly)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        NativeMethods.EnsureQuietErrors();
        var handle = readOnly ? NativeMethods.virConnectOpenReadOnly(uri) : NativeMethods.virConnectOpen(uri);
        if (handle.IsInvalid)
        {
            var cause = LibvirtException.FromLastError(readOnly ? $"virConnectOpenReadOnly('{uri}')" : $"virConnectOpen('{uri}')");
            handle.Dispose();
            throw new LibvirtConnectionException(uri, cause);
        }
        return new LibvirtConnection(handle, uri, readOnly);
    }

    /// <summary>The canonical URI libvirt reports for this connection.</summary>
    public string Uri => NativeMethods.TakeString(NativeMethods.virConnectGetURI(_handle)) ?? throw LibvirtException.FromLastError("virConnectGetURI");

    /// <summary>The host name of the hypervisor host.</summary>
    public string Hostname => NativeMethods.TakeString(NativeMethods.virConnectGetHostname(_handle)) ?? throw LibvirtException.FromLastError("virConnectGetHostname");

    /// <summary>The libvirt version of the daemon side (virConnectGetLibVersion).</summary>
    public Version LibvirtVersion =>
        NativeMethods.virConnectGetLibVersion(_handle, out var v) == 0 ? DecodeVersion(v) : throw LibvirtException.FromLastError("virConnectGetLibVersion");

    /// <summary>The hypervisor (QEMU) version (virConnectGetVersion).</summary>
    public Version HypervisorVersion =>
        NativeMethods.virConnectGetVersion(_handle, out var v) == 0 ? DecodeVersion(v) : throw LibvirtException.FromLastError("virConnectGetVersion");

    /// <summary>The facts a connection knows: the QEMU and libvirt versions of the host it reaches.</summary>
    public HostFacts HostFacts() => new() { QemuVersion = HypervisorVersion, LibvirtVersion = LibvirtVersion };

    /// <summary>libvirt encodes versions as major * 1,000,000 + minor * 1,000 + release.</summary>
    internal static Version DecodeVersion(nuint encoded)
    {
        var v = (ulong)encoded;
        return new Version((int)(v / 1_000_000), (int)(v / 1_000 % 1_000), (int)(v % 1_000));
    }

    /// <summary>Every domain, running or not, persistent or transient (virConnectListAllDomains).</summary>
    public unsafe IReadOnlyList<LibvirtDomain> ListAllDomains()
    {
        var count = NativeMethods.virConnectListAllDomains(_handle, out var array, 0);
        if (count < 0)
        {
            throw LibvirtException.FromLastError("virConnectListAllDomains");
        }
        var list = new List<LibvirtDomain>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                list.Add(new LibvirtDomain(new DomainHandle(array[i]), this));
            }
        }
        finally
        {
            System.Runtime.InteropServices.NativeMemory.Free(array);
        }
        return list.OrderBy(d => d.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The domain with this name; <see cref="LibvirtNoDomainException"/> when there is none.</summary>
    public LibvirtDomain LookupByName(string name)
    {
        var handle = NativeMethods.virDomainLookupByName(_handle, name);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw LibvirtException.FromLastError($"virDomainLookupByName('{name}')");
        }
        return new LibvirtDomain(handle, this);
    }

    /// <summary>The domain with this name, or null.</summary>
    public LibvirtDomain? TryLookupByName(string name)
    {
        try
        {
            return LookupByName(name);
        }
        catch (LibvirtNoDomainException)
        {
            return null;
        }
    }

    /// <summary>
    /// The domain a user names the way virsh takes it: a number is tried as a running domain's id, a UUID as a UUID,
    /// and everything (a number or UUID that matched nothing too) as a name. Null when nothing matches.
    /// </summary>
    public LibvirtDomain? TryLookup(string nameUuidOrId)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameUuidOrId);
        if (int.TryParse(nameUuidOrId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            && Found(NativeMethods.virDomainLookupByID(_handle, id), $"virDomainLookupByID({id})") is { } byId)
        {
            return byId;
        }
        if (Guid.TryParse(nameUuidOrId, out _)
            && Found(NativeMethods.virDomainLookupByUUIDString(_handle, nameUuidOrId), $"virDomainLookupByUUIDString('{nameUuidOrId}')") is { } byUuid)
        {
            return byUuid;
        }
        return TryLookupByName(nameUuidOrId);
    }

    private LibvirtDomain? Found(DomainHandle handle, string operation)
    {
        if (!handle.IsInvalid)
        {
            return new LibvirtDomain(handle, this);
        }
        handle.Dispose();
        var error = LibvirtException.FromLastError(operation);
        return error is LibvirtNoDomainException ? null : throw error;
    }

    /// <summary>
    /// Defines (creates or replaces) a persistent domain (virDomainDefineXMLFlags). With <paramref name="validate"/>
    /// libvirt also checks the XML against its schema, so an unknown attribute value is refused instead of dropped.
    /// </summary>
    public LibvirtDomain DefineXml(string xml, bool validate = true)
    {
        var handle = NativeMethods.virDomainDefineXMLFlags(_handle, xml, validate ? NativeMethods.DefineValidate : 0);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            throw LibvirtException.FromLastError("virDomainDefineXML");
        }
        return new LibvirtDomain(handle, this);
    }

    public void Dispose() => _handle.Dispose();
}
