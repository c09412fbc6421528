using KvmTune.Core.Inspect;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Nova;
using KvmTune.Core.Rules;

namespace KvmTune.Core.Tests.Nova;

/// <summary>
/// <see cref="NovaPending"/> on its own: which case each disk of an instance is, and what differs between what nova
/// writes now, the persistent XML and what QEMU runs. The CLI's <c>NovaPendingCommandTests</c> run the same against
/// live domains in libvirtd.
/// </summary>
public class NovaPendingTests
{
    private const string Uuid = "1b0c6b2e-2f1e-4a55-9d0e-4d5a6e7f8091";
    private const string NovaMetadata =
        "<nova:instance xmlns:nova='http://openstack.org/xmlns/libvirt/nova/1.1'><nova:package version='26.2.2'/><nova:name>web-1</nova:name></nova:instance>";
    private const string InstanceDir = "/var/lib/nova/instances/" + Uuid;

    private static NovaConf Conf(string libvirt = "", string instancesPath = "/var/lib/nova/instances") =>
        NovaConf.Parse($"[DEFAULT]\ninstances_path = {instancesPath}\n[libvirt]\nimages_volume_group = vg\n{libvirt}", "nova.conf");

    private static string Domain(string disks, string metadata = NovaMetadata) =>
        $"<domain type='kvm'><name>instance-0000002a</name><uuid>{Uuid}</uuid><metadata>{metadata}</metadata>"
        + $"<memory unit='KiB'>65536</memory><os><type arch='x86_64'>hvm</type></os><devices>{disks}</devices></domain>";

    private static string FileDisk(string dev, string path, string driver = "type='qcow2' cache='none'") =>
        $"<disk type='file' device='disk'><driver name='qemu' {driver}/><source file='{path}'/><target dev='{dev}' bus='virtio'/></disk>";

    private static string BlockDisk(string dev, string path, string driver = "type='raw' cache='none' io='native'", string extra = "") =>
        $"<disk type='block' device='disk'><driver name='qemu' {driver}/><source dev='{path}'/><target dev='{dev}' bus='virtio'/>{extra}</disk>";

    private static string RbdDisk(string dev, string name, string driver = "type='raw' cache='none'") =>
        $"<disk type='network' device='disk'><driver name='qemu' {driver}/><source protocol='rbd' name='{name}'><host name='192.0.2.5' port='6789'/></source><target dev='{dev}' bus='virtio'/></disk>";

    private const string EmptyCdrom = "<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='sda' bus='sata'/><readonly/></disk>";

    private static NovaPendingInstance Compare(string disks, NovaConf conf, bool patched = false, bool running = false,
        Func<Disk, QemuDiskSettings?>? qemu = null, string? note = null, string? liveDisks = null, string metadata = NovaMetadata)
    {
        var persistent = DomainDocument.Parse(Domain(disks, metadata), "persistent");
        var live = running ? DomainDocument.Parse(Domain(liveDisks ?? disks, metadata), "live") : null;
        var explanation = NovaSimulator.Explain(conf, new NovaHost(true, HostFacts.Unknown));
        return NovaPending.Compare(persistent, running, live, qemu ?? (_ => null), note, explanation, conf, patched);
    }

    // QEMU's cache flags for each libvirt cache mode: cache.direct, cache.no-flush, write-cache.
    private static QemuDiskSettings Qemu(bool direct, bool noFlush, bool writeCache, string? aio) =>
        new(direct, noFlush, writeCache, aio, "recorded");

    [Theory]
    [InlineData("file", InstanceDir + "/disk", "type='qcow2'", "image:qcow2")]
    [InlineData("file", InstanceDir + "/disk", "type='raw'", "image:flat")]
    [InlineData("file", InstanceDir + "/disk", "type='ploop'", "image:ploop")]
    [InlineData("file", "/var/lib/nova/mnt/5f3c/volume-7", "type='raw'", "volume:nfs")]
    [InlineData("file", "/var/lib/nova/instances/" + Uuid + "-resize/disk", "type='qcow2'", "volume:nfs")]
    [InlineData("block", "/dev/vg/" + Uuid + "_disk", "type='raw'", "image:lvm")]
    [InlineData("block", "/dev/vg/volume-7", "type='raw'", "volume:iscsi")]
    [InlineData("block", "/dev/disk/by-path/ip-192.0.2.9:3260-iscsi-iqn.2010-10.org.openstack:volume-7-lun-1", "type='raw'", "volume:iscsi")]
    [InlineData("block", "/dev/sdb", "type='raw'", "volume:iscsi")]
    [InlineData("network", "vms/" + Uuid + "_disk", "type='raw'", "image:rbd")]
    [InlineData("network", "volumes/volume-7", "type='raw'", "volume:rbd")]
    [InlineData("network", Uuid + "_disk", "type='raw'", "volume:rbd")]
    public void Each_disk_is_the_nova_case_its_source_says(string type, string source, string driver, string expected)
    {
        var xml = type switch
        {
            "file" => FileDisk("vda", source, driver),
            "block" => BlockDisk("vda", source, driver),
            _ => RbdDisk("vda", source, driver),
        };
        var disk = DomainDocument.Parse(Domain(xml)).Disks.Single();

        Assert.Equal(expected, NovaPending.CaseOf(disk, Uuid, Conf()));
    }

