using KvmTune.Core.Libvirt;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Rules.Catalog;

/// <summary>
/// KT022: <c>io='io_uring'</c> on an LVM logical volume. Where the io probe ran on this host
/// (<see cref="HostFacts.IoProbe"/>), the finding cites its result for the disk's kind of storage and cache mode
/// instead of the general warning: a hang, an error or wrong data is a warning on any disk; a pass is said at info
/// level.
/// </summary>
public sealed class IoUringOnLvmRule : DiskRule
{
    public override string Code => "KT022";
    public override Severity Severity => Severity.Warning;
    public override string Title => "io_uring on an LVM-backed device (reported hangs)";
    public override string Rationale =>
        "Guest IO hangs have been reported with aio=io_uring on LVM logical volumes (and with krbd plus a host " +
        "cache); Proxmox VE therefore does not default to io_uring on LVM storage. Whether a device is an LVM " +
        "volume is a host fact: when it is unknown the rule says so at info level rather than guessing from the " +
        "path. Where KvmTune's io probe ran on this host (probe, bench, tune: io_uring with each cache mode on each " +
        "kind of storage, write, flush and read back under a watchdog), the finding cites what it measured instead. " +
        "Sources: Proxmox VE qemu-server (aio default selection), DESIGN.md facts.";
    public override string? Fix => "set io='native' (with cache='none') or io='threads'";

    public override IEnumerable<Finding> Check(Disk disk, HostFacts host)
    {
        if (disk.Driver.IoMode != IoMode.IoUring)
        {
            return [];
        }
        var lvm = disk.IsBlock && disk.Source.Dev is { } dev ? host.IsLvmVolume(dev) : null;
        if (Probed(disk, host, lvm) is { } check)
        {
            return check.Passed
                ? [new Finding(Code, Severity.Info, disk.Label, $"io='io_uring' here: the io probe on this host passed ({check.Sentence})")]
                : [Fire(disk, $"io='io_uring' here: the io probe on this host failed ({check.Sentence})", Fix)];
        }
        if (!disk.IsBlock || disk.Source.Dev is not { } path)
        {
            return [];
        }
        return lvm switch
        {
            true => [Fire(disk, $"io='io_uring' on LVM volume {path}: IO hangs have been reported with this combination", Fix)],
            null => [Unknown(disk, $"io='io_uring' on block device {path}: unknown whether it is an LVM volume (io_uring hangs have been reported on LVM)")],
            false => [],
        };
    }

    /// <summary>
    /// The probe's check for the disk's kind of storage and effective cache mode: an LVM volume's on the lvm backend,
    /// another block device's on a block backend, a file's on a backend of its format; a failure before a pass.
    /// </summary>
    private static IoModeCheck? Probed(Disk disk, HostFacts host, bool? lvm)
    {
        if (host.IoProbe.Count == 0 || disk.Driver.EffectiveCache() is not { } cache)
        {
            return null;
        }
        Func<Backend, bool> kind = disk.IsBlock
            ? (lvm == true ? b => b == Backend.Lvm : b => b.IsBlock())
            : b => !b.IsBlock() && b.Format() == (disk.Driver.Format ?? "raw");
        var matching = host.IoProbe.Where(c => c.Io == IoMode.IoUring && c.Cache == cache && kind(c.Backend)).ToList();
        return matching.FirstOrDefault(c => !c.Passed) ?? matching.FirstOrDefault();
    }
}
