using KvmTune.Core.Libvirt;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Rules.Catalog;

/// <summary>KT026: writethrough/directsync sync every write.</summary>
public sealed class SyncEveryWriteCacheRule : DiskRule
{
    public override string Code => "KT026";
    public override Severity Severity => Severity.Info;
    public override string Title => "writethrough/directsync: every write is synced; measure before keeping";
    public override string Rationale =>
        "cache='writethrough' and cache='directsync' present no volatile write cache to the guest " +
        "(cache.writeback=off): QEMU completes a write only once it is on stable storage, as if each were followed " +
        "by a flush. That protects guests that never flush (old OSes) but costs a sync per write, often a large " +
        "factor in IOPS; a guest that flushes is just as safe with cache='none'. Sources: QEMU docs (-drive cache " +
        "modes), libvirt docs/formatdomain.rst (driver cache).";

    public override IEnumerable<Finding> Check(Disk disk, HostFacts host)
    {
        if (disk.Driver.CacheMode is not (CacheMode.Writethrough or CacheMode.Directsync) || disk.ReadOnly)
        {
            return [];
        }
        return [Fire(disk, $"cache='{disk.Driver.Cache}' syncs every write: measure against cache='none' (safe when the guest flushes) before keeping it")];
    }
}
