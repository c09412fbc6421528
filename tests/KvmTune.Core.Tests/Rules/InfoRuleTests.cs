using KvmTune.Core.Rules;
using static KvmTune.Core.Tests.Rules.RuleTestKit;

namespace KvmTune.Core.Tests.Rules;

public class FasterIoModeAvailableRuleTests
{
    [Theory]
    [InlineData("<driver type='raw' cache='none'/>")]
    [InlineData("<driver type='raw' cache='directsync' io='threads'/>")]
    [InlineData("<driver type='raw' cache='none' io='default'/>")]
    public void A_block_device_with_direct_cache_and_thread_io_is_an_info(string driver)
    {
        var finding = Assert.Single(Run("KT021", BlockDisk(driver)));
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Equal("set io='native'", finding.Fix);
    }

    [Fact]
    public void A_preallocated_file_with_direct_cache_and_thread_io_is_an_info() =>
        Assert.Single(Run("KT021", FileDisk("<driver type='raw' cache='none' io='threads'/>"), Host(sparse: false)));

    [Theory]
    [InlineData("<driver type='raw' cache='none' io='threads'/>", null)] // unknown allocation: silent
    [InlineData("<driver type='raw' cache='none' io='threads'/>", true)]
    [InlineData("<driver type='raw' cache='writeback' io='threads'/>", false)]
    [InlineData("<driver type='raw' cache='none' io='native'/>", false)]
    public void Sparse_or_unknown_files_cached_modes_and_native_io_are_not_reported(string driver, bool? sparse) =>
        Assert.Empty(Run("KT021", FileDisk(driver), Host(sparse: sparse)));

    [Fact]
    public void The_corpus_disk_cache_case_flags_its_block_disks_with_cache_none_and_directsync() =>
        Assert.Equal(["sda", "sdb"], RunOnCorpus("KT021", "disk-cache").Select(f => f.Disk));
}

public class IoOnNetworkDiskRuleTests
{
    private static string Rbd(string driver) =>
        $"<disk type='network' device='disk'>{driver}<source protocol='rbd' name='pool/image'><host name='mon1' port='6789'/></source><target dev='vda' bus='virtio'/></disk>";

