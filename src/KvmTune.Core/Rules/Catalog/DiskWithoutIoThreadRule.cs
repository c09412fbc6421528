using KvmTune.Core.Libvirt;

namespace KvmTune.Core.Rules.Catalog;

/// <summary>KT025: a virtio disk runs in the main loop although iothreads exist, or many disks share none.</summary>
public sealed class DiskWithoutIoThreadRule : DiskRule
{
    /// <summary>From this many virtio disks without any iothread, the domain is reported (once, on the first disk).</summary>
    public const int ManyDisks = 4;

    public override string Code => "KT025";
    public override Severity Severity => Severity.Info;
    public override string Title => "virtio disk not bound to an iothread although the domain has iothreads, or many busy disks share none";
    public override string Rationale =>
        $"Without an iothread a virtio-blk disk is served by QEMU's main loop, which it shares with every other " +
        "device and with the monitor; an iothread gives it its own event loop. When the domain declares " +
        "<iothreads> but a virtio disk has no iothread='N' (nor a <driver><iothreads> mapping), that disk gains " +
        $"nothing from them. When a domain has no iothread at all and {ManyDisks} or more virtio disks, they all share " +
        "the main loop (the XML cannot tell how busy each disk is; the finding says so). Sources: libvirt " +
        "docs/formatdomain.rst (IOThreads Allocation, driver iothread), QEMU docs (iothreads).";

    public override IEnumerable<Finding> Check(Disk disk, HostFacts host)
    {
        if (!IsVirtioDisk(disk))
        {
            return [];
        }
        var driver = disk.Driver;
        var bound = driver.IoThread is not null || driver.IoThreadMapping.Count > 0;
        if (bound)
        {
            return [];
        }
        var domain = disk.Owner;
        var iothreads = domain.IoThreads;
        if (iothreads > 0)
        {
            return [Fire(disk, $"virtio disk without iothread='N' although the domain has {iothreads} iothread(s): it runs in QEMU's main loop", "set iothread='1' (an id from <iothreadids> or 1..<iothreads>)")];
        }
        // Reported once per domain, on its first virtio disk.
        var (count, first) = domain.Memo(MemoKey, static d =>
        {
            var virtio = d.Disks.Where(IsVirtioDisk).ToList();
            return (virtio.Count, virtio.Count > 0 ? virtio[0].Element : null);
        });
        if (count >= ManyDisks && first == disk.Element)
        {
            return [Fire(disk, $"{count} virtio disks and no <iothreads>: all share QEMU's main loop; if several are busy, add iothreads and bind each disk with iothread='N'")];
        }
        return [];
    }

    private static readonly object MemoKey = new();

    private static bool IsVirtioDisk(Disk disk) => disk.TargetBus == "virtio" && !disk.IsRemovable();
}
