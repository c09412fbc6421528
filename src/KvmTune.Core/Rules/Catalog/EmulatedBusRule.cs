using KvmTune.Core.Libvirt;

namespace KvmTune.Core.Rules.Catalog;

/// <summary>KT024: a disk on an emulated bus (ide, sata, usb).</summary>
public sealed class EmulatedBusRule : DiskRule
{
    public override string Code => "KT024";
    public override Severity Severity => Severity.Warning;
    public override string Title => "disk on ide/sata/usb bus (emulated, slow); use virtio";
    public override string Rationale =>
        "IDE, AHCI (sata) and USB storage are emulated register by register: every request traps to QEMU several " +
        "times, with a queue depth of 1 (IDE) or 32 (AHCI), so throughput and IOPS are far below virtio-blk or " +
        "virtio-scsi, which are paravirtual with multiqueue and iothread support. Removable media (cdrom, floppy) " +
        "are skipped: they are commonly on sata/ide by design. Changing the bus renames the guest's devices and " +
        "needs virtio drivers in the guest, so no automatic fix is offered. Sources: libvirt docs/formatdomain.rst " +
        "(target bus), QEMU docs (virtio-blk, virtio-scsi).";

    public override IEnumerable<Finding> Check(Disk disk, HostFacts host)
    {
        if (disk.IsRemovable() || disk.TargetBus is not ("ide" or "sata" or "usb"))
        {
            return [];
        }
        return [Fire(disk, $"bus='{disk.TargetBus}' is emulated and slow: use bus='virtio' (or bus='scsi' on virtio-scsi) once the guest has virtio drivers")];
    }
}
