using KvmTune.Core.Nova;
using KvmTune.Core.Rules;

namespace KvmTune.Core.Tests.Nova;

/// <summary>
/// Every finding of <see cref="NovaConf.Validate(NovaVersion)"/> as an operator reads it (code, severity, section, key,
/// line, message), and the files oslo.config merges: where each line comes from, and what cannot be edited.
/// </summary>
public class NovaConfValidationTests
{
    private const string Broken = """
        [DEFAULT]
        preallocate_images = full
        use_cow_images = maybe
        force_raw_images = 2
        instances_path = /a
        instances_path = /b
        [libvirt]
        disk_cachemodes = ,file=none,block=bogus,mount=none,weird=none,file=writeback,network
        disk_io_modes = file=native,,block=nativ,mount=threads,network=native
        images_type = lvm
        sparse_logical_volumes = perhaps
        use_default_aio_mode_for_volumes = nope
        hw_disk_discard = trim

        """;

    private static readonly NovaConfFinding[] Common =
    [
        new("KN006", Severity.Error, "DEFAULT", "preallocate_images", 2, "preallocate_images = full: not none|space; oslo.config refuses the value"),
        new("KN005", Severity.Error, "DEFAULT", "use_cow_images", 3, "use_cow_images = maybe: not a boolean (true/false, yes/no, on/off, 1/0); oslo.config refuses the value"),
        new("KN005", Severity.Error, "DEFAULT", "force_raw_images", 4, "force_raw_images = 2: not a boolean (true/false, yes/no, on/off, 1/0); oslo.config refuses the value"),
        new("KN008", Severity.Warning, "DEFAULT", "instances_path", 5, "instances_path is set again on line 6; nova uses only the last value"),
        new("KN001", Severity.Error, "libvirt", "disk_cachemodes", 8, "disk_cachemodes: unknown mode 'bogus' for type 'block' (expected default|none|writethrough|writeback|directsync|unsafe); nova logs a warning and ignores the entry"),
        new("KN001", Severity.Error, "libvirt", "disk_cachemodes", 8, "disk_cachemodes: 'network' is not TYPE=MODE; nova logs a warning and ignores the entry"),
        new("KN002", Severity.Warning, "libvirt", "disk_cachemodes", 8, "disk_cachemodes: unknown source type 'weird' (expected file|block|network|mount); no disk has it, so 'weird=none' has no effect"),
        new("KN008", Severity.Warning, "libvirt", "disk_cachemodes", 8, "disk_cachemodes: type 'file' is given again ('file=writeback'); the later entry wins and 'file=none' is ignored"),
        new("KN011", Severity.Warning, "libvirt", "disk_cachemodes", 8, "disk_cachemodes: an empty item (two commas in a row, or a comma first); nova logs 'Invalid cachemode  specified for disk type .' at every start and ignores it"),
        new("KN001", Severity.Error, "libvirt", "disk_io_modes", 9, "disk_io_modes: unknown mode 'nativ' for type 'block' (expected native|threads|io_uring|default); KvmTune ignores the entry"),
        new("KN002", Severity.Warning, "libvirt", "disk_io_modes", 9, "disk_io_modes: unknown source type 'mount' (expected file|block|network); no disk has it, so 'mount=threads' has no effect"),
        new("KN011", Severity.Warning, "libvirt", "disk_io_modes", 9, "disk_io_modes: an empty item (two commas in a row, or a comma first); nova logs 'Invalid io mode  specified for disk type .' at every start and ignores it"),
        new("KN003", Severity.Error, "libvirt", "images_type", 10, "images_type = lvm without images_volume_group: nova fails every instance build ('You should specify images_volume_group flag to use LVM images.')"),
        new("KN005", Severity.Error, "libvirt", "sparse_logical_volumes", 11, "sparse_logical_volumes = perhaps: not a boolean (true/false, yes/no, on/off, 1/0); oslo.config refuses the value"),
    ];

    private static readonly NovaConfFinding Discard =
        new("KN007", Severity.Error, "libvirt", "hw_disk_discard", 13, "hw_disk_discard = trim: not ignore|unmap; oslo.config refuses the value");

    [Fact]
    public void Every_kind_of_mistake_is_reported_on_its_line_in_file_order()
    {
        var conf = NovaConf.Parse(Broken, "nova.conf");

        // nova master has use_default_aio_mode_for_volumes, so a bad boolean there is refused like any other
        NovaConfFinding[] master =
        [
            .. Common,
            new("KN005", Severity.Error, "libvirt", "use_default_aio_mode_for_volumes", 12, "use_default_aio_mode_for_volumes = nope: not a boolean (true/false, yes/no, on/off, 1/0); oslo.config refuses the value"),
            Discard,
        ];
        Assert.Equal(master, conf.Validate());
        Assert.Equal(master, conf.Validate(NovaVersion.Master));
    }

