using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;

namespace KvmTune.Core.Tests.Rules;

/// <summary>Builds small domains around a disk snippet and runs one rule on them.</summary>
internal static class RuleTestKit
{
    public static DomainDocument Domain(string devices, string domainExtra = "") =>
        DomainDocument.Parse($"<domain type='kvm'><name>t</name>{domainExtra}<devices>{devices}</devices></domain>", "test.xml");

    /// <summary>Findings of the rule with <paramref name="code"/> on the first disk of the snippet.</summary>
    public static IReadOnlyList<Finding> Run(string code, string disk, HostFacts? host = null, string domainExtra = "") =>
        RuleCatalog.Find(code)!.Check(Domain(disk, domainExtra).Disks[0], host ?? HostFacts.Unknown).ToList();

    /// <summary>Findings of one rule over every disk of a corpus case, keyed by target dev.</summary>
    public static IReadOnlyList<Finding> RunOnCorpus(string code, string caseName, HostFacts? host = null)
    {
        var path = Path.Combine(RepoPaths.LibvirtCorpus, caseName + ".xml");
        var domain = DomainDocument.Parse(File.ReadAllText(path), path);
        var rule = RuleCatalog.Find(code)!;
        return domain.Disks.SelectMany(d => rule.Check(d, host ?? HostFacts.Unknown)).ToList();
    }

    public static string FileDisk(string driver, string target = "<target dev='vda' bus='virtio'/>", string source = "<source file='/var/lib/libvirt/images/a.img'/>", string extra = "") =>
        $"<disk type='file' device='disk'>{driver}{source}{target}{extra}</disk>";

    public static string BlockDisk(string driver, string target = "<target dev='vda' bus='virtio'/>", string source = "<source dev='/dev/vg0/lv0'/>", string extra = "") =>
        $"<disk type='block' device='disk'>{driver}{source}{target}{extra}</disk>";

    public static HostFacts Host(string? qemu = null, string? libvirt = null, bool? sparse = null, bool? lvm = null, bool? thin = null) => new()
    {
        QemuVersion = qemu is null ? null : Version.Parse(qemu),
        LibvirtVersion = libvirt is null ? null : Version.Parse(libvirt),
        IsSparseFile = _ => sparse,
        IsLvmVolume = _ => lvm,
        IsThinVolume = _ => thin,
    };
}
