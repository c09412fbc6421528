using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Host.Engines;
using KvmTune.Host.Measurement;

namespace KvmTune.Host.Tests.Measurement;

// Real cgroup (v2 memory.max or v1 memory.limit_in_bytes; the tests run as root) and real qemu-img.
public class SustainedMeasurementTests
{
    [Fact]
    public void A_memory_cgroup_is_created_with_its_limit_and_removed_on_dispose()
    {
        string path;
        using (var cgroup = MemoryCgroup.TryCreate(32L << 20))
        {
            Assert.NotNull(cgroup);
            path = cgroup.Path;
            Assert.StartsWith("kvmtune-", Path.GetFileName(path), StringComparison.Ordinal);
            var limitFile = File.Exists(Path.Combine(path, "memory.max")) ? "memory.max" : "memory.limit_in_bytes";
            Assert.Equal((32L << 20).ToString(System.Globalization.CultureInfo.InvariantCulture), File.ReadAllText(Path.Combine(path, limitFile)).Trim());
        }
        Assert.False(Directory.Exists(path));
    }

    [Fact]
    public void Leftover_groups_of_dead_runs_are_removed_but_a_running_one_keeps_its_own()
    {
        // Given this process's group and one left by a run whose process is gone (no PID reaches 4194399)
        using var mine = MemoryCgroup.TryCreate(32L << 20);
        Assert.NotNull(mine);
        var leftover = Path.Combine(Path.GetDirectoryName(mine.Path)!, "kvmtune-4194399-leftover");
        Directory.CreateDirectory(leftover);

        // When another run starts and clears leftovers
        MemoryCgroup.RemoveLeftovers();

        // Then the dead run's group is gone and this one is intact
        Assert.False(Directory.Exists(leftover));
        Assert.True(Directory.Exists(mine.Path));
    }

    [Fact]
    public async Task Writeback_writes_in_a_memory_limited_cgroup_give_one_rate_per_slice()
    {
        // Given a raw file and a writeback candidate
        using var scratch = new ScratchDirectory();
        var raw = await scratch.ImageAsync("a.raw", "raw", "falloc", 128L << 20);
        var target = new MeasureTarget(raw, "raw", false, raw);
        var candidate = new Candidate(Backend.RawPrealloc, CacheMode.Writeback, IoMode.Threads);
        using var cgroup = MemoryCgroup.TryCreate(32L << 20);
        Assert.NotNull(cgroup);

        // When the sustained measurement runs three slices
        var sample = await new QemuImgBenchEngine().RunSustainedAsync(target, candidate, WorkloadProfile.RandWrite4kQd32,
            new MeasureOptions(TimeSpan.FromSeconds(0.3), 128L << 20), cgroup, TimeSpan.FromSeconds(0.3), 3, CancellationToken.None);

        // Then every slice has a rate and the sustained figure is the median of the slices after the first
        Assert.Equal(3, sample.PerSecondIops.Count);
        Assert.All(sample.PerSecondIops, r => Assert.True(r > 0));
        var settled = sample.PerSecondIops.Skip(1).Order().ToList();
        Assert.Equal(settled[settled.Count / 2], sample.Iops);
        Assert.Equal(3, sample.RawOutput.Split("Run completed", StringSplitOptions.None).Length - 1);
    }
}
