using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Core.Tests.Decisions;

public class CeilingCheckTests
{
    private const string Rr = "randread-4k-qd32";

    private static Statistic Stat(double median, double half = 2_000) => new(median, median - half, median + half, 0.02, 3);

    private static SubjectResult Host(SubmissionStrategy strategy, double iops) =>
        new(Engine.Host, Subject.CeilingOf(Backend.RawPrealloc, strategy), Rr, Stat(iops), Stat(iops * 4096 / 1e6), 200, 600);

    private static readonly SubmissionStrategy Uring = SubmissionStrategy.Parse("io_uring+batch+fixed")!;

    [Fact]
    public void The_ceiling_is_the_strategy_with_the_highest_median()
    {
        SubjectResult[] results = [Host(SubmissionStrategy.Parse("libaio+batch")!, 69_000), Host(Uring, 80_000), Host(SubmissionStrategy.Parse("io_uring+batch+fixed+jobs2")!, 75_000)];

        var best = CeilingCheck.Best(results, Backend.RawPrealloc, Rr)!;

        Assert.Equal(Uring, CeilingCheck.StrategyOf(best));
        Assert.Single(CeilingCheck.Best(results));
    }

    [Fact]
    public void A_direct_candidate_above_the_ceiling_by_more_than_both_intervals_is_named_with_the_submission_cost_as_why()
    {
        SubjectResult[] results =
        [
            Host(SubmissionStrategy.Parse("libaio+batch")!, 30_000),
            new(Engine.Qemu, S("raw-prealloc/none/native"), Rr, Stat(47_000), Stat(190), null, null),
            new(Engine.Qemu, S("raw-prealloc/none/threads"), Rr, Stat(31_000), Stat(120), null, null),
        ];

        var excess = Assert.Single(CeilingCheck.Excesses(results));

        Assert.Equal(C("raw-prealloc/none/native"), excess.Candidate);
        Assert.Equal(47.0 / 30, excess.Ratio, 3);
        Assert.Contains("the ceiling measured the cost of submitting requests on this host, not the storage's limit", excess.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cached_mode_above_the_ceiling_is_explained_by_the_page_cache_and_skipped_candidates_are_ignored()
    {
        SubjectResult[] results =
        [
            Host(Uring, 60_000),
            new(Engine.Qemu, S("raw-prealloc/writeback/threads"), "randread-4k-qd32", Stat(140_000), Stat(570), null, null),
            new(Engine.Qemu, S("raw-prealloc/writeback/native"), Rr, Statistic.Empty, Statistic.Empty, null, null) { SkippedCode = "KT001" },
        ];

        var excess = Assert.Single(CeilingCheck.Excesses(results));

        Assert.Equal("cache='writeback' reads from the host page cache: the host engine reads with O_DIRECT from the storage", excess.Reason);
    }
}
