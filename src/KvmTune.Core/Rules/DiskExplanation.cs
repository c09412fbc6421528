using KvmTune.Core.Libvirt;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Rules;

/// <summary>What a host crash does to data the guest wrote, given the disk's cache mode (DESIGN.md cache table).</summary>
public enum CrashSafety
{
    /// <summary>The cache value is not one libvirt knows: nothing can be said.</summary>
    Unknown,

    /// <summary>Read-only disk: nothing is written.</summary>
    ReadOnly,

    /// <summary>writeback / none (and unset): data the guest flushed survives; unflushed writes may be lost.</summary>
    SafeIfGuestFlushes,

    /// <summary>writethrough / directsync: every write is synced; safe even without guest flushes.</summary>
    SyncEveryWrite,

    /// <summary>unsafe: guest flushes are ignored; a host crash loses data.</summary>
    Unsafe,
}

/// <summary>Whether libvirt lets the domain live-migrate without <c>--unsafe</c>, given cache mode and host.</summary>
public enum MigrationSafety
{
    /// <summary>The cache value is unknown, or the host facts needed are unknown.</summary>
    Unknown,

    /// <summary>cache none/directsync, a read-only disk, or a host whose QEMU drops the page cache on migration.</summary>
    Safe,

    /// <summary>A cached mode on a host whose QEMU (&lt; 4.0) cannot drop the page cache, or a shareable disk with a host cache.</summary>
    Unsafe,
}

/// <summary>
/// The QEMU options libvirt derives from a disk's <c>&lt;driver&gt;</c> (qemu_block.c / qemu_command.c):
/// <c>cache.direct</c> and <c>cache.no-flush</c> on the <c>-blockdev</c> nodes, <c>aio</c> on the file-posix
/// protocol node, and <c>write-cache</c> on the <c>-device</c>.
/// </summary>
/// <param name="CacheDirect">O_DIRECT; off when cache is unset (QEMU default).</param>
/// <param name="CacheNoFlush">Flushes ignored; off when cache is unset.</param>
/// <param name="Aio">The aio option, or null when libvirt passes none (io unset or not applicable: QEMU's threads default).</param>
/// <param name="WriteCache">Device <c>write-cache</c> <c>on</c>/<c>off</c>, or null when libvirt passes none (cache unset: QEMU default on).</param>
/// <param name="Known">False when the cache value is one libvirt does not know (libvirt refuses the domain).</param>
public sealed record QemuImplication(bool CacheDirect, bool CacheNoFlush, string? Aio, string? WriteCache, bool Known)
{
    /// <summary>False for an empty removable drive: no <c>-blockdev</c> node exists, only the device.</summary>
    public bool HasMedium { get; init; } = true;

    /// <summary>
    /// QEMU's <c>discard</c> on the disk's nodes (<c>unmap</c>, <c>ignore</c>), or null when libvirt passes none for the
    /// disk (<c>discard</c> unset or <c>default</c>; newer libvirt still writes <c>discard=unmap</c> on a storage node
    /// under a format node, where the format node decides).
    /// </summary>
    public string? Discard { get; init; }

    /// <summary>
    /// QEMU's <c>detect-zeroes</c> on the disk's top node (<c>off</c>, <c>on</c>, <c>unmap</c>), or null when unset:
    /// libvirt turns <c>detect_zeroes='unmap'</c> into <c>on</c> unless <c>discard='unmap'</c> (QEMU refuses
    /// detect-zeroes=unmap without discard=unmap).
    /// </summary>
    public string? DetectZeroes { get; init; }

    /// <summary>
    /// The <c>-blockdev</c> options, e.g. <c>cache.direct=on,cache.no-flush=off,aio=native</c> (then <c>discard</c> and
    /// <c>detect-zeroes</c> when set); null without a medium.
    /// </summary>
    public string? Blockdev => !HasMedium ? null :
        $"cache.direct={OnOff(CacheDirect)},cache.no-flush={OnOff(CacheNoFlush)}" + (Aio is null ? "" : $",aio={Aio}")
        + (Discard is null ? "" : $",discard={Discard}") + (DetectZeroes is null ? "" : $",detect-zeroes={DetectZeroes}");

