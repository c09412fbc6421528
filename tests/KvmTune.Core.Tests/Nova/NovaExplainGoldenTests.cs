using System.Text;
using KvmTune.Core.Nova;
using KvmTune.Core.Rules;

namespace KvmTune.Core.Tests.Nova;

/// <summary>
/// What <c>nova explain</c> tells an operator for every nova.conf of the recorded differential grid (stock and
/// patched), on three hosts: the one the grid was recorded on (nova 26.2.2, O_DIRECT not probed), and a nova master
/// host whose instances_path was probed with and without O_DIRECT support. Each simulated disk's steps (the nova code
/// path, in nova's names), error, findings, the &lt;driver&gt; written stock and patched,
/// and each file's nova.conf findings, are compared with the reviewed text in <c>Golden/nova-explain.txt</c>. The
/// recorded grid (<see cref="NovaRecordedGridTests"/>) holds each whole &lt;disk&gt; to what nova builds; this file
/// holds the explanation. After reviewing a change, <c>KVMTUNE_UPDATE_GOLDEN=1 dotnet test --filter NovaExplainGoldenTests</c>
/// writes the new text.
/// </summary>
public class NovaExplainGoldenTests
{
    private static readonly (string Name, bool? DirectIo, string? ProbedPath, string? Version)[] Hosts =
    [
        ("nova 26.2.2, O_DIRECT not probed", null, null, "26.2.2"),
        ("nova master, O_DIRECT supported at /srv/probe", true, "/srv/probe", null),
        ("nova master, no O_DIRECT", false, null, null),
    ];

    [Fact]
    public void Every_grid_file_is_explained_as_reviewed()
    {
        GoldenText.AssertMatches(Path.Combine("Nova", "Golden", "nova-explain.txt"), Render(), "nova explain");
    }

    [Fact]
    public void The_explanation_names_the_probed_instances_path_and_says_when_a_disk_has_an_error()
    {
        var conf = NovaConf.Parse("[DEFAULT]\ninstances_path = /var/lib/nova/instances\n[libvirt]\nimages_type = lvm\n", "nova.conf");

        var probed = NovaSimulator.Explain(conf, new NovaHost(true, HostFacts.Unknown, "/srv/probe"));
        var unprobed = NovaSimulator.Explain(conf, NovaHost.Unknown);

        Assert.Equal("/srv/probe", probed.InstancesPath);
        Assert.Equal("/var/lib/nova/instances", unprobed.InstancesPath);
        Assert.True(unprobed.HasErrors);
        Assert.False(NovaSimulator.Explain(NovaConf.Parse("[DEFAULT]\n"), NovaHost.Unknown).HasErrors);
    }

    private static string Render()
    {
        var blocks = new DistinctBlocks();
        foreach (var phase in new[] { "stock", "patched" })
        {
            var grid = NovaRecordedGrid.Load(NovaFixtures.Path(Path.Combine("recorded", $"{phase}.json")));
            foreach (var recorded in grid.Confs)
            {
                var explained = Hosts.Select(h =>
                {
                    var conf = NovaConf.Merge([(recorded.Text, recorded.Name)]);
                    conf.DefaultStatePath = recorded.Nova.Pybasedir!;
                    var version = h.Version is null ? null : NovaVersion.Parse(h.Version);
                    return NovaSimulator.Explain(conf, new NovaHost(h.DirectIo, HostFacts.Unknown, h.ProbedPath, version));
                }).ToList();
                var where = $"{phase} {recorded.Name}";
                blocks.Add(ConfBlock(explained), $"{where} nova.conf");
                for (var d = 0; d < explained[0].Disks.Count; d++)
                {
                    blocks.Add(DiskBlock([.. explained.Select(e => e.Disks[d])]), $"{where} {explained[0].Disks[d].Case}");
                }
            }
        }
        return blocks.ToString();
    }

    private static string ConfBlock(List<NovaExplanation> explained)
    {
        var text = new StringBuilder();
        for (var h = 0; h < Hosts.Length; h++)
        {
            var e = explained[h];
            text.Append($"[{Hosts[h].Name}] instances_path {e.InstancesPath}, O_DIRECT {e.DirectIo?.ToString() ?? "unknown"}, errors {e.HasErrors}\n");
            foreach (var f in e.ConfigFindings)
            {
                text.Append($"  {f.Code} {f.SeverityText} [{f.Section}] {f.Key} line {f.Line?.ToString() ?? "-"}: {f.Message}\n");
            }
        }
        return text.ToString();
    }

    // The first host's disk in full; for the others, only the lines that differ from it.
    private static string DiskBlock(List<SimulatedDisk> disks)
    {
        var text = new StringBuilder();
        var first = DiskLines(disks[0]);
        for (var h = 0; h < Hosts.Length; h++)
        {
            var lines = h == 0 ? first : DiskLines(disks[h]);
            text.Append($"[{Hosts[h].Name}] {disks[h].Case}: backend {disks[h].Backend}, configured {disks[h].Configured}, source {disks[h].SourceType}");
            text.Append(h == 0 ? "\n" : lines.SequenceEqual(first) ? ", the same\n" : ", otherwise:\n");
            foreach (var line in h == 0 ? lines : lines.SequenceEqual(first) ? [] : lines.Except(first))
            {
                text.Append("  ").Append(line).Append('\n');
            }
        }
        return text.ToString();
    }

    private static List<string> DiskLines(SimulatedDisk d)
    {
        var lines = d.Steps.Select(step => $"step: {step}").ToList();
        if (d.Error is not null)
        {
            lines.Add($"error: {d.Error}");
        }
        lines.AddRange(d.ConfigFindings.Select(f => $"conf {f.Code} {f.SeverityText} [{f.Section}] {f.Key} line {f.Line?.ToString() ?? "-"}: {f.Message}"));
        lines.AddRange(d.Findings.Select(f => $"finding {f.Code} {f.Severity}: {f.Message}"));
        lines.Add($"stock: {d.NovaDriver} | {Attributes(d.NovaAttributes)}");
        lines.Add($"patched: {d.Driver} | {Attributes(d.Attributes)}");
        return lines;
    }

    private static string Attributes(NovaDriverAttributes a) =>
        $"name={a.Name ?? "-"} type={a.Type ?? "-"} cache={a.Cache ?? "-"} io={a.Io ?? "-"} discard={a.Discard ?? "-"}";
}
