using KvmTune.Core.Rules;
using static KvmTune.Core.Tests.Rules.RuleTestKit;

namespace KvmTune.Core.Tests.Rules;

public class NativeIoNeedsDirectCacheRuleTests
{
    [Theory]
    [InlineData("<driver name='qemu' type='raw' io='native'/>", "no cache attribute")]
    [InlineData("<driver name='qemu' type='raw' cache='default' io='native'/>", "cache='default'")]
    [InlineData("<driver name='qemu' type='raw' cache='writeback' io='native'/>", "cache='writeback'")]
    [InlineData("<driver name='qemu' type='raw' cache='writethrough' io='native'/>", "cache='writethrough'")]
    [InlineData("<driver name='qemu' type='raw' cache='unsafe' io='native'/>", "cache='unsafe'")]
    public void Native_io_without_a_direct_cache_mode_is_an_error(string driver, string quoted)
    {
        var finding = Assert.Single(Run("KT001", FileDisk(driver)));
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Equal("vda", finding.Disk);
        Assert.Contains("io='native'", finding.Message, StringComparison.Ordinal);
        Assert.Contains(quoted, finding.Message, StringComparison.Ordinal);
        Assert.Contains("cache='none'", finding.Fix, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<driver name='qemu' type='raw' cache='none' io='native'/>")]
    [InlineData("<driver name='qemu' type='raw' cache='directsync' io='native'/>")]
    [InlineData("<driver name='qemu' type='raw' cache='writeback' io='threads'/>")]
    [InlineData("<driver name='qemu' type='raw' cache='writeback' io='io_uring'/>")]
    [InlineData("<driver name='qemu' type='raw'/>")]
    [InlineData("<driver name='qemu' type='raw' cache='bogus' io='native'/>")] // KT002's finding, not KT001's
    public void Native_io_with_a_direct_cache_mode_or_other_io_is_accepted(string driver) =>
        Assert.Empty(Run("KT001", FileDisk(driver)));

    [Fact]
    public void The_corpus_disk_aio_case_passes_because_it_pairs_native_with_cache_none() =>
        Assert.Empty(RunOnCorpus("KT001", "disk-aio"));
}

public class UnknownDriverValueRuleTests
{
    [Theory]
    [InlineData("cache", "writebak")]
    [InlineData("io", "uring")]
    [InlineData("discard", "trim")]
    [InlineData("detect_zeroes", "yes")]
    [InlineData("error_policy", "retry")]
    [InlineData("rerror_policy", "enospace")]
    [InlineData("copy_on_read", "yes")]
    public void A_value_libvirt_does_not_know_is_reported_verbatim(string attribute, string value)
    {
        var finding = Assert.Single(Run("KT002", FileDisk($"<driver name='qemu' type='raw' {attribute}='{value}'/>")));
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.StartsWith($"{attribute}='{value}' is not a value libvirt knows", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_unknown_value_is_its_own_finding() =>
        Assert.Equal(2, Run("KT002", FileDisk("<driver cache='fast' io='fast'/>")).Count);

    [Theory]
    [InlineData("<driver name='qemu' type='raw' cache='none' io='native' discard='unmap' detect_zeroes='unmap' error_policy='enospace' rerror_policy='report' copy_on_read='on'/>")]
    [InlineData("<driver name='qemu' type='raw' cache='default' io='default' discard='default'/>")]
    [InlineData("")]
    public void Known_values_and_absent_driver_are_accepted(string driver) =>
        Assert.Empty(Run("KT002", FileDisk(driver)));

    [Fact]
    public void The_corpus_disk_error_policy_case_uses_only_known_values() =>
        Assert.Empty(RunOnCorpus("KT002", "disk-error-policy"));
}

public class IoTuneTotalWithReadWriteRuleTests
{
    [Theory]
    [InlineData("total_bytes_sec", "read_bytes_sec")]
    [InlineData("total_bytes_sec", "write_bytes_sec")]
    [InlineData("total_iops_sec", "read_iops_sec")]
    [InlineData("total_iops_sec", "write_iops_sec")]
    [InlineData("total_bytes_sec_max", "read_bytes_sec_max")]
    [InlineData("total_iops_sec_max", "write_iops_sec_max")]
    [InlineData("total_bytes_sec_max_length", "write_bytes_sec_max_length")]
    [InlineData("total_iops_sec_max_length", "read_iops_sec_max_length")]
    public void Total_and_per_direction_limits_of_the_same_unit_are_an_error(string total, string direction)
    {
        var iotune = $"<iotune><{total}>1000</{total}><{direction}>500</{direction}></iotune>";
        var finding = Assert.Single(Run("KT003", FileDisk("<driver name='qemu' type='raw'/>", extra: iotune)));
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Contains(total, finding.Message, StringComparison.Ordinal);
        Assert.Contains(direction, finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<total_bytes_sec>1000</total_bytes_sec><read_iops_sec>50</read_iops_sec>")]
    [InlineData("<total_bytes_sec>1000</total_bytes_sec><read_bytes_sec_max>50</read_bytes_sec_max>")]
    [InlineData("<total_bytes_sec>0</total_bytes_sec><read_bytes_sec>500</read_bytes_sec>")]
    [InlineData("<read_bytes_sec>1000</read_bytes_sec><write_bytes_sec>500</write_bytes_sec>")]
    public void Different_units_or_a_zero_total_are_accepted(string keys) =>
        Assert.Empty(Run("KT003", FileDisk("<driver name='qemu' type='raw'/>", extra: $"<iotune>{keys}</iotune>")));

    [Fact]
    public void Both_directions_against_one_total_are_one_finding()
    {
        var iotune = "<iotune><total_iops_sec>9</total_iops_sec><read_iops_sec>5</read_iops_sec><write_iops_sec>5</write_iops_sec></iotune>";
        var finding = Assert.Single(Run("KT003", FileDisk("<driver/>", extra: iotune)));
        Assert.Contains("read_iops_sec and write_iops_sec", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("blkdeviotune")]
    [InlineData("blkdeviotune-max")]
    [InlineData("blkdeviotune-max-length")]
    [InlineData("blkdeviotune-group-num")]
    public void The_corpus_iotune_cases_libvirt_accepts_pass(string caseName) =>
        Assert.Empty(RunOnCorpus("KT003", caseName));
}

public class ShareableNeedsCacheNoneRuleTests
{
    [Theory]
    [InlineData("<driver name='qemu' type='raw' cache='writeback'/>", "cache='writeback'")]
    [InlineData("<driver name='qemu' type='raw' cache='unsafe'/>", "cache='unsafe'")]
    [InlineData("<driver name='qemu' type='raw' cache='directsync'/>", "cache='directsync'")]
    public void A_shareable_disk_with_a_cache_other_than_none_is_an_error(string driver, string quoted)
    {
        var finding = Assert.Single(Run("KT004", BlockDisk(driver, extra: "<shareable/>")));
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Contains(quoted, finding.Message, StringComparison.Ordinal);
        Assert.Equal("set cache='none'", finding.Fix);
    }

    [Theory]
    [InlineData("<driver name='qemu' type='raw' cache='none'/>", "<shareable/>")]
    [InlineData("<driver name='qemu' type='raw' cache='writeback'/>", "")]
    public void Cache_none_or_an_unshared_disk_is_accepted(string driver, string extra) =>
        Assert.Empty(Run("KT004", BlockDisk(driver, extra: extra)));

    [Fact]
    public void A_writable_shareable_disk_without_a_cache_attribute_is_accepted_because_libvirt_gives_it_cache_none()
    {
        // libvirt's own output for the corpus case (disk-shared.x86_64-latest.args): the three writable shareable disks
        // without a cache attribute get "cache":{"direct":true,"no-flush":false} and write-cache on, i.e. cache none.
        var args = File.ReadAllText(Path.Combine(RepoPaths.LibvirtCorpus, "disk-shared.x86_64-latest.args"));
        Assert.Equal(3, args.Split("\"cache\":{\"direct\":true,\"no-flush\":false}").Length - 1);

        Assert.Empty(RunOnCorpus("KT004", "disk-shared"));
        Assert.Empty(Run("KT004", BlockDisk("<driver name='qemu' type='raw'/>", extra: "<shareable/>")));
    }

    [Fact]
    public void A_read_only_shareable_disk_without_a_cache_attribute_still_gets_the_hypervisor_default_and_is_flagged()
    {
        var finding = Assert.Single(Run("KT004", BlockDisk("<driver name='qemu' type='raw'/>", extra: "<shareable/><readonly/>")));
        Assert.Contains("no cache attribute", finding.Message, StringComparison.Ordinal);
    }
}

public class IoUringHostTooOldRuleTests
{
    private const string IoUring = "<driver name='qemu' type='raw' cache='none' io='io_uring'/>";

    [Theory]
    [InlineData("4.2.1", "7.0.0", "QEMU 4.2.1")]
    [InlineData("7.2", "6.2.0", "libvirt 6.2.0")]
    [InlineData("4.2", null, "QEMU 4.2")]
    public void Io_uring_on_a_host_too_old_for_it_is_an_error(string? qemu, string? libvirt, string named)
    {
        var finding = Assert.Single(Run("KT005", FileDisk(IoUring), Host(qemu, libvirt)));
        Assert.Equal(Severity.Error, finding.Severity);
        Assert.Contains(named, finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Io_uring_on_a_recent_host_is_accepted() =>
        Assert.Empty(Run("KT005", FileDisk(IoUring), Host("7.2", "9.0.0")));

    [Fact]
    public void The_first_versions_with_io_uring_are_accepted() =>
        Assert.Empty(Run("KT005", FileDisk(IoUring), Host("5.0", "6.3")));

    [Theory]
    [InlineData("7.2", null)]
    [InlineData(null, "9.0.0")]
    public void One_version_unknown_and_the_other_recent_enough_is_not_checked(string? qemu, string? libvirt) =>
        Assert.Equal(Severity.Info, Assert.Single(Run("KT005", FileDisk(IoUring), Host(qemu, libvirt))).Severity);

    [Fact]
    public void Another_io_mode_on_an_old_host_is_accepted() =>
        Assert.Empty(Run("KT005", FileDisk("<driver cache='none' io='native'/>"), Host("2.12", "4.0.0")));

    [Fact]
    public void Unknown_host_versions_give_an_info_saying_unknown_not_a_guess()
    {
        var finding = Assert.Single(Run("KT005", FileDisk(IoUring)));
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains("unknown", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_corpus_disk_aio_io_uring_case_fails_on_qemu_4()
    {
        var findings = RunOnCorpus("KT005", "disk-aio-io_uring", Host("4.2", "6.0.0"));
        Assert.NotEmpty(findings);
        Assert.All(findings, f => Assert.Equal(Severity.Error, f.Severity));
    }
}
