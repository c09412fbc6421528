using KvmTune.Core.Nova;
using KvmTune.Core.Rules;

namespace KvmTune.Core.Tests.Nova;

public class NovaConfTests
{
    private static NovaConf Conf(string text) => NovaConf.Parse(text, "nova.conf");

    [Fact]
    public void The_shipped_ubuntu_file_reads_with_novas_defaults_and_the_operators_edits()
    {
        var conf = NovaConf.Parse(NovaFixtures.Read("ubuntu-nova.conf"), "ubuntu-nova.conf");

        Assert.Equal("default", conf.ImagesType);
        Assert.True(conf.UseCowImages);
        Assert.Equal("none", conf.PreallocateImages);
        Assert.Equal("/var/lib/nova/instances", conf.InstancesPath);
        Assert.False(conf.SparseLogicalVolumes);
        Assert.False(conf.UseDefaultAioModeForVolumes);
        Assert.Null(conf.HwDiskDiscard);
        Assert.Equal(new Dictionary<string, string> { ["network"] = "writeback", ["block"] = "none" }, conf.EffectiveCacheModes);
        Assert.Empty(conf.Validate());
    }

    [Fact]
    public void Typed_view_reads_every_design_key()
    {
        var conf = Conf("""
            [DEFAULT]
            state_path = /srv/nova
            instances_path = ${state_path}/vms
            preallocate_images = space
            use_cow_images = No
            [libvirt]
            images_type = lvm
            images_volume_group = nova-vg
            sparse_logical_volumes = TRUE
            hw_disk_discard = unmap
            use_default_aio_mode_for_volumes = on
            disk_io_modes = file=threads, block=native
            """);

        Assert.Equal("/srv/nova/vms", conf.InstancesPath);
        Assert.Equal("space", conf.PreallocateImages);
        Assert.False(conf.UseCowImages);
        Assert.Equal("lvm", conf.ImagesType);
        Assert.Equal("nova-vg", conf.ImagesVolumeGroup);
        Assert.True(conf.SparseLogicalVolumes);
        Assert.Equal("unmap", conf.HwDiskDiscard);
        Assert.True(conf.UseDefaultAioModeForVolumes);
        Assert.Equal(new Dictionary<string, string> { ["file"] = "threads", ["block"] = "native" }, conf.EffectiveIoModes);
        Assert.Equal("flat", conf.ResolveBackend("default"));
        Assert.Empty(conf.Validate());
    }

    [Fact]
    public void Unknown_cache_mode_and_type_are_reported_on_their_continuation_lines()
    {
        var conf = Conf("""
            [libvirt]
            virt_type = kvm
            disk_cachemodes = file=none,
                fiel=writeback,
                block=nocache
            """);

        var findings = conf.Validate();

        Assert.Collection(findings,
            f => Assert.Equal((NovaConfCodes.UnknownType, Severity.Warning, 4), (f.Code, f.Severity, f.Line!.Value)),
            f => Assert.Equal((NovaConfCodes.UnknownMode, Severity.Error, 5), (f.Code, f.Severity, f.Line!.Value)));
        Assert.Contains("'nocache'", findings[1].Message, StringComparison.Ordinal);
        // nova itself skips the invalid mode but keeps the unknown type (it never checks it).
        Assert.Equal(new Dictionary<string, string> { ["file"] = "none", ["fiel"] = "writeback" }, conf.EffectiveCacheModes);
    }

