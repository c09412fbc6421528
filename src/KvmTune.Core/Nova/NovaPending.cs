using KvmTune.Core.Inspect;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Tuning;
using DriverSettings = KvmTune.Core.Inspect.DriverSettings;

namespace KvmTune.Core.Nova;

/// <summary>The <c>&lt;driver/&gt;</c> settings nova would write for a disk now, in libvirt's spelling.</summary>
/// <param name="Case">The simulated case the disk is (<c>image:qcow2</c>, <c>volume:iscsi</c>).</param>
/// <param name="Cache">cache.</param>
/// <param name="Io">io (null: none, QEMU's threads).</param>
/// <param name="Discard">discard, or null when nova.conf does not decide it (volumes: Cinder does).</param>
public sealed record NovaExpectedDriver(string Case, string? Cache, string? Io, string? Discard);

/// <summary>One disk of a nova instance: what nova would write now, what the persistent XML and QEMU have, and what differs.</summary>
/// <param name="Disk">The disk's target (<c>vda</c>).</param>
/// <param name="Source">The host file, device or network name.</param>
/// <param name="Expected">What nova would write now, or null when the disk is not one nova builds from nova.conf.</param>
/// <param name="Persistent">The persistent XML's settings.</param>
/// <param name="Qemu">What the running QEMU does, when known.</param>
/// <param name="Changes">Differences from the persistent XML (each: attribute, old, new).</param>
/// <param name="RunningChanges">Differences from the running QEMU process.</param>
public sealed record NovaPendingDisk(
    string Disk,
    string? Source,
    NovaExpectedDriver? Expected,
    DriverSettings Persistent,
    QemuDiskSettings? Qemu,
    IReadOnlyList<string> Changes,
    IReadOnlyList<string> RunningChanges);

/// <summary>A nova instance (a domain in nova's metadata namespace) and its disks.</summary>
/// <param name="Uuid">The instance UUID (nova makes it the domain's UUID).</param>
/// <param name="Name">The instance's display name from nova's metadata.</param>
/// <param name="Domain">The libvirt domain name (<c>instance-0000002a</c>).</param>
/// <param name="Running">True when the domain runs.</param>
/// <param name="QemuNote">Why the QEMU process was not compared, or null.</param>
/// <param name="Disks">Its disks.</param>
public sealed record NovaPendingInstance(string Uuid, string? Name, string Domain, bool Running, string? QemuNote, IReadOnlyList<NovaPendingDisk> Disks)
{
    /// <summary>True when a hard reboot changes what a disk gets (its XML, or what QEMU runs).</summary>
    public bool NeedsHardReboot => Disks.Any(d => d.Changes.Count > 0 || d.RunningChanges.Count > 0);
}

/// <summary>
/// Which nova instances still run, or are defined with, disk settings other than those nova would generate now from
/// nova.conf (and, with KvmTune's patch, <c>disk_io_modes</c>): nova rewrites a domain's XML only on a hard reboot,
/// a resize or a migration. Pure: the domain XML and the QEMU settings come from the caller.
/// </summary>
public static class NovaPending
{
    private const string MetadataNamespacePrefix = "http://openstack.org/xmlns/libvirt/nova/";

    /// <summary>
    /// The case a disk of an instance is: image disks live in <c>instances_path/UUID/</c> (qcow2, raw, ploop), in
    /// <c>/dev/VG/UUID_*</c> (LVM) or in <c>POOL/UUID_*</c> (RBD); anything else is a Cinder volume (block: iSCSI/FC,
    /// file: NFS and other file systems, network: RBD). Null for a disk without a source (an empty CD-ROM).
    /// </summary>
    public static string? CaseOf(Disk disk, string uuid, NovaConf conf)
    {
        ArgumentNullException.ThrowIfNull(disk);
        ArgumentNullException.ThrowIfNull(conf);
        var source = disk.Source;
        var format = disk.Driver.Format;
        if (disk.IsNetwork)
        {
            var name = source.NetworkName ?? "";
            return source.Protocol == "rbd" && name.Contains($"/{uuid}_", StringComparison.Ordinal) ? "image:rbd" : "volume:rbd";
        }
        if (source.Path is not { Length: > 0 } path)
        {
            return null;
        }
        if (disk.IsBlock)
        {
            if (path.Split('/') is ["", "dev", _, var lv] && lv.StartsWith($"{uuid}_", StringComparison.Ordinal))
            {
                return "image:lvm";
            }
            return disk.Shareable ? "volume:iscsi-multiattach" : "volume:iscsi";
        }
        var instanceDir = $"{conf.InstancesPath.TrimEnd('/')}/{uuid}/";
        if (path.StartsWith(instanceDir, StringComparison.Ordinal))
        {
            return format switch
            {
                "qcow2" => "image:qcow2",
                "ploop" => "image:ploop",
                _ => "image:flat",
            };
        }
        return "volume:nfs";
    }

