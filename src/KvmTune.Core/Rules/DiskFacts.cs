using KvmTune.Core.Libvirt;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Rules;

/// <summary>Facts about a disk the rules share, phrased in libvirt's spelling.</summary>
internal static class DiskFacts
{
    /// <summary>
    /// The cache mode QEMU applies: the <c>cache</c> attribute, or writeback when it is absent or <c>default</c>
    /// (libvirt then passes no cache option and QEMU's default is cache.writeback=on, cache.direct=off).
    /// Null when the attribute holds a value libvirt does not know (KT002 reports that).
    /// </summary>
    public static CacheMode? EffectiveCache(this DiskDriver driver) =>
        IsImplicit(driver.Cache) ? CacheMode.Writeback : driver.CacheMode;

    /// <summary>
    /// The cache mode QEMU applies to this disk: as <see cref="EffectiveCache(DiskDriver)"/>, except that libvirt gives a
    /// writable <c>&lt;shareable/&gt;</c> disk without a cache mode cache=none (qemu_command.c, qemuBuildDriveStr:
    /// "else if (disk->src->shared &amp;&amp; !disk->src->readonly) cache=none"; DiskExplainer says the same).
    /// </summary>
    public static CacheMode? EffectiveCache(this Disk disk) =>
        disk.SharedDefaultsToNone() ? CacheMode.None : disk.Driver.EffectiveCache();

    /// <summary>True for a writable shareable disk without a cache mode: libvirt chooses cache=none for it.</summary>
    public static bool SharedDefaultsToNone(this Disk disk) =>
        disk.Shareable && !disk.ReadOnly && disk.Driver.CacheIsImplicit();

    /// <summary>True when no cache mode is written (<c>cache</c> absent or <c>default</c>).</summary>
    public static bool CacheIsImplicit(this DiskDriver driver) => IsImplicit(driver.Cache);

    /// <summary>True when no io mode is written (<c>io</c> absent or <c>default</c>).</summary>
    public static bool IoIsImplicit(this DiskDriver driver) => IsImplicit(driver.Io);

    /// <summary><c>cache='none'</c>, or a phrase for the implicit default.</summary>
    public static string DescribeCache(this DiskDriver driver) =>
        driver.Cache switch
        {
            null => "no cache attribute (QEMU's default, writeback)",
            "default" => "cache='default' (QEMU's default, writeback)",
            var c => $"cache='{c}'",
        };

    /// <summary>True for a cache mode with cache.direct=on (none, directsync).</summary>
    public static bool IsDirect(this CacheMode mode) => mode.Semantics().Direct;

    /// <summary>True for removable media (cdrom, floppy): nothing the guest writes persists there.</summary>
    public static bool IsRemovable(this Disk disk) => disk.Device is "cdrom" or "floppy";

    private static bool IsImplicit(string? value) => value is null or "default";
}
