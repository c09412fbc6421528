using KvmTune.Core.Libvirt;

namespace KvmTune.Core.Rules.Catalog;

/// <summary>KT027: thin storage without <c>discard='unmap'</c> never gives space back.</summary>
public sealed class ThinStorageWithoutDiscardRule : DiskRule
{
    public override string Code => "KT027";
    public override Severity Severity => Severity.Info;
    public override string Title => "thin storage (qcow2, sparse raw, thin LV) without discard='unmap'";
    public override string Rationale =>
        "libvirt's default is discard='ignore': the guest's TRIM/UNMAP requests are dropped, so space freed inside " +
        "the guest stays allocated in a qcow2 image, a sparse raw file or a thin LV, which only grow. " +
        "discard='unmap' passes them down. A qcow2 image is recognised from the XML; a raw file or block device " +
        "is reported only when the host facts say it is sparse or thin (unknown: the rule stays silent, it is " +
        "advice). Sources: libvirt docs/formatdomain.rst (driver discard, since 1.0.6), QEMU docs (discard=unmap), " +
        "nova [libvirt] hw_disk_discard.";
    public override string? Fix => "set discard='unmap'";

    public override IEnumerable<Finding> Check(Disk disk, HostFacts host)
    {
        var driver = disk.Driver;
        if (driver.Discard == "unmap" || disk.ReadOnly || disk.IsRemovable() || !IsKnownDiscardValue(driver.Discard))
        {
            return [];
        }
        var thin = Thin(disk, host);
        if (thin is null)
        {
            return [];
        }
        var discard = driver.Discard is null ? "no discard attribute (libvirt's default, ignore)" : $"discard='{driver.Discard}'";
        return [Fire(disk, $"{thin} with {discard}: space the guest frees is never returned", Fix)];
    }

    private static string? Thin(Disk disk, HostFacts host)
    {
        if (disk.Driver.Format == "qcow2" && (disk.IsFile || disk.IsBlock || disk.Type == "volume"))
        {
            return "qcow2 image";
        }
        if (disk.Driver.Format is null or "raw" && disk.IsFile && disk.Source.File is { } file && host.IsSparseFile(file) == true)
        {
            return $"sparse raw file {file}";
        }
        if (disk.IsBlock && disk.Source.Dev is { } dev && host.IsThinVolume(dev) == true)
        {
            return $"thin volume {dev}";
        }
        return null;
    }

    // An unknown value is KT002's finding; do not pile a second one on it.
    private static bool IsKnownDiscardValue(string? value) => value is null or "default" or "ignore" or "unmap";
}
