using KvmTune.Core;
using KvmTune.Core.Measurement;
using KvmTune.Host.Engines;

namespace KvmTune.Host.Tests.Engines;

public class FioJobBuilderTests
{
    private static readonly MeasureTarget Loop = new("/dev/loop7", "raw", true, "/dev/loop7");
    private static readonly MeasureOptions Options = new(TimeSpan.FromSeconds(1.5), 1L << 30);

    [Fact]
    public void Preset_maps_to_direct_time_based_fio_options_on_the_backing_path()
    {
        var args = FioJobBuilder.Arguments(Loop, WorkloadProfile.Mixed4k70rQd16, Options, "/tmp/x/log");
        Assert.Contains("--filename=/dev/loop7", args);
        Assert.Contains("--direct=1", args);
        Assert.Contains("--rw=randrw", args);
        Assert.Contains("--rwmixread=70", args);
        Assert.Contains("--iodepth=16", args);
        Assert.Contains("--bs=4096", args);
        Assert.Contains("--runtime=1500ms", args);
        Assert.Contains("--time_based=1", args);
        Assert.Contains("--write_iops_log=/tmp/x/log", args);
        Assert.Contains("--log_avg_msec=1000", args);
        Assert.Contains("--output-format=json", args);
        Assert.DoesNotContain("--fdatasync=1", args);
    }

    [Fact]
    public void Sync_write_preset_syncs_after_every_write()
    {
        var args = FioJobBuilder.Arguments(Loop, WorkloadProfile.SyncWrite4kQd1, Options, "/tmp/x/log");
        Assert.Contains("--fdatasync=1", args);
        Assert.Contains("--iodepth=1", args);
    }

    [Fact]
    public void A_user_job_file_cannot_name_its_own_target()
    {
        var text = FioJobBuilder.JobFileText(Loop, "[db]\nfilename=/dev/sda\ndirectory=/home\nrw=randwrite\nbs=8k\n", Options, "/tmp/x/log");
        Assert.DoesNotContain("/dev/sda", text, StringComparison.Ordinal);
        Assert.DoesNotContain("directory=/home", text, StringComparison.Ordinal);
        Assert.StartsWith("[global]\nfilename=/dev/loop7\ndirect=1\n", text, StringComparison.Ordinal);
        Assert.Contains("[db]\nrw=randwrite\nbs=8k\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_job_file_is_bad_input()
    {
        var e = await Assert.ThrowsAsync<InputException>(() => FioJobBuilder.ValidateJobFileAsync("/nonexistent/job.fio", CancellationToken.None));
        Assert.Contains("/nonexistent/job.fio", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_job_file_fio_cannot_parse_is_bad_input_with_fios_reason()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kvmtune-test-{Guid.NewGuid():N}.fio");
        await File.WriteAllTextAsync(path, "[job]\nrw=sideways\n");
        try
        {
            var e = await Assert.ThrowsAsync<InputException>(() => FioJobBuilder.ValidateJobFileAsync(path, CancellationToken.None));
            Assert.Contains("fio cannot parse it", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_valid_job_file_passes_fio_parse_only()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kvmtune-test-{Guid.NewGuid():N}.fio");
        await File.WriteAllTextAsync(path, "[job]\nrw=randread\nbs=4k\niodepth=4\n");
        try
        {
            await FioJobBuilder.ValidateJobFileAsync(path, CancellationToken.None);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_strategy_sets_the_engine_batches_registered_buffers_and_jobs_sharing_the_depth()
    {
        var target = new MeasureTarget("/tmp/x.raw", "raw", false, "/tmp/x.raw");
        var strategy = SubmissionStrategy.Parse("io_uring+batch+fixed+jobs2")!;

        var args = FioJobBuilder.Arguments(target, WorkloadProfile.RandRead4kQd32, new MeasureOptions(TimeSpan.FromSeconds(1), 1 << 30), "/tmp/log", strategy);

        Assert.Contains("--ioengine=io_uring", args);
        Assert.Contains("--iodepth=16", args);
        Assert.Contains("--numjobs=2", args);
        Assert.Contains("--iodepth_batch_submit=8", args);
        Assert.Contains("--iodepth_batch_complete_max=8", args);
        Assert.Contains("--fixedbufs=1", args);
        Assert.Contains("--registerfiles=1", args);
    }

    [Fact]
    public void The_legacy_strategy_is_the_host_engine_as_it_was()
    {
        var target = new MeasureTarget("/tmp/x.raw", "raw", false, "/tmp/x.raw");

        var args = FioJobBuilder.Arguments(target, WorkloadProfile.RandRead4kQd32, new MeasureOptions(TimeSpan.FromSeconds(1), 1 << 30), "/tmp/log");

        Assert.Contains("--ioengine=libaio", args);
        Assert.Contains("--iodepth=32", args);
        Assert.DoesNotContain(args, a => a.StartsWith("--numjobs", StringComparison.Ordinal) || a.StartsWith("--iodepth_batch", StringComparison.Ordinal) || a.StartsWith("--fixedbufs", StringComparison.Ordinal));
    }
}
