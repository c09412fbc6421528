using KvmTune.Host.Engines;

namespace KvmTune.Host.Tests.Engines;

// Fixtures: qemu-img bench of QEMU 7.2 on a 1 GiB raw file and on null-co.
public class QemuImgBenchParserTests
{
    [Fact]
    public void Rate_is_requests_over_the_reported_elapsed_time()
    {
        var result = QemuImgBenchParser.Parse(Fixture.Read("qemu-img/randread-none-native.txt"));
        Assert.Equal(100000, result.Requests);
        Assert.False(result.Write);
        Assert.Equal(4096, result.BufferSize);
        Assert.Equal(32, result.Depth);
        Assert.Equal(1.080, result.Seconds, 3);
        Assert.Equal(100000 / 1.080, result.Iops, 3);
        Assert.Equal(100000 * 4096 / 1.080, result.BytesPerSecond, 1);
    }

    [Fact]
    public void Write_runs_and_flush_interval_runs_are_recognised()
    {
        Assert.True(QemuImgBenchParser.Parse(Fixture.Read("qemu-img/randwrite-writeback-threads.txt")).Write);
        var sync = QemuImgBenchParser.Parse(Fixture.Read("qemu-img/syncwrite-none-io_uring.txt"));
        Assert.True(sync.Write);
        Assert.Equal(1, sync.Depth);
    }

    [Fact]
    public void A_failed_open_is_reported_with_qemus_own_message()
    {
        var e = Assert.Throws<FormatException>(() => QemuImgBenchParser.Parse(Fixture.Read("qemu-img/error-native-writeback.txt")));
        Assert.Contains("aio=native was specified, but it requires cache.direct=on", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Null_co_ceiling_output_parses_like_any_other_run()
    {
        var result = QemuImgBenchParser.Parse(Fixture.Read("qemu-img/null-co-randread.txt"));
        Assert.Equal(300000, result.Requests);
        Assert.True(result.Iops > 100000);
    }
}
