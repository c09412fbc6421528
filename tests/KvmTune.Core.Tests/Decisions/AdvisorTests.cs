using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Rules;
using static KvmTune.Core.Tests.Decisions.Synthetic;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Core.Tests.Decisions;

public class AdvisorTests
{
    private const string RandRead = "randread-4k-qd32";
    private const string RandWrite = "randwrite-4k-qd32";
    private static readonly HostFacts Qemu72 = new() { QemuVersion = new Version(7, 2), LibvirtVersion = new Version(9, 0) };

    [Fact]
    public void A_clear_winner_is_named_without_a_tie_and_with_its_ratio_to_the_host_ceiling()
    {
        // Given three candidates whose intervals are far apart, and the host ceiling of their backend
        SubjectResult[] results =
        [
            HostResult("raw-prealloc", RandRead, 110_000, 2_000),
            QemuResult("raw-prealloc/none/native", RandRead, 100_000, 2_000),
            QemuResult("raw-prealloc/none/threads", RandRead, 41_000, 1_500),
            QemuResult("raw-prealloc/none/io_uring", RandRead, 70_000, 2_500),
        ];

        // When the advisor decides
        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        // Then the fastest wins alone, ranked first, with 100k/110k of the ceiling
        var p = Assert.Single(d.Profiles);
        Assert.Equal(C("raw-prealloc/none/native"), p.Winner);
        Assert.Equal(Cs("raw-prealloc/none/native"), p.Tie);
        Assert.Null(p.TieBreak);
        Assert.Equal(["raw-prealloc/none/native", "raw-prealloc/none/io_uring", "raw-prealloc/none/threads"], p.Ranking.Select(r => r.Candidate.Id));
        Assert.Equal(100_000.0 / 110_000, p.Ranking[0].RatioToHost!.Value, 6);
        Assert.Equal(0.41, p.Ranking[2].RatioToBest, 6);
        Assert.Equal(C("raw-prealloc/none/native"), d.Winner);
        Assert.Contains(d.Rationale, l => l.StartsWith("randread-4k-qd32: raw-prealloc/none/native leads with 100k IOPS", StringComparison.Ordinal)
                                          && l.Contains("0.91× the host ceiling") && l.Contains("1.4× the first candidate outside the equivalent set, raw-prealloc/none/io_uring"));
    }

    [Fact]
    public void Candidates_within_the_margin_are_equivalent_and_the_safer_one_wins_and_it_is_said_so()
    {
        // Given writeback slightly ahead of none, with overlapping intervals
        SubjectResult[] results =
        [
            QemuResult("qcow2-sparse/writeback/threads", RandWrite, 52_000, 3_000),
            QemuResult("qcow2-sparse/none/threads", RandWrite, 50_000, 3_000),
            QemuResult("qcow2-sparse/writethrough/threads", RandWrite, 9_000, 500),
        ];

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        // Then both are equivalent (writeback is not surely more than 10% faster), none wins on safety although its
        // median is lower, and the rationale says so with the ratio of the fastest to the winner
        var p = Assert.Single(d.Profiles);
        Assert.Equal(Cs("qcow2-sparse/writeback/threads", "qcow2-sparse/none/threads"), p.Tie);
        Assert.Equal(C("qcow2-sparse/none/threads"), p.Winner);
        Assert.Equal("qcow2-sparse/writeback/threads", p.Ranking[0].Candidate.Id);
        Assert.Contains("equivalent within 10%: qcow2-sparse/writeback/threads, qcow2-sparse/none/threads", p.TieBreak);
        Assert.Contains("safer: cache='none' before cache='writeback'", p.TieBreak);
        Assert.Contains(d.Rationale, l => l.Contains("faster than any of them by more than 10% with 95% confidence"));
        Assert.Equal(C("qcow2-sparse/writeback/threads"), p.Fastest);
        Assert.Equal(52.0 / 50, p.FastestOverWinner!.Ratio, 6);
        Assert.InRange(p.FastestOverWinner.Low, 0.85, 1.1);
        Assert.Contains(d.Rationale, l => l.StartsWith("randwrite-4k-qd32: qcow2-sparse/writeback/threads is 1.04× [95% CI", StringComparison.Ordinal)
                                          && l.EndsWith("not faster by more than the 10% margin with confidence, so qcow2-sparse/none/threads stands", StringComparison.Ordinal));
        Assert.Equal(C("qcow2-sparse/none/threads"), d.Winner);
    }

