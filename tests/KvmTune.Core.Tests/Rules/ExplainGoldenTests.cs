using System.Text;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;

namespace KvmTune.Core.Tests.Rules;

/// <summary>
/// What <c>kvmtune explain</c> and <c>lint</c> tell an operator about every disk of libvirt's own test domains (and a
/// few written here for the values the corpus lacks), on a host whose facts are unknown, a current host and a host
/// with QEMU older than 4.0: each field and sentence, the QEMU options and the findings, compared with the reviewed
/// text in <c>Golden/explain-corpus.txt</c>. A change to any of it shows here as a diff to review; after reviewing,
/// <c>KVMTUNE_UPDATE_GOLDEN=1 dotnet test --filter ExplainGoldenTests</c> writes the new text.
/// </summary>
public class ExplainGoldenTests
{
    private static readonly (string Name, HostFacts Facts)[] Hosts =
    [
        ("unknown host", HostFacts.Unknown),
        ("QEMU 7.2, libvirt 9.0", new HostFacts { QemuVersion = new Version(7, 2), LibvirtVersion = new Version(9, 0) }),
        ("QEMU 2.11, libvirt 4.0", new HostFacts { QemuVersion = new Version(2, 11), LibvirtVersion = new Version(4, 0) }),
    ];

    /// <summary>Disks whose values libvirt's corpus does not have.</summary>
    private const string Extra = """
        <domain type='kvm'>
          <name>kvmtune-extra</name>
          <devices>
            <disk type='file' device='disk'><driver name='qemu' type='raw' cache='default' io='default' discard='default' detect_zeroes='default'/><source file='/var/lib/a.img'/><target dev='vda' bus='virtio'/></disk>
            <disk type='file' device='disk'><driver name='qemu' type='qcow2' discard='unmap' detect_zeroes='unmap'/><source file='/var/lib/b.qcow2'/><target dev='vdb' bus='virtio'/></disk>
            <disk type='file' device='disk'><driver name='qemu' type='qcow2' discard='ignore' detect_zeroes='unmap'/><source file='/var/lib/c.qcow2'/><target dev='vdc' bus='virtio'/></disk>
            <disk type='file' device='disk'><driver name='qemu' type='raw' detect_zeroes='on'/><source file='/var/lib/d.img'/><target dev='vdd' bus='virtio'/></disk>
            <disk type='file' device='disk'><driver name='qemu' type='raw' detect_zeroes='off' discard='bogus'/><source file='/var/lib/e.img'/><target dev='vde' bus='virtio'/></disk>
            <disk type='file' device='disk'><driver name='qemu' type='raw' io='bogus' detect_zeroes='bogus'/><source file='/var/lib/f.img'/><target dev='vdf' bus='virtio'/></disk>
            <disk type='block' device='disk'><driver name='qemu' type='raw'/><source dev='/dev/sdx'/><target dev='vdg' bus='virtio'/><shareable/></disk>
            <disk type='block' device='disk'><driver name='qemu' type='raw' cache='writeback'/><source dev='/dev/sdy'/><target dev='vdh' bus='virtio'/><shareable/></disk>
            <disk type='block' device='disk'><driver name='qemu' type='raw' cache='writeback'/><source dev='/dev/sdz'/><target dev='vdi' bus='virtio'/><readonly/></disk>
            <disk type='file' device='cdrom'><driver name='qemu' type='raw' cache='writeback'/><source file='/iso/x.iso'/><target dev='sda' bus='sata'/></disk>
            <disk type='file' device='disk'><driver name='qemu' type='raw' cache='bogus'/><source file='/var/lib/g.img'/><target dev='vdj' bus='virtio'/></disk>
            <disk type='network' device='disk'><driver name='qemu' type='raw' cache='none' io='native'/><source protocol='nbd' name='export'><host name='nbd.example' port='10809'/><host name='other.example'/><host transport='unix' socket='/run/nbd.sock'/></source><target dev='vdk' bus='virtio'/></disk>
            <disk type='volume' device='disk'><driver name='qemu' type='raw' cache='none' io='native'/><source pool='default' volume='v1'/><target dev='vdl' bus='virtio'/></disk>
            <disk type='dir' device='disk'><driver name='qemu' type='fat'/><source dir='/srv/fat'/><target dev='vdm' bus='virtio'/></disk>
            <disk type='block' device='disk'><driver name='qemu' type='raw' cache='none' io='io_uring'/><source dev='/dev/vg0/lv0'/><target dev='vdn' bus='virtio'/></disk>
            <disk type='block' device='disk'><driver name='qemu' type='raw' cache='directsync'/><source dev='/dev/sdw'/><target dev='vdo' bus='virtio'/></disk>
          </devices>
        </domain>
        """;

