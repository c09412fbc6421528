using KvmTune.Core.Nova;
using KvmTune.Core.Rules;

namespace KvmTune.Core.Tests.Nova;

public class NovaSimulatorTests
{
    private static SimulatedDisk Disk(string text, string @case, bool? directIo = true)
    {
        var explanation = NovaSimulator.Explain(NovaConf.Parse(text, "nova.conf"), new NovaHost(directIo, HostFacts.Unknown));
        return explanation.Disks.Single(d => d.Case == @case);
    }

    [Theory]
    [InlineData("image:raw", "<driver name=\"qemu\" type=\"raw\" cache=\"none\" />")]
    [InlineData("image:flat", "<driver name=\"qemu\" type=\"raw\" cache=\"none\" />")]
    [InlineData("image:qcow2", "<driver name=\"qemu\" type=\"qcow2\" cache=\"none\" />")]
    [InlineData("image:default", "<driver name=\"qemu\" type=\"qcow2\" cache=\"none\" />")]
    [InlineData("image:lvm", "<driver name=\"qemu\" type=\"raw\" cache=\"none\" io=\"native\" />")]
    [InlineData("image:rbd", "<driver type=\"raw\" cache=\"none\" />")]
    [InlineData("image:ploop", "<driver name=\"qemu\" type=\"ploop\" cache=\"none\" />")]
    [InlineData("volume:iscsi", "<driver name=\"qemu\" type=\"raw\" cache=\"none\" io=\"native\" />")]
    [InlineData("volume:fc", "<driver name=\"qemu\" type=\"raw\" cache=\"none\" io=\"native\" />")]
    [InlineData("volume:nfs", "<driver name=\"qemu\" type=\"raw\" cache=\"none\" io=\"native\" />")]
    [InlineData("volume:rbd", "<driver name=\"qemu\" type=\"raw\" cache=\"none\" />")]
    [InlineData("volume:iscsi-multiattach", "<driver name=\"qemu\" type=\"raw\" cache=\"none\" io=\"native\" />")]
    public void Novas_defaults_give_cache_none_and_native_only_for_preallocated_lvm_and_block_or_nfs_volumes(string @case, string driver)
    {
        var disk = Disk("[DEFAULT]\n[libvirt]\nimages_volume_group = vg\n", @case);

        Assert.Equal(driver, disk.Driver);
        Assert.Equal(disk.NovaDriver, disk.Driver);
        Assert.Null(disk.Error);
    }

    [Fact]
    public void Preallocated_files_get_native_and_rbd_never_does()
    {
        const string conf = "[DEFAULT]\npreallocate_images = space\n";

        Assert.Contains("io=\"native\"", Disk(conf, "image:qcow2").Driver, StringComparison.Ordinal);
        Assert.Contains("io=\"native\"", Disk(conf, "image:raw").Driver, StringComparison.Ordinal);
        Assert.DoesNotContain("io=", Disk(conf, "image:rbd").Driver, StringComparison.Ordinal);
        Assert.DoesNotContain("io=", Disk(conf, "image:ploop").Driver, StringComparison.Ordinal);
    }

