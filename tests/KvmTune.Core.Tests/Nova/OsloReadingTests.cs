using KvmTune.Core.Input;
using KvmTune.Core.Nova;

namespace KvmTune.Core.Tests.Nova;

/// <summary>nova.conf read as oslo.config reads it: Python's universal newlines and str.strip(), errors that never show a line's content.</summary>
public class OsloReadingTests
{
    [Fact]
    public void A_cr_only_file_is_read_line_by_line_as_python_universal_newlines_do_and_written_back_byte_for_byte()
    {
        const string Text = "[DEFAULT]\rpreallocate_images = space\r[libvirt]\rimages_type = lvm\rimages_volume_group = vg0\r";

        var conf = NovaConf.Parse(Text, "cr.conf");

        Assert.Equal("space", conf.PreallocateImages);
        Assert.Equal("lvm", conf.ImagesType);
        Assert.Equal(4, conf.Option("libvirt", "images_type")!.FirstLine);
        Assert.Equal(Text, conf.ToText());
    }

    [Fact]
    public void An_edit_of_a_cr_only_file_keeps_its_line_ends()
    {
        var conf = NovaConf.Parse("[libvirt]\rimages_type = qcow2\r", "cr.conf");

        conf.Set("libvirt", "disk_cachemodes", "file=none");

        Assert.Equal("[libvirt]\rimages_type = qcow2\rdisk_cachemodes = file=none\r", conf.ToText());
    }

    [Fact]
    public void Mixed_line_ends_each_end_one_line()
    {
        var doc = IniDocument.Parse("[a]\r\nx = 1\ry = 2\nz = 3");

        Assert.Equal(["1", "2", "3"], doc.Entries.Select(e => e.Value));
        Assert.Equal([2, 3, 4], doc.Entries.Select(e => e.FirstLine));
    }

    [Fact]
    public void Python_whitespace_includes_the_information_separators()
    {
        // str.strip() removes U+001C..U+001F; .NET's Trim does not.
        var doc = IniDocument.Parse("[a]\nkey = value\u001f\n");

        Assert.Equal("value", doc.Entries[0].Value);
    }

    [Theory]
    [InlineData("[database]\nconnection = mysql+pymysql://nova\nS3cretPassw0rd@db/nova\n", "no ':' or '=' found in assignment")]
    [InlineData("[DEFAULT\ntransport_url = rabbit://nova:S3cretPassw0rd@ctl/\n", "invalid section header")]
    [InlineData("  S3cretPassw0rd\n[DEFAULT]\n", "unexpected continuation line")]
    [InlineData("password = S3cretPassw0rd\n", "before any [section]")]
    [InlineData("[DEFAULT]\n= S3cretPassw0rd\n", "key cannot be empty")]
    public void A_parse_error_names_file_and_line_in_one_line_and_never_shows_the_content(string text, string problem)
    {
        var e = Assert.Throws<InputException>(() => NovaConf.Parse(text, "/etc/nova/nova.conf"));

        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("/etc/nova/nova.conf:", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("S3cret", e.Message, StringComparison.Ordinal);
        Assert.True(InputText.IsOneLine(e.Message));
    }

    [Fact]
    public void A_finding_quoting_a_multi_line_value_is_one_line()
    {
        var conf = NovaConf.Parse("[libvirt]\nimages_type = lvm\n  more\n", "n.conf");

        var finding = Assert.Single(conf.Validate(), f => f.Code == NovaConfCodes.UnknownImagesType);

        Assert.True(InputText.IsOneLine(finding.Message), finding.Message);
        Assert.Contains("lvm\\nmore", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_files_merge_as_oslo_config_does_later_files_win()
    {
        var conf = NovaConf.Merge([
            ("[DEFAULT]\npreallocate_images = none\n[libvirt]\nimages_type = qcow2\ndisk_cachemodes = file=writeback\n", "nova.conf"),
            ("[libvirt]\nimages_type = lvm\nimages_volume_group = vg0\n", "nova-compute.conf"),
        ]);

        Assert.Equal("lvm", conf.ImagesType);
        Assert.Equal("vg0", conf.ImagesVolumeGroup);
        Assert.Equal("none", conf.PreallocateImages);
        Assert.Equal("writeback", conf.EffectiveCacheModes["file"]);
        Assert.Equal(["nova.conf", "nova-compute.conf"], conf.Files);
        Assert.Equal("nova-compute.conf:2", conf.Locate(conf.Option("libvirt", "images_type")!.FirstLine));
        Assert.Equal("nova.conf:5", conf.Locate(conf.Option("libvirt", "disk_cachemodes")!.FirstLine));
        Assert.Throws<InvalidOperationException>(() => conf.Set("libvirt", "images_type", "raw"));
    }

    [Fact]
    public void A_merged_file_that_ends_inside_a_continuation_does_not_continue_into_the_next()
    {
        var conf = NovaConf.Merge([
            ("[libvirt]\ndisk_cachemodes = file=none,\n  block=none", "a.conf"),
            ("# comment\n[libvirt]\nimages_type = raw\n", "b.conf"),
        ]);

        Assert.Equal("file=none,\nblock=none", conf.Option("libvirt", "disk_cachemodes")!.Value);
        Assert.Equal("raw", conf.ImagesType);
    }

    [Fact]
    public void A_parse_error_in_a_later_file_names_that_file_and_its_own_line()
    {
        var e = Assert.Throws<InputException>(() => NovaConf.Merge([
            ("[DEFAULT]\n", "nova.conf"),
            ("[libvirt]\nbroken line\n", "nova.conf.d/50-local.conf"),
        ]));

        Assert.StartsWith("nova.conf.d/50-local.conf:2: ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_simulator_reports_a_path_xml_cannot_hold_as_a_nova_failure_instead_of_throwing()
    {
        var conf = NovaConf.Parse("[DEFAULT]\nstate_path = /var/lib/no\u0001va\n", "n.conf");

        var explanation = NovaSimulator.Explain(conf, NovaHost.Unknown);

        Assert.Contains(explanation.Disks, d => d.Error is not null && d.Error.Contains("lxml", StringComparison.Ordinal));
    }
}
