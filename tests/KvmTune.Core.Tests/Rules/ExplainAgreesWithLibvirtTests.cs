using KvmTune.Core.Libvirt;
using KvmTune.Core.Qemu;
using KvmTune.Core.Rules;

namespace KvmTune.Core.Tests.Rules;

/// <summary>
/// Issue 2 item 7: what <c>explain</c> says a disk's cache and io imply for QEMU must match the command line
/// libvirt itself generated for the same XML (the corpus <c>.args</c> files).
/// </summary>
public class ExplainAgreesWithLibvirtTests
{
    /// <summary>
    /// Disks with no QEMU counterpart on the recorded command line, and why. Every other disk of every case
    /// with a <c>.args</c> file is compared.
    /// </summary>
    private static readonly Dictionary<(string Case, string Disk), string> Excluded = new()
    {
        // startupPolicy='optional' on a volume of an inactive pool: libvirt drops the disk before start.
        [("disk-startuppolicy-optional-drop", "sda")] = "dropped by startupPolicy='optional'",
        // <transient shareBacking='yes'/>: libvirt adds this disk over QMP after start-up (SOURCE.md note 7).
        [("disk-transient", "vda")] = "hot-plugged after start-up",
        // The .xml comes from the older qemuxml2argvdata snapshot, the .args from a newer one that has no
        // IDE disk at all (SOURCE.md note 2: a pair can differ in detail).
        [("iothreads-virtio-scsi-pci", "hda")] = "absent from the newer .args snapshot",
    };

