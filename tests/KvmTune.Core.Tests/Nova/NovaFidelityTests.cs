using KvmTune.Core.Nova;
using KvmTune.Core.Rules;

namespace KvmTune.Core.Tests.Nova;

/// <summary>
/// <see cref="NovaFidelity"/>, the comparison that holds the simulator to the real nova (the differential run and the
/// recorded grid): each field is compared and named, the patched or the stock driver is compared as asked, and two
/// serialisations of one &lt;disk&gt; are equal.
/// </summary>
public class NovaFidelityTests
{
    // disk_io_modes makes the patched driver differ from stock nova's (io_uring against none)
    private static SimulatedDisk Qcow2() =>
        NovaSimulator.Explain(NovaConf.Parse("[DEFAULT]\ninstances_path = /var/lib/nova/instances\n[libvirt]\ndisk_io_modes = file=io_uring\n", "nova.conf"),
            new NovaHost(true, HostFacts.Unknown)).Disks.Single(d => d.Case == "image:qcow2");

    // What nova built, as the oracle reports it: the simulated disk's own values, re-serialised differently.
    private static NovaOracleDisk AsNovaBuiltIt(SimulatedDisk disk, bool patched) => new(
        disk.Case, disk.SourceType, patched ? disk.Attributes : disk.NovaAttributes,
        Reserialise(patched ? disk.DiskXml : disk.NovaDiskXml), null, []);

