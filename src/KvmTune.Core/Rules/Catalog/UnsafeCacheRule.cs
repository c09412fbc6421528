using KvmTune.Core.Libvirt;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Rules.Catalog;

/// <summary>KT010: <c>cache='unsafe'</c> ignores guest flushes.</summary>
public sealed class UnsafeCacheRule : DiskRule
{
    public override string Code => "KT010";
    public override Severity Severity => Severity.Warning;
    public override string Title => "cache='unsafe': data loss on host crash";
    public override string Rationale =>
        "cache='unsafe' is writeback with cache.no-flush=on: QEMU ignores the guest's flush requests, so data the " +
        "guest believes durable can be lost (and its filesystem corrupted) when the host crashes or loses power. " +
        "QEMU documents it for throw-away guests such as installers only. Sources: QEMU docs (qemu-options, -drive " +
        "cache=unsafe), libvirt docs/formatdomain.rst (driver cache).";
    public override string? Fix => "set cache='none' (or cache='writeback' to keep the host page cache)";

    public override IEnumerable<Finding> Check(Disk disk, HostFacts host) =>
        disk.Driver.CacheMode == CacheMode.Unsafe && !disk.ReadOnly
            ? [Fire(disk, "cache='unsafe' ignores guest flushes: a host crash loses data the guest had flushed", Fix)]
            : [];
}
