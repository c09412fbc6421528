namespace KvmTune.Core.Fleet;

/// <summary>
/// One host to read through libvirt: the name output shows (an inventory's host name, or the URI itself) and the
/// libvirt URI that reaches it (<c>qemu+ssh://root@compute01/system</c>, <c>qemu:///system</c>, …).
/// </summary>
/// <param name="Name">What output calls the host.</param>
/// <param name="Uri">The libvirt URI, passed to libvirt as it is.</param>
/// <param name="Groups">The inventory groups the host is in (empty for a URI given directly).</param>
public sealed record HostTarget(string Name, string Uri, IReadOnlyList<string> Groups)
{
    /// <summary>A host given as a bare URI: its name is the URI.</summary>
    public static HostTarget FromUri(string uri) => new(uri, uri, []);
}
