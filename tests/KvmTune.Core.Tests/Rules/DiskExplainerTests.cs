using KvmTune.Core.Libvirt;
using KvmTune.Core.Qemu;
using KvmTune.Core.Rules;
using KvmTune.Core.Tests.Libvirt;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Tests.Rules;

public class DiskExplainerTests
{
    private static DiskExplanation ExplainOne(string diskXml, HostFacts? host = null)
    {
        var doc = DomainDocument.Parse($"<domain type='kvm'>\n  <name>t</name>\n  <devices>\n    {diskXml}\n  </devices>\n</domain>\n");
        return DiskExplainer.Explain(doc, host ?? HostFacts.Unknown).Disks.Single();
    }

    [Fact]
    public void Unset_cache_is_explained_as_the_hypervisor_default_writeback()
    {
        var d = ExplainOne("<disk type='file' device='disk'><source file='/i.qcow2'/><target dev='vda' bus='virtio'/></disk>");

        Assert.Null(d.Cache);
        Assert.True(d.CacheIsDefault);
        Assert.Equal(CacheMode.Writeback, d.EffectiveCache);
        Assert.Contains("hypervisor default", d.CacheMeaning, StringComparison.Ordinal);
        Assert.Equal("threads", d.EffectiveIo);
        Assert.Contains("default aio=threads", d.IoMeaning, StringComparison.Ordinal);
        Assert.Equal(CrashSafety.SafeIfGuestFlushes, d.CrashSafety);
        Assert.Equal(new QemuImplication(false, false, null, null, true), d.Qemu);
        Assert.Equal("cache.direct=off,cache.no-flush=off", d.Qemu.Blockdev);
        Assert.Null(d.Qemu.Device);
    }

    [Theory]
    [InlineData("none", true, false, "on", "safe-if-guest-flushes")]
    [InlineData("writeback", false, false, "on", "safe-if-guest-flushes")]
    [InlineData("writethrough", false, false, "off", "sync-every-write")]
    [InlineData("directsync", true, false, "off", "sync-every-write")]
    [InlineData("unsafe", false, true, "on", "unsafe")]
    public void Each_cache_mode_implies_the_design_table_options(string cache, bool direct, bool noFlush, string writeCache, string crash)
    {
        var d = ExplainOne($"<disk type='block' device='disk'><driver name='qemu' type='raw' cache='{cache}' io='threads'/><source dev='/dev/sdb'/><target dev='vdb' bus='virtio'/></disk>");

        Assert.Equal((direct, noFlush, writeCache, "threads"), (d.Qemu.CacheDirect, d.Qemu.CacheNoFlush, d.Qemu.WriteCache, d.Qemu.Aio));
        Assert.Equal(crash, d.CrashSafety.Name());
        Assert.False(d.CacheIsDefault);
    }

    [Fact]
    public void Migration_safety_of_a_cached_mode_depends_on_the_hosts_qemu_and_is_unknown_without_it()
    {
        const string Xml = "<disk type='file' device='disk'><driver name='qemu' type='qcow2' cache='writeback'/><source file='/i'/><target dev='vda' bus='virtio'/></disk>";

        Assert.Equal(MigrationSafety.Unknown, ExplainOne(Xml).MigrationSafety);
        Assert.Equal(MigrationSafety.Safe, ExplainOne(Xml, new HostFacts { QemuVersion = new Version(7, 2) }).MigrationSafety);
        var old = ExplainOne(Xml, new HostFacts { QemuVersion = new Version(2, 11) });
        Assert.Equal(MigrationSafety.Unsafe, old.MigrationSafety);
        Assert.Contains("--unsafe", old.MigrationSafetyDetail, StringComparison.Ordinal);
        Assert.Equal(MigrationSafety.Safe, ExplainOne(Xml.Replace("writeback", "none", StringComparison.Ordinal)).MigrationSafety);
    }

    [Fact]
    public void An_unknown_cache_value_is_kept_and_everything_that_depends_on_it_is_unknown()
    {
        var d = ExplainOne("<disk type='file' device='disk'><driver name='qemu' cache='fast'/><source file='/i'/><target dev='vda' bus='virtio'/></disk>");

        Assert.Equal("fast", d.Cache);
        Assert.Null(d.EffectiveCache);
        Assert.Null(d.CacheSemantics);
        Assert.Contains("cache='fast' is not a value libvirt knows", d.CacheMeaning, StringComparison.Ordinal);
        Assert.Equal(CrashSafety.Unknown, d.CrashSafety);
        Assert.Equal(MigrationSafety.Unknown, d.MigrationSafety);
        Assert.False(d.Qemu.Known);
    }

