using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules.Catalog;

namespace KvmTune.Core.Rules;

/// <summary>The KT rule catalog that lint, explain, the advisor and apply share.</summary>
public static class RuleCatalog
{
    // Each rule by name, so that the advisor, the planner and apply cite a rule through the catalog, not by its code text.
    public static NativeIoNeedsDirectCacheRule NativeIoNeedsDirectCache { get; } = new();

    public static UnknownDriverValueRule UnknownDriverValue { get; } = new();

    public static IoTuneTotalWithReadWriteRule IoTuneTotalWithReadWrite { get; } = new();

    public static ShareableNeedsCacheNoneRule ShareableNeedsCacheNone { get; } = new();

    public static IoUringHostTooOldRule IoUringHostTooOld { get; } = new();

    public static DuplicateTargetRule DuplicateTarget { get; } = new();

    public static UnsafeCacheRule UnsafeCache { get; } = new();

    public static MigrationUnsafeCacheRule MigrationUnsafeCache { get; } = new();

    public static ImplicitCacheRule ImplicitCache { get; } = new();

    public static NativeIoOnSparseFileRule NativeIoOnSparseFile { get; } = new();

    public static FasterIoModeAvailableRule FasterIoModeAvailable { get; } = new();

    public static IoUringOnLvmRule IoUringOnLvm { get; } = new();

    public static IoOnNetworkDiskRule IoOnNetworkDisk { get; } = new();

    public static EmulatedBusRule EmulatedBus { get; } = new();

    public static DiskWithoutIoThreadRule DiskWithoutIoThread { get; } = new();

    public static SyncEveryWriteCacheRule SyncEveryWriteCache { get; } = new();

    public static ThinStorageWithoutDiscardRule ThinStorageWithoutDiscard { get; } = new();

    /// <summary>Every rule, ordered by code.</summary>
    public static IReadOnlyList<IRule> All { get; } =
    [
        NativeIoNeedsDirectCache,
        UnknownDriverValue,
        IoTuneTotalWithReadWrite,
        ShareableNeedsCacheNone,
        IoUringHostTooOld,
        DuplicateTarget,
        UnsafeCache,
        MigrationUnsafeCache,
        ImplicitCache,
        NativeIoOnSparseFile,
        FasterIoModeAvailable,
        IoUringOnLvm,
        IoOnNetworkDisk,
        EmulatedBus,
        DiskWithoutIoThread,
        SyncEveryWriteCache,
        ThinStorageWithoutDiscard,
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
