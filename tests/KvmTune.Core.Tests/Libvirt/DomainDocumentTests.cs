using KvmTune.Core.Libvirt;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Tests.Libvirt;

public class DomainDocumentTests
{
    public static TheoryData<string> CorpusXmlFiles()
    {
        var data = new TheoryData<string>();
        var dir = RepoPaths.LibvirtCorpus;
        if (!Directory.Exists(dir))
        {
            // A missing corpus must fail the theory, not leave it with no cases.
            data.Add("<corpus missing: " + dir + ">");
            return data;
        }
        foreach (var file in Directory.EnumerateFiles(dir, "*.xml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }
        return data;
    }

    internal static string ReadCorpus(string name)
    {
        var path = Path.Combine(RepoPaths.LibvirtCorpus, name);
        Assert.True(File.Exists(path), $"corpus file missing: {path}");
        return File.ReadAllText(path);
    }

    internal static string ReadFixture(string name) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "libvirt", name));

    private static string[] Lines(string text) => text.Split('\n');

    /// <summary>The lines of <paramref name="before"/> and <paramref name="after"/> that differ, for same-length texts.</summary>
    private static List<(string Before, string After)> ChangedLines(string before, string after)
    {
        var a = Lines(before);
        var b = Lines(after);
        Assert.Equal(a.Length, b.Length);
        return a.Zip(b).Where(p => p.First != p.Second).ToList();
    }

    /// <summary>Asserts that <paramref name="after"/> is <paramref name="before"/> with exactly one line inserted; returns it.</summary>
    private static string InsertedLine(string before, string after)
    {
        var a = Lines(before);
        var b = Lines(after);
        Assert.Equal(a.Length + 1, b.Length);
        var i = 0;
        while (i < a.Length && a[i] == b[i])
        {
            i++;
        }
        Assert.Equal(a[i..], b[(i + 1)..]);
        return b[i];
    }

    [Fact]
    public void The_shared_corpus_holds_all_91_libvirt_cases()
    {
        Assert.True(Directory.Exists(RepoPaths.LibvirtCorpus), $"corpus missing: {RepoPaths.LibvirtCorpus}");
        Assert.Equal(91, Directory.EnumerateFiles(RepoPaths.LibvirtCorpus, "*.xml").Count());
        Assert.Equal(91, CorpusXmlFiles().Count);
    }

    [Theory]
    [MemberData(nameof(CorpusXmlFiles))]
    public void Unedited_corpus_domain_round_trips_byte_for_byte(string file)
    {
        // Given a libvirt test-suite domain
        var text = ReadCorpus(file);

        // When it is parsed and written back without edits
        var doc = DomainDocument.Parse(text, file);

        // Then the text is identical
        Assert.Equal(text, doc.ToXml());
        Assert.False(doc.IsEdited);
    }

    [Theory]
    [MemberData(nameof(CorpusXmlFiles))]
    public void Setting_and_restoring_every_driver_attribute_round_trips_byte_for_byte(string file)
    {
        // Given a corpus domain whose disks are edited and then restored through the views
        var text = ReadCorpus(file);
        var doc = DomainDocument.Parse(text, file);
        foreach (var disk in doc.Disks)
        {
            var old = disk.Driver.Cache;
            disk.Driver.Set("cache", "directsync");
            disk.Driver.Set("cache", old);
            if (disk.Driver.Element is { } driver && old is null && !driver.HasAttributes && !driver.HasElements)
            {
                disk.Driver.Remove();
            }
        }

        // Then the writer, although it now patches, reproduces the original text
        Assert.Equal(text, doc.ToXml());
    }

    [Theory]
    [MemberData(nameof(CorpusXmlFiles))]
    public void Changing_the_cache_of_every_disk_changes_exactly_one_line_per_disk(string file)
    {
        // Given a corpus domain
        var text = ReadCorpus(file);
        var doc = DomainDocument.Parse(text, file);
        var withDriver = doc.Disks.Where(d => d.Driver.Element is not null && d.Driver.Cache != "unsafe").ToList();

        // When every disk that has a <driver> gets cache='unsafe'
        foreach (var disk in withDriver)
        {
            disk.Driver.Set("cache", "unsafe");
        }
        var written = doc.ToXml();

        // Then exactly one line per such disk differs, and reading it back gives the new value
        var changed = ChangedLines(text, written);
        Assert.Equal(withDriver.Count, changed.Count);
        Assert.All(changed, c => Assert.Contains("cache='unsafe'", c.After, StringComparison.Ordinal));
        var reread = DomainDocument.Parse(written, file);
        Assert.All(reread.Disks.Where(d => d.Driver.Element is not null), d => Assert.Equal("unsafe", d.Driver.Cache));
    }

