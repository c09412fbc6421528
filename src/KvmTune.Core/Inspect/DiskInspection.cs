using KvmTune.Core.Libvirt;
using KvmTune.Core.Qemu;
using KvmTune.Core.Rules;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Inspect;

/// <summary>A disk's driver settings in one libvirt definition (persistent or live), in libvirt's spelling.</summary>
public sealed record DriverSettings(string? Cache, string? Io, string? Discard, string? DetectZeroes)
{
    public static DriverSettings Of(Disk disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        var d = disk.Driver;
        return new DriverSettings(d.Cache, d.Io, d.Discard, d.DetectZeroes);
    }

    /// <summary>The cache semantics QEMU gets: an unset or unknown cache is QEMU's default, writeback.</summary>
    public CacheSemantics Semantics => (CacheModes.Parse(Cache) ?? CacheMode.Writeback).Semantics();

    /// <summary>The aio QEMU gets for a host file or device: unset is QEMU's default, threads.</summary>
    public string EffectiveAio => Io is "native" or "threads" or "io_uring" ? Io : "threads";
}

/// <summary>What the running QEMU process actually does for a disk (from its command line).</summary>
/// <param name="CacheDirect">O_DIRECT on the host file or device.</param>
/// <param name="CacheNoFlush">Guest flushes ignored.</param>
/// <param name="WriteCache">The guest sees a volatile write cache (device write-cache, QEMU default on).</param>
/// <param name="Aio">aio of the host file or device (<c>threads</c> when unset); null when QEMU opens no host file (network).</param>
/// <param name="Options">The options in QEMU's spelling, for display.</param>
public sealed record QemuDiskSettings(bool CacheDirect, bool CacheNoFlush, bool WriteCache, string? Aio, string Options)
{
    /// <summary>
    /// What a QEMU command line runs for a disk of the live definition: found by libvirt's device id (the live
    /// <c>&lt;alias&gt;</c>), else by the host path it opens; null when the command line has no such disk.
    /// </summary>
    public static QemuDiskSettings? From(QemuCommandLine commandLine, Disk liveDisk)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        ArgumentNullException.ThrowIfNull(liveDisk);
        var id = LibvirtDeviceIds.For(liveDisk);
        var summary = (id is null ? null : commandLine.Summarize(id))
            ?? (liveDisk.Source.Path is { } path ? commandLine.SummarizeBySource(path) : null);
        if (summary is null || (summary.Chain.Count == 0 && summary.Drive is null))
        {
            return null;
        }
        // aio is a property of the node that opens a host file or device; QEMU's network clients have none.
        var hostFile = summary.Drive is not null || summary.ProtocolNode?.IsFilePosix == true;
        return new QemuDiskSettings(
            summary.CacheDirect,
            summary.CacheNoFlush,
            WriteCache: summary.WriteCache != "off",
            Aio: hostFile ? summary.Aio ?? "threads" : null,
            Options: summary.Describe());
    }
}

/// <summary>One disk of a running domain: its settings in the persistent XML, the live XML and QEMU, and the drift.</summary>
public sealed record DiskInspection(
    string Disk,
    string? Source,
    DriverSettings Persistent,
    DriverSettings? Live,
    QemuDiskSettings? Qemu,
    IReadOnlyList<string> Drift,
    IReadOnlyList<Finding> Findings)
{
    /// <summary>True when the next cold restart changes what QEMU does for this disk.</summary>
    public bool NeedsColdRestart => Drift.Count > 0;
}

/// <summary>
/// Compares a running domain's persistent definition (what the next cold start uses), its live definition and
/// the running QEMU process, disk by disk. Pure: the QEMU settings are given by the caller.
/// </summary>
public static class DiskInspector
{
    private const string Restart = "cold restart needed";

    /// <summary>Inspects every disk of the persistent definition.</summary>
    /// <param name="persistent">The persistent definition.</param>
    /// <param name="live">The live definition, or null when unknown.</param>
    /// <param name="qemu">QEMU's settings for a live disk, or null when unknown.</param>
    /// <param name="host">Host facts for the rule findings.</param>
    public static IReadOnlyList<DiskInspection> Inspect(DomainDocument persistent, DomainDocument? live, Func<Disk, QemuDiskSettings?> qemu, HostFacts host)
    {
        ArgumentNullException.ThrowIfNull(persistent);
        ArgumentNullException.ThrowIfNull(qemu);
        var findings = RuleCatalog.Check(persistent, host);
        var liveDisks = live?.Disks.Where(d => d.TargetDev is not null).ToDictionary(d => d.TargetDev!, StringComparer.Ordinal) ?? [];
        var result = new List<DiskInspection>();
        foreach (var disk in persistent.Disks)
        {
            var label = disk.Label;
            var p = DriverSettings.Of(disk);
            Disk? liveDisk = disk.TargetDev is not null && liveDisks.TryGetValue(disk.TargetDev, out var ld) ? ld : null;
            var l = liveDisk is null ? null : DriverSettings.Of(liveDisk);
            var q = liveDisk is null ? null : qemu(liveDisk);
            var drift = new List<string>();
            if (live is not null && liveDisk is null)
            {
                drift.Add("not in the live definition: attached at the next cold start");
            }
            if (l is not null)
            {
                Compare(drift, "cache", p.Cache, l.Cache);
                Compare(drift, "io", p.Io, l.Io);
                Compare(drift, "discard", p.Discard, l.Discard);
                Compare(drift, "detect_zeroes", p.DetectZeroes, l.DetectZeroes);
            }
            if (q is not null)
            {
                var s = p.Semantics;
                var cache = p.Cache is null ? "no cache attribute (QEMU default writeback)" : $"cache='{p.Cache}'";
                if (s.Direct != q.CacheDirect)
                {
                    drift.Add($"persistent {cache} but QEMU runs cache.direct={OnOff(q.CacheDirect)}: {Restart}");
                }
                if (s.NoFlush != q.CacheNoFlush)
                {
                    drift.Add($"persistent {cache} but QEMU runs cache.no-flush={OnOff(q.CacheNoFlush)}: {Restart}");
                }
                if (s.Writeback != q.WriteCache)
                {
                    drift.Add($"persistent {cache} but QEMU runs write-cache={OnOff(q.WriteCache)}: {Restart}");
                }
                if (q.Aio is not null && !disk.IsNetwork && p.EffectiveAio != q.Aio)
                {
                    var io = p.Io is null ? "no io attribute (QEMU default threads)" : $"io='{p.Io}'";
                    drift.Add($"persistent {io} but QEMU runs aio={q.Aio}: {Restart}");
                }
            }
            result.Add(new DiskInspection(label, disk.Source.Describe(), p, l, q, drift, findings.Where(f => f.Disk == label).ToList()));
        }
        return result;
    }

    private static void Compare(List<string> drift, string attribute, string? persistent, string? live)
    {
        if (persistent != live)
        {
            drift.Add($"persistent {Show(attribute, persistent)} but the live definition has {Show(attribute, live)}: {Restart}");
        }
    }

    private static string Show(string attribute, string? value) => value is null ? $"no {attribute} attribute" : $"{attribute}='{value}'";

    private static string OnOff(bool value) => value ? "on" : "off";
}
