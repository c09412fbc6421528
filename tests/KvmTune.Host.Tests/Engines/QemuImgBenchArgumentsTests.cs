using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Host.Engines;

namespace KvmTune.Host.Tests.Engines;

public class QemuImgBenchArgumentsTests
{
    private static readonly MeasureTarget Raw = new("/scratch/raw-prealloc.raw", "raw", false, "/scratch/raw-prealloc.raw");

    [Theory]
    [InlineData(1L << 30, 4096)]
    [InlineData(1L << 30, 1 << 20)]
    [InlineData(64L << 20, 4096)]
    [InlineData(3L * 1000 * 4096, 4096)]
    public void Stride_is_a_prime_multiple_of_the_block_size_coprime_with_the_block_count(long size, int bs)
    {
        var stride = QemuImgBenchArguments.Stride(size, bs);
        Assert.Equal(0, stride % bs);
        var p = stride / bs;
        var blocks = size / bs;
        Assert.True(QemuImgBenchArguments.IsPrime(p));
        Assert.NotEqual(0, blocks % p);
        Assert.InRange(p, blocks / 2, blocks);
    }

    [Fact]
    public void Stride_visits_every_block_once_before_repeating_under_QEMUs_offset_wrap()
    {
        // Given a 4 MiB image of 1024 blocks and QEMU 7.2's wrap rule: offset = (offset + step) % image_size
        const long size = 4L << 20;
        var stride = QemuImgBenchArguments.Stride(size, 4096);
        var seen = new HashSet<long>();
        long offset = 0;
        for (var i = 0; i < 1024; i++)
        {
            Assert.True(offset + 4096 <= size, "a request must never run past the end");
            Assert.True(seen.Add(offset), "no block twice");
            offset = (offset + stride) % size;
        }
        Assert.Equal(1024, seen.Count);
    }

    [Fact]
    public void Candidate_maps_to_format_cache_aio_depth_size_stride_and_write()
    {
        var args = QemuImgBenchArguments.ForCandidate(Raw, new Candidate(Backend.RawPrealloc, CacheMode.Writeback, IoMode.IoUring), WorkloadProfile.RandWrite4kQd32, true, 5000, 1L << 30);
        Assert.Equal(
            ["bench", "-f", "raw", "-t", "writeback", "-i", "io_uring", "-c", "5000", "-d", "32", "-s", "4096", "-w", "-S", QemuImgBenchArguments.Stride(1L << 30, 4096).ToString(System.Globalization.CultureInfo.InvariantCulture), "/scratch/raw-prealloc.raw"],
            args);
    }

    [Fact]
    public void Sync_write_profile_runs_at_depth_one_with_a_flush_after_every_request()
    {
        var args = QemuImgBenchArguments.ForCandidate(Raw, new Candidate(Backend.RawPrealloc, CacheMode.None, IoMode.Native), WorkloadProfile.SyncWrite4kQd1, true, 100, 1L << 30);
        Assert.Contains("--flush-interval=1", args);
        Assert.Equal("1", args[args.ToList().IndexOf("-d") + 1]);
    }

    [Fact]
    public void Sequential_profiles_use_qemus_default_step_of_one_buffer()
    {
        var args = QemuImgBenchArguments.ForCandidate(Raw, new Candidate(Backend.RawPrealloc, CacheMode.None, IoMode.Native), WorkloadProfile.SeqRead1mQd8, false, 100, 1L << 30);
        Assert.DoesNotContain("-S", args);
        Assert.DoesNotContain("-w", args);
    }

    [Fact]
    public void Null_co_ceiling_uses_image_opts_and_no_cache_or_aio()
    {
        var args = QemuImgBenchArguments.ForNullCo(WorkloadProfile.RandRead4kQd32, false, 1000, 1L << 30);
        Assert.Equal("driver=null-co,size=1073741824", args[^1]);
        Assert.Equal("--image-opts", args[^2]);
        Assert.DoesNotContain("-t", args);
        Assert.DoesNotContain("-i", args);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("writeback")]
    [InlineData("writethrough")]
    [InlineData("directsync")]
    [InlineData("unsafe")]
    public void QEMUs_reading_of_each_cache_mode_matches_the_design_table(string mode)
    {
        var semantics = CacheModes.Parse(mode)!.Value.Semantics();
        Assert.Equal((semantics.Direct, semantics.NoFlush, semantics.Writeback), QemuImgBenchArguments.QemuCacheOptions(mode));
    }

    [Fact]
    public void A_candidate_with_image_options_opens_the_image_as_libvirt_would_through_image_opts()
    {
        var target = new MeasureTarget("/s/a,b.qcow2", "qcow2", false, "/s/a,b.qcow2");
        var candidate = new Candidate(Backend.Qcow2Metadata, CacheMode.None, IoMode.Native)
        {
            Options = new ImageOptions { ClusterSize = 2 << 20, L2Cache = L2CacheSetting.WholeImage, Discard = DiscardSetting.Unmap, DetectZeroes = DetectZeroesSetting.Unmap },
        };

        var args = QemuImgBenchArguments.ForCandidate(target, candidate, WorkloadProfile.RandWrite4kQd32, write: true, 1000, 512L << 30);

        Assert.Equal(["bench", "--image-opts", "-t", "none", "-i", "native"], args.Take(6));
        Assert.DoesNotContain("-f", args);
        // 512 GiB at 2 MiB clusters: 256k entries, 2 MiB of L2 tables, plus four clusters
        Assert.Equal("driver=qcow2,file.driver=file,file.filename=/s/a,,b.qcow2,cache-size=10485760,discard=unmap,detect-zeroes=unmap", args[^1]);
    }

    [Fact]
    public void On_an_image_beyond_2_GiB_the_stride_fits_qemu_imgs_int_and_still_visits_every_block()
    {
        var stride = QemuImgBenchArguments.Stride(512L << 30, 4096);

        Assert.True(stride <= int.MaxValue, $"{stride}");
        Assert.True(QemuImgBenchArguments.IsPrime(stride / 4096));
        Assert.NotEqual(0, (512L << 30) / 4096 % (stride / 4096));
    }
}