    [Theory]
    [MemberData(nameof(CorpusXmlFiles))]
    public void Written_xml_reparses_to_exactly_the_edited_tree(string file)
    {
        // Given a corpus domain edited in many ways at once: attributes set, added and removed, drivers
        // inserted and removed, elements appended, text replaced
        var doc = DomainDocument.Parse(ReadCorpus(file), file);
        foreach (var (disk, i) in doc.Disks.Select((d, i) => (d, i)))
        {
            switch (i % 3)
            {
                case 0:
                    disk.Driver.Set("cache", "none");
                    disk.Driver.Set("io", "native");
                    break;
                case 1:
                    disk.Driver.Remove();
                    break;
                default:
                    disk.Driver.Set("discard", "unmap");
                    disk.Element.Element("target")?.Attribute("bus")?.Remove();
                    break;
            }
            XmlLayout.Append(disk.Element, new System.Xml.Linq.XElement("serial", $"kt-{i}"));
        }
        if (doc.Root.Element("name") is { } name)
        {
            name.Value = "renamed & <escaped>";
        }

        // When written and parsed again
        var reparsed = DomainDocument.Parse(doc.ToXml(), file);

        // Then the trees are identical, node for node
        Assert.True(System.Xml.Linq.XNode.DeepEquals(doc.Root, reparsed.Root), doc.ToXml());
    }

    [Fact]
    public void One_attribute_edit_is_a_one_line_diff()
    {
        // Given disk-cache.xml, whose first disk has cache='writeback'
        var text = ReadCorpus("disk-cache.xml");
        var doc = DomainDocument.Parse(text, "disk-cache.xml");

        // When its cache is set to none
        doc.Disks[0].Driver.Set("cache", "none");

        // Then exactly that line changed, and only in that attribute's value
        var changed = Assert.Single(ChangedLines(text, doc.ToXml()));
        Assert.Equal("      <driver name='qemu' type='qcow2' cache='writeback'/>", changed.Before);
        Assert.Equal("      <driver name='qemu' type='qcow2' cache='none'/>", changed.After);
    }

    [Fact]
    public void Removing_an_attribute_is_a_one_line_diff_without_leftover_space()
    {
        var text = ReadCorpus("disk-aio.xml");
        var doc = DomainDocument.Parse(text);

        doc.Disks[0].Driver.Set("io", null);

        var changed = Assert.Single(ChangedLines(text, doc.ToXml()));
        Assert.Equal("      <driver name='qemu' type='qcow2' cache='none'/>", changed.After);
    }

    [Fact]
    public void Adding_an_attribute_appends_it_in_the_files_quote_style()
    {
        var text = ReadCorpus("disk-aio.xml");
        var doc = DomainDocument.Parse(text);

        doc.Disks[0].Driver.Set("discard", "unmap");

        var changed = Assert.Single(ChangedLines(text, doc.ToXml()));
        Assert.Equal("      <driver name='qemu' type='qcow2' cache='none' io='native' discard='unmap'/>", changed.After);
    }

    [Fact]
    public void A_missing_driver_is_inserted_as_the_first_child_on_its_own_line()
    {
        // Given disk-source-pool.xml, whose third disk (hdd) has no <driver>
        var text = ReadCorpus("disk-source-pool.xml");
        var doc = DomainDocument.Parse(text);
        var disk = doc.Disks.Single(d => d.TargetDev == "hdd");
        Assert.Null(disk.Driver.Element);

        // When cache and io are set
        disk.Driver.Set("cache", "none");
        disk.Driver.Set("io", "native");

        // Then one line is inserted, indented like its siblings, before <source>
        var written = doc.ToXml();
        Assert.Equal("      <driver cache='none' io='native'/>", InsertedLine(text, written));
        Assert.Contains("<disk type='file' device='disk'>\n      <driver cache='none' io='native'/>\n      <source file='/tmp/idedisk.img'/>", written, StringComparison.Ordinal);
        Assert.Equal("none", DomainDocument.Parse(written).Disks.Single(d => d.TargetDev == "hdd").Driver.Cache);
    }