    public static TheoryData<string> CasesWithArgs()
    {
        var data = new TheoryData<string>();
        var dir = RepoPaths.LibvirtCorpus;
        if (!Directory.Exists(dir))
        {
            data.Add("<corpus missing: " + dir + ">");
            return data;
        }
        foreach (var args in Directory.EnumerateFiles(dir, "*.x86_64-latest.args").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(args)[..^".x86_64-latest.args".Length]);
        }
        return data;
    }

    private sealed record Outcome(string Case, string Disk, string? Difference, bool Identified);

    private static List<Outcome> Compare(string name)
    {
        var dir = RepoPaths.LibvirtCorpus;
        var xmlPath = Path.Combine(dir, name + ".xml");
        var argsPath = Path.Combine(dir, name + ".x86_64-latest.args");
        Assert.True(File.Exists(xmlPath) && File.Exists(argsPath), $"corpus case missing: {name}");
        var doc = DomainDocument.Parse(File.ReadAllText(xmlPath), name);
        var cmd = QemuCommandLine.ParseArgsText(File.ReadAllText(argsPath), name);
        var explained = DiskExplainer.Explain(doc, HostFacts.Unknown);
        var outcomes = new List<Outcome>();
        for (var i = 0; i < doc.Disks.Count; i++)
        {
            var disk = doc.Disks[i];
            var implied = explained.Disks[i].Qemu;
            // libvirt's device id first (alias or the alias it assigns); a legacy -drive (if=sd) has no
            // device, so fall back to the source path when it names exactly one disk.
            var id = LibvirtDeviceIds.For(disk);
            var actual = (id is null ? null : cmd.Summarize(id))
                ?? (disk.Source.Path is { } path ? cmd.SummarizeBySource(path) : null);
            if (actual is null)
            {
                outcomes.Add(new Outcome(name, disk.Label, null, Identified: false));
                continue;
            }
            string? difference;
            if (!implied.HasMedium)
            {
                // An empty drive has a device but no block node: only write-cache exists.
                difference = actual.Chain.Count == 0 && actual.Drive is null && actual.WriteCache == implied.WriteCache
                    ? null
                    : $"empty drive: qemu [{actual.Describe()}] chain={actual.Chain.Count}, implied write-cache={implied.WriteCache}";
            }
            else
            {
                difference = actual.CacheDirect == implied.CacheDirect && actual.CacheNoFlush == implied.CacheNoFlush
                    && actual.Aio == implied.Aio && actual.WriteCache == implied.WriteCache
                    ? null
                    : $"qemu [{actual.Describe()}] vs implied [{implied.Blockdev} {implied.Device}]";
            }
            outcomes.Add(new Outcome(name, disk.Label, difference, Identified: true));
        }
        return outcomes;
    }

    [Theory]
    [MemberData(nameof(CasesWithArgs))]
    public void Implied_cache_and_aio_agree_with_the_command_line_libvirt_generated(string name)
    {
        // Given a corpus domain and the QEMU command line libvirt built from it
        // When each disk is explained and its QEMU counterpart is found on the command line
        var outcomes = Compare(name);

        // Then cache.direct, cache.no-flush, aio and write-cache agree for every identified disk
        Assert.All(outcomes.Where(o => o.Identified), o => Assert.True(o.Difference is null, $"{o.Case} {o.Disk}: {o.Difference}"));

        // And the only unidentified disks are the documented exclusions
        var unidentified = outcomes.Where(o => !o.Identified).Select(o => (o.Case, o.Disk)).ToHashSet();
        var expected = Excluded.Keys.Where(k => k.Case == name).ToHashSet();
        Assert.Equal(expected, unidentified);
    }

    [Theory]
    [InlineData("libvirt-9.0-four-disks.xml")]
    [InlineData("libvirt-9.0-four-disks.live.xml")]
    public void A_domain_started_by_libvirt_9_agrees_with_its_recorded_qemu_command_line(string xml)
    {
        // Given a domain defined on this platform (libvirt 9.0, QEMU 7.2), its live dumpxml, and the
        // /proc/PID/cmdline recorded from the QEMU libvirt started for it
        var doc = DomainDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "libvirt", xml)), xml);
        var cmd = QemuCommandLine.ParseProcCmdline(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "qemu", "libvirt-9.0-four-disks.cmdline")));
        var explained = DiskExplainer.Explain(doc, HostFacts.Unknown);

        // Then every disk is found on the command line and the implied options are what QEMU got
        Assert.Equal(4, doc.Disks.Count);
        foreach (var (disk, e) in doc.Disks.Zip(explained.Disks))
        {
            var actual = cmd.Summarize(LibvirtDeviceIds.For(disk)!);
            Assert.NotNull(actual);
            Assert.Equal(disk.Source.File, actual.ProtocolNode!.Filename);
            Assert.Equal((e.Qemu.CacheDirect, e.Qemu.CacheNoFlush, e.Qemu.Aio, e.Qemu.WriteCache), (actual.CacheDirect, actual.CacheNoFlush, actual.Aio, actual.WriteCache));
        }
        Assert.Equal("native", cmd.Summarize("virtio-disk0")!.Aio);
        Assert.Equal("io_uring", cmd.Summarize("virtio-disk1")!.Aio);
        Assert.True(cmd.Summarize("virtio-disk1")!.CacheNoFlush);
        Assert.Null(cmd.Summarize("sata0-0-0")!.WriteCache);
    }

    [Fact]
    public void Every_corpus_disk_with_discard_or_detect_zeroes_is_explained_as_libvirt_generates_it()
    {
        // Given every corpus disk whose <driver> sets discard or detect_zeroes, with the command line libvirt built
        var compared = new List<string>();
        foreach (var args in Directory.EnumerateFiles(RepoPaths.LibvirtCorpus, "*.x86_64-latest.args").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(args)[..^".x86_64-latest.args".Length];
            var doc = DomainDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.LibvirtCorpus, name + ".xml")), name);
            var cmd = QemuCommandLine.ParseArgsText(File.ReadAllText(args), name);
            var explained = DiskExplainer.Explain(doc, HostFacts.Unknown);
            for (var i = 0; i < doc.Disks.Count; i++)
            {
                var disk = doc.Disks[i];
                if (disk.Driver.Discard is null && disk.Driver.DetectZeroes is null)
                {
                    continue;
                }
                var actual = (LibvirtDeviceIds.For(disk) is { } id ? cmd.Summarize(id) : null)
                    ?? (disk.Source.Path is { } path ? cmd.SummarizeBySource(path) : null);
                Assert.True(actual is not null, $"{name} {disk.Label}: not on the command line");

                // Then the discard and detect-zeroes explain implies are the ones on the disk's own node
                var implied = explained.Disks[i].Qemu;
                Assert.True((implied.Discard, implied.DetectZeroes) == (actual.Discard, actual.DetectZeroes),
                    $"{name} {disk.Label}: implied discard={implied.Discard} detect-zeroes={implied.DetectZeroes}, libvirt wrote discard={actual.Discard} detect-zeroes={actual.DetectZeroes}");
                Assert.Contains(implied.Discard is null ? "" : $"discard={implied.Discard}", implied.Blockdev, StringComparison.Ordinal);
                compared.Add($"{name}/{disk.Label}");
            }
        }

        // And that is every such disk of the corpus (detect_zeroes unmap, on, off; discard unmap and ignore; unmap
        // without discard='unmap' becoming on)
        Assert.Equal(
            ["disk-detect-zeroes/vda", "disk-detect-zeroes/vdb", "disk-detect-zeroes/vdc", "disk-detect-zeroes/hdc",
             "disk-discard/vda", "disk-discard/hdc", "disk-discard_no_unref/vda", "disk-qcow2-datafile-store/vde"],
            compared);
    }

    [Fact]
    public void The_comparison_covers_the_whole_corpus()
    {
        var cases = Directory.EnumerateFiles(RepoPaths.LibvirtCorpus, "*.x86_64-latest.args")
            .Select(f => Path.GetFileName(f)[..^".x86_64-latest.args".Length]).ToList();
        Assert.Equal(68, cases.Count);

        var outcomes = cases.SelectMany(Compare).ToList();

        // Every disk of every case is compared except the three documented exclusions.
        Assert.Equal(3, outcomes.Count(o => !o.Identified));
        Assert.Equal(194, outcomes.Count(o => o.Identified));
        Assert.Contains(outcomes, o => o.Case == "disk-cache" && o.Disk == "hdb" && o.Identified);
    }
}
