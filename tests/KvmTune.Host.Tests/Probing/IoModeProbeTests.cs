using KvmTune.Core.Tuning;
using KvmTune.Host.Engines;
using KvmTune.Host.Probing;

namespace KvmTune.Host.Tests.Probing;

public class IoModeProbeTests
{
    private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "qemu-io", name));

    [Fact]
    public void A_recorded_cycle_that_wrote_flushed_and_read_back_the_pattern_passed() =>
        Assert.Equal(IoCheckOutcome.Passed, IoModeProbe.Interpret(Backend.RawPrealloc, CacheMode.None, IoMode.IoUring, 0, Fixture("passed-raw-none-io_uring.txt"), 0.05).Outcome);

    [Fact]
    public void A_recorded_refusal_is_an_error_with_qemus_message()
    {
        var check = IoModeProbe.Interpret(Backend.RawPrealloc, CacheMode.Writeback, IoMode.Native, 1, Fixture("error-raw-writeback-native.txt"), 0.05);

        Assert.Equal(IoCheckOutcome.Error, check.Outcome);
        Assert.Equal("can't open device f.raw: aio=native was specified, but it requires cache.direct=on, which was not specified.", check.Detail);
    }

    [Fact]
    public void A_recorded_pattern_mismatch_is_wrong_data_and_a_killed_cycle_a_hang()
    {
        var wrong = IoModeProbe.Interpret(Backend.RawPrealloc, CacheMode.None, IoMode.IoUring, 1, Fixture("wrong-data-raw-none-io_uring.txt"), 0.05);
        Assert.Equal((IoCheckOutcome.WrongData, "Pattern verification failed at offset 0, 65536 bytes"), (wrong.Outcome, wrong.Detail));
        Assert.Equal(IoCheckOutcome.Hang, IoModeProbe.Interpret(Backend.Loop, CacheMode.None, IoMode.IoUring, null, "", 20).Outcome);
    }

    [Fact]
    public void Io_uring_is_probed_with_every_cache_mode_and_native_only_with_the_direct_ones()
    {
        var pairs = IoModeProbe.Combinations(CacheModes.All);

        Assert.Equal(7, pairs.Count);
        Assert.Equal([CacheMode.None, CacheMode.Directsync], pairs.Where(p => p.Io == IoMode.Native).Select(p => p.Cache));
    }

    [Fact]
    public async Task The_real_qemu_io_writes_flushes_and_reads_back_a_scratch_file_with_io_uring_and_native()
    {
        // Given a 16 MiB raw scratch file
        var file = Path.Combine(Path.GetTempPath(), $"kvmtune-ioprobe-{Guid.NewGuid():N}.raw");
        await using (var f = File.Create(file))
        {
            f.SetLength(16 << 20);
        }
        try
        {
            var target = new MeasureTarget(file, "raw", IsBlock: false, file);

            // When the probe runs its cycle with cache none (io_uring, native) and writeback (io_uring)
            var checks = await IoModeProbe.CheckAllAsync(Backend.RawPrealloc, target, [CacheMode.None, CacheMode.Writeback], IoModeProbe.DefaultWatchdog, CancellationToken.None);

            // Then every cycle passed on this host, and the arguments were qemu-io's
            Assert.Equal(3, checks.Count);
            Assert.All(checks, c => Assert.True(c.Passed, c.Sentence));
            Assert.Equal(["-f", "raw", "-t", "none", "-i", "io_uring", "-c", "write -P 0x5a 0 64k", "-c", "flush", "-c", "read -P 0x5a 0 64k", file],
                IoModeProbe.Arguments(target, CacheMode.None, IoMode.IoUring, 0x5a));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