    [Fact]
    public void A_nova_without_use_default_aio_mode_for_volumes_reports_the_option_as_unknown_and_does_not_read_its_value()
    {
        var conf = NovaConf.Parse(Broken, "nova.conf");

        NovaConfFinding[] nova26 =
        [
            .. Common,
            new("KN010", Severity.Warning, "libvirt", "use_default_aio_mode_for_volumes", 12, "use_default_aio_mode_for_volumes is not an option of nova 26.2.2 (added in 33.0.0): nova ignores it and iSCSI, FC and NFS volumes keep io='native'"),
            Discard,
        ];
        Assert.Equal(nova26, conf.Validate(NovaVersion.Parse("26.2.2")));
        Assert.Throws<ArgumentNullException>(() => conf.Validate(null!));
    }

    [Fact]
    public void An_unknown_images_type_an_empty_discard_and_a_valid_boolean_are_told_apart()
    {
        var conf = NovaConf.Parse("[libvirt]\nimages_type = zfs\nuse_default_aio_mode_for_volumes = true\nhw_disk_discard =\n", "nova.conf");

        Assert.Equal(
            [
                new NovaConfFinding("KN004", Severity.Error, "libvirt", "images_type", 2, "images_type = zfs: not one of raw|flat|qcow2|lvm|rbd|ploop|default; oslo.config refuses the value and nova-compute fails"),
                new NovaConfFinding("KN007", Severity.Error, "libvirt", "hw_disk_discard", 4, "hw_disk_discard = : not ignore|unmap; oslo.config refuses the value"),
            ],
            conf.Validate());
    }

    [Fact]
    public void Every_key_of_the_typed_view_set_twice_is_reported_at_the_value_nova_ignores()
    {
        var text = string.Concat(NovaConf.KnownKeys.Select(k => $"[{k.Section}]\n{k.Key} = {Value(k.Key, 1)}\n{k.Key} = {Value(k.Key, 2)}\n"));

        var findings = NovaConf.Parse(text, "nova.conf").Validate();

        Assert.Equal(
            NovaConf.KnownKeys.Select((k, i) => new NovaConfFinding("KN008", Severity.Warning, k.Section, k.Key, (3 * i) + 2,
                $"{k.Key} is set again on line {(3 * i) + 3}; nova uses only the last value")),
            findings);

        static string Value(string key, int n) => key switch
        {
            "disk_cachemodes" => n == 1 ? "file=none" : "block=none",
            "disk_io_modes" => n == 1 ? "file=native" : "block=native",
            "images_type" => n == 1 ? "raw" : "qcow2",
            "sparse_logical_volumes" or "use_default_aio_mode_for_volumes" or "use_cow_images" => n == 1 ? "true" : "false",
            "hw_disk_discard" => n == 1 ? "ignore" : "unmap",
            "preallocate_images" => n == 1 ? "none" : "space",
            _ => $"/v{n}",
        };
    }

    [Fact]
    public void Items_of_a_continued_list_keep_their_own_lines()
    {
        var conf = NovaConf.Parse("[libvirt]\ndisk_cachemodes = file=none,\n  block=bogus,\n  network\n", "nova.conf");

        Assert.Equal(
            [
                new NovaModeEntry("file", "none", "file=none", 2, HasEquals: true),
                new NovaModeEntry("block", "bogus", "block=bogus", 3, HasEquals: true),
                new NovaModeEntry("network", "", "network", 4, HasEquals: false),
            ],
            conf.DiskCacheModes);
        Assert.Equal([3, 4], conf.Validate().Select(f => f.Line));
    }

    [Theory]
    [InlineData("TRUE", true)]
    [InlineData("Yes", true)]
    [InlineData("1", true)]
    [InlineData("on", true)]
    [InlineData("Off", false)]
    [InlineData("no", false)]
    [InlineData("0", false)]
    [InlineData("FALSE", false)]
    [InlineData("maybe", null)]
    public void Booleans_are_read_as_oslo_config_reads_them(string value, bool? expected)
    {
        var conf = NovaConf.Parse($"[libvirt]\nsparse_logical_volumes = {value}\n");

        Assert.Equal(expected, conf.Bool("libvirt", "sparse_logical_volumes"));
        Assert.Null(conf.Bool("DEFAULT", "use_cow_images"));
    }

