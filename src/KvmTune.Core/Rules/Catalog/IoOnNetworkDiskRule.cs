using KvmTune.Core.Libvirt;

namespace KvmTune.Core.Rules.Catalog;

/// <summary>KT023: an io mode on a network disk has no effect.</summary>
public sealed class IoOnNetworkDiskRule : DiskRule
{
    public override string Code => "KT023";
    public override Severity Severity => Severity.Info;
    public override string Title => "io set on a network disk (no effect)";
    public override string Rationale =>
        "The io attribute selects QEMU's aio backend for host files and devices (file-posix). A type='network' " +
        "disk is served by QEMU's own network client (librbd, libiscsi, NBD, curl, …), which does its own IO; the " +
        "setting is ignored and suggests a tuning that is not happening. nova never sets io for rbd. Sources: " +
        "QEMU block drivers (block/rbd.c, block/iscsi.c do not use aio=), nova virt/libvirt/volume.";
    public override string? Fix => "remove the io attribute";

    public override IEnumerable<Finding> Check(Disk disk, HostFacts host)
    {
        var driver = disk.Driver;
        if (!disk.IsNetwork || driver.IoIsImplicit())
        {
            return [];
        }
        var protocol = disk.Source.Protocol is { } p ? $" (protocol='{p}')" : "";
        return [Fire(disk, $"io='{driver.Io}' on a network disk{protocol} has no effect: QEMU's network client does its own IO", Fix)];
    }
}