    [Fact]
    public void An_item_without_equals_is_an_error()
    {
        var findings = Conf("[libvirt]\ndisk_cachemodes = none\n").Validate();

        var f = Assert.Single(findings);
        Assert.Equal((NovaConfCodes.UnknownMode, 2), (f.Code, f.Line!.Value));
        Assert.Contains("not TYPE=MODE", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Disk_io_modes_accepts_only_native_threads_io_uring_and_default()
    {
        var findings = Conf("[libvirt]\ndisk_io_modes = file=io_uring, block=nativ, mount=threads\n").Validate();

        Assert.Equal([(NovaConfCodes.UnknownMode, Severity.Error), (NovaConfCodes.UnknownType, Severity.Warning)],
            findings.Select(f => (f.Code, f.Severity)));
    }

    [Fact]
    public void A_type_given_twice_is_reported_because_the_later_entry_wins()
    {
        var conf = Conf("[libvirt]\ndisk_cachemodes = file=none,file=writeback\n");

        var f = Assert.Single(conf.Validate());

        Assert.Equal(NovaConfCodes.RepeatedKey, f.Code);
        Assert.Equal("writeback", conf.EffectiveCacheModes["file"]);
    }

    [Fact]
    public void Lvm_without_a_volume_group_is_an_error_on_the_images_type_line()
    {
        var f = Assert.Single(Conf("[DEFAULT]\n\n[libvirt]\nimages_type = lvm\n").Validate());

        Assert.Equal((NovaConfCodes.LvmWithoutVolumeGroup, Severity.Error, 4), (f.Code, f.Severity, f.Line!.Value));
    }

    [Theory]
    [InlineData("[libvirt]\nimages_type = lvm2\n", "KN004")]
    [InlineData("[libvirt]\nsparse_logical_volumes = maybe\n", "KN005")]
    [InlineData("[libvirt]\nuse_default_aio_mode_for_volumes = enabled\n", "KN005")]
    [InlineData("[DEFAULT]\nuse_cow_images = ture\n", "KN005")]
    [InlineData("[DEFAULT]\npreallocate_images = full\n", "KN006")]
    [InlineData("[libvirt]\nhw_disk_discard = discard\n", "KN007")]
    public void Values_oslo_config_refuses_are_errors_on_line_2(string text, string code)
    {
        var f = Assert.Single(Conf(text).Validate());

        Assert.Equal((code, Severity.Error, 2), (f.Code, f.Severity, f.Line!.Value));
    }

    [Theory]
    [InlineData("True")]
    [InlineData("yes")]
    [InlineData("ON")]
    [InlineData("1")]
    [InlineData("off")]
    [InlineData("No")]
    [InlineData("FALSE")]
    [InlineData("0")]
    public void Every_oslo_boolean_spelling_is_accepted(string value)
    {
        Assert.Empty(Conf($"[libvirt]\nsparse_logical_volumes = {value}\n").Validate());
    }

    [Fact]
    public void A_repeated_single_valued_key_is_a_warning_on_the_shadowed_line()
    {
        var f = Assert.Single(Conf("[libvirt]\nimages_type = raw\n[libvirt]\nimages_type = qcow2\n").Validate());

        Assert.Equal((NovaConfCodes.RepeatedKey, Severity.Warning, 2), (f.Code, f.Severity, f.Line!.Value));
    }

    [Fact]
    public void A_kolla_ceph_file_with_an_appended_override_section_reads_the_last_values_and_warns_about_the_shadowed_ones()
    {
        var text = NovaFixtures.Read("kolla-ceph-nova.conf");
        var conf = NovaConf.Parse(text, "kolla-ceph-nova.conf");

        Assert.Equal(text, conf.ToText());
        Assert.Equal("rbd", conf.ImagesType);
        Assert.Equal("vms", conf.ImagesRbdPool);
        Assert.Equal("ignore", conf.HwDiskDiscard);
        Assert.Equal(new Dictionary<string, string> { ["network"] = "writeback", ["block"] = "none" }, conf.EffectiveCacheModes);
        Assert.Equal(83, conf.DiskCacheModes.Single(e => e.Type == "block").Line);
        var shadowed = conf.Validate();
        Assert.All(shadowed, f => Assert.Equal(NovaConfCodes.RepeatedKey, f.Code));
        Assert.Equal(["disk_cachemodes", "hw_disk_discard"], shadowed.Select(f => f.Key));
    }

    [Fact]
    public void Editing_a_key_set_in_two_sections_changes_the_effective_one_in_the_later_section()
    {
        var text = NovaFixtures.Read("kolla-ceph-nova.conf");
        var conf = NovaConf.Parse(text, "kolla-ceph-nova.conf");

        conf.Set("libvirt", "hw_disk_discard", "unmap");

        Assert.Equal(text.Replace("hw_disk_discard = ignore\n", "hw_disk_discard = unmap\n", StringComparison.Ordinal), conf.ToText());
        Assert.Equal("unmap", conf.HwDiskDiscard);
    }
}
