using KvmTune.Core.Rules;
using KvmTune.Core.Tuning;
using static KvmTune.Core.Tests.Rules.RuleTestKit;

namespace KvmTune.Core.Tests.Rules;

public class UnsafeCacheRuleTests
{
    [Fact]
    public void Cache_unsafe_is_a_warning_with_a_fix()
    {
        var finding = Assert.Single(Run("KT010", FileDisk("<driver cache='unsafe'/>")));
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Contains("cache='unsafe'", finding.Message, StringComparison.Ordinal);
        Assert.NotNull(finding.Fix);
    }

    [Theory]
    [InlineData("<driver cache='writeback'/>", "")]
    [InlineData("<driver cache='none'/>", "")]
    [InlineData("<driver cache='unsafe'/>", "<readonly/>")]
    public void Other_modes_or_a_read_only_disk_are_accepted(string driver, string extra) =>
        Assert.Empty(Run("KT010", FileDisk(driver, extra: extra)));

    [Fact]
    public void The_corpus_disk_cache_case_flags_only_its_unsafe_disk() =>
        Assert.Equal(["hdb"], RunOnCorpus("KT010", "disk-cache").Select(f => f.Disk));
}

public class MigrationUnsafeCacheRuleTests
{
    [Theory]
    [InlineData("<driver cache='writeback'/>")]
    [InlineData("<driver cache='writethrough'/>")]
    [InlineData("<driver/>")]
    public void A_cached_mode_on_qemu_before_4_is_a_warning(string driver)
    {
        var finding = Assert.Single(Run("KT011", FileDisk(driver), Host("3.1")));
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Contains("QEMU 3.1", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<driver cache='none'/>", "3.1")]
    [InlineData("<driver cache='directsync'/>", "2.12")]
    [InlineData("<driver cache='writeback'/>", "4.0")]
    [InlineData("<driver cache='writeback'/>", null)] // unknown QEMU: silent by policy
    public void Direct_modes_drop_cache_hosts_or_an_unknown_host_are_not_reported(string driver, string? qemu) =>
        Assert.Empty(Run("KT011", FileDisk(driver), Host(qemu)));

    [Fact]
    public void Read_only_and_removable_disks_are_not_reported() =>
        Assert.Empty(Run("KT011", "<disk type='file' device='cdrom'><source file='/x.iso'/><target dev='hdc' bus='sata'/><readonly/></disk>", Host("3.1")));
}

public class ImplicitCacheRuleTests
{
    [Theory]
    [InlineData("<driver name='qemu' type='qcow2'/>", "no cache attribute")]
    [InlineData("", "no cache attribute")]
    [InlineData("<driver cache='default'/>", "cache='default'")]
    public void A_disk_without_a_cache_mode_is_a_warning(string driver, string quoted)
    {
        var finding = Assert.Single(Run("KT012", FileDisk(driver)));
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Contains(quoted, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_explicit_cache_mode_is_accepted() =>
        Assert.Empty(Run("KT012", FileDisk("<driver cache='writeback'/>")));

    [Fact]
    public void A_cdrom_without_a_cache_mode_is_not_reported() =>
        Assert.Empty(Run("KT012", "<disk type='file' device='cdrom'><driver type='raw'/><source file='/x.iso'/><target dev='sda' bus='sata'/><readonly/></disk>"));

    [Fact]
    public void The_corpus_disk_cache_case_states_every_mode() =>
        Assert.Empty(RunOnCorpus("KT012", "disk-cache"));
}

public class NativeIoOnSparseFileRuleTests
{
    private const string Native = "<driver type='raw' cache='none' io='native'/>";

    [Fact]
    public void Native_io_on_a_sparse_file_is_a_warning()
    {
        var finding = Assert.Single(Run("KT020", FileDisk(Native), Host(sparse: true)));
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Contains("/var/lib/libvirt/images/a.img", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_writable_shareable_disk_without_a_cache_attribute_is_not_implicit_libvirt_gives_it_cache_none()
    {
        Assert.Empty(Run("KT012", FileDisk("<driver name='qemu' type='raw'/>", extra: "<shareable/>")));
        Assert.Empty(RunOnCorpus("KT012", "disk-shared"));
    }

    [Fact]
    public void Native_io_on_a_file_of_unknown_allocation_says_unknown_at_info_level()
    {
        var finding = Assert.Single(Run("KT020", FileDisk(Native)));
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains("unknown", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("file", "<driver type='raw' cache='none' io='native'/>", false)]
    [InlineData("file", "<driver type='raw' cache='none' io='threads'/>", true)]
    [InlineData("block", "<driver type='raw' cache='none' io='native'/>", true)]
    public void Preallocated_files_other_io_modes_and_block_devices_are_accepted(string type, string driver, bool sparse)
    {
        var disk = type == "file" ? FileDisk(driver) : BlockDisk(driver);
        Assert.Empty(Run("KT020", disk, Host(sparse: sparse)));
    }
}

public class IoUringOnLvmRuleTests
{
    private const string IoUring = "<driver type='raw' cache='none' io='io_uring'/>";

    [Fact]
    public void Io_uring_on_an_lvm_volume_is_a_warning()
    {
        var finding = Assert.Single(Run("KT022", BlockDisk(IoUring), Host(lvm: true)));
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Contains("/dev/vg0/lv0", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Io_uring_on_a_block_device_of_unknown_kind_says_unknown_at_info_level()
    {
        var finding = Assert.Single(Run("KT022", BlockDisk(IoUring)));
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains("unknown", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Io_uring_on_a_device_that_is_not_lvm_is_accepted() =>
        Assert.Empty(Run("KT022", BlockDisk(IoUring), Host(lvm: false)));

    [Fact]
    public void Native_io_on_lvm_and_io_uring_on_a_file_are_accepted()
    {
        Assert.Empty(Run("KT022", BlockDisk("<driver cache='none' io='native'/>"), Host(lvm: true)));
        Assert.Empty(Run("KT022", FileDisk(IoUring), Host(lvm: true)));
    }

    [Fact]
    public void Where_the_io_probe_passed_on_this_host_the_finding_cites_it_at_info_level_instead_of_the_general_warning()
    {
        var host = Host(lvm: true) with { IoProbe = [new IoModeCheck(Backend.Lvm, CacheMode.None, IoMode.IoUring, IoCheckOutcome.Passed, 0.05)] };

        var finding = Assert.Single(Run("KT022", BlockDisk(IoUring), host));

        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Equal("io='io_uring' here: the io probe on this host passed (io='io_uring' with cache='none' on lvm: write, flush and read back passed in 0.05 s)", finding.Message);
    }

    [Fact]
    public void A_failed_probe_outweighs_a_passed_one_and_an_LVM_volume_is_judged_by_the_lvm_probe_alone()
    {
        var host = Host(lvm: true) with
        {
            IoProbe =
            [
                new IoModeCheck(Backend.Loop, CacheMode.None, IoMode.IoUring, IoCheckOutcome.Hang, 20),
                new IoModeCheck(Backend.Lvm, CacheMode.None, IoMode.IoUring, IoCheckOutcome.Passed, 0.05),
                new IoModeCheck(Backend.Lvm, CacheMode.None, IoMode.IoUring, IoCheckOutcome.Hang, 20),
            ],
        };

        // On the LVM volume: the lvm hang, not the pass before it (and not the loop device's)
        var lvm = Assert.Single(Run("KT022", BlockDisk(IoUring), host));
        Assert.Equal(Severity.Warning, lvm.Severity);
        Assert.Contains("on lvm", lvm.Message, StringComparison.Ordinal);
        // On a block device that is not an LV: any block backend's check, here the loop device's hang
        var other = Assert.Single(Run("KT022", BlockDisk(IoUring), host with { IsLvmVolume = _ => false }));
        Assert.Equal(Severity.Warning, other.Severity);
        Assert.Contains("on loop", other.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Where_the_io_probe_hung_on_this_host_any_disk_of_that_kind_and_cache_mode_gets_the_warning_with_the_measurement()
    {
        var host = HostFacts.Unknown with
        {
            IoProbe =
            [
                new IoModeCheck(Backend.RawPrealloc, CacheMode.None, IoMode.IoUring, IoCheckOutcome.Hang, 20),
                new IoModeCheck(Backend.RawPrealloc, CacheMode.Writeback, IoMode.IoUring, IoCheckOutcome.Passed, 0.04),
            ],
        };

        var finding = Assert.Single(Run("KT022", FileDisk(IoUring), host));

        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Contains("no answer within 20 s (hang)", finding.Message, StringComparison.Ordinal);
        Assert.Equal(Severity.Info, Assert.Single(Run("KT022", FileDisk("<driver type='raw' cache='writeback' io='io_uring'/>"), host)).Severity);
        Assert.Empty(Run("KT022", FileDisk("<driver type='qcow2' cache='none' io='io_uring'/>"), host));
    }
}

public class EmulatedBusRuleTests
{
    [Theory]
    [InlineData("ide")]
    [InlineData("sata")]
    [InlineData("usb")]
    public void A_disk_on_an_emulated_bus_is_a_warning(string bus)
    {
        var finding = Assert.Single(Run("KT024", FileDisk("<driver cache='none'/>", target: $"<target dev='sda' bus='{bus}'/>")));
        Assert.Equal(Severity.Warning, finding.Severity);
        Assert.Contains($"bus='{bus}'", finding.Message, StringComparison.Ordinal);
        Assert.Null(finding.Fix); // renaming guest devices is not a safe automatic fix
    }

    [Theory]
    [InlineData("virtio")]
    [InlineData("scsi")]
    public void A_paravirtual_bus_is_accepted(string bus) =>
        Assert.Empty(Run("KT024", FileDisk("<driver cache='none'/>", target: $"<target dev='sda' bus='{bus}'/>")));

    [Fact]
    public void A_cdrom_on_sata_is_accepted() =>
        Assert.Empty(Run("KT024", "<disk type='file' device='cdrom'><source file='/x.iso'/><target dev='sda' bus='sata'/><readonly/></disk>"));

    [Fact]
    public void The_corpus_disk_cache_case_flags_its_ide_and_usb_disks() =>
        Assert.Equal(["hda", "hdb", "sdb"], RunOnCorpus("KT024", "disk-cache").Select(f => f.Disk));
}
