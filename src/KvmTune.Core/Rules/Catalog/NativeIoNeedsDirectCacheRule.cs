using KvmTune.Core.Libvirt;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Rules.Catalog;

/// <summary>KT001: <c>io='native'</c> with a cache mode other than none/directsync cannot start.</summary>
public sealed class NativeIoNeedsDirectCacheRule : DiskRule
{
    public override string Code => "KT001";
    public override Severity Severity => Severity.Error;
    public override string Title => "io='native' needs cache='none' or cache='directsync'";
    public override string Rationale =>
        "Linux native AIO only works on files opened with O_DIRECT (cache.direct=on). libvirt refuses the domain " +
        "(\"native I/O needs either no disk cache or directsync cache mode\") and QEMU refuses the drive " +
        "(\"aio=native was specified, but it requires cache.direct=on\"); nova silently downgrades to io='threads'. " +
        "Sources: libvirt qemu_validate.c, QEMU block/file-posix.c, nova virt/libvirt/driver.py.";
    public override string? Fix => "set cache='none' (or io='threads' to keep the host page cache)";

    public override IEnumerable<Finding> Check(Disk disk, HostFacts host)
    {
        var driver = disk.Driver;
        if (driver.IoMode != IoMode.Native || disk.EffectiveCache() is not { } cache || cache.IsDirect())
        {
            return [];
        }
        return [Fire(disk, $"io='native' with {driver.DescribeCache()}: libvirt and QEMU refuse to start it (native AIO requires cache.direct=on)", Fix)];
    }
}