    [Fact]
    public void Instances_path_with_a_trailing_slash_is_the_same_directory_and_a_shareable_block_disk_is_a_multiattach_volume()
    {
        var disks = DomainDocument.Parse(Domain(FileDisk("vda", InstanceDir + "/disk") + BlockDisk("vdb", "/dev/vg/volume-7", extra: "<shareable/>"))).Disks;

        Assert.Equal("image:qcow2", NovaPending.CaseOf(disks[0], Uuid, Conf(instancesPath: "/var/lib/nova/instances/")));
        Assert.Equal("volume:iscsi-multiattach", NovaPending.CaseOf(disks[1], Uuid, Conf()));
        // Another instance's directory is not this one's image
        Assert.Equal("volume:nfs", NovaPending.CaseOf(disks[0], "0d8e2a7c-0000-4000-8000-000000000000", Conf()));
    }

    [Fact]
    public void A_cdrom_without_a_source_is_no_case_and_gets_no_expectation()
    {
        var instance = Compare(EmptyCdrom, Conf());

        Assert.Null(NovaPending.CaseOf(DomainDocument.Parse(Domain(EmptyCdrom)).Disks.Single(), Uuid, Conf()));
        var sda = Assert.Single(instance.Disks);
        Assert.Equal("sda", sda.Disk);
        Assert.Null(sda.Source);
        Assert.Null(sda.Expected);
        Assert.Empty(sda.Changes);
        Assert.False(instance.NeedsHardReboot);
    }

    [Fact]
    public void The_instance_is_named_by_its_uuid_domain_and_novas_metadata_name()
    {
        var instance = Compare(FileDisk("vda", InstanceDir + "/disk"), Conf());

        Assert.Equal(Uuid, instance.Uuid);
        Assert.Equal("instance-0000002a", instance.Domain);
        Assert.Equal("web-1", instance.Name);
        var vda = Assert.Single(instance.Disks);
        Assert.Equal(InstanceDir + "/disk", vda.Source);
        Assert.Equal(new DriverSettings("none", null, null, null), vda.Persistent);
    }

    [Theory]
    [InlineData("<other:instance xmlns:other='http://example.org/other/1.0'><other:name>not-nova</other:name></other:instance>")]
    [InlineData("<nova:instance xmlns:nova='http://openstack.org/xmlns/libvirt/nova/1.1'><nova:flavor name='m1.small'/></nova:instance>")]
    [InlineData("<nova:owner xmlns:nova='http://openstack.org/xmlns/libvirt/nova/1.1'><nova:name>admin</nova:name></nova:owner>")]
    public void A_name_outside_novas_instance_element_is_not_the_instance_name(string metadata)
    {
        var instance = Compare(FileDisk("vda", InstanceDir + "/disk"), Conf(), metadata: metadata);

        Assert.Null(instance.Name);
    }

    [Fact]
    public void A_disk_as_nova_writes_it_now_is_not_pending()
    {
        // nova's defaults with O_DIRECT: cache none everywhere, io native for LVM images and block/file volumes
        var instance = Compare(
            FileDisk("vda", InstanceDir + "/disk") + BlockDisk("vdb", "/dev/vg/" + Uuid + "_disk.eph0") + BlockDisk("vdc", "/dev/sdb")
            + FileDisk("vdd", "/var/lib/nova/mnt/5f3c/volume-7", "type='raw' cache='none' io='native'") + RbdDisk("vde", "vms/" + Uuid + "_disk.swap"),
            Conf());

        Assert.Equal(["image:qcow2", "image:lvm", "volume:iscsi", "volume:nfs", "image:rbd"], instance.Disks.Select(d => d.Expected!.Case));
        Assert.All(instance.Disks, d => Assert.Empty(d.Changes));
        Assert.False(instance.NeedsHardReboot);
        Assert.Equal(new NovaExpectedDriver("image:lvm", "none", "native", null), instance.Disks[1].Expected);
        Assert.Equal(new NovaExpectedDriver("volume:iscsi", "none", "native", null), instance.Disks[2].Expected);
    }

