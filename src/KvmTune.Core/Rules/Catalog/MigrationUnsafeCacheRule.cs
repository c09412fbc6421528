using KvmTune.Core.Libvirt;

namespace KvmTune.Core.Rules.Catalog;

/// <summary>KT011: a cache mode that live migration cannot keep coherent on this host.</summary>
public sealed class MigrationUnsafeCacheRule : DiskRule
{
    public override string Code => "KT011";
    public override Severity Severity => Severity.Warning;
    public override string Title => "cache mode not migration-safe on this host (not none/directsync and no drop-cache support)";
    public override string Rationale =>
        "During live migration the destination reads the disk while the source's host page cache may still hold " +
        "newer data. cache='none'/'directsync' bypass the page cache and are always safe; other modes are safe only " +
        "when QEMU (>= 4.0) drops the page cache on the destination, otherwise libvirt refuses to migrate without " +
        "--unsafe. The rule needs the host's QEMU version: when it is unknown the rule stays silent (it is advice " +
        "about a host, not about the file). Sources: libvirt src/qemu/qemu_migration.c (qemuMigrationSrcIsSafe), " +
        "QEMU 4.0 changelog (drop-cache on incoming migration).";
    public override string? Fix => "set cache='none'";

    public override IEnumerable<Finding> Check(Disk disk, HostFacts host)
    {
        var driver = disk.Driver;
        if (host.MigrationDropsCache != false || disk.ReadOnly || disk.IsRemovable() || disk.IsNetwork
            || disk.EffectiveCache() is not { } cache || cache.IsDirect())
        {
            return [];
        }
        return [Fire(disk, $"{driver.DescribeCache()} is not migration-safe with QEMU {host.QemuVersion} (no drop-cache before 4.0): libvirt refuses live migration without --unsafe", Fix)];
    }
}