    [Fact]
    public void Every_corpus_disk_is_explained_as_reviewed()
    {
        GoldenText.AssertMatches(Path.Combine("Rules", "Golden", "explain-corpus.txt"), Render(), "explain");
    }

    private static string Render()
    {
        var domains = Directory.GetFiles(RepoPaths.LibvirtCorpus, "*.xml").Order(StringComparer.Ordinal)
            .Select(f => (Name: Path.GetFileName(f), Document: DomainDocument.Parse(File.ReadAllText(f), f)))
            .Append(("kvmtune-extra", DomainDocument.Parse(Extra, "extra.xml")))
            .ToList();
        // Identical explanations are written once, with the disks that have them.
        var blocks = new DistinctBlocks();
        foreach (var (name, document) in domains)
        {
            var explained = Hosts.Select(h => DiskExplainer.Explain(document, h.Facts).Disks).ToList();
            for (var d = 0; d < explained[0].Count; d++)
            {
                blocks.Add(Block([.. explained.Select(e => e[d])]), $"{name} {explained[0][d].Disk}");
            }
        }
        return blocks.ToString();
    }

    private static string Block(IReadOnlyList<DiskExplanation> perHost)
    {
        var d = perHost[0];
        var text = new StringBuilder();
        void Line(string key, object? value) => text.Append(key).Append(": ").Append(value?.ToString() ?? "(unset)").Append('\n');
        Line("bus/device/type", $"{d.Bus ?? "(unset)"} / {d.Device} / {d.Type ?? "(unset)"}");
        Line("source", d.Source);
        Line("format", d.Format);
        Line("cache", $"{d.Cache ?? "(unset)"} -> {d.EffectiveCache?.ToString() ?? "(unknown)"}{(d.CacheIsDefault ? " (default)" : "")}: {d.CacheMeaning}");
        Line("io", $"{d.Io ?? "(unset)"} -> {d.EffectiveIo ?? "(none)"}: {d.IoMeaning}");
        Line("discard", $"{d.Discard ?? "(unset)"}: {d.DiscardMeaning}");
        Line("detect_zeroes", $"{d.DetectZeroes ?? "(unset)"}: {d.DetectZeroesMeaning}");
        Line("iothreads", d.IoThreads.Count == 0 ? "(none)" : string.Join(", ", d.IoThreads));
        Line("crash safety", $"{d.CrashSafety.Name()}: {d.CrashSafetyDetail}");
        Line("qemu", $"-blockdev {d.Qemu.Blockdev ?? "(no medium)"}; -device {d.Qemu.Device ?? "(default)"}");
        for (var h = 0; h < Hosts.Length; h++)
        {
            var e = perHost[h];
            text.Append('[').Append(Hosts[h].Name).Append("]\n");
            Line("  migration", $"{e.MigrationSafety.Name()}: {e.MigrationSafetyDetail}");
            foreach (var f in e.Findings)
            {
                text.Append("  ").Append(f.Code).Append(' ').Append(f.SeverityText).Append(": ").Append(f.Message).Append(f.Fix is null ? "" : $" (fix: {f.Fix})").Append('\n');
            }
        }
        return text.ToString();
    }
}
