using KvmTune.Core.Nova;
using KvmTune.Core.Rules;

namespace KvmTune.Core.Tests.Nova;

/// <summary>
/// <see cref="NovaSimulator"/> against what the real nova 26.2.2 built over the differential grid of nova.conf files,
/// stock and with the disk_io_modes patch (<c>Fixtures/nova/recorded/</c>; the CLI project's NovaDifferentialTests
/// re-runs nova and fails when it no longer builds what is recorded). Per disk: whether nova builds it, the source
/// type, the driver's name, format, cache, io and discard, the whole &lt;disk&gt;, nova's native→threads fallback
/// warning; per file: instances_path and nova's count of invalid list items.
/// </summary>
public class NovaRecordedGridTests
{
    public static TheoryData<string> Phases => new() { "stock", "patched" };

    private static NovaRecordedGrid Grid(string phase) => NovaRecordedGrid.Load(NovaFixtures.Path(Path.Combine("recorded", $"{phase}.json")));

    private static NovaExplanation Simulate(NovaRecordedGrid grid, NovaRecordedConf recorded)
    {
        var conf = NovaConf.Merge([(recorded.Text, recorded.Name)]);
        conf.DefaultStatePath = recorded.Nova.Pybasedir!;
        return NovaSimulator.Explain(conf, new NovaHost(null, HostFacts.Unknown, null, NovaVersion.Parse(grid.NovaVersion)));
    }

    [Theory]
    [MemberData(nameof(Phases))]
    public void Every_disk_nova_built_from_the_grid_is_the_one_the_simulator_builds(string phase)
    {
        var grid = Grid(phase);
        var mismatches = new List<string>();
        int disks = 0, built = 0;
        foreach (var recorded in grid.Confs)
        {
            var nova = recorded.Nova;
            Assert.Null(nova.LoadError);
            Assert.Equal(grid.Patched, nova.DiskIoModesRegistered);
            var explanation = Simulate(grid, recorded);
            if (explanation.InstancesPath != nova.InstancesPath)
            {
                mismatches.Add($"{recorded.Name}: instances_path: nova {nova.InstancesPath}, kvmtune {explanation.InstancesPath}");
            }
            foreach (var disk in nova.Disks)
            {
                disks++;
                var mine = explanation.Disks.Single(d => d.Case == disk.Case);
                mismatches.AddRange(NovaFidelity.Compare(recorded.Name, mine, disk, grid.Patched)
                    .Select(m => $"{m.Conf} {m.Case}: {m.Field}: nova {m.Nova ?? "(unset)"}, kvmtune {m.KvmTune ?? "(unset)"}"));
                if (disk.Error is not null || mine.Error is not null)
                {
                    continue;
                }
                built++;
                var fellBack = disk.Warnings.Any(w => w.Contains("fallen back from 'native' to 'threads'", StringComparison.Ordinal));
                if (fellBack != NovaRecordedGrid.PredictsNativeFallback(mine.Steps, grid.Patched))
                {
                    mismatches.Add($"{recorded.Name} {disk.Case}: native→threads fallback: nova {(fellBack ? "warns" : "does not")}, kvmtune {(fellBack ? "does not say so" : "says it does")}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(40)));
        Assert.True(built > 250, $"only {built} of {disks} disks built");
    }

    [Theory]
    [MemberData(nameof(Phases))]
    public void Each_invalid_list_item_nova_warns_about_is_one_finding(string phase)
    {
        var grid = Grid(phase);
        var compared = 0;
        foreach (var recorded in grid.Confs.Where(c => c.Nova.DriverError is null))
        {
            var explanation = Simulate(grid, recorded);
            foreach (var (key, text) in new[] { ("disk_cachemodes", "Invalid cachemode"), ("disk_io_modes", "Invalid io mode") })
            {
                if (key == "disk_io_modes" && !grid.Patched)
                {
                    continue;
                }
                var warned = recorded.Nova.Warnings.Count(w => w.Message.StartsWith(text, StringComparison.Ordinal));
                var reported = explanation.ConfigFindings.Count(f => f.Key == key && f.Code is "KN001" or "KN011");
                Assert.True(warned == reported, $"{recorded.Name}: {key}: nova warned {warned} times, kvmtune reports {reported}");
                compared += warned;
            }
        }
        Assert.True(compared > 0, "no invalid item in the grid");
    }

    [Fact]
    public void The_recordings_come_from_nova_26_and_cover_every_case_of_the_simulator()
    {
        foreach (var phase in new[] { "stock", "patched" })
        {
            var grid = Grid(phase);
            Assert.StartsWith("26.", grid.NovaVersion, StringComparison.Ordinal);
            var cases = grid.Confs.SelectMany(c => c.Nova.Disks.Select(d => d.Case)).ToHashSet();
            Assert.Equal(NovaSimulator.ImageCases.Select(c => $"image:{c}").Concat(NovaSimulator.VolumeCases.Select(c => $"volume:{c}")).Order(), cases.Order());
        }
    }
}