    [Fact]
    public void An_equally_safe_tie_goes_to_the_simpler_candidate()
    {
        // Given native and threads on the same backend, intervals overlapping
        SubjectResult[] results =
        [
            QemuResult("raw-prealloc/none/native", RandRead, 60_500, 4_000),
            QemuResult("raw-prealloc/none/threads", RandRead, 58_000, 4_000),
            QemuResult("qcow2-sparse/none/threads", RandRead, 59_000, 4_000),
        ];

        var p = Assert.Single(Advisor.Decide(results, Qemu72, AdvisorConstraints.Default).Profiles);

        // Then raw with QEMU's default aio (threads) wins: no non-default io, no qcow2 layer
        Assert.Equal(3, p.Tie.Count);
        Assert.Equal(C("raw-prealloc/none/threads"), p.Winner);
        Assert.Contains("equally safe and simpler", p.TieBreak);
    }

    [Fact]
    public void Flush_safety_excludes_the_fastest_unsafe_candidate_with_KT010()
    {
        SubjectResult[] results =
        [
            QemuResult("raw-prealloc/unsafe/threads", RandWrite, 300_000, 10_000),
            QemuResult("raw-prealloc/none/native", RandWrite, 90_000, 3_000),
        ];

        var flush = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);
        var any = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default with { Safety = SafetyLevel.Any });

        var p = Assert.Single(flush.Profiles);
        Assert.Equal(C("raw-prealloc/none/native"), p.Winner);
        var excluded = Assert.Single(p.Excluded);
        Assert.Equal(("raw-prealloc/unsafe/threads", "KT010"), (excluded.Subject.ToString(), excluded.Code));
        Assert.Contains(flush.Rationale, l => l.StartsWith("excluded, KT010:", StringComparison.Ordinal) && l.Contains("raw-prealloc/unsafe/threads"));
        Assert.Equal(C("raw-prealloc/unsafe/threads"), any.Winner);
        Assert.Contains(any.Rationale, l => l.Contains("KT010") && l.Contains("--safety any"));
    }

    [Fact]
    public void Sync_safety_keeps_only_writethrough_and_directsync()
    {
        SubjectResult[] results =
        [
            QemuResult("raw-prealloc/none/native", RandWrite, 90_000, 3_000),
            QemuResult("raw-prealloc/writeback/threads", RandWrite, 95_000, 3_000),
            QemuResult("raw-prealloc/writethrough/threads", RandWrite, 7_000, 300),
            QemuResult("raw-prealloc/directsync/native", RandWrite, 8_000, 300),
        ];

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default with { Safety = SafetyLevel.Sync });

        var p = Assert.Single(d.Profiles);
        Assert.Equal(["raw-prealloc/directsync/native", "raw-prealloc/writethrough/threads"], p.Ranking.Select(r => r.Candidate.Id));
        Assert.All(p.Excluded, e => Assert.Equal("--safety sync", e.Code));
        Assert.Equal(2, p.Excluded.Count);
        Assert.Contains(d.Rationale, l => l.Contains("KT026"));
    }

    [Theory]
    [InlineData("2.12", false)]
    [InlineData("7.2", true)]
    [InlineData(null, false)]
    public void Migration_keeps_cached_modes_only_when_QEMU_drops_the_cache(string? qemu, bool writebackAllowed)
    {
        SubjectResult[] results =
        [
            QemuResult("raw-prealloc/writeback/threads", RandRead, 120_000, 3_000),
            QemuResult("raw-prealloc/none/native", RandRead, 90_000, 3_000),
            QemuResult("raw-prealloc/unsafe/threads", RandRead, 130_000, 3_000),
        ];
        var host = new HostFacts { QemuVersion = qemu is null ? null : Version.Parse(qemu) };

        var d = Advisor.Decide(results, host, AdvisorConstraints.Default with { Migration = true, Safety = SafetyLevel.Any });

        var p = Assert.Single(d.Profiles);
        Assert.Equal(C(writebackAllowed ? "raw-prealloc/writeback/threads" : "raw-prealloc/none/native"), p.Winner);
        Assert.Contains(p.Excluded, e => e.Subject.ToString() == "raw-prealloc/unsafe/threads" && e.Code == "KT011");
        Assert.Equal(!writebackAllowed, p.Excluded.Any(e => e.Subject.ToString() == "raw-prealloc/writeback/threads" && e.Code == "KT011"));
    }

    [Fact]
    public void Snapshots_keep_only_qcow2_backends()
    {
        SubjectResult[] results =
        [
            QemuResult("raw-prealloc/none/native", RandRead, 100_000, 3_000),
            QemuResult("loop/none/native", RandRead, 105_000, 3_000),
            QemuResult("qcow2-metadata/none/native", RandRead, 80_000, 3_000),
        ];

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default with { Snapshots = true });

        Assert.Equal(C("qcow2-metadata/none/native"), d.Winner);
        Assert.Equal(2, d.Profiles[0].Excluded.Count(e => e.Code == "--snapshots"));
        Assert.Equal(["file"], d.WinnerBySourceType.Keys);
    }

    [Fact]
    public void Guest_results_under_TCG_are_never_ranked_however_fast()
    {
        SubjectResult[] results =
        [
            GuestResult("raw-prealloc/none/native", RandRead, 1_000_000, tcg: true),
            GuestResult("raw-prealloc/none/threads", RandRead, 900_000, tcg: true),
            QemuResult("raw-prealloc/none/threads", RandRead, 40_000, 1_000),
        ];

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        var p = Assert.Single(d.Profiles);
        Assert.Equal(["raw-prealloc/none/threads"], p.Ranking.Select(r => r.Candidate.Id));
        Assert.Equal(2, p.NotRanked.Count(n => n.Engine == Engine.Guest && n.Code == "functional-only"));
        Assert.Equal(C("raw-prealloc/none/threads"), d.Winner);
        Assert.Contains(d.Rationale, l => l.StartsWith("not ranked, functional-only:", StringComparison.Ordinal));
    }

    [Fact]
    public void Harness_bound_and_skipped_results_are_never_ranked()
    {
        SubjectResult[] results =
        [
            QemuResult("raw-prealloc/unsafe/threads", RandRead, 700_000, 5_000) with { HarnessBound = true },
            QemuResult("raw-prealloc/writeback/native", RandRead, 0, 0) with { SkippedCode = "KT001", Iops = new Statistic(0, 0, 0, 0, 0) },
            QemuResult("raw-prealloc/none/native", RandRead, 100_000, 3_000),
        ];

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default with { Safety = SafetyLevel.Any });

        var p = Assert.Single(d.Profiles);
        Assert.Equal(["raw-prealloc/none/native"], p.Ranking.Select(r => r.Candidate.Id));
        Assert.Contains(p.NotRanked, n => n.Code == "harness-bound" && n.Subject.ToString() == "raw-prealloc/unsafe/threads");
        Assert.Contains(p.NotRanked, n => n.Code == "KT001" && n.Subject.ToString() == "raw-prealloc/writeback/native");
    }

    [Fact]
    public void Weights_change_the_overall_winner()
    {
        // Given A best at random reads and B best at random writes
        SubjectResult[] results =
        [
            QemuResult("raw-prealloc/none/native", RandRead, 100_000, 2_000),
            QemuResult("qcow2-sparse/none/threads", RandRead, 50_000, 2_000),
            QemuResult("raw-prealloc/none/native", RandWrite, 40_000, 1_000),
            QemuResult("qcow2-sparse/none/threads", RandWrite, 80_000, 2_000),
        ];

        var reads = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default with { Workload = AdvisorConstraints.ParseWorkload("randread-4k-qd32=3,randwrite-4k-qd32") });
        var writes = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default with { Workload = AdvisorConstraints.ParseWorkload("randread-4k-qd32,randwrite-4k-qd32=3") });

        Assert.Equal(C("raw-prealloc/none/native"), reads.Winner);
        Assert.Equal(C("qcow2-sparse/none/threads"), writes.Winner);
        // 0.5^(3/4) · 1^(1/4)
        Assert.Equal(Math.Pow(0.5, 0.75), reads.Overall.Single(o => o.Candidate.Id == "qcow2-sparse/none/threads").Score, 6);
        Assert.Contains(reads.Rationale, l => l.StartsWith("overall (randread-4k-qd32=3, randwrite-4k-qd32=1): raw-prealloc/none/native", StringComparison.Ordinal));
    }

    [Fact]
    public void Equal_weights_with_overlapping_scores_tie_overall()
    {
        SubjectResult[] results =
        [
            QemuResult("raw-prealloc/none/native", RandRead, 100_000, 8_000),
            QemuResult("raw-prealloc/none/threads", RandRead, 90_000, 8_000),
            QemuResult("raw-prealloc/none/native", RandWrite, 80_000, 6_000),
            QemuResult("raw-prealloc/none/threads", RandWrite, 84_000, 6_000),
        ];

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        Assert.Equal(2, d.Tie.Count);
        Assert.Equal(C("raw-prealloc/none/threads"), d.Winner);
        Assert.Contains("simpler", d.TieBreak);
    }

    [Fact]
    public void Burst_and_sustained_are_told_apart_and_ranking_uses_the_sustained_figure()
    {
        // Given writeback 2.1x faster than none in burst but equal once the page cache is full
        SubjectResult[] results =
        [
            QemuResult("raw-prealloc/writeback/threads", RandWrite, 105_000, 5_000) with { BurstIops = 105_000, SustainedIops = 50_500 },
            QemuResult("raw-prealloc/none/native", RandWrite, 50_000, 2_000),
        ];

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        var p = Assert.Single(d.Profiles);
        Assert.Equal(50_500, p.Ranking[0].Basis.Median);
        Assert.Equal(C("raw-prealloc/none/native"), p.Winner);
        Assert.Contains(d.Rationale, l => l == "randwrite-4k-qd32: cache='writeback' (raw-prealloc/writeback/threads) is 2.1× raw-prealloc/none/native in burst " +
                                               "but equal sustained (1.01×, intervals overlap) (the host page cache absorbs writes only until the dirty limit); " +
                                               "cache='none' keeps migration safety on any QEMU and host memory out of the IO path");
    }

    [Fact]
    public void A_repeated_sustained_statistic_is_the_ranking_basis_with_its_own_interval()
    {
        // Given writeback reading at 370k from a warm page cache but 90k once the working set no longer fits,
        // with a sustained interval measured from its own repeats
        var sustained = new Statistic(90_000, 80_000, 101_000, 0.05, 3);
        SubjectResult[] results =
        [
            QemuResult("raw-prealloc/writeback/io_uring", RandRead, 370_000, 10_000) with { BurstIops = 370_000, SustainedIops = 90_000, Sustained = sustained },
            QemuResult("raw-prealloc/none/native", RandRead, 120_000, 4_000),
        ];

        // When deciding
        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        // Then none wins on the sustained comparison, writeback's basis is its sustained statistic unscaled,
        // and the rationale says why the burst figure does not count for reads
        var p = Assert.Single(d.Profiles);
        Assert.Equal(C("raw-prealloc/none/native"), p.Winner);
        var writeback = p.Ranking.Single(r => r.Candidate.Id == "raw-prealloc/writeback/io_uring");
        Assert.Equal(sustained, writeback.Basis);
        Assert.False(writeback.Tied);
        Assert.Contains(d.Rationale, l => l.StartsWith("randread-4k-qd32: cache='writeback' (raw-prealloc/writeback/io_uring) is 3.1× raw-prealloc/none/native in burst but 0.75× sustained " +
                                                       "(reads hit the host page cache only while the working set fits in the host's memory)", StringComparison.Ordinal));
    }

    [Fact]
    public void A_workload_profile_that_was_not_measured_is_bad_input()
    {
        SubjectResult[] results = [QemuResult("raw-prealloc/none/native", RandRead, 100_000, 3_000)];

        var e = Assert.Throws<InputException>(() =>
            Advisor.Decide(results, Qemu72, AdvisorConstraints.Default with { Workload = [new ProfileWeight("seqread-1m-qd8", 1)] }));

        Assert.Equal("--workload: profile 'seqread-1m-qd8' was not measured in this run (measured: randread-4k-qd32)", e.Message);
    }

    [Theory]
    [InlineData("randread-4k-qd32=0", "--workload: 'randread-4k-qd32=0': the weight must be a positive number")]
    [InlineData("randread-4k-qd32=x", "--workload: 'randread-4k-qd32=x': the weight must be a positive number")]
    [InlineData("=2", "--workload: '=2': missing profile name")]
    [InlineData("a,a", "--workload: profile 'a' is listed twice")]
    public void Malformed_workloads_are_bad_input_naming_the_entry(string text, string message)
    {
        Assert.Equal(message, Assert.Throws<InputException>(() => AdvisorConstraints.ParseWorkload(text)).Message);
    }

    [Fact]
    public void Safety_levels_parse_and_unknown_ones_are_bad_input()
    {
        Assert.Equal(SafetyLevel.Sync, AdvisorConstraints.ParseSafety("sync"));
        Assert.Equal(SafetyLevel.Flush, AdvisorConstraints.ParseSafety(null));
        Assert.Equal("--safety: unknown level 'paranoid' (expected flush, sync or any)",
            Assert.Throws<InputException>(() => AdvisorConstraints.ParseSafety("paranoid")).Message);
    }

    [Fact]
    public void File_and_block_backends_each_get_a_winner()
    {
        SubjectResult[] results =
        [
            QemuResult("loop/none/native", RandRead, 120_000, 3_000),
            QemuResult("loop/none/threads", RandRead, 60_000, 3_000),
            QemuResult("qcow2-sparse/none/threads", RandRead, 50_000, 3_000),
            QemuResult("raw-sparse/none/threads", RandRead, 70_000, 3_000),
        ];

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        Assert.Equal(C("loop/none/native"), d.Winner);
        Assert.Equal(C("loop/none/native"), d.WinnerBySourceType["block"]);
        Assert.Equal(C("raw-sparse/none/threads"), d.WinnerBySourceType["file"]);
    }

    [Fact]
    public void A_less_simple_candidate_displaces_a_simpler_one_only_when_surely_faster_by_the_margin()
    {
        // Given a lucky none/native at 112k with three repeats [92k–138k], directsync/native well measured at 105k
        // [98k–112k], and the simpler directsync/threads at 83k [72k–95k]
        SubjectResult[] results =
        [
            QemuResultWithin("raw-prealloc/none/native", RandRead, 112_000, 92_000, 138_000),
            QemuResultWithin("raw-prealloc/directsync/native", RandRead, 105_000, 98_000, 112_000),
            QemuResultWithin("raw-prealloc/directsync/threads", RandRead, 83_000, 72_000, 95_000),
        ];

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        // Then the fastest is the one most surely fast (directsync/native, highest lower bound), not the lucky wide
        // none/native that ranks first by median; directsync/native is 1.27× [1.09×–1.5×] threads: not surely 10%
        // faster, so the simpler threads stands
        var p = Assert.Single(d.Profiles);
        Assert.Equal("raw-prealloc/none/native", p.Ranking[0].Candidate.Id);
        Assert.Equal(C("raw-prealloc/directsync/native"), p.Fastest);
        Assert.Equal(Cs("raw-prealloc/none/native", "raw-prealloc/directsync/native", "raw-prealloc/directsync/threads"), p.Tie);
        Assert.Equal(C("raw-prealloc/directsync/threads"), p.Winner);
        Assert.InRange(p.FastestOverWinner!.Low, 1.0, 1.1);

        // When the margin is 5%, the same intervals do show directsync/native surely more than 5% faster
        var tight = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default with { Margin = 0.05 });
        Assert.Equal(C("raw-prealloc/directsync/native"), tight.Profiles[0].Winner);
        Assert.DoesNotContain(C("raw-prealloc/directsync/threads"), tight.Profiles[0].Tie);
    }

    [Fact]
    public void Overall_the_ratio_combines_the_profiles_and_a_very_noisy_one_keeps_the_safer_candidate_until_it_is_measured()
    {
        // Given none/native at 100k [93k–107.5k] in both profiles, and directsync/native equal in reads but at 40k
        // [20k–85k] in writes (synced writes on a busy disk are noisy)
        SubjectResult[] results =
        [
            QemuResultWithin("raw-prealloc/none/native", RandRead, 100_000, 93_000, 107_500),
            QemuResultWithin("raw-prealloc/none/native", RandWrite, 100_000, 93_000, 107_500),
            QemuResultWithin("raw-prealloc/directsync/native", RandRead, 100_000, 93_000, 107_500),
            QemuResultWithin("raw-prealloc/directsync/native", RandWrite, 40_000, 20_000, 85_000),
        ];

        // When deciding overall
        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        // Then the scores are the geometric means (directsync 0.63 [..0.92], none 1 [0.95..]), and none is 1.58× as fast
        // overall but with the writes' wide interval only [1.08×..]: not surely more than 10% faster, so the safer
        // directsync stands — the race gives such a pair more repeats until the margin is settled
        var directsync = d.Overall.Single(o => o.Candidate.Id == "raw-prealloc/directsync/native");
        var none = d.Overall.Single(o => o.Candidate.Id == "raw-prealloc/none/native");
        Assert.Equal(0.6325, directsync.Score, 3);
        Assert.Equal(0.9236, directsync.ScoreHigh, 3);
        Assert.Equal(0.9500, none.ScoreLow, 3);
        Assert.True(directsync.Tied);
        Assert.Equal(C("raw-prealloc/directsync/native"), d.Winner);
        Assert.Equal(C("raw-prealloc/none/native"), d.Fastest);
        Assert.Equal(1.581, d.FastestOverWinner!.Ratio, 3);
        Assert.InRange(d.FastestOverWinner.Low, 1.0, 1.1);
        var profiles = new List<(double, IReadOnlyList<(Core.Tuning.Candidate, Statistic)>)>();
        foreach (var p in d.Profiles)
        {
            profiles.Add((p.Weight, [.. p.Ranking.Select(r => (r.Candidate, r.Basis))]));
        }
        Assert.All(Race.SelectOverallContenders(profiles), Assert.NotEmpty);

        // And once the writes are measured to ±10%, none is surely faster overall and wins
        var measured = results.Select(r => r.Profile == RandWrite && r.Subject.ToString() == "raw-prealloc/directsync/native"
            ? r with { Iops = r.Iops with { CiLow = 36_000, CiHigh = 44_000 } } : r).ToList();
        Assert.Equal(C("raw-prealloc/none/native"), Advisor.Decide(measured, Qemu72, AdvisorConstraints.Default).Winner);
    }
}