    [Fact]
    public void State_path_is_the_files_own_when_set_and_the_packaged_default_otherwise()
    {
        var own = NovaConf.Parse("[DEFAULT]\nstate_path = /srv/nova\ninstances_path = ${state_path}/vms\n");
        var empty = NovaConf.Parse("[DEFAULT]\nstate_path =\n");
        var unset = NovaConf.Parse("[DEFAULT]\n");
        unset.DefaultStatePath = "/opt/nova";

        Assert.True(own.SetsStatePath);
        Assert.Equal("/srv/nova/vms", own.InstancesPath);
        Assert.False(empty.SetsStatePath);
        Assert.Equal("/var/lib/nova", empty.StatePath);
        Assert.Equal("/var/lib/nova/instances", empty.InstancesPath);
        Assert.False(unset.SetsStatePath);
        Assert.Equal("/opt/nova/instances", unset.InstancesPath);
        Assert.Equal("/opt/nova/mnt", unset.NfsMountPointBase);
    }

    [Theory]
    [InlineData(Severity.Error, "error")]
    [InlineData(Severity.Warning, "warning")]
    [InlineData(Severity.Info, "info")]
    public void A_findings_severity_is_spelt_in_lower_case(Severity severity, string text)
    {
        Assert.Equal(text, new NovaConfFinding("KN001", severity, "libvirt", "k", 1, "m").SeverityText);
    }

    [Fact]
    public void A_file_read_without_a_name_is_called_nova_conf()
    {
        var conf = NovaConf.Parse("[DEFAULT]\n");

        Assert.Equal("nova.conf", conf.Source);
        Assert.Equal(["nova.conf"], conf.Files);
        Assert.Equal("nova.conf", conf.Locate(null));
        Assert.False(conf.IsMerged);
    }

    [Fact]
    public void One_file_given_to_merge_is_that_file_unchanged_and_can_be_edited()
    {
        const string text = "[libvirt]\nimages_type = raw\n";
        var conf = NovaConf.Merge([(text, "nova.conf")]);

        Assert.False(conf.IsMerged);
        Assert.Equal(text, conf.ToText());
        Assert.Equal("nova.conf:2", conf.Locate(2));
        Assert.True(conf.Set("libvirt", "images_type", "qcow2"));
        Assert.Equal("[libvirt]\nimages_type = qcow2\n", conf.ToText());
    }

    [Fact]
    public void Merged_files_locate_each_line_in_its_own_file_whatever_their_last_line()
    {
        // a.conf ends without a newline, b.conf is empty, c.conf is the third file
        var conf = NovaConf.Merge([
            ("[libvirt]\nimages_type = raw", "a.conf"),
            ("", "b.conf"),
            ("[libvirt]\ndisk_cachemodes = file=writeback\n", "c.conf"),
        ]);

        Assert.True(conf.IsMerged);
        Assert.Equal("a.conf, b.conf, c.conf", conf.Source);
        Assert.Equal("raw", conf.ImagesType);
        Assert.Equal("a.conf:2", conf.Locate(conf.Option("libvirt", "images_type")!.FirstLine));
        Assert.Equal("c.conf:2", conf.Locate(conf.Option("libvirt", "disk_cachemodes")!.FirstLine));
        Assert.Equal("c.conf:1", conf.Locate(conf.Document.Headers[^1].Line));
        Assert.Equal("c.conf", conf.Locate(null));
        var e = Assert.Throws<InvalidOperationException>(() => conf.Set("libvirt", "images_type", "qcow2"));
        Assert.Equal("a configuration merged from several files cannot be edited", e.Message);
    }

    [Fact]
    public void Merged_files_with_old_mac_line_endings_stay_apart()
    {
        // CR-only files: the separator between them is a CR, or "\r\n" would end a line instead of adding a blank one
        var conf = NovaConf.Merge([
            ("[libvirt]\rdisk_cachemodes = file=none,\r  block=none\r", "a.conf"),
            ("[libvirt]\rimages_type = raw\r", "b.conf"),
        ]);

        Assert.Equal("file=none,\nblock=none", conf.Option("libvirt", "disk_cachemodes")!.Value);
        Assert.Equal("raw", conf.ImagesType);
        Assert.Equal("b.conf:2", conf.Locate(conf.Option("libvirt", "images_type")!.FirstLine));
        Assert.Equal("b.conf:1", conf.Locate(conf.Document.Headers[^1].Line));
    }

    [Fact]
    public void A_parse_error_in_one_of_several_files_is_bad_input_naming_it()
    {
        var e = Assert.Throws<InputException>(() => NovaConf.Merge([("[libvirt]\n", "a.conf"), ("  indented\n", "b.conf")]));

        Assert.StartsWith("b.conf:1: unexpected continuation line", e.Message, StringComparison.Ordinal);
    }
}