    [Fact]
    public void Removing_the_driver_removes_its_line()
    {
        var text = ReadCorpus("disk-cache.xml");
        var doc = DomainDocument.Parse(text);

        doc.Disks[1].Driver.Remove();

        var written = doc.ToXml();
        Assert.Equal("      <driver name='qemu' type='qcow2' cache='unsafe'/>", InsertedLine(written, text));
    }

    [Fact]
    public void Nova_domain_keeps_declaration_comments_cdata_entities_and_namespaces_when_edited()
    {
        // Given a nova-style domain with double quotes, an XML declaration, comments, CDATA, entities and namespaces
        var text = ReadFixture("nova-instance.xml");
        var doc = DomainDocument.Parse(text, "nova-instance.xml");
        Assert.True(doc.IsNovaManaged);
        Assert.Equal(text, doc.ToXml());

        // When the first disk's cache changes and the config drive gets a driver
        doc.Disks[0].Driver.Set("cache", "writeback");
        doc.Disks[1].Driver.Set("name", "qemu");
        var written = doc.ToXml();

        // Then the cache line changed in double quotes, one line was inserted with double quotes, everything else is verbatim
        Assert.Contains("      <driver name=\"qemu\" type=\"qcow2\" cache=\"writeback\" discard=\"unmap\"/>\n", written, StringComparison.Ordinal);
        Assert.Contains("<disk type=\"file\" device=\"cdrom\">\n      <driver name=\"qemu\"/>\n      <source", written, StringComparison.Ordinal);
        Assert.Equal(Lines(text).Length + 1, Lines(written).Length);
        Assert.Contains("<nova:name>db &amp; cache &apos;primary&apos;</nova:name>", written, StringComparison.Ordinal);
        Assert.Contains("<![CDATA[Tier <1> & \"critical\"]]>", written, StringComparison.Ordinal);
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- nova-generated domain", written, StringComparison.Ordinal);
        Assert.Contains("<!-- config drive -->", written, StringComparison.Ordinal);
        Assert.Contains("xmlns:nova=\"http://openstack.org/xmlns/libvirt/nova/1.1\"", written, StringComparison.Ordinal);
        Assert.True(DomainDocument.Parse(written).IsNovaManaged);
    }

