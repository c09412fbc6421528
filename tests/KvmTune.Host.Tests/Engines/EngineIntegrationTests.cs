using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Host.Engines;

namespace KvmTune.Host.Tests.Engines;

// Real fio and qemu-img on images made in a temporary directory.
public class EngineIntegrationTests
{
    private static readonly MeasureOptions Short = new(TimeSpan.FromSeconds(1.2), 64L << 20);

    [Fact]
    public async Task Host_engine_measures_a_raw_file_with_per_second_samples_and_keeps_fios_json()
    {
        using var scratch = new ScratchDirectory();
        var raw = await scratch.ImageAsync("a.raw", "raw", "falloc", Short.SizeBytes);

        var sample = await new FioEngine().RunAsync(new MeasureTarget(raw, "raw", false, raw), Subject.CeilingOf(Backend.RawPrealloc), WorkloadProfile.RandRead4kQd32, Short, 0, CancellationToken.None);

        Assert.Equal(Engine.Host, sample.Engine);
        Assert.Equal(Subject.CeilingOf(Backend.RawPrealloc), sample.Subject);
        Assert.True(sample.Iops > 0);
        Assert.Equal(sample.Iops * 4096 / 1e6, sample.MBps, 1);
        Assert.NotNull(sample.LatencyP99Us);
        Assert.NotEmpty(sample.PerSecondIops);
        Assert.Contains("\"fio version\"", sample.RawOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_engine_refuses_to_write_into_a_qcow2_image()
    {
        using var scratch = new ScratchDirectory();
        var qcow2 = await scratch.ImageAsync("a.qcow2", "qcow2", "off", Short.SizeBytes);
        await Assert.ThrowsAsync<ArgumentException>(() =>
            new FioEngine().RunAsync(new MeasureTarget(qcow2, "qcow2", false, qcow2), Subject.CeilingOf(Backend.Qcow2Sparse), WorkloadProfile.RandWrite4kQd32, Short, 0, CancellationToken.None));
    }

    [Theory]
    [InlineData("none", "native", "randread-4k-qd32")]
    [InlineData("writeback", "threads", "randwrite-4k-qd32")]
    [InlineData("directsync", "io_uring", "syncwrite-4k-qd1")]
    [InlineData("unsafe", "threads", "mixed-4k-70r-qd16")]
    public async Task Qemu_engine_runs_the_candidate_on_a_qcow2_image_for_about_the_target_duration(string cache, string aio, string profile)
    {
        using var scratch = new ScratchDirectory();
        var qcow2 = await scratch.ImageAsync("a.qcow2", "qcow2", "metadata", Short.SizeBytes);
        var candidate = new Candidate(Backend.Qcow2Metadata, CacheModes.Parse(cache)!.Value, IoModes.Parse(aio)!.Value);

        var sample = await new QemuImgBenchEngine().RunAsync(new MeasureTarget(qcow2, "qcow2", false, qcow2), Subject.Of(candidate), WorkloadProfile.Find(profile)!, Short, 0, CancellationToken.None);

        Assert.Equal(Subject.Of(candidate), sample.Subject);
        Assert.True(sample.Iops > 0);
        Assert.Contains("Run completed in", sample.RawOutput, StringComparison.Ordinal);
        // Calibrated count: within a wide band of the target on a shared machine
        Assert.InRange(sample.Seconds, 0.1, 20);
        if (profile.StartsWith("mixed", StringComparison.Ordinal))
        {
            Assert.Contains("read requests", sample.RawOutput, StringComparison.Ordinal);
            Assert.Contains("write requests", sample.RawOutput, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Native_aio_with_a_host_cache_fails_with_qemus_reason()
    {
        using var scratch = new ScratchDirectory();
        var raw = await scratch.ImageAsync("a.raw", "raw", "falloc", Short.SizeBytes);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => new QemuImgBenchEngine().RunAsync(
            new MeasureTarget(raw, "raw", false, raw), Subject.Of(new Candidate(Backend.RawPrealloc, CacheMode.Writeback, IoMode.Native)), WorkloadProfile.RandRead4kQd32, Short, 0, CancellationToken.None));
        Assert.Contains("requires cache.direct=on", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Null_co_ceiling_is_measured_without_an_image()
    {
        var sample = await new QemuImgBenchEngine().RunNullCoAsync(WorkloadProfile.RandRead4kQd32, Short, 0, CancellationToken.None);
        Assert.Equal(Subject.Harness, sample.Subject);
        Assert.True(sample.Iops > 10_000, $"null-co at {sample.Iops:0} IOPS");
    }
}
