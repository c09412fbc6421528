namespace KvmTune.Core.Tuning;

/// <summary>
/// The one mapping from a measured configuration to libvirt's <c>&lt;driver/&gt;</c>: <c>name='qemu'</c>, the image
/// format as <c>type</c>, <c>cache</c> and <c>io</c>, and, when the candidate set them, <c>discard</c>,
/// <c>detect_zeroes</c> (libvirt 1.0.6, 2.0.0) and the qcow2 metadata cache (<c>&lt;metadata_cache&gt;&lt;max_size&gt;</c>,
/// libvirt 7.0.0, QEMU's <c>cache-size</c>). The recommendation, the micro-VM and apply all take a candidate's driver
/// from here, and write it through <see cref="Libvirt.DiskDriver.Apply"/>.
/// </summary>
/// <param name="Name">The driver name (<c>qemu</c>).</param>
/// <param name="Format">The image format (<c>raw</c>, <c>qcow2</c>), libvirt's <c>type</c>.</param>
/// <param name="Cache">The cache mode.</param>
/// <param name="Io">The aio mode.</param>
public sealed record DriverSettings(string Name, string Format, CacheMode Cache, IoMode Io)
{
    /// <summary>libvirt's <c>discard</c>, or null to leave it unset.</summary>
    public DiscardSetting? Discard { get; init; }

    /// <summary>libvirt's <c>detect_zeroes</c>, or null to leave it unset.</summary>
    public DetectZeroesSetting? DetectZeroes { get; init; }

    /// <summary>The qcow2 metadata cache's maximum size in bytes (<c>&lt;metadata_cache&gt;</c>), or null to leave QEMU's default.</summary>
    public long? MetadataCacheBytes { get; init; }

    /// <summary>The driver of a candidate.</summary>
    public static DriverSettings For(Candidate candidate) => For(candidate, null);

    /// <summary>
    /// The driver of a candidate whose images are <paramref name="virtualSize"/> bytes: a candidate measured with an L2
    /// cache covering the whole image gets the metadata cache that covers an image of that size
    /// (<see cref="Qcow2Layout.MetadataCacheBytes"/>); without a size, none.
    /// </summary>
    public static DriverSettings For(Candidate candidate, long? virtualSize)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var o = candidate.Options;
        return new DriverSettings("qemu", candidate.Backend.Format(), candidate.Cache, candidate.Io)
        {
            Discard = o.Discard,
            DetectZeroes = o.DetectZeroes,
            MetadataCacheBytes = o.L2Cache == L2CacheSetting.WholeImage && virtualSize is { } size && candidate.Backend.Format() == "qcow2"
                ? Qcow2Layout.MetadataCacheBytes(size, o.EffectiveClusterSize, o.ExtendedL2)
                : null,
        };
    }

    /// <summary>The attributes in libvirt's order and spelling.</summary>
    public IReadOnlyList<(string Attribute, string Value)> Attributes
    {
        get
        {
            List<(string, string)> attributes = [("name", Name), ("type", Format), ("cache", Cache.ToLibvirt()), ("io", Io.ToLibvirt())];
            if (Discard is { } d)
            {
                attributes.Add(("discard", ImageOptions.Name(d)));
            }
            if (DetectZeroes is { } z)
            {
                attributes.Add(("detect_zeroes", ImageOptions.Name(z)));
            }
            return attributes;
        }
    }

    /// <summary>The element as libvirt writes it: <c>&lt;driver name='qemu' type='raw' cache='none' io='native'/&gt;</c>.</summary>
    public string ToXml() => Libvirt.DiskDriver.Render(this);
}
