using KvmTune.Core.Libvirt;

namespace KvmTune.Core.Rules.Catalog;

/// <summary>KT012: no cache attribute, so the hypervisor default applies implicitly.</summary>
public sealed class ImplicitCacheRule : DiskRule
{
    public override string Code => "KT012";
    public override Severity Severity => Severity.Warning;
    public override string Title => "no cache attribute: hypervisor default (writeback, host page cache) is implicit";
    public override string Rationale =>
        "Without a cache attribute libvirt passes no cache option and QEMU uses its default, writeback: guest " +
        "data goes through the host page cache, which costs host memory, makes benchmarks look like RAM until the " +
        "dirty limits are reached, and is not migration-safe on QEMU < 4.0. nova always writes the mode it chose. " +
        "Stating the mode makes the choice visible and reviewable. Removable media (cdrom, floppy) and read-only " +
        "disks are skipped. Sources: QEMU docs (-drive cache, default writeback), libvirt docs/formatdomain.rst.";

    public override IEnumerable<Finding> Check(Disk disk, HostFacts host)
    {
        var driver = disk.Driver;
        // A writable shareable disk without a cache mode gets cache=none from libvirt: nothing implicit about it.
        if (!driver.CacheIsImplicit() || disk.IsRemovable() || disk.ReadOnly || disk.SharedDefaultsToNone())
        {
            return [];
        }
        return [Fire(disk, $"{driver.DescribeCache()}: state the mode, e.g. cache='none' where the storage supports O_DIRECT",
            "set cache='none' where the storage supports O_DIRECT, else cache='writeback'")];
    }
}