    /// <summary>The <c>-device</c> option, e.g. <c>write-cache=on</c>, or null when left to QEMU's default.</summary>
    public string? Device => WriteCache is null ? null : $"write-cache={WriteCache}";

    private static string OnOff(bool b) => b ? "on" : "off";
}

/// <summary>One disk explained: what its settings are, what they mean, and what the rule catalog says.</summary>
public sealed record DiskExplanation
{
    public required string Disk { get; init; }
    public string? Bus { get; init; }
    public required string Device { get; init; }
    public string? Type { get; init; }
    public string? Source { get; init; }

    /// <summary>The image format (<c>&lt;driver type&gt;</c>), or null when unset.</summary>
    public string? Format { get; init; }

    /// <summary>The <c>cache</c> attribute verbatim; null when unset.</summary>
    public string? Cache { get; init; }

    /// <summary>The cache mode in effect: the attribute's, or writeback (the hypervisor default) when unset or <c>default</c>; null when unknown.</summary>
    public CacheMode? EffectiveCache { get; init; }

    /// <summary>True when no explicit cache mode is set and QEMU's default applies.</summary>
    public bool CacheIsDefault { get; init; }

    /// <summary>cache.writeback / cache.direct / cache.no-flush of the effective mode; null when unknown.</summary>
    public CacheSemantics? CacheSemantics { get; init; }

    /// <summary>One sentence: what the cache mode means.</summary>
    public required string CacheMeaning { get; init; }

    /// <summary>The <c>io</c> attribute verbatim; null when unset.</summary>
    public string? Io { get; init; }

    /// <summary>The aio mode in effect (<c>threads</c> when unset); null when unknown or not applicable (network disks).</summary>
    public string? EffectiveIo { get; init; }

    /// <summary>One sentence: what the io mode means here.</summary>
    public required string IoMeaning { get; init; }

    /// <summary>The <c>discard</c> attribute verbatim; null when unset.</summary>
    public string? Discard { get; init; }

    /// <summary>One sentence: what discard does here (which guest discards reach the image).</summary>
    public string DiscardMeaning { get; init; } = "";

    /// <summary>The <c>detect_zeroes</c> attribute verbatim; null when unset.</summary>
    public string? DetectZeroes { get; init; }

    /// <summary>One sentence: what detect_zeroes does here (zero-filled writes).</summary>
    public string DetectZeroesMeaning { get; init; } = "";

    /// <summary>The iothread(s) serving the disk: <c>iothread='N'</c> or the <c>&lt;iothreads&gt;</c> mapping; empty when none.</summary>
    public IReadOnlyList<string> IoThreads { get; init; } = [];

    public required CrashSafety CrashSafety { get; init; }
    public required string CrashSafetyDetail { get; init; }
    public required MigrationSafety MigrationSafety { get; init; }
    public required string MigrationSafetyDetail { get; init; }

    /// <summary>The QEMU options this configuration implies.</summary>
    public required QemuImplication Qemu { get; init; }

    /// <summary>The rule catalog's findings for this disk.</summary>
    public required IReadOnlyList<Finding> Findings { get; init; }
}

/// <summary>A domain explained disk by disk.</summary>
public sealed record DomainExplanation(string? Domain, string? Source, IReadOnlyList<DiskExplanation> Disks, IReadOnlyList<Finding> DomainFindings);

/// <summary>Builds <see cref="DiskExplanation"/>s from a domain, the host facts and the rule catalog.</summary>
public static class DiskExplainer
{
    /// <summary>The stable JSON/CLI name of a crash-safety class.</summary>
    public static string Name(this CrashSafety safety) => safety switch
    {
        CrashSafety.ReadOnly => "read-only",
        CrashSafety.SafeIfGuestFlushes => "safe-if-guest-flushes",
        CrashSafety.SyncEveryWrite => "sync-every-write",
        CrashSafety.Unsafe => "unsafe",
        _ => "unknown",
    };

