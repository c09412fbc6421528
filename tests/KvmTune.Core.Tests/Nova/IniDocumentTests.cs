using KvmTune.Core.Nova;

namespace KvmTune.Core.Tests.Nova;

public class IniDocumentTests
{
    [Fact]
    public void Unedited_ubuntu_nova_conf_round_trips_byte_for_byte()
    {
        var text = NovaFixtures.Read("ubuntu-nova.conf");

        var doc = IniDocument.Parse(text, "ubuntu-nova.conf");

        Assert.Equal(text, doc.ToText());
    }

    [Theory]
    [InlineData("[DEFAULT]\r\nkey = value\r\n\r\n[libvirt]\r\nimages_type=lvm")]
    [InlineData("[DEFAULT]\nkey: value   \n  continued\n\t  tabbed\n; semicolon comment\n# hash comment\n")]
    [InlineData("")]
    [InlineData("[DEFAULT]\nkey = 'quoted'\n")]
    public void Unusual_but_valid_files_round_trip_byte_for_byte(string text)
    {
        Assert.Equal(text, IniDocument.Parse(text).ToText());
    }

    [Fact]
    public void Values_follow_oslo_config_colon_equals_quotes_and_continuations()
    {
        var doc = IniDocument.Parse("[DEFAULT]\na = b:c\nd: e=f\ng = \"quoted value\"\nh = x\n  y\n\tz\n\ni = 'single'\n");

        Assert.Equal("b:c", doc.Last("DEFAULT", "a")!.Value);
        Assert.Equal("e=f", doc.Last("DEFAULT", "d")!.Value);
        Assert.Equal("quoted value", doc.Last("DEFAULT", "g")!.Value);
        var h = doc.Last("DEFAULT", "h")!;
        Assert.Equal("x\ny\nz", h.Value);
        Assert.Equal((5, 7), (h.FirstLine, h.LastLine));
        Assert.Equal("single", doc.Last("DEFAULT", "i")!.Value);
    }

    [Fact]
    public void Repeated_keys_are_all_kept_and_the_last_is_effective()
    {
        var doc = IniDocument.Parse("[libvirt]\nimages_type = raw\n[DEFAULT]\nx = 1\n[LIBVIRT]\nimages_type = qcow2\n");

        Assert.Equal(["raw", "qcow2"], doc.All("libvirt", "images_type").Select(e => e.Value));
        Assert.Equal(6, doc.Last("libvirt", "images_type")!.FirstLine);
    }

