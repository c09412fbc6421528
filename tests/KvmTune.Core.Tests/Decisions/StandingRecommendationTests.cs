using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Rules;
using KvmTune.Core.Tuning;
using static KvmTune.Core.Tests.Decisions.Synthetic;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Core.Tests.Decisions;

/// <summary>
/// What a standing recommendation does in each case, and what the rationale tells the operator about it: kept as the
/// fastest of an equivalent set, kept alone, replaced by one or by several candidates, absent from the run, or facing
/// a run with nothing rankable; and that the overall winner is its own source type's winner.
/// </summary>
public class StandingRecommendationTests
{
    private const string RandRead = "randread-4k-qd32";
    private const string RandWrite = "randwrite-4k-qd32";
    private static readonly HostFacts Qemu72 = new() { QemuVersion = new Version(7, 2) };

    /// <summary>Each candidate at the same IOPS in both profiles, with a ±1% interval unless given.</summary>
    private static IReadOnlyList<SubjectResult> Both(params (string Id, double Iops)[] candidates) =>
    [
        .. candidates.SelectMany(c => new[] { QemuResult(c.Id, RandRead, c.Iops, c.Iops / 100), QemuResult(c.Id, RandWrite, c.Iops, c.Iops / 100) }),
    ];

    private static StandingRecommendation Standing(long run, string overall, IReadOnlyList<SubjectResult> results, AdvisorConstraints? constraints = null) =>
        new(run, Advisor.Decide(results, Qemu72, constraints ?? AdvisorConstraints.Default).Constraints.Signature, C(overall),
            new Dictionary<string, Candidate> { ["file"] = C(overall) });

    [Fact]
    public void The_fastest_candidate_standing_stays_and_the_rationale_names_the_equivalent_set()
    {
        // Given native 4% ahead of the simpler threads (equivalent: threads would win on its own), and native standing
        var results = Both(("raw-prealloc/none/native", 104_000), ("raw-prealloc/none/threads", 100_000));
        var plain = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default, Standing(7, "raw-prealloc/none/native", results));

