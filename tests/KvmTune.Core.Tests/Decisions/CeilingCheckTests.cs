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

    [Fact]
    public void Only_repeated_host_measurements_of_the_storage_set_a_ceiling_and_equal_medians_go_by_name()
    {
        var jobs2 = SubmissionStrategy.Parse("io_uring+batch+fixed+jobs2")!;
        SubjectResult[] results =
        [
            Host(SubmissionStrategy.Parse("libaio+batch")!, 90_000) with { Iops = new Statistic(90_000, 90_000, 90_000, 0, 0) },
            new(Engine.Qemu, Subject.CeilingOf(Backend.RawPrealloc, Uring), Rr, Stat(95_000), Stat(380), null, null),
            new(Engine.Host, S("raw-prealloc/none/native"), Rr, Stat(99_000), Stat(390), null, null),
            Host(jobs2, 80_000),
            Host(Uring, 80_000),
        ];

        var best = CeilingCheck.Best(results, Backend.RawPrealloc, Rr)!;

        Assert.Equal(Uring, CeilingCheck.StrategyOf(best));
        Assert.Equal(Engine.Host, best.Engine);
    }

    [Fact]
    public void The_ceiling_of_a_backend_and_profile_is_that_backends_in_that_profile()
    {
        SubjectResult[] results =
        [
            Host(Uring, 80_000),
            new(Engine.Host, Subject.CeilingOf(Backend.RawSparse, Uring), Rr, Stat(50_000), Stat(200), 200, 600),
            new(Engine.Host, Subject.CeilingOf(Backend.RawPrealloc, Uring), "randwrite-4k-qd32", Stat(30_000), Stat(120), 200, 600),
        ];

        Assert.Equal(80_000, CeilingCheck.Best(results, Backend.RawPrealloc, Rr)!.Iops.Median);
        Assert.Equal(50_000, CeilingCheck.Best(results, Backend.RawSparse, Rr)!.Iops.Median);
        Assert.Equal(30_000, CeilingCheck.Best(results, Backend.RawPrealloc, "randwrite-4k-qd32")!.Iops.Median);
        Assert.Null(CeilingCheck.Best(results, Backend.Loop, Rr));
        Assert.Equal(SubmissionStrategy.Legacy, CeilingCheck.StrategyOf(new(Engine.Host, S("raw-prealloc/none/native"), Rr, Stat(1), Stat(1), null, null)));
    }

    [Fact]
    public void Only_rankable_qemu_results_clearly_above_a_measured_ceiling_are_excesses()
    {
        SubjectResult[] results =
        [
            Host(Uring, 30_000),
            new(Engine.Host, Subject.CeilingOf(Backend.RawSparse, Uring), Rr, new Statistic(0, 0, 0, 0, 3), Stat(0), 200, 600),
            // the guest engine and a harness-bound candidate are never checked
            new(Engine.Guest, S("raw-prealloc/none/native"), Rr, Stat(60_000), Stat(240), null, null),
            new(Engine.Qemu, S("raw-prealloc/unsafe/native"), Rr, Stat(90_000), Stat(360), null, null) { HarnessBound = true },
            // a ceiling of zero says nothing
            new(Engine.Qemu, S("raw-sparse/none/native"), Rr, Stat(40_000), Stat(160), null, null),
            // a lower bound exactly at the ceiling's upper bound is not above it
            new(Engine.Qemu, S("raw-prealloc/none/threads"), Rr, Stat(36_000, 4_000), Stat(140), null, null),
            new(Engine.Qemu, S("raw-prealloc/none/io_uring"), Rr, Stat(37_000, 4_000), Stat(140), null, null),
        ];

        var excess = Assert.Single(CeilingCheck.Excesses(results));

        Assert.Equal(C("raw-prealloc/none/io_uring"), excess.Candidate);
    }

    [Fact]
    public void The_reason_names_the_page_cache_for_writes_and_sustained_figures_and_the_strategy_for_direct_modes()
    {
        var ceiling = Host(Uring, 30_000);

        Assert.Equal("cache='writeback' writes into the host page cache: the host engine writes with O_DIRECT straight to the storage",
            CeilingCheck.Reason(C("raw-prealloc/writeback/threads"), "randwrite-4k-qd32", ceiling, sustained: false));
        Assert.Equal("cache='writethrough' reads from the host page cache even in the memory-limited sustained measurement: the host engine reads with O_DIRECT from the storage",
            CeilingCheck.Reason(C("raw-prealloc/writethrough/threads"), Rr, ceiling, sustained: true));
        Assert.Equal("QEMU's native submission path did more per system call than the host engine's best strategy (io_uring+batch+fixed): " +
                     "the ceiling measured the cost of submitting requests on this host, not the storage's limit",
            CeilingCheck.Reason(C("raw-prealloc/none/native"), Rr, ceiling, sustained: false));
    }
}
