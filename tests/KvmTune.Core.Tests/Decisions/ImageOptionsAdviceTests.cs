using KvmTune.Core.Apply;
using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Rules;
using KvmTune.Core.Tuning;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Core.Tests.Decisions;

public class ImageOptionsAdviceTests
{
    private static Statistic Stat(double median, double half) => new(median, median - half, median + half, 0.02, 5);

    private static Candidate With(string id, ImageOptions options) => C(id) with { Options = options };

    private static readonly ImageOptions WholeCache = new() { L2Cache = L2CacheSetting.WholeImage };
    private static readonly ImageOptions BigClusters = new() { ClusterSize = 2 << 20 };

    private static SubjectResult R(Candidate c, string profile, double iops, double half) =>
        new(Engine.Qemu, Subject.Of(c), profile, Stat(iops, half), Stat(iops * 4096 / 1e6, half * 4096 / 1e6), null, null);

    private static List<SubjectResult> Run(double wholeReads, double wholeWrites) =>
    [
        R(C("qcow2-metadata/none/native"), "randread-4k-qd32", 5_100, 300),
        R(With("qcow2-metadata/none/native", WholeCache), "randread-4k-qd32", wholeReads, 400),
        R(With("qcow2-metadata/none/native", BigClusters), "randread-4k-qd32", 5_300, 400),
        R(C("qcow2-metadata/none/native"), "randwrite-4k-qd32", 4_000, 300),
        R(With("qcow2-metadata/none/native", WholeCache), "randwrite-4k-qd32", wholeWrites, 300),
        R(With("qcow2-metadata/none/native", BigClusters), "randwrite-4k-qd32", 4_100, 300),
    ];

    [Fact]
    public void Options_faster_outside_the_intervals_in_one_profile_and_slower_in_none_are_recommended_with_their_carriers()
    {
        var advice = ImageOptionsAdvice.Recommend(Run(wholeReads: 11_000, wholeWrites: 4_100), C("qcow2-metadata/none/native"), 512L << 30)!;

        Assert.Equal(WholeCache, advice.Candidate.Options);
        Assert.Contains("randread-4k-qd32 2.2×", advice.Sentence, StringComparison.Ordinal);
        Assert.Equal(67_371_008, advice.Driver.MetadataCacheBytes);
        Assert.Null(advice.ImageCreation);
        Assert.Contains(advice.Lines, l => l.StartsWith("metadata cache: libvirt >= 7.0.0", StringComparison.Ordinal) && l.Contains("nova has no setting for it", StringComparison.Ordinal));
    }

    [Fact]
    public void Options_within_the_intervals_or_slower_anywhere_are_not_recommended()
    {
        Assert.Null(ImageOptionsAdvice.Recommend(Run(wholeReads: 5_400, wholeWrites: 4_050), null, 512L << 30));
        Assert.Null(ImageOptionsAdvice.Recommend(Run(wholeReads: 11_000, wholeWrites: 2_000), null, 512L << 30));
    }

