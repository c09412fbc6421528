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

    [Fact]
    public void Section_names_are_normalised_as_oslo_config_does_default_only_in_capitals()
    {
        var doc = IniDocument.Parse("[default]\na = 1\n[LIBVIRT]\nimages_type = raw\n");

        Assert.Null(doc.Last("DEFAULT", "a"));
        Assert.Equal("1", doc.Last("default", "a")!.Value);
        Assert.Equal("raw", doc.Last("libvirt", "images_type")!.Value);
        Assert.Equal("DEFAULT", IniDocument.NormalizeSection("DEFAULT"));
        Assert.Equal("default", IniDocument.NormalizeSection("Default"));
        Assert.Equal("images_type = raw", doc.LineText(4));
    }

    [Theory]
    [InlineData("images_type =\n", "images_type = qcow2\n")]
    [InlineData("images_type:\n", "images_type: qcow2\n")]
    [InlineData("images_type=\n", "images_type= qcow2\n")]
    [InlineData("images_type = ''\n", "images_type = 'qcow2'\n")]
    [InlineData("images_type = raw\n", "images_type = qcow2\n")]
    public void Setting_a_key_written_with_an_empty_value_puts_one_blank_after_its_separator(string line, string expected)
    {
        var doc = IniDocument.Parse("[libvirt]\n" + line);

        Assert.True(doc.Set("libvirt", "images_type", "qcow2"));

        Assert.Equal("[libvirt]\n" + expected, doc.ToText());
        Assert.Equal("qcow2", doc.Last("libvirt", "images_type")!.Value);
    }

    [Fact]
    public void The_document_is_read_again_after_each_edit()
    {
        var doc = IniDocument.Parse("[libvirt]\nimages_type = raw\n");

        Assert.True(doc.Set("libvirt", "images_type", "qcow2"));
        Assert.False(doc.Set("libvirt", "images_type", "qcow2"));
        Assert.True(doc.Set("libvirt", "disk_cachemodes", "file=none"));

        Assert.Equal(["images_type", "disk_cachemodes"], doc.Entries.Select(e => e.Key));
        Assert.Equal(3, doc.Last("libvirt", "disk_cachemodes")!.FirstLine);
    }

    [Theory]
    [InlineData("", "[libvirt]\nimages_type = lvm\n")]
    [InlineData("[DEFAULT]\n\n", "[DEFAULT]\n\n[libvirt]\nimages_type = lvm\n")]
    [InlineData("[DEFAULT]\r\r", "[DEFAULT]\r\r[libvirt]\rimages_type = lvm\r")]
    [InlineData("[DEFAULT]\ra = 1\r", "[DEFAULT]\ra = 1\r\r[libvirt]\rimages_type = lvm\r")]
    [InlineData("[DEFAULT]\r\na = 1\nb = 2\r\n", "[DEFAULT]\r\na = 1\nb = 2\r\n\r\n[libvirt]\r\nimages_type = lvm\r\n")]
    [InlineData("[DEFAULT]\r\na = 1\n", "[DEFAULT]\r\na = 1\n\n[libvirt]\nimages_type = lvm\n")]
    [InlineData("[DEFAULT]\ra = 1\r\nb = 2\n", "[DEFAULT]\ra = 1\r\nb = 2\n\n[libvirt]\nimages_type = lvm\n")]
    public void A_new_section_uses_the_files_most_common_line_ending_and_one_blank_line_before_it(string text, string expected)
    {
        var doc = IniDocument.Parse(text);

        doc.Set("libvirt", "images_type", "lvm");

        Assert.Equal(expected, doc.ToText());
    }

    [Fact]
    public void A_sample_line_on_the_sections_last_line_still_places_the_new_key()
    {
        var doc = IniDocument.Parse("[libvirt]\nvirt_type = kvm\n#images_type = default\n");

        doc.Set("libvirt", "images_type", "lvm");

        Assert.Equal("[libvirt]\nvirt_type = kvm\n#images_type = default\nimages_type = lvm\n", doc.ToText());
    }

    [Fact]
    public void A_sample_line_of_the_next_section_is_not_this_sections()
    {
        var doc = IniDocument.Parse("[DEFAULT]\na = 1\n[libvirt]\n#images_type = default\n");

        doc.Set("DEFAULT", "images_type", "lvm");

        Assert.Equal("[DEFAULT]\na = 1\nimages_type = lvm\n[libvirt]\n#images_type = default\n", doc.ToText());
    }

    [Theory]
    [InlineData("]libvirt", "k", "invalid section name ']libvirt'")]
    [InlineData("", "k", "invalid section name ''")]
    [InlineData("libvirt", "=k", "[libvirt] invalid key '=k'")]
    [InlineData("libvirt", "[k", "[libvirt] invalid key '[k'")]
    [InlineData("libvirt", "#k", "[libvirt] invalid key '#k'")]
    public void Invalid_names_are_refused_naming_them(string section, string key, string message)
    {
        var doc = IniDocument.Parse("[libvirt]\n");

        var e = Assert.Throws<InputException>(() => doc.Set(section, key, "x"));

        Assert.Equal(message, e.Message);
        Assert.Equal("[libvirt]\n", doc.ToText());
    }

    [Fact]
    public void A_value_on_two_lines_is_refused_naming_the_key()
    {
        var e = Assert.Throws<InputException>(() => IniDocument.Parse("[libvirt]\n").Set("libvirt", "images_type", "raw\nqcow2"));

        Assert.Equal("[libvirt] images_type: a value must be one line without surrounding blanks", e.Message);
    }

    [Theory]
    [InlineData("[libvirt]\n:images_type = raw\n", "<input>:2: key cannot be empty (the line is not shown)")]
    [InlineData("[libvirt]\n=images_type: raw\n", "<input>:2: key cannot be empty (the line is not shown)")]
    [InlineData("[libvirt]\nimages_type raw\n", "<input>:2: no ':' or '=' found in assignment (the line is not shown: it may hold a secret)")]
    [InlineData("[libvirt]\na = 1\n\n  continued\n", "<input>:4: unexpected continuation line: an indented line with no assignment before it (oslo.config refuses it; the line is not shown)")]
    public void Lines_oslo_config_refuses_are_refused_with_their_line(string text, string message)
    {
        var e = Assert.Throws<InputException>(() => IniDocument.Parse(text));

        Assert.Equal(message, e.Message);
    }

    [Theory]
    [InlineData("a:b = c", "a", "b = c")]
    [InlineData("a = b:c", "a", "b:c")]
    [InlineData("a =\u001cb", "a", "b")]
    [InlineData("a = '", "a", "")]
    public void The_first_separator_splits_key_from_value_and_python_blanks_are_stripped(string line, string key, string value)
    {
        var entry = Assert.Single(IniDocument.Parse("[libvirt]\n" + line + "\n").Entries);

        Assert.Equal(key, entry.Key);
        Assert.Equal(value, entry.Value);
    }
}