    [Fact]
    public void Crlf_and_tab_indented_domain_keeps_its_line_endings_and_indentation_when_a_driver_is_inserted()
    {
        // Given a CRLF, tab-indented domain whose first disk has no driver
        var text = ReadFixture("crlf-tabs.xml");
        Assert.Contains("\r\n", text, StringComparison.Ordinal);
        var doc = DomainDocument.Parse(text);
        Assert.Equal(text, doc.ToXml());

        // When a driver is added to the first disk and the second's unknown cache is replaced
        doc.Disks[0].Driver.Set("cache", "none");
        doc.Disks[1].Driver.Set("cache", "none");
        var written = doc.ToXml();

        // Then the new line uses tabs and CRLF, and the entity in the one-line disk is kept
        Assert.Contains("<disk type='block' device='disk'>\r\n\t\t\t<driver cache='none'/>\r\n\t\t\t<source dev='/dev/vg0/data'/>", written, StringComparison.Ordinal);
        Assert.Contains("<driver name='qemu' type='raw' cache='none'/><source file='/srv/a&apos;b.img'/>", written, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", written.Replace("\r\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void Mixed_content_odd_spacing_and_multi_line_tags_survive_an_edit_elsewhere()
    {
        // Given hand-edited XML: text next to CDATA, a processing instruction, character references,
        // spaces around '=', a start tag over several lines and an empty element written as a pair
        const string Text = "<?xml version='1.0'?>\n<domain type = \"kvm\">\n  <name>a&#x41;b</name>\n" +
            "  <description>x &lt; y <![CDATA[<raw>]]> tail<?pi data?><!-- c --></description>\n" +
            "  <devices>\n    <disk type='file'\n          device='disk'>\n      <driver name='qemu'\n              cache='none'></driver>\n" +
            "      <source file='/a b&amp;c'/>\n      <target dev='vda'    bus='virtio' />\n    </disk>\n  </devices>\n</domain>";
        var doc = DomainDocument.Parse(Text);
        Assert.Equal("aAb", doc.Name);

        // When the cache changes and the target loses its bus
        doc.Disks[0].Driver.Set("cache", "writeback");
        doc.Disks[0].Element.Element("target")!.Attribute("bus")!.Remove();

        // Then only those two spans changed
        var expected = Text.Replace("cache='none'", "cache='writeback'", StringComparison.Ordinal)
            .Replace("<target dev='vda'    bus='virtio' />", "<target dev='vda' />", StringComparison.Ordinal);
        Assert.Equal(expected, doc.ToXml());
    }

    [Fact]
    public void A_self_closed_element_that_gains_children_is_opened_and_closed()
    {
        var text = ReadCorpus("disk-cache.xml");
        var doc = DomainDocument.Parse(text);

        var driver = doc.Disks[0].Driver.Element!;
        XmlLayout.Append(driver, new System.Xml.Linq.XElement("iothreads"));

        var written = doc.ToXml();
        Assert.Contains("      <driver name='qemu' type='qcow2' cache='writeback'>\n        <iothreads/>\n      </driver>\n", written, StringComparison.Ordinal);
        Assert.Equal(text.Split('\n').Length + 2, written.Split('\n').Length);
    }

    [Fact]
    public void Replacing_a_text_value_escapes_it()
    {
        var text = ReadCorpus("disk-cache.xml");
        var doc = DomainDocument.Parse(text);

        doc.Root.Element("name")!.Value = "a<b & c";

        var changed = Assert.Single(ChangedLines(text, doc.ToXml()));
        Assert.Equal("  <name>a&lt;b &amp; c</name>", changed.After);
    }

    [Fact]
    public void Live_dumpxml_of_a_running_libvirt_9_domain_round_trips_and_edits_in_one_line()
    {
        // Given what libvirt 9.0 returned for a running domain (ids, aliases, seclabels, generated addresses)
        var text = ReadFixture("libvirt-9.0-four-disks.live.xml");
        var doc = DomainDocument.Parse(text);
        Assert.Equal(text, doc.ToXml());

        // When the sata disk, which has a bare <driver name='qemu' type='raw'/>, gets cache='none'
        var sda = doc.Disks.Single(d => d.TargetDev == "sda");
        Assert.Equal("sata0-0-0", sda.Alias);
        sda.Driver.Set("cache", "none");

        // Then one line changes
        var changed = Assert.Single(ChangedLines(text, doc.ToXml()));
        Assert.Equal("      <driver name='qemu' type='raw' cache='none'/>", changed.After);
    }

    [Fact]
    public void An_unknown_value_is_kept_verbatim_and_reported()
    {
        var doc = DomainDocument.Parse(ReadFixture("crlf-tabs.xml"));
        var driver = doc.Disks[1].Driver;

        Assert.Equal("weird", driver.Cache);
        Assert.Null(driver.CacheMode);
        Assert.Equal([("cache", "weird")], driver.UnknownValues);
    }

    [Fact]
    public void Attribute_values_with_quotes_and_markup_are_escaped_in_the_files_quote_style()
    {
        var text = ReadCorpus("disk-cache.xml");
        var doc = DomainDocument.Parse(text);

        doc.Disks[0].Driver.Set("cache", "it's <odd> & \"new\"");

        var changed = Assert.Single(ChangedLines(text, doc.ToXml()));
        Assert.Contains("cache='it&apos;s &lt;odd&gt; &amp; \"new\"'", changed.After, StringComparison.Ordinal);
        Assert.Equal("it's <odd> & \"new\"", DomainDocument.Parse(doc.ToXml()).Disks[0].Driver.Cache);
    }

    [Fact]
    public void Disk_cache_views_read_the_five_cache_modes()
    {
        var doc = DomainDocument.Parse(ReadCorpus("disk-cache.xml"));

        Assert.Equal(["writeback", "unsafe", "none", "writethrough", "directsync"], doc.Disks.Select(d => d.Driver.Cache));
        Assert.Equal([CacheMode.Writeback, CacheMode.Unsafe, CacheMode.None, CacheMode.Writethrough, CacheMode.Directsync], doc.Disks.Select(d => d.Driver.CacheMode!.Value));
        Assert.Equal(["hda", "hdb", "sda", "vda", "sdb"], doc.Disks.Select(d => d.TargetDev));
        Assert.Equal(["ide", "ide", "scsi", "virtio", "usb"], doc.Disks.Select(d => d.TargetBus));
        Assert.All(doc.Disks, d => Assert.True(d.IsBlock));
        Assert.Equal("/dev/HostVG/QEMUGuest1", doc.Disks[0].Source.Dev);
        Assert.Equal("qcow2", doc.Disks[0].Driver.Format);
    }

    [Fact]
    public void Disk_aio_views_read_io_modes()
    {
        var aio = DomainDocument.Parse(ReadCorpus("disk-aio.xml"));
        Assert.Equal([IoMode.Native, IoMode.Threads], aio.Disks.Select(d => d.Driver.IoMode!.Value));
        Assert.Equal("cdrom", aio.Disks[1].Device);
        Assert.True(aio.Disks[1].ReadOnly);

        var uring = DomainDocument.Parse(ReadCorpus("disk-aio-io_uring.xml"));
        Assert.All(uring.Disks.Where(d => d.Device == "disk"), d => Assert.Equal(IoMode.IoUring, d.Driver.IoMode));
    }

    [Fact]
    public void Rbd_network_source_reads_protocol_name_and_hosts()
    {
        var doc = DomainDocument.Parse(ReadCorpus("disk-network-rbd.xml"));
        var vda = doc.Disks[0];

        Assert.True(vda.IsNetwork);
        Assert.Equal("rbd", vda.Source.Protocol);
        Assert.Equal("pool/image", vda.Source.NetworkName);
        Assert.Equal(["mon1.example.org", "mon2.example.org", "mon3.example.org"], vda.Source.Hosts.Select(h => h.Name));
        Assert.Equal("6321", vda.Source.Hosts[0].Port);
        Assert.Equal("rbd:pool/image", vda.Source.Describe());
        Assert.Equal("2001:db8::ff00:42:8329", doc.Disks.Single(d => d.TargetDev == "vdf").Source.Hosts[3].Name);
    }

    [Fact]
    public void Iothreads_disk_reads_the_domain_iothreads_and_each_disk_binding()
    {
        var doc = DomainDocument.Parse(ReadCorpus("iothreads-disk.xml"));

        Assert.Equal(4, doc.IoThreads);
        Assert.Equal([1, 2, 3, 4], doc.IoThreadIds);
        Assert.Equal("1", doc.Disks.Single(d => d.TargetDev == "vdb").Driver.IoThread);
        var vdc = doc.Disks.Single(d => d.TargetDev == "vdc").Driver;
        Assert.Equal("4", vdc.Queues);
        Assert.Equal(["2", "3"], vdc.IoThreadMapping);
        Assert.Equal(["4", "1"], doc.Disks.Single(d => d.TargetDev == "vdd").Driver.IoThreadMapping);
        var queues = vdc.IoThreadQueues;
        Assert.Equal(["2", "3"], queues.Select(q => q.IoThread));
        Assert.Equal(["1", "3"], queues[0].Queues);
        Assert.Equal(["0", "2"], queues[1].Queues);
        Assert.Empty(doc.Disks.Single(d => d.TargetDev == "vdd").Driver.IoThreadQueues[0].Queues);
    }

    [Fact]
    public void Blkdeviotune_reads_every_iotune_key()
    {
        var doc = DomainDocument.Parse(ReadCorpus("blkdeviotune.xml"));

        Assert.Equal(5000UL, doc.Disks[0].IoTune.Number("total_bytes_sec"));
        Assert.Equal(6000UL, doc.Disks[0].IoTune.Number("total_iops_sec"));
        Assert.Equal(["read_bytes_sec", "write_bytes_sec", "total_iops_sec"], doc.Disks[1].IoTune.Entries.Select(e => e.Key));

        foreach (var file in new[] { "blkdeviotune-max.xml", "blkdeviotune-group-num.xml", "blkdeviotune-max-length.xml" })
        {
            var tuned = DomainDocument.Parse(ReadCorpus(file));
            var entries = tuned.Disks.SelectMany(d => d.IoTune.Entries).ToList();
            Assert.NotEmpty(entries);
            Assert.All(entries, e => Assert.Contains(e.Key, IoTune.KnownKeys));
        }
        var group = DomainDocument.Parse(ReadCorpus("blkdeviotune-group-num.xml")).Disks[0].IoTune;
        Assert.NotNull(group["group_name"]);
        Assert.NotNull(group.Number("total_bytes_sec_max"));
    }

    [Fact]
    public void Source_pool_reads_pool_and_volume()
    {
        var doc = DomainDocument.Parse(ReadCorpus("disk-source-pool.xml"));

        var cdrom = doc.Disks[0];
        Assert.Equal("volume", cdrom.Type);
        Assert.Equal("pool-disk", cdrom.Source.Pool);
        Assert.Equal("block+cdrom", cdrom.Source.Volume);
        Assert.Equal("pool-disk/block+cdrom", cdrom.Source.Describe());
        Assert.Equal("hda", cdrom.TargetDev);
        Assert.True(cdrom.ReadOnly);
        Assert.Equal("fat", doc.Disks.Single(d => d.TargetDev == "vda").Driver.Format);
    }

    [Fact]
    public void Backing_chains_are_read_outermost_first()
    {
        var doc = DomainDocument.Parse(ReadCorpus("disk-backing-chains-noindex.xml"));

        var vdb = doc.Disks.Single(d => d.TargetDev == "vdb");
        Assert.Equal(["block", "file", "file", "file", "file", "file"], vdb.BackingChain.Select(b => b.Type));
        Assert.Equal(["qcow2", "vmdk", "qcow2", "qcow2", "qcow2", "raw"], vdb.BackingChain.Select(b => b.Format));
        Assert.Equal("/dev/HostVG/QEMUGuest1", vdb.BackingChain[0].Source.Dev);
        Assert.Equal("/tmp/Fedora-17-x86_64-Live-KDE.iso", vdb.BackingChain[^1].Source.File);
        Assert.Equal("/tmp/missing-backing-store.qcow", Assert.Single(doc.Disks[0].BackingChain).Source.File);

        var indexed = DomainDocument.Parse(ReadCorpus("disk-backing-chains-index.xml"));
        Assert.Contains(indexed.Disks.SelectMany(d => d.BackingChain), b => b.Index is not null);
    }

    [Fact]
    public void Disk_elements_carry_their_line_numbers_for_lint_locations()
    {
        var doc = DomainDocument.Parse(ReadCorpus("disk-cache.xml"));

        var info = (System.Xml.IXmlLineInfo)doc.Disks[0].Element;

        Assert.True(info.HasLineInfo());
        Assert.Equal(17, info.LineNumber);
    }

    [Fact]
    public void Malformed_xml_is_refused_with_line_and_column()
    {
        var e = Assert.Throws<DomainXmlException>(() => DomainDocument.Parse("<domain>\n  <devices>\n  </device>\n</domain>", "bad.xml"));

        Assert.Equal(3, e.Line);
        Assert.True(e.Column > 0);
        Assert.StartsWith("bad.xml:3:", e.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<InputException>(e);
    }

    [Fact]
    public void A_root_other_than_domain_is_refused()
    {
        var e = Assert.Throws<DomainXmlException>(() => DomainDocument.Parse("<?xml version='1.0'?>\n<network>\n  <name>default</name>\n</network>\n", "net.xml"));

        Assert.Equal(2, e.Line);
        Assert.Contains("root element is <network>, expected <domain>", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dtd_is_refused_as_bad_input()
    {
        var e = Assert.Throws<DomainXmlException>(() => DomainDocument.Parse("<!DOCTYPE domain [<!ENTITY x 'y'>]>\n<domain>&x;</domain>", "dtd.xml"));

        Assert.Equal(1, e.Line);
    }
}