    /// <summary>The stable JSON/CLI name of a migration-safety class.</summary>
    public static string Name(this MigrationSafety safety) => safety switch
    {
        MigrationSafety.Safe => "safe",
        MigrationSafety.Unsafe => "unsafe",
        _ => "unknown",
    };

    /// <summary>Explains every disk of <paramref name="domain"/>.</summary>
    public static DomainExplanation Explain(DomainDocument domain, HostFacts host)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(host);
        // Each disk's own findings, checked disk by disk: matching findings to disks by label afterwards costs a pass
        // over all findings per disk (quadratic) and mixes up disks that share a label.
        var disks = new List<DiskExplanation>(domain.Disks.Count);
        foreach (var disk in domain.Disks)
        {
            disks.Add(Explain(disk, host, RuleCatalog.Check(disk, host)));
        }
        IReadOnlyList<Finding> domainFindings = [];
        return new DomainExplanation(domain.Name, domain.SourceName, disks, domainFindings);
    }

    /// <summary>Explains one disk; <paramref name="findings"/> are the catalog's findings for it.</summary>
    public static DiskExplanation Explain(Disk disk, HostFacts host, IReadOnlyList<Finding> findings)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(host);
        var driver = disk.Driver;
        var cache = driver.Cache;
        var cacheIsDefault = cache is null or "default";
        // libvirt gives a writable shareable disk without a cache mode cache=none (qemu_command.c:
        // "else if (disk->src->shared && !disk->src->readonly) cache=none"); otherwise QEMU's writeback applies.
        var sharedDefault = cacheIsDefault && disk.Shareable && !disk.ReadOnly;
        CacheMode? effective = cacheIsDefault ? (sharedDefault ? CacheMode.None : CacheMode.Writeback) : driver.CacheMode;
        var semantics = effective?.Semantics();
        var io = driver.Io;
        var ioApplies = AioApplies(disk);
        string? effectiveIo = !ioApplies ? null : io is null or "default" ? "threads" : driver.IoMode?.ToLibvirt();

        return new DiskExplanation
        {
            Disk = disk.Label,
            Bus = disk.TargetBus,
            Device = disk.Device,
            Type = disk.Type,
            Source = DescribeSource(disk),
            Format = driver.Format,
            Cache = cache,
            EffectiveCache = effective,
            CacheIsDefault = cacheIsDefault,
            CacheSemantics = semantics,
            CacheMeaning = sharedDefault
                ? "unset on a shareable disk: libvirt uses cache none (O_DIRECT, bypasses the host page cache)"
                : CacheMeaning(cache, cacheIsDefault, effective),
            Io = io,
            EffectiveIo = effectiveIo,
            IoMeaning = IoMeaning(disk, io, ioApplies, effectiveIo),
            IoThreads = driver.IoThread is { } single ? [single] : driver.IoThreadMapping,
            Discard = driver.Discard,
            DiscardMeaning = DiscardMeaning(driver.Discard),
            DetectZeroes = driver.DetectZeroes,
            DetectZeroesMeaning = DetectZeroesMeaning(driver.DetectZeroes, driver.Discard),
            CrashSafety = Crash(disk, effective, out var crashDetail),
            CrashSafetyDetail = crashDetail,
            MigrationSafety = Migration(disk, host, effective, out var migrationDetail),
            MigrationSafetyDetail = migrationDetail,
            Qemu = Implied(disk, cacheIsDefault && !sharedDefault, semantics, io, ioApplies),
            Findings = findings,
        };
    }

    /// <summary>
    /// libvirt passes <c>aio</c> only to the file-posix protocol drivers (file, host_device, host_cdrom) of
    /// local sources; QEMU's network clients (rbd, nbd, iscsi…), nvme and vhost-user have no such option.
    /// </summary>
    public static bool AioApplies(Disk disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        return disk.Type is "file" or "block" or "volume" or "dir" or null;
    }

    /// <summary>The QEMU options libvirt generates for this disk's cache and io settings.</summary>
    public static QemuImplication Implied(Disk disk, bool cacheIsDefault, CacheSemantics? semantics, string? io, bool ioApplies)
    {
        ArgumentNullException.ThrowIfNull(disk);
        // An unset cache makes libvirt pass no cache options at all: QEMU's defaults (direct=off, no-flush=off,
        // write-cache=auto i.e. on) apply.
        var known = cacheIsDefault || semantics is not null;
        var direct = !cacheIsDefault && semantics is { Direct: true };
        var noFlush = !cacheIsDefault && semantics is { NoFlush: true };
        string? writeCache = cacheIsDefault || semantics is null ? null : semantics.Writeback ? "on" : "off";
        string? aio = ioApplies && io is not null and not "default" ? io : null;
        var discard = ImageOptions.ParseDiscard(disk.Driver.Discard);
        var detect = ImageOptions.QemuDetectZeroes(ImageOptions.ParseDetectZeroes(disk.Driver.DetectZeroes), discard);
        return new QemuImplication(direct, noFlush, aio, writeCache, known)
        {
            HasMedium = HasMedium(disk),
            Discard = discard is { } d ? ImageOptions.Name(d) : null,
            DetectZeroes = detect is { } z ? ImageOptions.Name(z) : null,
        };
    }

    private static string DiscardMeaning(string? discard) => discard switch
    {
        null or "default" => "unset: libvirt passes no discard for the disk, QEMU ignores the guest's discards (an image never shrinks)",
        "unmap" => "unmap: the guest's discards (fstrim, TRIM, UNMAP) free the image's space (holes in a file, unallocated qcow2 clusters, thin blocks)",
        "ignore" => "ignore: the guest's discards are dropped; the image keeps its space",
        _ => $"discard='{discard}' is not a value libvirt knows; libvirt refuses the domain",
    };

    private static string DetectZeroesMeaning(string? detect, string? discard) => detect switch
    {
        null or "default" => "unset: QEMU writes zero-filled buffers as data",
        "off" => "off: QEMU writes zero-filled buffers as data",
        "on" => "on: QEMU scans every write and turns zero-filled ones into efficient zero writes (a zero flag in qcow2, fallocate on files)",
        "unmap" when discard == "unmap" => "unmap: zero-filled writes become discards (holes, unallocated clusters); every write is scanned",
        "unmap" => "unmap without discard='unmap': libvirt passes detect-zeroes=on (QEMU refuses unmap without discard=unmap): zero-filled writes become zero writes, not discards",
        _ => $"detect_zeroes='{detect}' is not a value libvirt knows; libvirt refuses the domain",
    };

    /// <summary>False for an empty removable drive (no source): libvirt creates the device without any block node.</summary>
    public static bool HasMedium(Disk disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        var source = disk.Source;
        return source.Path is not null || source.Protocol is not null || source.Pool is not null
            || (disk.Type is not ("file" or "block" or "dir" or "network" or "volume") && source.Element is not null);
    }

    private static string? DescribeSource(Disk disk)
    {
        var source = disk.Source;
        var description = source.Describe();
        var hosts = source.Hosts.Where(h => h.Name is not null || h.Socket is not null).ToList();
        if (description is not null && source.Protocol is not null && hosts.Count > 0)
        {
            description += " (" + string.Join(", ", hosts.Select(h => h.Socket ?? (h.Port is null ? h.Name : $"{h.Name}:{h.Port}"))) + ")";
        }
        return description;
    }

    private static string CacheMeaning(string? cache, bool isDefault, CacheMode? mode)
    {
        if (isDefault)
        {
            return "unset: the hypervisor default applies, i.e. writeback (host page cache, guest-visible write cache; safe if the guest flushes)";
        }
        return mode switch
        {
            CacheMode.None => "direct: O_DIRECT bypasses the host page cache; guest-visible write cache, flushes reach the disk",
            CacheMode.Writeback => "writeback: host page cache, guest-visible write cache; flushes reach the disk",
            CacheMode.Writethrough => "writethrough: host page cache, every write synced (no guest write cache)",
            CacheMode.Directsync => "directsync: O_DIRECT and every write synced (no guest write cache)",
            CacheMode.Unsafe => "no-flush: host page cache and guest flushes ignored; a host crash loses data",
            _ => $"cache='{cache}' is not a value libvirt knows; libvirt refuses the domain",
        };
    }

    private static string IoMeaning(Disk disk, string? io, bool applies, string? effective)
    {
        if (!applies)
        {
            return io is null
                ? $"not applicable: a type='{disk.Type}' disk is served by QEMU's own client, which has no aio option"
                : $"io='{io}' has no effect on a type='{disk.Type}' disk (QEMU's own client, no aio option)";
        }
        if (io is null or "default")
        {
            return "unset: QEMU's default aio=threads (a thread pool issues the I/O)";
        }
        return effective switch
        {
            "threads" => "threads: a QEMU thread pool issues blocking I/O",
            "native" => "native: Linux AIO (needs cache.direct=on: cache none or directsync)",
            "io_uring" => "io_uring: Linux io_uring (QEMU >= 5.0, libvirt >= 6.3)",
            _ => $"io='{io}' is not a value libvirt knows; libvirt refuses the domain",
        };
    }

    private static CrashSafety Crash(Disk disk, CacheMode? mode, out string detail)
    {
        // libvirt forces a cdrom read-only even without <readonly/>.
        if (disk.ReadOnly || disk.Device == "cdrom")
        {
            detail = "read-only: the guest writes nothing";
            return CrashSafety.ReadOnly;
        }
        switch (mode)
        {
            case CacheMode.None or CacheMode.Writeback:
                detail = "safe if the guest flushes: data not yet flushed may be lost on a host crash";
                return CrashSafety.SafeIfGuestFlushes;
            case CacheMode.Writethrough or CacheMode.Directsync:
                detail = "safe even without guest flushes: every write is synced";
                return CrashSafety.SyncEveryWrite;
            case CacheMode.Unsafe:
                detail = "unsafe: guest flushes are ignored, a host crash loses data";
                return CrashSafety.Unsafe;
            default:
                detail = "unknown: the cache value is not one libvirt knows";
                return CrashSafety.Unknown;
        }
    }

    private static MigrationSafety Migration(Disk disk, HostFacts host, CacheMode? mode, out string detail)
    {
        if (mode is null)
        {
            detail = "unknown: the cache value is not one libvirt knows";
            return MigrationSafety.Unknown;
        }
        if (mode is CacheMode.None or CacheMode.Directsync)
        {
            detail = "safe: no host page cache holds guest data";
            return MigrationSafety.Safe;
        }
        if (disk.Shareable)
        {
            detail = $"unsafe: a shareable disk with cache='{mode.Value.ToLibvirt()}' keeps guest data in one host's page cache";
            return MigrationSafety.Unsafe;
        }
        if (disk.ReadOnly || disk.Device == "cdrom")
        {
            detail = "safe: read-only, no dirty data in the host page cache";
            return MigrationSafety.Safe;
        }
        switch (host.MigrationDropsCache)
        {
            case true:
                detail = $"safe on this host: QEMU {host.QemuVersion} (>= 4.0) drops the page cache on migration";
                return MigrationSafety.Safe;
            case false:
                detail = $"unsafe on this host: QEMU {host.QemuVersion} (< 4.0) cannot drop the page cache; libvirt refuses without --unsafe";
                return MigrationSafety.Unsafe;
            default:
                detail = "unknown: safe only if the host's QEMU is >= 4.0 (drops the page cache); QEMU version not known";
                return MigrationSafety.Unknown;
        }
    }
}
