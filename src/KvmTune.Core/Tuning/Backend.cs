namespace KvmTune.Core.Tuning;

/// <summary>An image backend KvmTune can create and measure.</summary>
public enum Backend
{
    Qcow2Sparse,
    Qcow2Metadata,
    Qcow2Falloc,
    RawSparse,
    RawPrealloc,
    /// <summary>A loop device over a preallocated scratch file: the block-device path.</summary>
    Loop,
    /// <summary>A block device the user named explicitly (<c>--device</c>).</summary>
    Device,
    /// <summary>A logical volume in a volume group the user named (<c>--vg</c>).</summary>
    Lvm,
}

/// <summary>Names and properties of <see cref="Backend"/>.</summary>
public static class Backends
{
    public static IReadOnlyList<Backend> All { get; } = Enum.GetValues<Backend>();

    /// <summary>The CLI and report name (<c>qcow2-sparse</c>, <c>raw-prealloc</c>, <c>loop</c>, …).</summary>
    public static string ToName(this Backend backend) => backend switch
    {
        Backend.Qcow2Sparse => "qcow2-sparse",
        Backend.Qcow2Metadata => "qcow2-metadata",
        Backend.Qcow2Falloc => "qcow2-falloc",
        Backend.RawSparse => "raw-sparse",
        Backend.RawPrealloc => "raw-prealloc",
        Backend.Loop => "loop",
        Backend.Device => "device",
        Backend.Lvm => "lvm",
        _ => throw new ArgumentOutOfRangeException(nameof(backend)),
    };

    public static Backend? Parse(string? name) => All.Cast<Backend?>().FirstOrDefault(b => b!.Value.ToName() == name);

    /// <summary>The image format QEMU opens (<c>qcow2</c> or <c>raw</c>).</summary>
    public static string Format(this Backend backend) =>
        backend is Backend.Qcow2Sparse or Backend.Qcow2Metadata or Backend.Qcow2Falloc ? "qcow2" : "raw";

    /// <summary>True when the image is a block device (libvirt <c>type='block'</c>).</summary>
    public static bool IsBlock(this Backend backend) => backend is Backend.Loop or Backend.Device or Backend.Lvm;

    /// <summary>True when the image's data blocks are allocated up front (native aio cannot stall on metadata).</summary>
    public static bool IsPreallocated(this Backend backend) =>
        backend is Backend.Qcow2Falloc or Backend.RawPrealloc || backend.IsBlock();

    /// <summary>True when the backend supports internal snapshots (qcow2).</summary>
    public static bool SupportsInternalSnapshots(this Backend backend) => backend.Format() == "qcow2";
}
