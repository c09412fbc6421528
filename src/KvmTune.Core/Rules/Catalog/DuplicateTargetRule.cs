using System.Xml;
using System.Xml.Linq;
using KvmTune.Core.Libvirt;

namespace KvmTune.Core.Rules.Catalog;

/// <summary>KT006: two disks of one domain with the same <c>&lt;target dev&gt;</c>.</summary>
public sealed class DuplicateTargetRule : DiskRule
{
    private static readonly object MemoKey = new();

    public override string Code => "KT006";
    public override Severity Severity => Severity.Error;
    public override string Title => "two disks with the same <target dev>";
    public override string Rationale =>
        "The target dev (vda, sdb, …) names the disk inside the domain: libvirt derives the device alias and the guest " +
        "address from it, and refuses a definition where two disks share one (\"XML error: target 'vda' duplicated for " +
        "disk sources …\", virDomainDefCheckDuplicateDiskInfo in src/conf/domain_conf.c). A copied <disk> block whose " +
        "target was not renamed is the usual cause; every disk after the first with that name is reported. Source: " +
        "libvirt docs/formatdomain.rst (target dev).";
    public override string? Fix => "give each disk its own target dev";

    public override IEnumerable<Finding> Check(Disk disk, HostFacts host)
    {
        if (disk.TargetDev is not { } dev)
        {
            return [];
        }
        // One pass over the domain's disks, kept for every disk's check: first element per target dev.
        var first = disk.Owner.Memo(MemoKey, static d =>
        {
            var map = new Dictionary<string, XElement>(StringComparer.Ordinal);
            foreach (var each in d.Disks)
            {
                if (each.TargetDev is { } name)
                {
                    map.TryAdd(name, each.Element);
                }
            }
            return map;
        });
        if (!first.TryGetValue(dev, out var earlier) || earlier == disk.Element)
        {
            return [];
        }
        var where = earlier is IXmlLineInfo info && info.HasLineInfo() ? $" (line {info.LineNumber})" : "";
        return [Fire(disk, $"target dev='{dev}' is already used by an earlier disk{where}: libvirt refuses the domain (target duplicated)", Fix)];
    }
}