    [Fact]
    public void Cache_and_io_that_differ_are_listed_old_to_new()
    {
        var instance = Compare(FileDisk("vda", InstanceDir + "/disk", "type='raw' cache='writeback' io='native'"), Conf());

        var vda = Assert.Single(instance.Disks);
        Assert.Equal(new NovaExpectedDriver("image:flat", "none", null, null), vda.Expected);
        Assert.Equal(["cache: 'writeback' → 'none'", "io: 'native' → (none)"], vda.Changes);
        Assert.True(instance.NeedsHardReboot);
    }

    [Fact]
    public void Spellings_qemu_treats_alike_are_no_change()
    {
        // No cache is writeback, no io is threads: nova writing cache='writeback' and no io changes neither disk
        var instance = Compare(
            FileDisk("vda", InstanceDir + "/disk", "type='qcow2'") + FileDisk("vdb", InstanceDir + "/disk.eph0", "type='qcow2' cache='writeback' io='threads'"),
            Conf("disk_cachemodes = file=writeback\n"));

        Assert.All(instance.Disks, d => Assert.Equal("writeback", d.Expected!.Cache));
        Assert.All(instance.Disks, d => Assert.Empty(d.Changes));
    }

    [Fact]
    public void Io_on_a_network_disk_is_no_change_but_its_cache_is()
    {
        // QEMU's own RBD client ignores aio; the cache mode still applies
        var instance = Compare(RbdDisk("vda", "volumes/volume-7", "type='raw' cache='writeback' io='native'"), Conf());

        var vda = Assert.Single(instance.Disks);
        Assert.Equal("volume:rbd", vda.Expected!.Case);
        Assert.Null(vda.Expected.Io);
        Assert.Equal(["cache: 'writeback' → 'none'"], vda.Changes);
    }

    [Fact]
    public void Nova_conf_decides_discard_for_images_only()
    {
        var conf = Conf("hw_disk_discard = unmap\n");
        var instance = Compare(
            FileDisk("vda", InstanceDir + "/disk") + FileDisk("vdb", InstanceDir + "/disk.eph0", "type='qcow2' cache='none' discard='unmap'")
            + BlockDisk("vdc", "/dev/sdb"),
            conf);

        Assert.Equal("unmap", instance.Disks[0].Expected!.Discard);
        Assert.Equal(["discard: (none) → 'unmap'"], instance.Disks[0].Changes);
        Assert.Empty(instance.Disks[1].Changes);
        // Cinder decides a volume's discard: nova.conf's is not expected of it
        Assert.Null(instance.Disks[2].Expected!.Discard);
        Assert.Empty(instance.Disks[2].Changes);
    }

    [Fact]
    public void Discard_ignore_is_what_a_disk_without_discard_has()
    {
        var instance = Compare(FileDisk("vda", InstanceDir + "/disk") + FileDisk("vdb", InstanceDir + "/disk.eph0", "type='qcow2' cache='none' discard='unmap'"),
            Conf("hw_disk_discard = ignore\n"));

        Assert.Equal("ignore", instance.Disks[0].Expected!.Discard);
        Assert.Empty(instance.Disks[0].Changes);
        Assert.Equal(["discard: 'unmap' → 'ignore'"], instance.Disks[1].Changes);
    }

    [Fact]
    public void Disk_io_modes_counts_only_where_nova_is_patched()
    {
        var conf = Conf("disk_io_modes = file=io_uring\n");
        const string disk = "<disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='none'/><source file='" + InstanceDir + "/disk'/><target dev='vda' bus='virtio'/></disk>";

        var stock = Compare(disk, conf, patched: false);
        var patched = Compare(disk, conf, patched: true);

        Assert.Null(stock.Disks[0].Expected!.Io);
        Assert.Empty(stock.Disks[0].Changes);
        Assert.Equal("io_uring", patched.Disks[0].Expected!.Io);
        Assert.Equal(["io: (none) → 'io_uring'"], patched.Disks[0].Changes);
    }

    [Fact]
    public void A_disk_nova_could_not_build_now_has_no_expectation()
    {
        // An LVM image with images_volume_group unset: nova's Lvm backend raises, so nothing is expected of the disk
        var conf = NovaConf.Parse("[DEFAULT]\ninstances_path = /var/lib/nova/instances\n", "nova.conf");
        var instance = Compare(BlockDisk("vda", "/dev/vg/" + Uuid + "_disk", "type='raw' cache='writeback'"), conf);

        var vda = Assert.Single(instance.Disks);
        Assert.Null(vda.Expected);
        Assert.Empty(vda.Changes);
        Assert.Equal("writeback", vda.Persistent.Cache);
        Assert.False(instance.NeedsHardReboot);
    }