    [Theory]
    [InlineData("[DEFAULT]\nno separator here\n", 2, "no ':' or '='")]
    [InlineData("[DEFAULT]\n= value\n", 2, "key cannot be empty")]
    [InlineData("[DEFAULT]\n# comment\n  indented\n", 3, "unexpected continuation")]
    [InlineData("[DEFAULT\nx = 1\n", 1, "must end with ]")]
    [InlineData("[]\n", 1, "empty section")]
    [InlineData("x = 1\n", 1, "before any [section]")]
    public void What_oslo_config_rejects_is_bad_input_naming_the_line(string text, int line, string message)
    {
        var e = Assert.Throws<InputException>(() => IniDocument.Parse(text, "nova.conf"));

        Assert.StartsWith($"nova.conf:{line}: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Setting_an_existing_key_changes_only_its_line_and_keeps_its_spelling()
    {
        var text = "[DEFAULT]\n# keep me\npreallocate_images=none\nother = 1\n";
        var doc = IniDocument.Parse(text);

        Assert.True(doc.Set("DEFAULT", "preallocate_images", "space"));

        Assert.Equal("[DEFAULT]\n# keep me\npreallocate_images=space\nother = 1\n", doc.ToText());
    }

    [Fact]
    public void Setting_a_continued_value_replaces_its_continuation_lines()
    {
        var doc = IniDocument.Parse("[libvirt]\ndisk_cachemodes = file=none,\n    block=none\nvirt_type = kvm\n");

        doc.Set("libvirt", "disk_cachemodes", "file=writeback");

        Assert.Equal("[libvirt]\ndisk_cachemodes = file=writeback\nvirt_type = kvm\n", doc.ToText());
    }

    [Fact]
    public void Setting_the_same_value_changes_nothing()
    {
        var text = "[libvirt]\nimages_type = 'lvm'\n";
        var doc = IniDocument.Parse(text);

        Assert.False(doc.Set("libvirt", "images_type", "lvm"));
        Assert.Equal(text, doc.ToText());
    }

    [Fact]
    public void Setting_a_quoted_value_keeps_the_quotes()
    {
        var doc = IniDocument.Parse("[libvirt]\nimages_type = \"raw\"\n");

        doc.Set("libvirt", "images_type", "lvm");

        Assert.Equal("[libvirt]\nimages_type = \"lvm\"\n", doc.ToText());
    }

    [Fact]
    public void Only_the_effective_last_occurrence_of_a_repeated_key_is_changed()
    {
        var doc = IniDocument.Parse("[libvirt]\nimages_type = raw\nimages_type = qcow2\n");

        doc.Set("libvirt", "images_type", "lvm");

        Assert.Equal("[libvirt]\nimages_type = raw\nimages_type = lvm\n", doc.ToText());
    }

    [Fact]
    public void A_new_key_goes_below_its_commented_sample_line()
    {
        var text = NovaFixtures.Read("ubuntu-nova.conf");
        var doc = IniDocument.Parse(text);
        var sample = Array.IndexOf(text.Split('\n'), "#images_volume_group = <None>") + 1;

        doc.Set("libvirt", "images_volume_group", "nova-vg");

        var lines = doc.ToText().Split('\n');
        Assert.Equal("images_volume_group = nova-vg", lines[sample]);
        Assert.Equal(text.Split('\n').Length + 1, lines.Length);
        Assert.Equal(text, doc.ToText().Remove(doc.ToText().IndexOf("images_volume_group = nova-vg\n", StringComparison.Ordinal), "images_volume_group = nova-vg\n".Length));
    }

    [Fact]
    public void A_new_key_without_a_sample_line_goes_after_the_sections_last_content()
    {
        var doc = IniDocument.Parse("[DEFAULT]\na = 1\n\n\n[libvirt]\nvirt_type = kvm\n");

        doc.Set("DEFAULT", "use_cow_images", "false");

        Assert.Equal("[DEFAULT]\na = 1\nuse_cow_images = false\n\n\n[libvirt]\nvirt_type = kvm\n", doc.ToText());
    }

    [Fact]
    public void A_missing_section_is_created_at_the_end_with_the_files_line_endings()
    {
        var doc = IniDocument.Parse("[DEFAULT]\r\na = 1");

        doc.Set("libvirt", "images_type", "lvm");

        Assert.Equal("[DEFAULT]\r\na = 1\r\n\r\n[libvirt]\r\nimages_type = lvm\r\n", doc.ToText());
    }

    [Fact]
    public void A_new_key_after_a_last_line_without_newline_keeps_the_file_without_final_newline()
    {
        var doc = IniDocument.Parse("[libvirt]\nvirt_type = kvm");

        doc.Set("libvirt", "images_type", "lvm");

        Assert.Equal("[libvirt]\nvirt_type = kvm\nimages_type = lvm", doc.ToText());
    }

    [Theory]
    [InlineData("libvirt", "bad key", "x")]
    [InlineData("libvirt", "k=v", "x")]
    [InlineData("lib]virt", "k", "x")]
    [InlineData("libvirt", "k", "two\nlines")]
    public void Invalid_names_and_values_are_refused(string section, string key, string value)
    {
        var doc = IniDocument.Parse("[libvirt]\n");

        if (key == "bad key")
        {
            // a key with an inner blank is legal in oslo.config; only surrounding blanks are not.
            Assert.True(doc.Set(section, key, value));
            Assert.Throws<InputException>(() => doc.Set(section, " k", value));
            return;
        }
        Assert.Throws<InputException>(() => doc.Set(section, key, value));
    }
}
