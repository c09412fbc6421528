using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules.Catalog;

namespace KvmTune.Core.Rules;

/// <summary>The KT rule catalog that lint, explain, the advisor and apply share.</summary>
public static class RuleCatalog
{
    /// <summary>Every rule, ordered by code.</summary>
    public static IReadOnlyList<IRule> All { get; } =
    [
        new NativeIoNeedsDirectCacheRule(),
        new UnknownDriverValueRule(),
        new IoTuneTotalWithReadWriteRule(),
        new ShareableNeedsCacheNoneRule(),
        new IoUringHostTooOldRule(),
        new DuplicateTargetRule(),
        new UnsafeCacheRule(),
        new MigrationUnsafeCacheRule(),
        new ImplicitCacheRule(),
        new NativeIoOnSparseFileRule(),
        new FasterIoModeAvailableRule(),
        new IoUringOnLvmRule(),
        new IoOnNetworkDiskRule(),
        new EmulatedBusRule(),
        new DiskWithoutIoThreadRule(),
        new SyncEveryWriteCacheRule(),
        new ThinStorageWithoutDiscardRule(),
    ];

    /// <summary>A rule by code, or null.</summary>
    public static IRule? Find(string code) => All.FirstOrDefault(r => r.Code == code);

    /// <summary>Every finding for every disk of a domain, in disk order then code order.</summary>
    public static IReadOnlyList<Finding> Check(DomainDocument domain, HostFacts host)
    {
        var findings = new List<Finding>();
        foreach (var disk in domain.Disks)
        {
            foreach (var rule in All)
            {
                findings.AddRange(rule.Check(disk, host));
            }
        }
        return findings;
    }

    /// <summary>Every finding for one disk, in code order.</summary>
    public static IReadOnlyList<Finding> Check(Disk disk, HostFacts host)
    {
        var findings = new List<Finding>();
        foreach (var rule in All)
        {
            findings.AddRange(rule.Check(disk, host));
        }
        return findings;
    }
}