    [Fact]
    public void Io_on_a_network_disk_has_no_effect_and_implies_no_aio()
    {
        var d = ExplainOne("<disk type='network' device='disk'><driver name='qemu' type='raw' cache='none' io='native'/><source protocol='rbd' name='pool/img'><host name='mon1' port='6789'/></source><target dev='vda' bus='virtio'/></disk>");

        Assert.Null(d.EffectiveIo);
        Assert.Contains("no effect", d.IoMeaning, StringComparison.Ordinal);
        Assert.Null(d.Qemu.Aio);
        Assert.Equal("rbd:pool/img (mon1:6789)", d.Source);
    }

    [Fact]
    public void A_writable_shareable_disk_without_cache_gets_libvirts_cache_none()
    {
        var d = ExplainOne("<disk type='block' device='disk'><driver name='qemu' type='raw'/><source dev='/dev/sdc'/><target dev='vdc' bus='virtio'/><shareable/></disk>");

        Assert.True(d.CacheIsDefault);
        Assert.Equal(CacheMode.None, d.EffectiveCache);
        Assert.Equal((true, "on"), (d.Qemu.CacheDirect, d.Qemu.WriteCache));
        Assert.Equal(MigrationSafety.Safe, d.MigrationSafety);
    }

    [Fact]
    public void An_empty_cdrom_has_no_blockdev_and_is_read_only()
    {
        var d = ExplainOne("<disk type='file' device='cdrom'><driver name='qemu' type='raw' cache='none'/><target dev='hdc' bus='ide'/><readonly/></disk>");

        Assert.False(d.Qemu.HasMedium);
        Assert.Null(d.Qemu.Blockdev);
        Assert.Equal("write-cache=on", d.Qemu.Device);
        Assert.Equal(CrashSafety.ReadOnly, d.CrashSafety);
    }

    [Fact]
    public void Iothread_bindings_are_listed()
    {
        var doc = DomainDocument.Parse(DomainDocumentTests.ReadCorpus("iothreads-disk.xml"));

        var disks = DiskExplainer.Explain(doc, HostFacts.Unknown).Disks;

        Assert.Equal(["1"], disks.Single(d => d.Disk == "vdb").IoThreads);
        Assert.Equal(["2", "3"], disks.Single(d => d.Disk == "vdc").IoThreads);
        Assert.Equal(["4", "1"], disks.Single(d => d.Disk == "vdd").IoThreads);
    }

    [Fact]
    public void Explaining_does_not_edit_the_document()
    {
        var text = DomainDocumentTests.ReadCorpus("disk-source-pool.xml");
        var doc = DomainDocument.Parse(text);

        DiskExplainer.Explain(doc, HostFacts.Unknown);

        Assert.False(doc.IsEdited);
        Assert.Equal(text, doc.ToXml());
    }

    [Theory]
    [InlineData("vda", 0)]
    [InlineData("sdz", 25)]
    [InlineData("hdaa", 26)]
    [InlineData("vdb1", 1)]
    [InlineData("xvdc", 2)]
    public void Disk_names_map_to_libvirts_indexes(string name, int index)
    {
        Assert.Equal(index, LibvirtDeviceIds.DiskNameToIndex(name));
    }

    [Fact]
    public void Device_ids_follow_libvirts_alias_rules()
    {
        var doc = DomainDocument.Parse(DomainDocumentTests.ReadCorpus("disk-cache.xml"));
        Assert.Equal(["ide0-0-0", "ide0-0-1", "scsi0-0-0", "virtio-disk0", "usb-disk1"], doc.Disks.Select(LibvirtDeviceIds.For));

        var nova = DomainDocument.Parse(DomainDocumentTests.ReadFixture("nova-instance.xml"));
        Assert.Equal("virtio-disk0", nova.Disks[0].Alias);
        Assert.Equal("virtio-disk0", LibvirtDeviceIds.For(nova.Disks[0]));
        Assert.Equal("sata0-0-0", LibvirtDeviceIds.For(nova.Disks[1]));
    }
}
