using KvmTune.Core.Libvirt;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Rules.Catalog;

/// <summary>KT004: a shareable (multi-attach) disk with a cache mode other than none.</summary>
public sealed class ShareableNeedsCacheNoneRule : DiskRule
{
    public override string Code => "KT004";
    public override Severity Severity => Severity.Error;
    public override string Title => "shareable disk with a cache mode other than none";
    public override string Rationale =>
        "A <shareable/> disk is written by several guests (often on several hosts) at once; a host page cache on " +
        "one of them serves stale data to its guest and loses ordering between hosts. libvirt's formatdomain " +
        "documentation: shareable \"means that caching should be deactivated for that device\"; nova and the " +
        "multi-attach volume drivers use cache='none'. Source: libvirt docs/formatdomain.rst (shareable).";
    public override string? Fix => "set cache='none'";

    public override IEnumerable<Finding> Check(Disk disk, HostFacts host)
    {
        var driver = disk.Driver;
        if (!disk.Shareable || disk.EffectiveCache() is not { } cache || cache == CacheMode.None)
        {
            return [];
        }
        return [Fire(disk, $"shareable disk with {driver.DescribeCache()}: a shared disk needs cache='none' so no host caches its data", Fix)];
    }
}