public class RunHostFactsTests
{
    [Theory]
    [InlineData("7.2.0", "7.2.0")]
    [InlineData("QEMU emulator version 7.2.15 (Debian 1:7.2+dfsg-7+deb12u12)", "7.2.15")]
    [InlineData("unknown", null)]
    public void Versions_are_read_from_tool_output(string text, string? expected)
    {
        Assert.Equal(expected is null ? null : Version.Parse(expected), RunHostFacts.ParseVersion(text));
    }

    [Fact]
    public void A_runs_qemu_version_decides_migration_safety()
    {
        var facts = RunHostFacts.From([new(KvmTune.Core.Measurement.HostFactKeys.QemuVersion, "3.1.0"), new(KvmTune.Core.Measurement.HostFactKeys.LibvirtVersion, "9.0.0")]);

        Assert.False(facts.MigrationDropsCache);
        Assert.Equal(new Version(9, 0, 0), facts.LibvirtVersion);
    }
}

public class HarnessCeilingTests
{
    [Fact]
    public void The_null_co_ceiling_is_neither_ranked_nor_listed_as_a_harness_bound_candidate()
    {
        SubjectResult[] results =
        [
            Synthetic.QemuResult("null-co", "randread-4k-qd32", 800_000, 10_000) with { HarnessBound = true },
            Synthetic.QemuResult("raw-prealloc/none/native", "randread-4k-qd32", 100_000, 3_000),
        ];

        var d = Advisor.Decide(results, HostFacts.Unknown, AdvisorConstraints.Default);

        var aside = Assert.Single(d.Profiles[0].NotRanked);
        Assert.Equal(("null-co", "harness-ceiling"), (aside.Subject.ToString(), aside.Code));
        Assert.DoesNotContain(d.Rationale, l => l.Contains("null-co"));
        Assert.Equal(C("raw-prealloc/none/native"), d.Winner);
    }

}