    [Fact]
    public void Sparse_logical_volumes_lose_native()
    {
        var disk = Disk("[libvirt]\nimages_type = lvm\nimages_volume_group = nova\nsparse_logical_volumes = true\n", "image:lvm");

        Assert.Equal("<driver name=\"qemu\" type=\"raw\" cache=\"none\" />", disk.Driver);
        Assert.True(disk.Configured);
        Assert.Contains("<source dev=\"/dev/nova/INSTANCE_UUID_disk\" />", disk.DiskXml, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_o_direct_nova_falls_back_to_writeback_and_silently_downgrades_native_to_threads()
    {
        var disk = Disk("[DEFAULT]\npreallocate_images = space\n", "image:qcow2", directIo: false);

        Assert.Equal("<driver name=\"qemu\" type=\"qcow2\" cache=\"writeback\" io=\"threads\" />", disk.Driver);
        Assert.Contains(disk.Steps, s => s.Contains("silently downgrades", StringComparison.Ordinal));
        Assert.Equal(("KN009", "instances_path"), (disk.ConfigFindings.Single().Code, disk.ConfigFindings.Single().Key));
    }

    [Fact]
    public void A_cached_block_type_in_disk_cachemodes_is_a_warning_on_its_line_because_native_is_lost()
    {
        var conf = NovaConf.Parse("[libvirt]\nimages_volume_group = vg\ndisk_cachemodes = file=none,\n  block=writeback\n", "nova.conf");

        var findings = NovaSimulator.Validate(conf, new NovaHost(true, HostFacts.Unknown));

        var f = Assert.Single(findings);
        Assert.Equal(("KN009", Severity.Warning, 4), (f.Code, f.Severity, f.Line!.Value));
        Assert.Contains("block=writeback", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_o_direct_fallback_does_not_touch_volumes()
    {
        Assert.Contains("cache=\"none\"", Disk("[DEFAULT]\n", "volume:nfs", directIo: false).Driver, StringComparison.Ordinal);
    }

    [Fact]
    public void Disk_cachemodes_override_the_default_per_source_type_and_downgrade_native()
    {
        const string conf = "[libvirt]\ndisk_cachemodes = block=writeback,network=writeback,file=directsync\nimages_volume_group = vg\n";

        Assert.Equal("<driver name=\"qemu\" type=\"raw\" cache=\"writeback\" io=\"threads\" />", Disk(conf, "image:lvm").Driver);
        Assert.Equal("<driver name=\"qemu\" type=\"raw\" cache=\"writeback\" io=\"threads\" />", Disk(conf, "volume:iscsi").Driver);
        Assert.Equal("<driver name=\"qemu\" type=\"raw\" cache=\"writeback\" />", Disk(conf, "volume:rbd").Driver);
        Assert.Equal("<driver name=\"qemu\" type=\"raw\" cache=\"directsync\" io=\"native\" />", Disk(conf, "volume:nfs").Driver);
    }

    [Fact]
    public void A_multiattach_volume_keeps_cache_none_whatever_disk_cachemodes_says()
    {
        var disk = Disk("[libvirt]\ndisk_cachemodes = block=writeback\n", "volume:iscsi-multiattach");

        Assert.Equal("<driver name=\"qemu\" type=\"raw\" cache=\"none\" io=\"native\" />", disk.Driver);
        Assert.Contains("<shareable />", disk.DiskXml, StringComparison.Ordinal);
    }

    [Fact]
    public void Cache_default_is_written_literally_and_also_downgrades_native()
    {
        var disk = Disk("[libvirt]\ndisk_cachemodes = block=default\nimages_volume_group = vg\n", "image:lvm");

        Assert.Equal("<driver name=\"qemu\" type=\"raw\" cache=\"default\" io=\"threads\" />", disk.Driver);
    }

    [Fact]
    public void Use_default_aio_mode_for_volumes_drops_native_from_iscsi_fc_and_nfs()
    {
        const string conf = "[libvirt]\nuse_default_aio_mode_for_volumes = True\n";

        foreach (var c in new[] { "volume:iscsi", "volume:fc", "volume:nfs" })
        {
            Assert.DoesNotContain("io=", Disk(conf, c).Driver, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Hw_disk_discard_applies_to_images_only()
    {
        const string conf = "[libvirt]\nhw_disk_discard = unmap\n";

        Assert.Contains("discard=\"unmap\"", Disk(conf, "image:qcow2").Driver, StringComparison.Ordinal);
        Assert.Contains("discard=\"unmap\"", Disk(conf, "image:rbd").Driver, StringComparison.Ordinal);
        Assert.DoesNotContain("discard", Disk(conf, "volume:iscsi").Driver, StringComparison.Ordinal);
    }

    [Fact]
    public void Disk_io_modes_overrides_io_per_source_type_after_novas_choice()
    {
        const string conf = "[libvirt]\nimages_volume_group = vg\ndisk_io_modes = file=io_uring, block=default, network=threads\n";

        var qcow2 = Disk(conf, "image:qcow2");
        var lvm = Disk(conf, "image:lvm");

        Assert.Equal("<driver name=\"qemu\" type=\"qcow2\" cache=\"none\" />", qcow2.NovaDriver);
        Assert.Equal("<driver name=\"qemu\" type=\"qcow2\" cache=\"none\" io=\"io_uring\" />", qcow2.Driver);
        Assert.Equal("<driver name=\"qemu\" type=\"raw\" cache=\"none\" />", lvm.Driver);
        Assert.Contains("io=\"threads\"", Disk(conf, "volume:rbd").Driver, StringComparison.Ordinal);
    }

    [Fact]
    public void Disk_io_modes_native_on_a_cached_type_is_KT001_on_its_line()
    {
        var conf = NovaConf.Parse("[libvirt]\ndisk_cachemodes = file=writeback\ndisk_io_modes = block=native,\n  file=native\n", "nova.conf");

        var explanation = NovaSimulator.Explain(conf, new NovaHost(true, HostFacts.Unknown));

        var f = Assert.Single(explanation.ConfigFindings, f => f.Code == "KT001");
        Assert.Equal(("KT001", Severity.Error, 4), (f.Code, f.Severity, f.Line!.Value));
        // nova's own native for NFS volumes is lost to file=writeback too.
        Assert.Equal(("KN009", 2), explanation.ConfigFindings.Where(f => f.Code != "KT001").Select(f => (f.Code, f.Line!.Value)).Single());
        Assert.True(explanation.HasErrors);
        // The patched nova applies disk_io_modes before its own fallback: native on writeback becomes threads.
        Assert.Equal("<driver name=\"qemu\" type=\"qcow2\" cache=\"writeback\" io=\"threads\" />", explanation.Disks.Single(d => d.Case == "image:qcow2").Driver);
    }

    [Fact]
    public void Disk_io_modes_native_on_files_is_refused_when_instances_path_has_no_o_direct()
    {
        var conf = NovaConf.Parse("[libvirt]\ndisk_io_modes = file=native\n", "nova.conf");

        Assert.Empty(NovaSimulator.Validate(conf, new NovaHost(true, HostFacts.Unknown)));
        var findings = NovaSimulator.Validate(conf, new NovaHost(false, HostFacts.Unknown));
        Assert.Equal(2, Assert.Single(findings, f => f.Code == "KT001").Line);
        // Without O_DIRECT the LVM backend loses its native too (the writeback fallback covers every image disk).
        Assert.Contains(findings, f => f.Code == "KN009" && f.Message.Contains("block image disks", StringComparison.Ordinal));
    }

    [Fact]
    public void Lvm_without_a_volume_group_says_why_nova_fails()
    {
        var disk = Disk("[libvirt]\nimages_type = lvm\n", "image:lvm");

        Assert.Contains("images_volume_group", disk.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_configured_backend_is_marked_and_default_follows_use_cow_images()
    {
        var explanation = NovaSimulator.Explain(NovaConf.Parse("[DEFAULT]\nuse_cow_images = false\n", "nova.conf"), NovaHost.Unknown);

        Assert.Equal(["image:default"], explanation.Disks.Where(d => d.Configured).Select(d => d.Case));
        Assert.Equal("flat", explanation.Disks.Single(d => d.Case == "image:default").Backend);
        Assert.Equal(12, explanation.Disks.Count);
    }

    [Fact]
    public void Non_kvm_virt_types_get_no_driver_name()
    {
        Assert.DoesNotContain("name=", Disk("[libvirt]\nvirt_type = parallels\n", "image:ploop").Driver, StringComparison.Ordinal);
    }

    [Fact]
    public void The_kolla_ceph_host_gives_rbd_disks_with_writeback_and_no_io()
    {
        var conf = NovaConf.Parse(NovaFixtures.Read("kolla-ceph-nova.conf"), "kolla-ceph-nova.conf");

        var rbd = NovaSimulator.Explain(conf, NovaHost.Unknown).Disks.Single(d => d.Configured);

        Assert.Equal("image:rbd", rbd.Case);
        // Rbd.libvirt_info sets no driver name (the real nova writes none; libvirt takes qemu).
        Assert.Equal("<driver type=\"raw\" cache=\"writeback\" discard=\"ignore\" />", rbd.Driver);
        Assert.Contains("<source protocol=\"rbd\" name=\"vms/INSTANCE_UUID_disk\" />", rbd.DiskXml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[DEFAULT]\npreallocate_images = Space\n", "image:raw,image:flat,image:qcow2,image:default")]
    [InlineData("[libvirt]\nhw_disk_discard = on\n", "image:raw,image:flat,image:qcow2,image:lvm,image:rbd,image:ploop,image:default")]
    [InlineData("[libvirt]\nhw_disk_discard =\n", "image:raw,image:flat,image:qcow2,image:lvm,image:rbd,image:ploop,image:default")]
    [InlineData("[libvirt]\nsparse_logical_volumes = maybe\n", "image:lvm")]
    [InlineData("[libvirt]\nimages_type = qcow\n", "image:raw,image:flat,image:qcow2,image:lvm,image:rbd,image:ploop,image:default,volume:iscsi,volume:fc,volume:nfs,volume:rbd,volume:iscsi-multiattach")]
    [InlineData("[DEFAULT]\nforce_raw_images = maybe\n[libvirt]\nimages_type = rbd\n", "image:raw,image:flat,image:qcow2,image:lvm,image:rbd,image:ploop,image:default,volume:iscsi,volume:fc,volume:nfs,volume:rbd,volume:iscsi-multiattach")]
    [InlineData("[DEFAULT]\nforce_raw_images = maybe\n[libvirt]\nimages_type = qcow2\n", "")]
    [InlineData("[libvirt]\nuse_default_aio_mode_for_volumes = perhaps\n", "volume:iscsi,volume:fc,volume:nfs,volume:iscsi-multiattach")]
    [InlineData("[libvirt]\nimages_rbd_pool =\n", "image:rbd")]
    public void A_value_oslo_config_refuses_fails_exactly_the_disks_whose_code_reads_it(string text, string failing)
    {
        var explanation = NovaSimulator.Explain(NovaConf.Parse("[libvirt]\nimages_volume_group = vg\n" + text, "nova.conf"), new NovaHost(true, HostFacts.Unknown));

        Assert.Equal(failing, string.Join(',', explanation.Disks.Where(d => d.Error is not null).Select(d => d.Case)));
    }

    [Fact]
    public void Nova_26_has_no_use_default_aio_mode_for_volumes_and_says_so()
    {
        var conf = NovaConf.Parse("[libvirt]\nuse_default_aio_mode_for_volumes = true\n", "nova.conf");

        var master = NovaSimulator.Explain(conf, new NovaHost(true, HostFacts.Unknown));
        var zed = NovaSimulator.Explain(conf, new NovaHost(true, HostFacts.Unknown, null, NovaVersion.Parse("2:26.2.2-1~deb12u5")));

        Assert.Null(master.Disks.Single(d => d.Case == "volume:iscsi").Attributes.Io);
        Assert.Empty(master.ConfigFindings);
        Assert.Equal("native", zed.Disks.Single(d => d.Case == "volume:iscsi").Attributes.Io);
        var finding = Assert.Single(zed.ConfigFindings);
        Assert.Equal(("KN010", Severity.Warning, 2), (finding.Code, finding.Severity, finding.Line!.Value));
        Assert.Contains("not an option of nova 26.2.2 (added in 33.0.0)", finding.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("file=writeback,,block=unsafe", 1)]
    [InlineData(",file=unsafe", 1)]
    [InlineData("file=unsafe, ,", 1)]
    [InlineData("file=unsafe,", 0)]
    [InlineData(",,", 0)]
    public void An_empty_item_is_reported_as_nova_warns_about_it(string value, int empty)
    {
        var conf = NovaConf.Parse($"[libvirt]\ndisk_cachemodes = {value}\n", "nova.conf");

        Assert.Equal(empty, conf.Validate().Count(f => f.Code == "KN011"));
        Assert.DoesNotContain("", conf.EffectiveCacheModes.Keys);
    }

    [Fact]
    public void The_state_path_nova_conf_does_not_set_is_the_packaged_one_unless_told()
    {
        var conf = NovaConf.Parse("[libvirt]\nimages_type = qcow2\n", "nova.conf");

        Assert.Equal("/var/lib/nova/instances", conf.InstancesPath);
        conf.DefaultStatePath = "/usr/lib/python3/dist-packages";
        Assert.Equal("/usr/lib/python3/dist-packages/instances", conf.InstancesPath);
        Assert.Contains("<source file=\"/usr/lib/python3/dist-packages/instances/INSTANCE_UUID/disk\" />",
            NovaSimulator.SimulateImage(conf, NovaHost.Unknown, "qcow2").DiskXml, StringComparison.Ordinal);
        Assert.Equal("/srv/instances", NovaConf.Parse("[DEFAULT]\nstate_path = /srv\n", "n").InstancesPath);
    }

    [Fact]
    public void Disk_io_modes_reaches_every_source_type_and_stock_nova_keeps_its_own()
    {
        var conf = NovaConf.Parse("[libvirt]\nimages_volume_group = vg\ndisk_io_modes = file=io_uring, block=default, network=threads\n", "nova.conf");

        var disks = NovaSimulator.Explain(conf, new NovaHost(true, HostFacts.Unknown)).Disks;

        Assert.All(disks.Where(d => d.SourceType == "file"), d => Assert.Equal("io_uring", d.Attributes.Io));
        Assert.All(disks.Where(d => d.SourceType == "block"), d => Assert.Null(d.Attributes.Io));
        Assert.All(disks.Where(d => d.SourceType == "network"), d => Assert.Equal("threads", d.Attributes.Io));
        Assert.Equal("native", disks.Single(d => d.Case == "image:lvm").NovaAttributes.Io);
        Assert.Contains(disks.Single(d => d.Case == "image:lvm").Steps, s => s.Contains("read by nova once patched", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[libvirt]\nimages_type = lvm\nimages_volume_group = vg\n", "block=native", "")]
    [InlineData("[libvirt]\nimages_type = lvm\nimages_volume_group = vg\n", "block=io_uring", "block=io_uring")]
    [InlineData("[DEFAULT]\npreallocate_images = space\n[libvirt]\nimages_type = qcow2\n", "file=native", "")]
    [InlineData("[libvirt]\nimages_type = qcow2\n", "file=threads", "volume:nfs")]
    [InlineData("[libvirt]\nimages_type = qcow2\n", "file=io_uring", "file=io_uring")]
    [InlineData("[libvirt]\nimages_type = rbd\n", "network=default", "")]
    public void Stock_nova_can_express_an_io_only_when_it_already_gives_it_to_every_disk_of_the_type(string text, string item, string expected)
    {
        var conf = NovaConf.Parse(text, "nova.conf");
        var parts = item.Split('=');

        var cannot = NovaSimulator.StockCannotSet(conf, NovaHost.Unknown, new Dictionary<string, string> { [parts[0]] = parts[1] });

        // file=threads: the qcow2 image disk has it, but nova gives NFS volumes (file) io='native'.
        Assert.Equal(expected == "volume:nfs" ? item : expected, string.Join(',', cannot));
    }
}