    [Fact]
    public void The_recommendation_of_a_decision_carries_the_winning_metadata_cache_in_its_notes()
    {
        var decision = Advisor.Decide(Run(wholeReads: 11_000, wholeWrites: 4_100), new HostFacts { QemuVersion = new Version(7, 2), LibvirtVersion = new Version(9, 0) }, AdvisorConstraints.Default);

        var recommendation = Recommendation.From(decision, new RecommendationOptions(ImageSize: 512L << 30));

        Assert.NotNull(recommendation.ImageOptions);
        Assert.Contains(recommendation.Notes, n => n.StartsWith("image options l2_cache=whole beat the defaults of qcow2-metadata/none/native", StringComparison.Ordinal));
        Assert.Contains(recommendation.DriverElements.Values, x => x.Contains("<metadata_cache><max_size unit='bytes'>67371008</max_size></metadata_cache>", StringComparison.Ordinal)
                                                                   || recommendation.ImageOptions!.Driver.ToXml().Contains("metadata_cache", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cluster_size_is_carried_by_the_image_and_by_nova_only_through_a_qcow2_base_image()
    {
        var lines = ImageOptionsAdvice.Carriers(With("qcow2-metadata/none/native", BigClusters with { ExtendedL2 = true }), 512L << 30);

        Assert.Contains("image layout: qemu-img create -f qcow2 -o cluster_size=2M,extended_l2=on IMAGE SIZE", lines[0], StringComparison.Ordinal);
        Assert.Contains("force_raw_images = False", lines[1], StringComparison.Ordinal);
        Assert.Contains("nova never sets extended_l2", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void A_whole_image_metadata_cache_is_sized_for_the_image_and_compared_with_QEMUs_default()
    {
        var plain = ImageOptionsAdvice.Carriers(With("qcow2-metadata/none/native", WholeCache), 512L << 30);
        var extended = ImageOptionsAdvice.Carriers(With("qcow2-metadata/none/native", WholeCache with { ClusterSize = 2 << 20, ExtendedL2 = true }), 512L << 30);
        var small = ImageOptionsAdvice.Carriers(With("qcow2-metadata/none/native", WholeCache), 512L << 20);
        var unsized = ImageOptionsAdvice.Carriers(With("qcow2-metadata/none/native", WholeCache), null);

        // 512 GiB / 64 KiB × 8 bytes = 64 MiB of L2 tables + 4 clusters; QEMU's 32 MiB default covers 256 GiB at 64 KiB
        Assert.Equal("metadata cache: libvirt >= 7.0.0 <driver><metadata_cache><max_size unit='bytes'>…</max_size></metadata_cache></driver> (QEMU's cache-size), " +
                     "sized per image as (virtual size / cluster size × 8 bytes, rounded up to whole clusters) + 4 clusters: 67371008 bytes for the 512 GiB image measured; " +
                     "QEMU's default already covers images up to 256 GiB at this cluster size; " +
                     "nova has no setting for it: apply it to the domains (kvmtune apply) and again after nova regenerates their XML (hard reboot, migration)", plain[0]);
        // extended L2: 16 bytes per cluster; at 2 MiB clusters 32 MiB covers 4 TiB
        Assert.Contains("(virtual size / cluster size × 16 bytes, rounded up to whole clusters) + 4 clusters: ", extended[0], StringComparison.Ordinal);
        Assert.Contains("QEMU's default already covers images up to 4096 GiB at this cluster size", extended[0], StringComparison.Ordinal);
        Assert.Contains(" bytes for the 512 MiB image measured;", small[0], StringComparison.Ordinal);
        Assert.Contains("+ 4 clusters: the L2 tables of the image plus four clusters;", unsized[0], StringComparison.Ordinal);
    }

    [Fact]
    public void A_cluster_size_without_extended_L2_is_carried_by_nova_through_create_cow_image()
    {
        var lines = ImageOptionsAdvice.Carriers(With("qcow2-metadata/none/native", BigClusters), null);

        Assert.Equal(
        [
            "image layout: qemu-img create -f qcow2 -o cluster_size=2M IMAGE SIZE (fixed when the image is created; qemu-img convert -O qcow2 -o cluster_size=2M to change an image)",
            "nova: its qcow2 instance disks inherit the base image's cluster size (create_cow_image) when [DEFAULT] force_raw_images = False and the Glance image is a qcow2 created with it",
        ], lines);
    }

    [Theory]
    [InlineData("discard=unmap,detect_zeroes=unmap", "unmap")]
    [InlineData("detect_zeroes=unmap", "on")]
    public void Discard_goes_through_libvirt_and_nova_and_detect_zeroes_through_libvirt_only(string options, string qemuDetectZeroes)
    {
        var parsed = ImageOptions.Parse(options)!;

        var lines = ImageOptionsAdvice.Carriers(With("qcow2-metadata/none/native", parsed), null);

        Assert.Equal(parsed.Discard is not null, lines.Contains("discard: libvirt >= 1.0.6 <driver discard='unmap'/>; nova: [libvirt] hw_disk_discard = unmap"));
        Assert.Contains($"detect_zeroes: libvirt >= 2.0.0 <driver detect_zeroes='unmap'/> (QEMU detect-zeroes={qemuDetectZeroes}); nova has no setting for it", lines);
    }

    [Fact]
    public void Options_win_on_the_geometric_mean_of_their_ratios_and_the_sentence_lists_each_profile_they_beat()
    {
        // Given whole-cache 2x in reads and equal in writes, and 2M clusters 1.5x in both: the geometric means are
        // 1.41 and 1.5, so 2M clusters win although whole-cache has the largest single gain
        var whole = With("qcow2-metadata/none/native", WholeCache);
        var big = With("qcow2-metadata/none/native", BigClusters);
        var plain = C("qcow2-metadata/none/native");
        List<SubjectResult> results =
        [
            R(plain, "randread-4k-qd32", 10_000, 100), R(whole, "randread-4k-qd32", 20_000, 100), R(big, "randread-4k-qd32", 15_000, 100),
            R(plain, "randwrite-4k-qd32", 10_000, 100), R(whole, "randwrite-4k-qd32", 10_000, 100), R(big, "randwrite-4k-qd32", 15_000, 100),
        ];

        var advice = ImageOptionsAdvice.Recommend(results, plain, null)!;

        Assert.Equal(BigClusters, advice.Candidate.Options);
        Assert.Equal("image options cluster_size=2M beat the defaults of qcow2-metadata/none/native outside the intervals: " +
                     "randread-4k-qd32 1.5× [14.9k–15.1k vs 9.9k–10.1k IOPS], randwrite-4k-qd32 1.5× [14.9k–15.1k vs 9.9k–10.1k IOPS]", advice.Sentence);
    }

    [Fact]
    public void Touching_intervals_neither_beat_nor_lose()
    {
        var plain = C("qcow2-metadata/none/native");
        var gain = new OptionGain("randread-4k-qd32", With("qcow2-metadata/none/native", WholeCache), plain, 1.1, new Statistic(110, 100, 120, 0, 5), new Statistic(100, 90, 100, 0, 5));
        var loss = gain with { Basis = new Statistic(90, 80, 100, 0, 5), ReferenceBasis = new Statistic(110, 100, 120, 0, 5) };

        Assert.False(gain.Beats);
        Assert.False(loss.Loses);
        Assert.True((gain with { ReferenceBasis = new Statistic(100, 90, 99.9, 0, 5) }).Beats);
    }

    [Fact]
    public void Only_rankable_qemu_results_with_a_measured_default_are_compared()
    {
        var whole = With("qcow2-metadata/none/native", WholeCache);
        var plain = C("qcow2-metadata/none/native");
        List<SubjectResult> results =
        [
            R(plain, "randread-4k-qd32", 10_000, 100),
            R(whole, "randread-4k-qd32", 20_000, 100),
            R(whole, "randwrite-4k-qd32", 20_000, 100), // no default measured in writes
            R(whole, "randwrite-4k-qd32", 20_000, 100) with { Engine = Engine.Guest },
            R(with: "qcow2-metadata/none/threads", WholeCache, "randread-4k-qd32", 30_000) with { HarnessBound = true },
            R(C("qcow2-metadata/none/threads"), "randread-4k-qd32", 10_000, 100),
        ];

        var gain = Assert.Single(ImageOptionsAdvice.Compare(results));

        Assert.Equal((whole, plain, 2.0), (gain.Candidate, gain.Reference, gain.Ratio));
    }

    private static SubjectResult R(string with, ImageOptions options, string profile, double iops) => R(With(with, options), profile, iops, 100);
}