    /// <summary>The instance's disks compared with what nova generates now.</summary>
    /// <param name="persistent">The persistent definition (nova's last generated XML).</param>
    /// <param name="running">True when the domain runs.</param>
    /// <param name="live">The live definition of a running domain (to find QEMU's device ids), or null.</param>
    /// <param name="qemu">What QEMU runs for a live disk, or null when unknown.</param>
    /// <param name="qemuNote">Why QEMU was not read, or null.</param>
    /// <param name="explanation">nova's disks for the current nova.conf (<see cref="NovaSimulator.Explain"/>).</param>
    /// <param name="conf">nova.conf.</param>
    /// <param name="honoursDiskIoModes">True when the installed nova is patched (reads <c>disk_io_modes</c>).</param>
    public static NovaPendingInstance Compare(DomainDocument persistent, bool running, DomainDocument? live, Func<Disk, QemuDiskSettings?> qemu,
        string? qemuNote, NovaExplanation explanation, NovaConf conf, bool honoursDiskIoModes)
    {
        ArgumentNullException.ThrowIfNull(persistent);
        ArgumentNullException.ThrowIfNull(qemu);
        ArgumentNullException.ThrowIfNull(explanation);
        var uuid = persistent.Root.Element("uuid")?.Value ?? "";
        var liveDisks = live?.Disks.Where(d => d.TargetDev is not null).ToDictionary(d => d.TargetDev!, StringComparer.Ordinal) ?? [];
        var disks = new List<NovaPendingDisk>();
        foreach (var disk in persistent.Disks)
        {
            var settings = DriverSettings.Of(disk);
            var @case = CaseOf(disk, uuid, conf);
            var simulated = @case is null ? null : explanation.Disks.FirstOrDefault(d => d.Case == @case);
            var liveDisk = disk.TargetDev is not null && liveDisks.TryGetValue(disk.TargetDev, out var ld) ? ld : null;
            var q = running && liveDisk is not null ? qemu(liveDisk) : null;
            if (simulated is null || simulated.Error is not null)
            {
                disks.Add(new NovaPendingDisk(disk.Label, disk.Source.Describe(), null, settings, q, [], []));
                continue;
            }
            var a = honoursDiskIoModes ? simulated.Attributes : simulated.NovaAttributes;
            var expected = new NovaExpectedDriver(simulated.Case, a.Cache, a.Io, @case!.StartsWith("image:", StringComparison.Ordinal) ? a.Discard : null);
            disks.Add(new NovaPendingDisk(disk.Label, disk.Source.Describe(), expected, settings, q,
                XmlChanges(settings, expected, disk.IsNetwork), q is null ? [] : QemuChanges(q, expected)));
        }
        var name = persistent.Root.Element("metadata")?.Elements()
            .FirstOrDefault(e => e.Name.NamespaceName.StartsWith(MetadataNamespacePrefix, StringComparison.Ordinal) && e.Name.LocalName == "instance")?
            .Elements().FirstOrDefault(e => e.Name.LocalName == "name")?.Value;
        return new NovaPendingInstance(uuid, name, persistent.Name ?? "", running, running ? qemuNote : null, disks);
    }

    // Semantic differences only: no io and io='threads' are the same for QEMU, no cache and 'default' are writeback,
    // no discard is 'ignore'; io on a network disk has no effect (QEMU's own client).
    private static List<string> XmlChanges(DriverSettings now, NovaExpectedDriver expected, bool network)
    {
        var changes = new List<string>();
        if (Semantics(now.Cache) != Semantics(expected.Cache))
        {
            changes.Add($"cache: {Show(now.Cache)} → {Show(expected.Cache)}");
        }
        if (!network && Aio(now.Io) != Aio(expected.Io))
        {
            changes.Add($"io: {Show(now.Io)} → {Show(expected.Io)}");
        }
        if (expected.Discard is not null && (now.Discard ?? "ignore") != expected.Discard)
        {
            changes.Add($"discard: {Show(now.Discard)} → {Show(expected.Discard)}");
        }
        return changes;
    }

    private static List<string> QemuChanges(QemuDiskSettings running, NovaExpectedDriver expected)
    {
        var changes = new List<string>();
        var s = Semantics(expected.Cache);
        if (running.CacheDirect != s.Direct || running.CacheNoFlush != s.NoFlush || running.WriteCache != s.Writeback)
        {
            changes.Add($"QEMU runs cache.direct={OnOff(running.CacheDirect)} cache.no-flush={OnOff(running.CacheNoFlush)} write-cache={OnOff(running.WriteCache)}; nova now writes cache={Show(expected.Cache)}");
        }
        if (running.Aio is { } aio && aio != Aio(expected.Io))
        {
            changes.Add($"QEMU runs aio={aio}; nova now writes io={Show(expected.Io)}");
        }
        return changes;
    }

    private static CacheSemantics Semantics(string? cache) => (CacheModes.Parse(cache) ?? CacheMode.Writeback).Semantics();

    private static string Aio(string? io) => io is "native" or "io_uring" ? io : "threads";

    private static string Show(string? value) => value is null ? "(none)" : $"'{value}'";

    private static string OnOff(bool value) => value ? "on" : "off";
}
