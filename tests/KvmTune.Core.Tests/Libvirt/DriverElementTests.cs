using KvmTune.Core.Libvirt;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Tests.Libvirt;

/// <summary>
/// The parts of a domain's XML the apply path reads and writes besides cache and io: the qcow2 metadata cache with
/// libvirt's size units, the domain's iothread ids, attribute and text values that XML must escape, a driver with many
/// attributes, and the position in an error.
/// </summary>
public class DriverElementTests
{
    private static DomainDocument Domain(string disk, string extra = "") =>
        DomainDocument.Parse($"<domain type='kvm'>\n  <name>d</name>{extra}\n  <devices>\n    {disk}\n  </devices>\n</domain>\n", "d.xml");

    private static string Qcow2(string driverInner) =>
        $"<disk type='file' device='disk'><driver name='qemu' type='qcow2'>{driverInner}</driver><source file='/i/a.qcow2'/><target dev='vda' bus='virtio'/></disk>";

    [Theory]
    [InlineData("<max_size>4096</max_size>", 4096L)]
    [InlineData("<max_size unit='bytes'>4096</max_size>", 4096L)]
    [InlineData("<max_size unit='b'>4096</max_size>", 4096L)]
    [InlineData("<max_size unit='KiB'>4</max_size>", 4096L)]
    [InlineData("<max_size unit='k'>4</max_size>", 4096L)]
    [InlineData("<max_size unit='KB'>4</max_size>", 4000L)]
    [InlineData("<max_size unit='MB'>3</max_size>", 3_000_000L)]
    [InlineData("<max_size unit='MiB'>3</max_size>", 3L << 20)]
    [InlineData("<max_size unit='M'>3</max_size>", 3L << 20)]
    [InlineData("<max_size unit='GB'>2</max_size>", 2_000_000_000L)]
    [InlineData("<max_size unit='GiB'>2</max_size>", 2L << 30)]
    [InlineData("<max_size unit='g'>2</max_size>", 2L << 30)]
    [InlineData("<max_size unit='TiB'>2</max_size>", null)]
    [InlineData("<max_size>-2</max_size>", null)]
    [InlineData("<max_size>lots</max_size>", null)]
    [InlineData("", null)]
    public void The_metadata_cache_size_is_read_in_libvirts_units(string maxSize, long? bytes) =>
        Assert.Equal(bytes, Domain(Qcow2($"<metadata_cache>{maxSize}</metadata_cache>")).Disks[0].Driver.MetadataCacheBytes);

    [Fact]
    public void Applying_a_metadata_cache_replaces_the_one_there_in_bytes()
    {
        var doc = Domain(Qcow2("<metadata_cache><max_size unit='MiB'>32</max_size></metadata_cache>"));
        var candidate = new Candidate(Backend.Qcow2Metadata, CacheMode.None, IoMode.Native) { Options = new ImageOptions { L2Cache = L2CacheSetting.WholeImage } };

        doc.Disks[0].Driver.Apply(DriverSettings.For(candidate, 512L << 30));

        var again = DomainDocument.Parse(doc.ToXml());
        Assert.Equal(67_371_008, again.Disks[0].Driver.MetadataCacheBytes);
        Assert.Single(again.Disks[0].Driver.Element!.Elements("metadata_cache"));
        Assert.Contains("<max_size unit='bytes'>67371008</max_size>", doc.ToXml(), StringComparison.Ordinal);
    }

    [Fact]
    public void Iothread_ids_are_the_declared_ones_else_one_to_the_count()
    {
        const string Disk = "<disk type='file' device='disk'><source file='/i/a'/><target dev='vda' bus='virtio'/></disk>";

        Assert.Equal([1, 2, 3], Domain(Disk, "<iothreads>3</iothreads>").IoThreadIds);
        Assert.Equal([2, 7], Domain(Disk, "<iothreads>2</iothreads><iothreadids><iothread id='2'/><iothread id='7'/></iothreadids>").IoThreadIds);
        Assert.Equal(2, Domain(Disk, "<iothreadids><iothread id='2'/><iothread id='7'/></iothreadids>").IoThreads);
        Assert.Empty(Domain(Disk).IoThreadIds);
    }

    [Theory]
    [InlineData("tab\there")]
    [InlineData("line\nbreak")]
    [InlineData("carriage\rreturn")]
    [InlineData("a & b < c > d")]
    [InlineData("both ' and \"")]
    public void A_value_with_characters_xml_must_escape_reads_back_unchanged(string value)
    {
        var doc = Domain("<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='/i/a'/><target dev='vda' bus='virtio'/><serial>s</serial></disk>");

        doc.Disks[0].Driver.Set("cache", value);
        doc.Disks[0].Element.Element("serial")!.Value = value;

        var again = DomainDocument.Parse(doc.ToXml());
        Assert.Equal(value, again.Disks[0].Driver.Cache);
        Assert.Equal(value, again.Disks[0].Element.Element("serial")!.Value);
    }

    [Fact]
    public void A_driver_with_many_attributes_changes_in_one_place_and_keeps_the_others_in_order()
    {
        const string Driver = "<driver name='qemu' type='raw' cache='writeback' io='threads' discard='unmap' detect_zeroes='off' error_policy='stop' rerror_policy='stop' copy_on_read='off' queues='4' queue_size='256'/>";
        var text = $"<domain type='kvm'>\n  <name>d</name>\n  <devices>\n    <disk type='file' device='disk'>{Driver}<source file='/i/a'/><target dev='vda' bus='virtio'/></disk>\n  </devices>\n</domain>\n";
        var doc = DomainDocument.Parse(text, "d.xml");

        doc.Disks[0].Driver.Set("cache", "none");
        doc.Disks[0].Driver.Set("iommu", "on");

        Assert.Equal(text.Replace("cache='writeback'", "cache='none'", StringComparison.Ordinal).Replace("queue_size='256'", "queue_size='256' iommu='on'", StringComparison.Ordinal), doc.ToXml());
    }

    [Fact]
    public void A_parse_error_names_line_and_column_in_front_once()
    {
        var e = Assert.Throws<DomainXmlException>(() => DomainDocument.Parse("<domain>\n  <name>x</nam>\n</domain>", "bad.xml"));

        // The reader's own ". Line 2, position 12." is dropped: the place is already in front
        Assert.Equal("bad.xml:2:12: malformed XML: The 'name' start tag on line 2 position 4 does not match the end tag of 'nam'.", e.Message);
    }
}