    [Fact]
    public void A_stopped_instance_is_not_compared_with_qemu_and_keeps_no_note()
    {
        var calls = 0;
        var instance = Compare(FileDisk("vda", InstanceDir + "/disk"), Conf(), running: false,
            qemu: _ => { calls++; return Qemu(false, false, true, "threads"); }, note: "cannot read /proc");

        Assert.Equal(0, calls);
        Assert.False(instance.Running);
        Assert.Null(instance.QemuNote);
        Assert.Null(instance.Disks[0].Qemu);
        Assert.Empty(instance.Disks[0].RunningChanges);
    }

    [Fact]
    public void A_running_qemu_with_other_cache_flags_or_aio_needs_a_hard_reboot_even_when_the_xml_matches()
    {
        // The XML already says what nova writes (cache none; io native for the LVM image) but QEMU still runs
        // the old settings: writeback with threads, and threads for the LVM disk
        var disks = FileDisk("vda", InstanceDir + "/disk") + BlockDisk("vdb", "/dev/vg/" + Uuid + "_disk.eph0");
        var seen = new List<string>();
        var instance = Compare(disks, Conf(), running: true, note: "read from /proc/4242/cmdline", qemu: live =>
        {
            seen.Add(live.TargetDev!);
            return live.TargetDev == "vda" ? Qemu(direct: false, noFlush: false, writeCache: true, aio: "threads") : Qemu(true, false, true, "threads");
        });

        Assert.Equal(["vda", "vdb"], seen);
        Assert.True(instance.Running);
        Assert.Equal("read from /proc/4242/cmdline", instance.QemuNote);
        Assert.All(instance.Disks, d => Assert.Empty(d.Changes));
        Assert.Equal(["QEMU runs cache.direct=off cache.no-flush=off write-cache=on; nova now writes cache='none'"], instance.Disks[0].RunningChanges);
        Assert.Equal(["QEMU runs aio=threads; nova now writes io='native'"], instance.Disks[1].RunningChanges);
        Assert.NotNull(instance.Disks[0].Qemu);
        Assert.True(instance.NeedsHardReboot);
    }

    [Theory]
    [InlineData(true, false, true, null)]
    [InlineData(true, false, true, "threads")]
    public void A_running_qemu_that_does_what_nova_writes_is_not_pending(bool direct, bool noFlush, bool writeCache, string? aio)
    {
        // cache none is O_DIRECT with flushes and a write cache; no io is QEMU's threads (an unknown aio is not compared)
        var instance = Compare(FileDisk("vda", InstanceDir + "/disk"), Conf(), running: true, qemu: _ => Qemu(direct, noFlush, writeCache, aio));

        Assert.Empty(instance.Disks[0].RunningChanges);
        Assert.False(instance.NeedsHardReboot);
    }

    [Theory]
    [InlineData(false, false, true)]
    [InlineData(true, true, true)]
    [InlineData(true, false, false)]
    public void Each_cache_flag_qemu_runs_otherwise_is_a_running_change(bool direct, bool noFlush, bool writeCache)
    {
        var instance = Compare(FileDisk("vda", InstanceDir + "/disk"), Conf(), running: true, qemu: _ => Qemu(direct, noFlush, writeCache, "threads"));

        var change = Assert.Single(instance.Disks[0].RunningChanges);
        Assert.StartsWith($"QEMU runs cache.direct={(direct ? "on" : "off")} cache.no-flush={(noFlush ? "on" : "off")} write-cache={(writeCache ? "on" : "off")};", change);
    }

    [Fact]
    public void A_disk_missing_from_the_live_definition_is_not_looked_up_in_qemu()
    {
        // vdb was hot-unplugged: the persistent XML still has it, the live one (and QEMU) do not
        var persistentDisks = FileDisk("vda", InstanceDir + "/disk") + FileDisk("vdb", InstanceDir + "/disk.eph0");
        var seen = new List<string>();
        var instance = Compare(persistentDisks, Conf(), running: true, liveDisks: FileDisk("vda", InstanceDir + "/disk"),
            qemu: live => { seen.Add(live.TargetDev!); return Qemu(true, false, true, "threads"); });

        Assert.Equal(["vda"], seen);
        Assert.NotNull(instance.Disks[0].Qemu);
        Assert.Null(instance.Disks[1].Qemu);
        Assert.Empty(instance.Disks[1].RunningChanges);
    }
}