        // Then native stays, and the operator reads why and what it is equivalent to
        Assert.Equal(C("raw-prealloc/none/threads"), plain.Winner);
        Assert.Equal(C("raw-prealloc/none/native"), d.Winner);
        Assert.True(d.Standing!.Kept);
        Assert.Null(d.Standing.BeatenBy);
        const string Stands = "raw-prealloc/none/native stands: the recommendation of run 7 on this host (same plan, same constraints), and no candidate " +
                              "is faster than it by more than 20% with 95% confidence (equivalent within 10%: raw-prealloc/none/native, raw-prealloc/none/threads); " +
                              "--fresh decides without it";
        Assert.Equal(Stands, d.TieBreak);
        Assert.Contains("overall: " + Stands, d.Rationale);
        Assert.DoesNotContain(d.Rationale, l => l.Contains("is replaced", StringComparison.Ordinal) || l.Contains("is not ranked in this run", StringComparison.Ordinal));
    }

    [Fact]
    public void A_standing_candidate_with_no_equivalent_stands_without_a_list()
    {
        var results = Both(("raw-prealloc/none/native", 100_000), ("raw-prealloc/none/threads", 50_000));

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default, Standing(2, "raw-prealloc/none/native", results));

        Assert.Equal("raw-prealloc/none/native stands: the recommendation of run 2 on this host (same plan, same constraints), and no candidate is faster " +
                     "than it by more than 20% with 95% confidence; --fresh decides without it", d.TieBreak);
    }

    [Fact]
    public void One_candidate_beating_the_standing_one_replaces_it_and_says_so()
    {
        // Given threads standing, and native 1.5x faster: beyond the 20% switching margin
        var results = Both(("raw-prealloc/none/native", 150_000), ("raw-prealloc/none/threads", 100_000));

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default, Standing(3, "raw-prealloc/none/threads", results));

        Assert.Equal(C("raw-prealloc/none/native"), d.Winner);
        Assert.Equal("raw-prealloc/none/native replaces raw-prealloc/none/threads, the recommendation of run 3 on this host: faster than it by more than " +
                     "20% with 95% confidence", d.TieBreak);
        var (by, ratio) = d.Standing!.BeatenBy!.Value;
        Assert.Equal(C("raw-prealloc/none/native"), by);
        Assert.Equal(1.5, ratio.Ratio, 6);
    }

    [Fact]
    public void Of_several_candidates_beating_the_standing_one_the_first_unbeaten_in_preference_order_replaces_it()
    {
        // Given threads on a sparse image standing at 100k; native on the same image (simpler than preallocated) at 130k
        // and native on a preallocated image at 200k: both beat the standing one by more than 20%, and the
        // preallocated one also beats the sparse native by more than the 10% margin
        var results = Both(("raw-sparse/none/threads", 100_000), ("raw-sparse/none/native", 130_000), ("raw-prealloc/none/native", 200_000));

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default, Standing(5, "raw-sparse/none/threads", results));

        // Then the replacement is the preallocated one: the simpler sparse native comes first in preference order but
        // is beaten itself, so the configuration changes to one that nothing in this run beats
        Assert.Equal(C("raw-prealloc/none/native"), d.Winner);
        Assert.False(d.Standing!.Kept);
        Assert.Equal("raw-prealloc/none/native replaces raw-sparse/none/threads, the recommendation of run 5 on this host: faster than it by more than 20% " +
                     "with 95% confidence (so are raw-sparse/none/native; chosen in the usual order: safety, simplicity, io interface)", d.TieBreak);
        Assert.Contains(d.Rationale, l => l.StartsWith("overall: the recommendation of run 5, raw-sparse/none/threads, is replaced: raw-prealloc/none/native is faster by 2.00× [", StringComparison.Ordinal)
                                          && l.EndsWith("] (more than 20% with 95% confidence)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_standing_candidate_this_run_did_not_rank_is_not_kept_and_the_rationale_says_so()
    {
        var results = Both(("raw-prealloc/none/native", 100_000), ("raw-prealloc/none/threads", 50_000));

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default, Standing(4, "qcow2-sparse/none/threads", results));

        Assert.Equal(C("raw-prealloc/none/native"), d.Winner);
        Assert.False(d.Standing!.Kept);
        Assert.Null(d.Standing.BeatenBy);
        Assert.Contains("overall: the recommendation of run 4, qcow2-sparse/none/threads, is not ranked in this run", d.Rationale);
        Assert.DoesNotContain(d.Rationale, l => l.Contains(" stands: the recommendation", StringComparison.Ordinal));
    }

    [Fact]
    public void With_nothing_rankable_the_standing_recommendation_is_not_kept()
    {
        // Given only cache='unsafe' measured, which the default safety never ranks, and a standing recommendation
        var results = Both(("raw-prealloc/unsafe/threads", 100_000));

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default, Standing(6, "raw-prealloc/unsafe/threads", results));

        Assert.Null(d.Winner);
        Assert.False(d.Standing!.Kept);
        Assert.Empty(d.Overall);
        Assert.Contains("randread-4k-qd32: nothing rankable (1 excluded by the constraints, 0 not ranked)", d.Rationale);
    }

    [Fact]
    public void The_overall_winner_is_its_own_source_types_winner()
    {
        // Given a block candidate 6% ahead of sparse native, and sparse threads 7% behind it: among files alone native and
        // threads are equivalent and the simpler threads would be chosen, but overall threads is beaten by the block
        // candidate and native (simpler than the block one) wins
        var results = Both(("lvm/none/native", 106_000), ("raw-sparse/none/native", 100_000), ("raw-sparse/none/threads", 93_000));

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        // Then the file recommendation is the overall winner (nova.conf must not contradict the recommendation), and the
        // block one is decided among block candidates
        Assert.Equal(C("raw-sparse/none/native"), d.Winner);
        Assert.Equal(C("raw-sparse/none/native"), d.WinnerBySourceType["file"]);
        Assert.Equal(C("lvm/none/native"), d.WinnerBySourceType["block"]);
    }

    [Fact]
    public void Ranks_count_from_one_and_a_winner_that_is_the_fastest_has_no_ratio_to_the_fastest()
    {
        var results = Both(("raw-prealloc/none/native", 150_000), ("raw-prealloc/none/threads", 100_000));

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        Assert.Equal([1, 2], d.Overall.Select(o => o.Rank));
        Assert.Equal([1, 2], d.Profiles[0].Ranking.Select(r => r.Rank));
        Assert.Equal(C("raw-prealloc/none/native"), d.Fastest);
        Assert.Null(d.FastestOverWinner);
        Assert.Null(d.Profiles[0].FastestOverWinner);
        Assert.DoesNotContain(d.Rationale, l => l.Contains("margin with confidence", StringComparison.Ordinal));
    }

    [Fact]
    public void Equivalent_candidates_get_a_tie_line_per_profile_and_overall_and_the_fastest_is_compared_with_the_winner()
    {
        // Given native 4% ahead of the simpler threads in both profiles
        var results = Both(("raw-prealloc/none/native", 104_000), ("raw-prealloc/none/threads", 100_000));

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        Assert.Equal(C("raw-prealloc/none/threads"), d.Winner);
        foreach (var prefix in new[] { "randread-4k-qd32: ", "randwrite-4k-qd32: ", "overall: " })
        {
            Assert.Contains(d.Rationale, l => l.StartsWith(prefix + "equivalent within 10%: raw-prealloc/none/native, raw-prealloc/none/threads (", StringComparison.Ordinal));
            Assert.Contains(d.Rationale, l => l.StartsWith(prefix + "raw-prealloc/none/native is 1.04× [95% CI ", StringComparison.Ordinal)
                                              && l.EndsWith("] raw-prealloc/none/threads: not faster by more than the 10% margin with confidence, so raw-prealloc/none/threads stands", StringComparison.Ordinal));
        }
        Assert.Contains(d.Rationale, l => l.StartsWith("overall (randread-4k-qd32=1, randwrite-4k-qd32=1): raw-prealloc/none/threads scores 0.96 [", StringComparison.Ordinal)
                                          && l.EndsWith("] (weighted geometric mean of its ratio to each profile's best)", StringComparison.Ordinal));
    }

    [Fact]
    public void Exactly_four_set_aside_candidates_are_all_named()
    {
        IReadOnlyList<SubjectResult> results =
        [
            .. new[] { "raw-prealloc", "raw-sparse", "qcow2-sparse", "qcow2-metadata" }.Select(b => QemuResult($"{b}/unsafe/threads", RandRead, 90_000, 1_000)),
            QemuResult("raw-prealloc/none/threads", RandRead, 50_000, 1_000),
        ];

        var lines = Advisor.Decide(results, HostFacts.Unknown, AdvisorConstraints.Default).Rationale;

        Assert.Contains(lines, l => l.StartsWith("excluded, KT010: ", StringComparison.Ordinal)
                                    && l.EndsWith(": raw-prealloc/unsafe/threads, raw-sparse/unsafe/threads, qcow2-sparse/unsafe/threads, qcow2-metadata/unsafe/threads", StringComparison.Ordinal));
    }
}
