using KvmTune.Core.Libvirt;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Rules.Catalog;

/// <summary>KT022: <c>io='io_uring'</c> on an LVM logical volume.</summary>
public sealed class IoUringOnLvmRule : DiskRule
{
    public override string Code => "KT022";
    public override Severity Severity => Severity.Warning;
    public override string Title => "io_uring on an LVM-backed device (reported hangs)";
    public override string Rationale =>
        "Guest IO hangs have been reported with aio=io_uring on LVM logical volumes (and with krbd plus a host " +
        "cache); Proxmox VE therefore does not default to io_uring on LVM storage. Whether a device is an LVM " +
        "volume is a host fact: when it is unknown the rule says so at info level rather than guessing from the " +
        "path. Sources: Proxmox VE qemu-server (aio default selection), DESIGN.md facts.";
    public override string? Fix => "set io='native' (with cache='none') or io='threads'";

    public override IEnumerable<Finding> Check(Disk disk, HostFacts host)
    {
        if (disk.Driver.IoMode != IoMode.IoUring || !disk.IsBlock || disk.Source.Dev is not { } path)
        {
            return [];
        }
        return host.IsLvmVolume(path) switch
        {
            true => [Fire(disk, $"io='io_uring' on LVM volume {path}: IO hangs have been reported with this combination", Fix)],
            null => [Unknown(disk, $"io='io_uring' on block device {path}: unknown whether it is an LVM volume (io_uring hangs have been reported on LVM)")],
            false => [],
        };
    }
}
