using KvmTune.Core.Tuning;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Core.Tests.Tuning;

public class ImageOptionsTests
{
    [Theory]
    [InlineData("cluster_size=2M")]
    [InlineData("cluster_size=2M,extended_l2=on,l2_cache=whole")]
    [InlineData("l2_cache=whole")]
    [InlineData("discard=unmap,detect_zeroes=unmap")]
    [InlineData("detect_zeroes=on")]
    public void The_canonical_text_parses_back(string text) => Assert.Equal(text, ImageOptions.Parse(text)!.Text);

    [Theory]
    [InlineData("l2_cache=whole,cluster_size=2M")]
    [InlineData("cluster_size=3M")]
    [InlineData("cluster_size=4M")]
    [InlineData("extended_l2=off")]
    [InlineData("discard=default")]
    [InlineData("cluster_size")]
    public void Other_text_parses_to_nothing(string text) => Assert.Null(ImageOptions.Parse(text));

    [Fact]
    public void A_candidate_with_options_names_them_after_a_colon_and_keeps_its_base()
    {
        var c = C("qcow2-metadata/none/native") with { Options = new ImageOptions { ClusterSize = 2 << 20, L2Cache = L2CacheSetting.WholeImage } };

        Assert.Equal("qcow2-metadata/none/native:cluster_size=2M,l2_cache=whole", c.Id);
        Assert.Equal(C("qcow2-metadata/none/native"), c.Base);
        Assert.Equal(new ImageOptions { ClusterSize = 2 << 20 }, c.Options.Creation);
    }

    [Fact]
    public void Qemus_default_l2_cache_covers_256_GiB_at_64k_clusters_and_half_that_with_extended_l2()
    {
        // QEMU (block/qcow2.c read_cache_sizes): 8 bytes of L2 per cluster, 16 with extended L2; at most 32 MiB by default.
        Assert.Equal(32L << 20, Qcow2Layout.L2TableBytes(256L << 30, 64 << 10, extendedL2: false));
        Assert.True(Qcow2Layout.DefaultCoversWholeImage(256L << 30, 64 << 10, false));
        Assert.False(Qcow2Layout.DefaultCoversWholeImage(256L << 30, 64 << 10, true));
        Assert.False(Qcow2Layout.DefaultCoversWholeImage(512L << 30, 64 << 10, false));
        Assert.True(Qcow2Layout.DefaultCoversWholeImage(512L << 30, 2 << 20, true));
        // 1280 MiB at 64 KiB: 160 KiB of entries in three whole tables (QEMU commit b70d082)
        Assert.Equal(192L << 10, Qcow2Layout.L2TableBytes(1280L << 20, 64 << 10, false));
    }

    [Fact]
    public void The_metadata_cache_covering_the_whole_image_is_its_l2_tables_plus_four_clusters()
    {
        Assert.Equal((64L << 20) + (4 * (64 << 10)), Qcow2Layout.MetadataCacheBytes(512L << 30, 64 << 10, false));
    }

    [Theory]
    [InlineData(DetectZeroesSetting.Unmap, DiscardSetting.Unmap, DetectZeroesSetting.Unmap)]
    [InlineData(DetectZeroesSetting.Unmap, DiscardSetting.Ignore, DetectZeroesSetting.On)]
    [InlineData(DetectZeroesSetting.Unmap, null, DetectZeroesSetting.On)]
    [InlineData(DetectZeroesSetting.On, null, DetectZeroesSetting.On)]
    [InlineData(null, DiscardSetting.Unmap, null)]
    public void Libvirt_passes_detect_zeroes_unmap_only_with_discard_unmap(DetectZeroesSetting? detect, DiscardSetting? discard, DetectZeroesSetting? qemu) =>
        Assert.Equal(qemu, ImageOptions.QemuDetectZeroes(detect, discard));

    [Fact]
    public void The_qcow2_preset_measures_cluster_size_by_l2_cache_by_extended_l2_on_qcow2_only()
    {
        var plan = BenchPlanner.Plan(BenchRequest.Qcow2);

        Assert.Equal(8, plan.Candidates.Count);
        Assert.All(plan.Candidates, c => Assert.Equal("qcow2-metadata/none/native", c.Base.Id));
        Assert.Contains(plan.Candidates, c => c.Options.IsDefault);
        Assert.Contains(plan.Candidates, c => c.Id == "qcow2-metadata/none/native:cluster_size=2M,extended_l2=on,l2_cache=whole");
    }

