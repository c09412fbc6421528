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
}