    [Theory]
    [InlineData("native")]
    [InlineData("threads")]
    [InlineData("io_uring")]
    public void An_io_mode_on_a_network_disk_is_an_info(string io)
    {
        var finding = Assert.Single(Run("KT023", Rbd($"<driver type='raw' cache='none' io='{io}'/>")));
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains($"io='{io}'", finding.Message, StringComparison.Ordinal);
        Assert.Contains("protocol='rbd'", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_network_disk_without_io_and_a_file_with_io_are_accepted()
    {
        Assert.Empty(Run("KT023", Rbd("<driver type='raw' cache='none'/>")));
        Assert.Empty(Run("KT023", FileDisk("<driver cache='none' io='native'/>")));
    }

    [Fact]
    public void The_corpus_rbd_case_sets_no_io() =>
        Assert.Empty(RunOnCorpus("KT023", "disk-network-rbd"));
}

public class DiskWithoutIoThreadRuleTests
{
    [Fact]
    public void A_virtio_disk_without_iothread_in_a_domain_with_iothreads_is_an_info()
    {
        var finding = Assert.Single(Run("KT025", FileDisk("<driver cache='none'/>"), domainExtra: "<iothreads>2</iothreads>"));
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains("2 iothread(s)", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<driver cache='none' iothread='1'/>", "<iothreads>2</iothreads>", "<target dev='vda' bus='virtio'/>")]
    [InlineData("<driver cache='none'><iothreads><iothread id='1'/></iothreads></driver>", "<iothreads>2</iothreads>", "<target dev='vda' bus='virtio'/>")]
    [InlineData("<driver cache='none'/>", "", "<target dev='vda' bus='virtio'/>")]
    [InlineData("<driver cache='none'/>", "<iothreads>2</iothreads>", "<target dev='sda' bus='scsi'/>")]
    public void Bound_disks_domains_without_iothreads_and_scsi_disks_are_accepted(string driver, string domainExtra, string target) =>
        Assert.Empty(Run("KT025", FileDisk(driver, target: target), domainExtra: domainExtra));

    [Fact]
    public void Many_virtio_disks_without_any_iothread_are_reported_once_on_the_first_disk()
    {
        var disks = string.Concat(Enumerable.Range(0, 4).Select(i => FileDisk("<driver cache='none'/>", target: $"<target dev='vd{(char)('a' + i)}' bus='virtio'/>")));
        var domain = Domain(disks);
        var rule = RuleCatalog.Find("KT025")!;
        var findings = domain.Disks.SelectMany(d => rule.Check(d, HostFacts.Unknown)).ToList();
        var finding = Assert.Single(findings);
        Assert.Equal("vda", finding.Disk);
        Assert.StartsWith("4 virtio disks", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("iothreads-disk")]
    [InlineData("iothreads-virtio-scsi-pci")]
    public void The_corpus_iothread_cases_bind_their_virtio_disks(string caseName) =>
        Assert.Empty(RunOnCorpus("KT025", caseName));

    [Fact]
    public void The_corpus_rbd_case_has_six_virtio_disks_sharing_the_main_loop() =>
        Assert.Equal(["vda"], RunOnCorpus("KT025", "disk-network-rbd").Select(f => f.Disk));
}

public class SyncEveryWriteCacheRuleTests
{
    [Theory]
    [InlineData("writethrough")]
    [InlineData("directsync")]
    public void A_sync_every_write_mode_is_an_info(string cache)
    {
        var finding = Assert.Single(Run("KT026", FileDisk($"<driver cache='{cache}'/>")));
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains($"cache='{cache}'", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<driver cache='none'/>", "")]
    [InlineData("<driver/>", "")]
    [InlineData("<driver cache='writethrough'/>", "<readonly/>")]
    public void Other_modes_and_read_only_disks_are_accepted(string driver, string extra) =>
        Assert.Empty(Run("KT026", FileDisk(driver, extra: extra)));

    [Fact]
    public void The_corpus_disk_cache_case_flags_its_writethrough_and_directsync_disks() =>
        Assert.Equal(["vda", "sdb"], RunOnCorpus("KT026", "disk-cache").Select(f => f.Disk));
}

public class ThinStorageWithoutDiscardRuleTests
{
    [Theory]
    [InlineData("<driver type='qcow2' cache='none'/>", "no discard attribute")]
    [InlineData("<driver type='qcow2' cache='none' discard='ignore'/>", "discard='ignore'")]
    public void A_qcow2_image_without_discard_unmap_is_an_info(string driver, string quoted)
    {
        var finding = Assert.Single(Run("KT027", FileDisk(driver)));
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains(quoted, finding.Message, StringComparison.Ordinal);
        Assert.Equal("set discard='unmap'", finding.Fix);
    }

    [Fact]
    public void A_sparse_raw_file_and_a_thin_volume_are_reported_when_the_host_says_so()
    {
        Assert.Equal("sparse raw file /var/lib/libvirt/images/a.img with no discard attribute (libvirt's default, ignore): space the guest frees is never returned",
            Assert.Single(Run("KT027", FileDisk("<driver type='raw' cache='none'/>"), Host(sparse: true))).Message);
        Assert.Equal("thin volume /dev/vg0/lv0 with discard='default': space the guest frees is never returned",
            Assert.Single(Run("KT027", BlockDisk("<driver type='raw' cache='none' discard='default'/>"), Host(thin: true))).Message);
        // a sparse block device is not a file: only the thin-volume fact counts for it
        Assert.Empty(Run("KT027", BlockDisk("<driver type='raw' cache='none'/>"), Host(sparse: true, thin: false)));
    }

    [Fact]
    public void A_qcow2_storage_pool_volume_is_a_qcow2_image_too() =>
        Assert.StartsWith("qcow2 image with ", Assert.Single(Run("KT027", "<disk type='volume' device='disk'><driver type='qcow2' cache='none'/><source pool='p' volume='v'/><target dev='vda' bus='virtio'/></disk>")).Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("<driver type='raw' cache='none'/>", null)]  // unknown allocation: silent
    [InlineData("<driver type='raw' cache='none'/>", false)]
    [InlineData("<driver type='qcow2' cache='none' discard='unmap'/>", null)]
    [InlineData("<driver type='qcow2' cache='none' discard='trim'/>", null)] // KT002's finding
    public void Preallocated_unknown_or_unmapped_storage_is_not_reported(string driver, bool? sparse) =>
        Assert.Empty(Run("KT027", FileDisk(driver), Host(sparse: sparse, thin: sparse)));

    [Fact]
    public void The_corpus_detect_zeroes_case_unmaps_its_qcow2_disks() =>
        Assert.Empty(RunOnCorpus("KT027", "disk-detect-zeroes"));
}
