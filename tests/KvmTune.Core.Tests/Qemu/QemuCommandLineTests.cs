using KvmTune.Core.Qemu;

namespace KvmTune.Core.Tests.Qemu;

public class QemuCommandLineTests
{
    public static TheoryData<string> CorpusArgsFiles()
    {
        var data = new TheoryData<string>();
        var dir = RepoPaths.LibvirtCorpus;
        if (!Directory.Exists(dir))
        {
            data.Add("<corpus missing: " + dir + ">");
            return data;
        }
        foreach (var file in Directory.EnumerateFiles(dir, "*.args").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    internal static QemuCommandLine ReadArgs(string name)
    {
        var path = Path.Combine(RepoPaths.LibvirtCorpus, name);
        Assert.True(File.Exists(path), $"corpus file missing: {path}");
        return QemuCommandLine.ParseArgsText(File.ReadAllText(path), name);
    }

    [Fact]
    public void The_corpus_holds_68_args_files()
    {
        Assert.Equal(68, CorpusArgsFiles().Count);
    }

    [Theory]
    [MemberData(nameof(CorpusArgsFiles))]
    public void Every_corpus_args_file_parses_and_every_drive_reference_resolves(string file)
    {
        // Given a command line libvirt generated
        var cmd = ReadArgs(file);

        // Then the binary and the final option are found, and every block device resolves to a node chain or a drive
        Assert.Equal("/usr/bin/qemu-system-x86_64", cmd.Binary);
        Assert.Equal(["-msg", "timestamp=on"], cmd.Arguments.TakeLast(2));
        foreach (var device in cmd.Devices.Where(d => d.Drive is not null))
        {
            var summary = cmd.Summarize(device.Id!);
            Assert.NotNull(summary);
            Assert.True(summary.Chain.Count > 0 || summary.Drive is not null, $"{device.Id}: drive {device.Drive} not found");
            Assert.Same(device, summary.Device);
        }
        Assert.All(cmd.Blockdevs, n => Assert.NotNull(n.Driver));
    }

    [Fact]
    public void Disk_cache_args_give_the_five_cache_translations()
    {
        var cmd = ReadArgs("disk-cache.x86_64-latest.args");

        Assert.Equal(10, cmd.Blockdevs.Count);
        var expected = new Dictionary<string, (bool Direct, bool NoFlush, string WriteCache)>
        {
            ["ide0-0-0"] = (false, false, "on"),   // writeback
            ["ide0-0-1"] = (false, true, "on"),    // unsafe
            ["scsi0-0-0"] = (true, false, "on"),   // none
            ["virtio-disk0"] = (false, false, "off"), // writethrough
            ["usb-disk1"] = (true, false, "off"),  // directsync
        };
        foreach (var (id, want) in expected)
        {
            var s = cmd.Summarize(id)!;
            Assert.Equal(want, (s.CacheDirect, s.CacheNoFlush, s.WriteCache!));
            Assert.Equal("qcow2", s.FormatNode!.Driver);
            Assert.Equal("host_device", s.ProtocolNode!.Driver);
            Assert.Equal(2, s.Chain.Count);
        }
        Assert.Equal("cache.direct=on cache.no-flush=off write-cache=on", cmd.Summarize("scsi0-0-0")!.Describe());
    }

    [Fact]
    public void Disk_aio_args_give_aio_from_the_protocol_node()
    {
        var cmd = ReadArgs("disk-aio.x86_64-latest.args");

        var hda = cmd.Summarize("ide0-0-0")!;
        Assert.Equal("native", hda.Aio);
        Assert.True(hda.CacheDirect);
        Assert.Equal("/dev/HostVG/QEMUGuest1", hda.ProtocolNode!.Filename);
        var cdrom = cmd.Summarize("ide0-1-0")!;
        Assert.Equal("threads", cdrom.Aio);
        Assert.Single(cdrom.Chain);
        Assert.Null(cdrom.FormatNode);
        Assert.True(cdrom.ProtocolNode!.ReadOnly);

        var uring = ReadArgs("disk-aio-io_uring.x86_64-latest.args");
        Assert.Equal(["io_uring", "io_uring"], uring.SummarizeDevices().Select(s => s.Aio));
    }

    [Fact]
    public void A_copy_on_read_filter_is_followed_down_to_the_file()
    {
        var cmd = ReadArgs("disk-copy_on_read.x86_64-latest.args");

        var s = cmd.Summarize("virtio-disk0")!;
        Assert.Equal(["copy-on-read", "qcow2", "file"], s.Chain.Select(n => n.Driver));
        Assert.Equal("/var/lib/libvirt/images/f14.img", s.ProtocolNode!.Filename);
        Assert.Equal(s.Chain, cmd.Summarize("libvirt-CoR-vda")!.Chain);
    }

    [Fact]
    public void Backing_images_are_not_mistaken_for_the_layer_below()
    {
        var cmd = ReadArgs("disk-backing-chains-noindex.x86_64-latest.args");

        var s = cmd.Summarize("virtio-disk1")!;
        Assert.Equal(["qcow2", "nbd"], s.Chain.Select(n => n.Driver));
        Assert.Equal("libvirt-18-format", s.FormatNode!.BackingReference);
        Assert.Null(s.Aio);
        Assert.False(s.CacheDirect);
    }

    [Fact]
    public void Legacy_drive_options_are_read_with_escaped_commas()
    {
        var cmd = ReadArgs("disk-serial.x86_64-latest.args");

        var drive = Assert.Single(cmd.Drives);
        Assert.Equal("/some/file", drive.File);
        Assert.Equal("raw", drive.Format);
        Assert.Equal("sd", drive.Interface);

        var escaped = QemuCommandLine.Parse(["qemu", "-drive", "file=/a,,b.img,if=none,id=d0,cache=none,aio=native", "-device", "virtio-blk-pci,drive=d0,id=virtio-disk0"]);
        Assert.Equal("/a,b.img", escaped.Drives[0].File);
        var s = escaped.Summarize("virtio-disk0")!;
        Assert.Equal((true, false, "on", "native"), (s.CacheDirect, s.CacheNoFlush, s.WriteCache, s.Aio));
        Assert.Equal("virtio-blk-pci", escaped.Devices[0].Driver);
    }

    [Fact]
    public void A_recorded_proc_cmdline_of_a_running_qemu_is_parsed()
    {
        // Given /proc/PID/cmdline recorded from QEMU 7.2 started with a -blockdev pair and a legacy -drive
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "qemu", "qemu-7.2-blockdev-and-drive.cmdline"));

        var cmd = QemuCommandLine.ParseProcCmdline(bytes, "cmdline");

        Assert.Equal("qemu-system-x86_64", cmd.Binary);
        Assert.Equal(2, cmd.Blockdevs.Count);
        var blockdev = cmd.Summarize("virtio-disk0")!;
        Assert.Equal((true, false, "on", "native"), (blockdev.CacheDirect, blockdev.CacheNoFlush, blockdev.WriteCache, blockdev.Aio));
        var legacy = cmd.Summarize("virtio-disk1")!;
        Assert.Equal("/tmp/kt-rec2.raw", legacy.Drive!.File);
        Assert.Equal((false, true, "on", "threads"), (legacy.CacheDirect, legacy.CacheNoFlush, legacy.WriteCache, legacy.Aio));
    }

