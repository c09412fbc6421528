namespace KvmTune.Core.Tuning;

/// <summary>
/// The one mapping from a measured configuration to libvirt's <c>&lt;driver/&gt;</c>: <c>name='qemu'</c>, the image
/// format as <c>type</c>, <c>cache</c> and <c>io</c>. The recommendation, the micro-VM and apply all take a
/// candidate's driver from here, and write it through <see cref="Libvirt.DiskDriver.Apply"/>.
/// </summary>
/// <param name="Name">The driver name (<c>qemu</c>).</param>
/// <param name="Format">The image format (<c>raw</c>, <c>qcow2</c>), libvirt's <c>type</c>.</param>
/// <param name="Cache">The cache mode.</param>
/// <param name="Io">The aio mode.</param>
public sealed record DriverSettings(string Name, string Format, CacheMode Cache, IoMode Io)
{
    /// <summary>The driver of a candidate.</summary>
    public static DriverSettings For(Candidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        return new DriverSettings("qemu", candidate.Backend.Format(), candidate.Cache, candidate.Io);
    }

    /// <summary>The attributes in libvirt's order and spelling.</summary>
    public IReadOnlyList<(string Attribute, string Value)> Attributes =>
        [("name", Name), ("type", Format), ("cache", Cache.ToLibvirt()), ("io", Io.ToLibvirt())];

    /// <summary>The element as libvirt writes it: <c>&lt;driver name='qemu' type='raw' cache='none' io='native'/&gt;</c>.</summary>
    public string ToXml() => Libvirt.DiskDriver.Render(this);
}
