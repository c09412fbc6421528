namespace KvmTune.Core.Rules;

/// <summary>
/// What is known about the host a domain runs on. Every fact is optional: a rule that needs an unknown fact
/// says "unknown" instead of guessing.
/// </summary>
public sealed record HostFacts
{
    /// <summary>No facts known (linting a file on another machine).</summary>
    public static HostFacts Unknown { get; } = new();

    /// <summary>QEMU version, when known.</summary>
    public Version? QemuVersion { get; init; }

    /// <summary>libvirt version, when known.</summary>
    public Version? LibvirtVersion { get; init; }

    /// <summary>Per host path: is the file sparse (not fully allocated)? null = unknown.</summary>
    public Func<string, bool?> IsSparseFile { get; init; } = _ => null;

    /// <summary>Per host path: is it an LVM logical volume? null = unknown.</summary>
    public Func<string, bool?> IsLvmVolume { get; init; } = _ => null;

    /// <summary>Per host path: is it a thin LV (or other thin block storage)? null = unknown.</summary>
    public Func<string, bool?> IsThinVolume { get; init; } = _ => null;

    /// <summary>
    /// The io probe's results on this host (<see cref="Tuning.IoModeCheck"/>: io_uring and native per backend and cache
    /// mode, write/flush/read back under a watchdog); empty when it never ran here.
    /// </summary>
    public IReadOnlyList<Tuning.IoModeCheck> IoProbe { get; init; } = [];

    /// <summary>QEMU >= 4.0 drops the host page cache on migration, so cached modes migrate safely.</summary>
    public bool? MigrationDropsCache => QemuVersion is null ? null : QemuVersion >= new Version(4, 0);

    /// <summary>io_uring needs QEMU >= 5.0 and libvirt >= 6.3; null when either version is unknown.</summary>
    public bool? SupportsIoUring =>
        QemuVersion is null || LibvirtVersion is null ? null : QemuVersion >= new Version(5, 0) && LibvirtVersion >= new Version(6, 3);
}
