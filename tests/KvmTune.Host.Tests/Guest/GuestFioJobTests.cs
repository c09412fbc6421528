using KvmTune.Core;
using KvmTune.Core.Measurement;
using KvmTune.Host.Guest;

namespace KvmTune.Host.Tests.Guest;

public sealed class GuestFioJobTests
{
    [Fact]
    public void Preset_runs_direct_libaio_on_the_virtio_disk_for_the_given_time()
    {
        // Given the random read preset; when it is rendered for 3 s
        var job = GuestFioJob.Render(WorkloadProfile.RandRead4kQd32, TimeSpan.FromSeconds(3)).Split('\n');

        // Then it targets /dev/vda with O_DIRECT and the preset's pattern
        Assert.Contains("filename=/dev/vda", job);
        Assert.Contains("direct=1", job);
        Assert.Contains("ioengine=libaio", job);
        Assert.Contains("runtime=3", job);
        Assert.Contains("[randread-4k-qd32]", job);
        Assert.Contains("rw=randread", job);
        Assert.Contains("bs=4096", job);
        Assert.Contains("iodepth=32", job);
        Assert.DoesNotContain(job, l => l.StartsWith("rwmixread", StringComparison.Ordinal) || l.StartsWith("fdatasync", StringComparison.Ordinal));
    }

    [Fact]
    public void Mixed_and_sync_presets_carry_their_read_share_and_fdatasync()
    {
        Assert.Contains("rwmixread=70\n", GuestFioJob.Render(WorkloadProfile.Mixed4k70rQd16, TimeSpan.FromSeconds(2)), StringComparison.Ordinal);
        var sync = GuestFioJob.Render(WorkloadProfile.SyncWrite4kQd1, TimeSpan.FromSeconds(2));
        Assert.Contains("fdatasync=1\n", sync, StringComparison.Ordinal);
        Assert.Contains("iodepth=1\n", sync, StringComparison.Ordinal);
    }

    [Fact]
    public void A_users_job_file_keeps_its_jobs_but_runs_on_the_disk_under_test()
    {
        // Given a user's job file naming its own file
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "[db]\nfilename=/data/test\nrw=randrw\nbs=8k\n");

            // When it is rendered for the guest
            var job = GuestFioJob.Render(new WorkloadProfile("custom", "randrw", 8192, 1, FioJobFile: file), TimeSpan.FromSeconds(2));

            // Then its job stays and its filename is dropped in favour of /dev/vda
            Assert.Contains("[db]\n", job, StringComparison.Ordinal);
            Assert.Contains("bs=8k\n", job, StringComparison.Ordinal);
            Assert.Contains("# kvmtune: dropped filename=/data/test\n", job, StringComparison.Ordinal);
            Assert.Contains("filename=/dev/vda\n", job, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_missing_job_file_is_bad_input()
    {
        var failure = Assert.Throws<InputException>(() =>
            GuestFioJob.Render(new WorkloadProfile("custom", "read", 4096, 1, FioJobFile: "/nonexistent/job.fio"), TimeSpan.FromSeconds(1)));
        Assert.Equal("--fio-job '/nonexistent/job.fio': no such file", failure.Message);
    }
}