    private static string Reserialise(string xml)
    {
        var element = System.Xml.Linq.XElement.Parse(xml);
        foreach (var e in element.DescendantsAndSelf())
        {
            var attributes = e.Attributes().Reverse().ToList();
            e.ReplaceAttributes(attributes);
        }
        return "\n  " + element.ToString(System.Xml.Linq.SaveOptions.None).Replace("><", ">\n    <", StringComparison.Ordinal) + "\n";
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_same_disk_written_another_way_is_no_mismatch(bool patched)
    {
        var disk = Qcow2();

        Assert.Empty(NovaFidelity.Compare("nova.conf", disk, AsNovaBuiltIt(disk, patched), patched));
    }

    [Fact]
    public void Stock_and_patched_are_compared_with_the_driver_each_nova_writes()
    {
        var disk = Qcow2();
        Assert.NotEqual(disk.Attributes.Io, disk.NovaAttributes.Io);

        // stock nova's disk compared as if patched, and the other way round: io and the disk differ
        var asPatched = NovaFidelity.Compare("nova.conf", disk, AsNovaBuiltIt(disk, patched: false), patched: true);
        var asStock = NovaFidelity.Compare("nova.conf", disk, AsNovaBuiltIt(disk, patched: true), patched: false);

        Assert.Equal(["io", "disk_xml"], asPatched.Select(m => m.Field));
        Assert.Equal(new NovaFieldMismatch("nova.conf", "image:qcow2", "io", "io_uring", null), asPatched[0]);
        Assert.Equal(["io", "disk_xml"], asStock.Select(m => m.Field));
        Assert.Equal(new NovaFieldMismatch("nova.conf", "image:qcow2", "io", null, "io_uring"), asStock[0]);
    }

    [Theory]
    [InlineData("source_type")]
    [InlineData("driver_name")]
    [InlineData("format")]
    [InlineData("cache")]
    [InlineData("io")]
    [InlineData("discard")]
    [InlineData("disk_xml")]
    public void Each_field_that_differs_is_named_with_both_values(string field)
    {
        var disk = Qcow2();
        var nova = AsNovaBuiltIt(disk, patched: false);
        var d = nova.Driver!;
        nova = field switch
        {
            "source_type" => nova with { SourceType = "block" },
            "driver_name" => nova with { Driver = d with { Name = "tap" } },
            "format" => nova with { Driver = d with { Type = "raw" } },
            "cache" => nova with { Driver = d with { Cache = "writeback" } },
            "io" => nova with { Driver = d with { Io = "native" } },
            "discard" => nova with { Driver = d with { Discard = "unmap" } },
            _ => nova with { DiskXml = nova.DiskXml!.Replace("vda", "vdb", StringComparison.Ordinal) },
        };

        var mismatch = Assert.Single(NovaFidelity.Compare("nova.conf", disk, nova, patched: false));

        Assert.Equal(field, mismatch.Field);
        Assert.Equal("nova.conf", mismatch.Conf);
        Assert.Equal("image:qcow2", mismatch.Case);
        Assert.NotEqual(mismatch.KvmTune, mismatch.Nova);
        Assert.Contains(field, NovaFidelity.Fields);
    }

    [Fact]
    public void A_disk_only_one_side_could_build_is_an_error_mismatch_and_nothing_else_is_compared()
    {
        var disk = Qcow2();
        var failing = disk with { Error = "imagebackend raises" };
        var novaFails = new NovaOracleDisk(disk.Case, null, null, null, "ValueError: nope", []);

        Assert.Equal([new NovaFieldMismatch("c", "image:qcow2", "error", null, "ValueError: nope")], NovaFidelity.Compare("c", disk, novaFails, false));
        Assert.Equal([new NovaFieldMismatch("c", "image:qcow2", "error", "imagebackend raises", null)], NovaFidelity.Compare("c", failing, AsNovaBuiltIt(disk, false), false));
        Assert.Empty(NovaFidelity.Compare("c", failing, novaFails, false));
    }

    [Fact]
    public void A_disk_nova_built_without_driver_or_xml_differs_in_each_field_the_simulator_has()
    {
        var disk = Qcow2();
        var bare = new NovaOracleDisk(disk.Case, disk.SourceType, null, null, null, []);

        Assert.Equal(["driver_name", "format", "cache", "disk_xml"], NovaFidelity.Compare("c", disk, bare, false).Select(m => m.Field));
    }

    [Theory]
    [InlineData("<disk type='file'><driver name='qemu' type='raw'/><source file='/a'/></disk>",
        "<disk type=\"file\"><driver name=\"qemu\" type=\"raw\"/><source file=\"/a\"/></disk>")]
    [InlineData("<disk device='disk' type='file'>\n  <serial> abc </serial>\n  <shareable></shareable>\n</disk>",
        "<disk device=\"disk\" type=\"file\"><serial>abc</serial><shareable/></disk>")]
    [InlineData("<disk xmlns:x='urn:x' type='file'><target dev='vda' bus='virtio'/></disk>",
        "<disk type=\"file\"><target bus=\"virtio\" dev=\"vda\"/></disk>")]
    public void Canonical_xml_sorts_attributes_drops_blank_text_and_namespace_declarations(string xml, string canonical)
    {
        Assert.Equal(canonical, NovaFidelity.CanonicalXml(xml));
    }

    [Fact]
    public void Text_that_is_not_xml_is_bad_input()
    {
        var e = Assert.Throws<InputException>(() => NovaFidelity.CanonicalXml("<disk"));

        Assert.StartsWith("not XML: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("26.2.2", "26.2.2", 26, false)]
    [InlineData("2:26.2.2-1~deb12u5", "26.2.2", 26, false)]
    [InlineData("26", "26", 26, false)]
    [InlineData("32.1.0", "32.1.0", 32, false)]
    [InlineData("33.0.0", "33.0.0", 33, true)]
    [InlineData(" 34.0.0.0rc1 ", "34.0.0.0rc1", 34, true)]
    [InlineData("1000", "1000", 1000, true)]
    public void Nova_versions_are_read_from_debian_and_python_spellings(string text, string shown, int major, bool hasDefaultAio)
    {
        var version = NovaVersion.Parse(text);

        Assert.Equal(shown, version.Text);
        Assert.Equal(major, version.Major);
        Assert.Equal(hasDefaultAio, version.HasDefaultAioModeForVolumes);
        Assert.Equal(shown, version.ToString());
    }

    [Theory]
    [InlineData("master")]
    [InlineData("MASTER")]
    public void Master_is_the_newest_nova(string text)
    {
        var version = NovaVersion.Parse(text);

        Assert.Same(NovaVersion.Master, version);
        Assert.Equal("master", version.Text);
        Assert.Null(version.Major);
        Assert.True(version.HasDefaultAioModeForVolumes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("zed")]
    [InlineData("1001.0")]
    [InlineData("-26")]
    public void Anything_else_is_bad_input_naming_the_option(string text)
    {
        var e = Assert.Throws<InputException>(() => NovaVersion.Parse(text, "--nova"));

        Assert.Equal($"--nova {text}: expected master or a nova version such as 26.2.2", e.Message);
    }
}