    [Fact]
    public void Qcow2_options_are_left_out_for_raw_backends_and_discard_applies_to_all()
    {
        var request = BenchRequest.Quick with
        {
            Backends = [Backend.RawPrealloc, Backend.Qcow2Sparse],
            Caches = [CacheMode.None],
            Ios = [IoMode.Native],
            Options = [ImageOptions.Default, new ImageOptions { L2Cache = L2CacheSetting.WholeImage }, .. BenchRequest.DiscardGrid([DiscardSetting.Unmap], [DetectZeroesSetting.On, DetectZeroesSetting.Unmap]).Skip(1)],
        };

        var ids = BenchPlanner.Plan(request).Candidates.Select(c => c.Id).ToList();

        Assert.Equal(
            ["raw-prealloc/none/native", "raw-prealloc/none/native:discard=unmap,detect_zeroes=on", "raw-prealloc/none/native:discard=unmap,detect_zeroes=unmap",
             "qcow2-sparse/none/native", "qcow2-sparse/none/native:l2_cache=whole", "qcow2-sparse/none/native:discard=unmap,detect_zeroes=on", "qcow2-sparse/none/native:discard=unmap,detect_zeroes=unmap"],
            ids);
    }

    [Fact]
    public void A_winner_with_options_carries_them_to_libvirts_driver_element()
    {
        var c = C("qcow2-metadata/none/native") with { Options = new ImageOptions { L2Cache = L2CacheSetting.WholeImage, Discard = DiscardSetting.Unmap, DetectZeroes = DetectZeroesSetting.Unmap } };

        Assert.Equal(
            "<driver name='qemu' type='qcow2' cache='none' io='native' discard='unmap' detect_zeroes='unmap'><metadata_cache><max_size unit='bytes'>67371008</max_size></metadata_cache></driver>",
            DriverSettings.For(c, 512L << 30).ToXml());
        Assert.Equal("<driver name='qemu' type='qcow2' cache='none' io='native' discard='unmap' detect_zeroes='unmap'/>", c.Driver.ToXml());
    }

    [Theory]
    [InlineData(2L << 20, "2M")]
    [InlineData(64L << 10, "64k")]
    [InlineData(3L << 10, "3k")]
    [InlineData(512L, "512")]
    [InlineData(1536L, "1536")]
    public void Sizes_are_written_with_qemu_imgs_suffixes_for_exact_multiples_only(long bytes, string text)
    {
        Assert.Equal(text, Qcow2Layout.FormatSize(bytes));
        Assert.Equal(bytes, Qcow2Layout.ParseSize(text));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("0k")]
    [InlineData("-1")]
    [InlineData("k")]
    [InlineData("M")]
    [InlineData("2G")]
    [InlineData("1.5M")]
    [InlineData(" 64k")]
    public void Other_sizes_parse_to_nothing(string text) => Assert.Null(Qcow2Layout.ParseSize(text));

    [Theory]
    [InlineData(512L, true)]
    [InlineData(256L, false)]
    [InlineData(2L << 20, true)]
    [InlineData(4L << 20, false)]
    [InlineData(1000L, false)]
    [InlineData(0L, false)]
    public void A_cluster_size_is_a_power_of_two_from_512_bytes_to_2_MiB(long bytes, bool valid) =>
        Assert.Equal(valid, Qcow2Layout.ValidClusterSize(bytes));

    [Fact]
    public void A_partial_last_cluster_still_needs_its_l2_entry_and_the_tables_fill_whole_clusters()
    {
        // 65,537 bytes at 512-byte clusters: 129 clusters, 1,032 bytes of entries, three 512-byte tables
        Assert.Equal(1536, Qcow2Layout.L2TableBytes(65_537, 512, extendedL2: false));
        Assert.Equal(2560, Qcow2Layout.L2TableBytes(65_537, 512, extendedL2: true)); // 2,064 bytes of 16-byte entries
        Assert.Throws<ArgumentOutOfRangeException>(() => Qcow2Layout.L2TableBytes(0, 64 << 10, false));
        Assert.Throws<ArgumentOutOfRangeException>(() => Qcow2Layout.L2TableBytes(1 << 20, 1000, false));
    }

    [Fact]
    public void Qemus_default_l2_cache_is_all_the_tables_up_to_32_MiB()
    {
        Assert.Equal(128L << 10, Qcow2Layout.DefaultL2CacheBytes(1L << 30, 64 << 10, false));
        Assert.Equal(32L << 20, Qcow2Layout.DefaultL2CacheBytes(1L << 40, 64 << 10, false));
    }

    [Fact]
    public void Every_qcow2_option_needs_a_qcow2_image_and_the_others_do_not()
    {
        Assert.True(new ImageOptions { ExtendedL2 = true }.NeedsQcow2);
        Assert.True(new ImageOptions { ClusterSize = 2 << 20 }.NeedsQcow2);
        Assert.True(new ImageOptions { L2Cache = L2CacheSetting.WholeImage }.NeedsQcow2);
        Assert.False(ImageOptions.Parse("discard=unmap,detect_zeroes=unmap")!.NeedsQcow2);
        Assert.False(new ImageOptions { ExtendedL2 = true }.AppliesTo(Backend.RawPrealloc));
        Assert.True(new ImageOptions { ExtendedL2 = true }.AppliesTo(Backend.Qcow2Metadata));
        Assert.Equal(2L << 20, new ImageOptions { ClusterSize = 2 << 20 }.EffectiveClusterSize);
        Assert.Equal(64L << 10, ImageOptions.Default.EffectiveClusterSize);
    }
}