    [Fact]
    public void Key_value_blockdev_syntax_nests_dotted_keys_and_inline_children_inherit_cache()
    {
        var cmd = QemuCommandLine.Parse(["qemu", "-blockdev", "driver=qcow2,node-name=top,cache.direct=on,cache.no-flush=off,file.driver=file,file.filename=/img.qcow2,file.aio=native", "-device", "virtio-blk-pci,drive=top,id=vd0,write-cache=off"]);

        var s = cmd.Summarize("vd0")!;
        Assert.Equal(["qcow2", "file"], s.Chain.Select(n => n.Driver));
        Assert.Equal("/img.qcow2", s.ProtocolNode!.Filename);
        Assert.Null(s.ProtocolNode.CacheDirect);
        Assert.True(s.CacheDirect);
        Assert.Equal("native", s.Aio);
        Assert.Equal("off", s.WriteCache);
    }

    [Fact]
    public void Malformed_blockdev_json_is_bad_input_naming_the_source()
    {
        var e = Assert.Throws<InputException>(() => QemuCommandLine.ParseArgsText("qemu \\\n-blockdev '{\"driver\":' \\\n", "x.args"));
        Assert.StartsWith("x.args: -blockdev has malformed JSON", e.Message, StringComparison.Ordinal);

        Assert.Throws<InputException>(() => QemuCommandLine.ParseArgsText("qemu -device 'unterminated", "y.args"));
        Assert.Throws<InputException>(() => QemuCommandLine.Parse(["qemu", "-blockdev"]));
    }

    [Fact]
    public void An_unknown_name_has_no_summary()
    {
        Assert.Null(ReadArgs("disk-cache.x86_64-latest.args").Summarize("virtio-disk9"));
    }
}

public class QemuCommandLineErrorTests
{
    [Fact]
    public void Malformed_json_of_an_option_is_one_bounded_line_whatever_the_value_holds()
    {
        var value = "{\"driver\":\n" + new string('x', 5000);

        var e = Assert.Throws<InputException>(() => QemuCommandLine.Parse(["qemu", "-blockdev", value], "qemu.args"));

        Assert.True(KvmTune.Core.Input.InputText.IsOneLine(e.Message), e.Message);
        Assert.True(e.Message.Length < 600, e.Message.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.StartsWith("qemu.args: -blockdev has malformed JSON", e.Message, StringComparison.Ordinal);
    }
}
