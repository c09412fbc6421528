using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Rules;
using KvmTune.Core.Tuning;
using static KvmTune.Core.Tests.Decisions.Synthetic;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Core.Tests.Decisions;

/// <summary>
/// Why a result is not ranked (each kind, with the sentence the operator reads), the burst/sustained lines, and the
/// arithmetic of the overall score and ratio (weights, empty profiles, candidates missing from a profile, a zero
/// lower bound).
/// </summary>
public class SetAsideAndBurstTests
{
    private const string RandRead = "randread-4k-qd32";
    private const string RandWrite = "randwrite-4k-qd32";
    private static readonly HostFacts Qemu72 = new() { QemuVersion = new Version(7, 2) };

    public static TheoryData<string, string, string> SetAside => new()
    {
        { "guest-tcg", "functional-only", "measured in a guest under TCG (no usable KVM): a functional check, never ranked" },
        { "guest-kvm", "guest", "guest engine: shown beside the qemu engine, which ranks every candidate with the same harness" },
        { "skipped", "KT001", "cannot start (KT001): skipped" },
        { "harness-bound", "harness-bound", "within 20% of the harness's own null-co ceiling: the harness, not the storage, limits it" },
        { "functional-only", "functional-only", "a functional check only, never ranked" },
        { "no-data", "no-data", "no successful repeat" },
        { "not-a-candidate", "unknown", "not a backend/cache/io candidate" },
    };

    private static SubjectResult Result(string kind) => kind switch
    {
        "guest-tcg" => GuestResult("raw-prealloc/none/threads", RandRead, 5_000, tcg: true),
        "guest-kvm" => GuestResult("raw-prealloc/none/threads", RandRead, 5_000, tcg: false),
        "skipped" => QemuResult("raw-prealloc/none/threads", RandRead, 0, 0) with { Iops = new Statistic(0, 0, 0, 0, 0), SkippedCode = "KT001" },
        "harness-bound" => QemuResult("raw-prealloc/none/threads", RandRead, 900_000, 1_000) with { HarnessBound = true },
        "functional-only" => QemuResult("raw-prealloc/none/threads", RandRead, 5_000, 100) with { FunctionalOnly = true },
        "no-data" => QemuResult("raw-prealloc/none/threads", RandRead, 0, 0) with { Iops = new Statistic(0, 0, 0, 0, 0) },
        "not-a-candidate" => QemuResult("raw-prealloc", RandRead, 5_000, 100),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(SetAside))]
    public void A_result_that_is_not_ranked_says_why(string kind, string code, string reason)
    {
        // Given a candidate measured normally and the result of that kind
        IReadOnlyList<SubjectResult> results = [QemuResult("raw-prealloc/none/native", RandRead, 50_000, 1_000), Result(kind)];

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        // Then it is set aside with that code and sentence, the rationale lists it, and only the normal one is ranked
        var aside = Assert.Single(d.Profiles[0].NotRanked);
        Assert.Equal((code, reason), (aside.Code, aside.Reason));
        Assert.Contains($"not ranked, {code}: {reason}: {results[1].Subject}", d.Rationale);
        Assert.Equal([C("raw-prealloc/none/native")], d.Profiles[0].Ranking.Select(r => r.Candidate));
    }

    [Fact]
    public void The_harness_ceiling_is_set_aside_without_a_rationale_line()
    {
        IReadOnlyList<SubjectResult> results = [QemuResult("raw-prealloc/none/native", RandRead, 50_000, 1_000), QemuResult("null-co", RandRead, 1_000_000, 10_000)];

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        Assert.Equal("harness-ceiling", Assert.Single(d.Profiles[0].NotRanked).Code);
        Assert.DoesNotContain(d.Rationale, l => l.StartsWith("not ranked", StringComparison.Ordinal));
    }

    [Fact]
    public void A_winner_whose_burst_differs_from_its_sustained_figure_says_it_is_ranked_on_the_sustained_one()
    {
        // Given only writeback measured: 105k in burst, 50.5k once the dirty limit is reached
        SubjectResult[] results = [QemuResult("raw-prealloc/writeback/threads", RandWrite, 105_000, 5_000) with { BurstIops = 105_000, SustainedIops = 50_500 }];

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        Assert.Contains(d.Rationale, l => l.StartsWith("randwrite-4k-qd32: raw-prealloc/writeback/threads leads with 50.5k IOPS sustained [95% CI 48.1k–52.9k]", StringComparison.Ordinal));
        Assert.Contains("randwrite-4k-qd32: raw-prealloc/writeback/threads runs at 105k IOPS in burst but 50.5k sustained " +
                        "(the host page cache absorbs writes only until the dirty limit); ranked on the sustained figure", d.Rationale);
    }

    [Fact]
    public void A_winner_measured_without_a_burst_phase_leads_on_its_plain_figure()
    {
        SubjectResult[] results = [QemuResult("raw-prealloc/none/native", RandWrite, 50_000, 2_000)];

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        Assert.Contains("randwrite-4k-qd32: raw-prealloc/none/native leads with 50k IOPS [95% CI 48k–52k]", d.Rationale);
        Assert.DoesNotContain(d.Rationale, l => l.Contains("in burst", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(60_000, true)]
    [InlineData(59_000, false)]
    [InlineData(55_000, false)]
    public void Burst_and_sustained_count_as_different_from_twenty_percent(double burst, bool told)
    {
        // Given none at 50k, and writeback equal sustained with a burst 1.2x, 1.18x or 1.1x its sustained figure
        SubjectResult[] results =
        [
            QemuResult("raw-prealloc/writeback/threads", RandWrite, burst, 2_000) with { BurstIops = burst, SustainedIops = 50_000 },
            QemuResult("raw-prealloc/none/native", RandWrite, 50_000, 2_000),
        ];

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        Assert.Equal(C("raw-prealloc/none/native"), d.Winner);
        Assert.Equal(told, d.Rationale.Any(l => l.Contains("in burst", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_tempting_candidate_named_is_the_one_with_the_highest_burst()
    {
        SubjectResult[] results =
        [
            QemuResult("raw-prealloc/writeback/native", RandWrite, 150_000, 2_000) with { BurstIops = 150_000, SustainedIops = 50_000 },
            QemuResult("raw-prealloc/writeback/threads", RandWrite, 200_000, 2_000) with { BurstIops = 200_000, SustainedIops = 50_000 },
            QemuResult("raw-prealloc/none/native", RandWrite, 50_000, 2_000),
        ];

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        Assert.Equal(C("raw-prealloc/none/native"), d.Winner);
        var burst = Assert.Single(d.Rationale, l => l.Contains("in burst", StringComparison.Ordinal));
        Assert.StartsWith("randwrite-4k-qd32: cache='writeback' (raw-prealloc/writeback/threads) is 4.0× raw-prealloc/none/native in burst", burst, StringComparison.Ordinal);
    }

    [Fact]
    public void A_writethrough_winner_says_it_makes_every_write_durable_against_a_faster_bursting_writeback()
    {
        // Given writethrough and writeback equal sustained, writeback twice as fast in burst: writethrough wins (safer)
        SubjectResult[] results =
        [
            QemuResult("raw-prealloc/writeback/threads", RandWrite, 100_000, 2_000) with { BurstIops = 100_000, SustainedIops = 50_000 },
            QemuResult("raw-prealloc/writethrough/threads", RandWrite, 50_000, 2_000),
        ];

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        Assert.Equal(C("raw-prealloc/writethrough/threads"), d.Winner);
        var burst = Assert.Single(d.Rationale, l => l.Contains("in burst", StringComparison.Ordinal));
        Assert.EndsWith("(the host page cache absorbs writes only until the dirty limit); cache='writethrough' makes every write durable", burst, StringComparison.Ordinal);
    }

    [Fact]
    public void A_direct_winner_against_a_direct_bursting_candidate_claims_nothing_more()
    {
        // Given none ahead of a directsync whose burst differs from its sustained figure (both bypass the page cache)
        SubjectResult[] results =
        [
            QemuResult("raw-prealloc/directsync/threads", RandWrite, 30_000, 500) with { BurstIops = 30_000, SustainedIops = 20_000 },
            QemuResult("raw-prealloc/none/native", RandWrite, 50_000, 500),
        ];

        var d = Advisor.Decide(results, Qemu72, AdvisorConstraints.Default);

        Assert.Equal(C("raw-prealloc/none/native"), d.Winner);
        var burst = Assert.Single(d.Rationale, l => l.Contains("in burst", StringComparison.Ordinal));
        Assert.EndsWith("(the host page cache absorbs writes only until the dirty limit)", burst, StringComparison.Ordinal);
    }

    [Fact]
    public void A_result_with_no_median_keeps_its_statistic_as_basis()
    {
        var result = QemuResult("raw-prealloc/writeback/threads", RandRead, 0, 0) with { SustainedIops = 5_000 };

        Assert.Equal(0, Advisor.Basis(result).Median);
    }

    private static readonly Candidate A = C("raw-prealloc/none/native");
    private static readonly Candidate B = C("raw-prealloc/none/threads");

    private static (double, IReadOnlyList<(Candidate, Statistic)>) Profile(double weight, params (Candidate, Statistic)[] ranking) => (weight, ranking);

    [Fact]
    public void A_profile_without_candidates_does_not_count_in_the_overall_score_or_ratio()
    {
        var profiles = new[] { Profile(1), Profile(1, (A, Stat(100_000, 0)), (B, Stat(50_000, 0))) };

        var scores = Advisor.OverallScores(profiles);
        var ratio = Advisor.OverallRatios(profiles, [A, B])(0, 1);

        Assert.Equal([(A, 1.0), (B, 0.5)], scores.Select(s => (s.Candidate, Math.Round(s.Score, 9))));
        Assert.Equal(2.0, ratio.Ratio, 9);
    }

    [Fact]
    public void A_candidate_missing_from_one_profile_gets_no_overall_score()
    {
        var profiles = new[] { Profile(1, (A, Stat(100_000, 0)), (B, Stat(50_000, 0))), Profile(1, (A, Stat(100_000, 0))) };

        Assert.Equal([A], Advisor.OverallScores(profiles).Select(s => s.Candidate));
    }

    [Fact]
    public void Weights_scale_the_profiles_and_their_intervals_combine_in_quadrature()
    {
        // Given weights 2 and 1, B half of A's speed in the first profile and equal in the second, with uneven intervals
        var a1 = new Statistic(100_000, 90_000, 120_000, 0, 5);
        var b1 = new Statistic(50_000, 45_000, 55_000, 0, 5);
        var a2 = new Statistic(100_000, 95_000, 105_000, 0, 5);
        var b2 = new Statistic(100_000, 80_000, 110_000, 0, 5);
        var profiles = new[] { Profile(2, (A, a1), (B, b1)), Profile(1, (A, a2), (B, b2)) };

        var b = Advisor.OverallScores(profiles).Single(s => s.Candidate == B);
        var ratio = Advisor.OverallRatios(profiles, [A, B])(0, 1);

        // Then B's score is the weighted geometric mean of 0.5 and 1, its interval √Σ(wᵢ·hᵢ)² / Σwᵢ on the log scale
        // below and above apart; A over B likewise, each side adding A's and B's facing half-widths
        static double Log(double x) => Math.Log(x);
        var center = ((2 * Log(0.5)) + Log(1.0)) / 3;
        Assert.Equal(Math.Exp(center), b.Score, 9);
        Assert.Equal(Math.Exp(center - (Math.Sqrt(Math.Pow(2 * Log(50.0 / 45), 2) + Math.Pow(Log(100.0 / 80), 2)) / 3)), b.Low, 9);
        Assert.Equal(Math.Exp(center + (Math.Sqrt(Math.Pow(2 * Log(55.0 / 50), 2) + Math.Pow(Log(110.0 / 100), 2)) / 3)), b.High, 9);
        var below = Math.Sqrt((4 * (Math.Pow(Log(100.0 / 90), 2) + Math.Pow(Log(55.0 / 50), 2))) + Math.Pow(Log(100.0 / 95), 2) + Math.Pow(Log(110.0 / 100), 2)) / 3;
        var above = Math.Sqrt((4 * (Math.Pow(Log(120.0 / 100), 2) + Math.Pow(Log(50.0 / 45), 2))) + Math.Pow(Log(105.0 / 100), 2) + Math.Pow(Log(100.0 / 80), 2)) / 3;
        Assert.Equal(Math.Exp(-center), ratio.Ratio, 9);
        Assert.Equal(Math.Exp(-center - below), ratio.Low, 9);
        Assert.Equal(Math.Exp(-center + above), ratio.High, 9);
    }

    [Fact]
    public void A_lower_bound_of_zero_gives_a_tiny_positive_score_bound_not_zero()
    {
        var profiles = new[] { Profile(1, (A, Stat(100_000, 0)), (B, new Statistic(50_000, 0, 60_000, 0, 5))) };

        var b = Advisor.OverallScores(profiles).Single(s => s.Candidate == B);

        Assert.Equal(1e-9, b.Low, 15);
        Assert.True(b.Low > 0);
    }

    public static TheoryData<string, string, string?, string, string> Exclusions => new()
    {
        { "raw-prealloc/unsafe/threads", "flush", null, "KT010", "cache='unsafe' ignores guest flushes: data loss on host crash (--safety flush)" },
        { "raw-prealloc/none/native", "sync", null, "--safety sync", "cache='none' gives the guest a volatile write cache: a write is durable only after a guest flush (--safety sync keeps writethrough and directsync)" },
        { "raw-prealloc/unsafe/threads", "migration", "7.2", "KT011", "cache='unsafe' is never recommended for migration: guest flushes are ignored (--migration)" },
        { "raw-prealloc/writeback/threads", "migration", "3.1", "KT011", "cache='writeback' is not migration-safe with QEMU 3.1 (QEMU < 4.0 cannot drop the host page cache) (--migration)" },
        { "raw-prealloc/writeback/threads", "migration", null, "KT011", "cache='writeback' is migration-safe only with QEMU >= 4.0 and the QEMU version is unknown (--migration)" },
        { "raw-prealloc/none/native", "snapshots", null, "--snapshots", "raw-prealloc has no internal snapshots (qcow2 has) (--snapshots)" },
    };

    [Theory]
    [MemberData(nameof(Exclusions))]
    public void Each_constraint_excludes_with_its_code_and_the_sentence_the_operator_reads(string candidate, string constraint, string? qemu, string code, string reason)
    {
        var constraints = constraint switch
        {
            "flush" => AdvisorConstraints.Default,
            "sync" => AdvisorConstraints.Default with { Safety = SafetyLevel.Sync },
            "migration" => AdvisorConstraints.Default with { Safety = SafetyLevel.Any, Migration = true },
            _ => AdvisorConstraints.Default with { Snapshots = true },
        };
        var host = qemu is null ? HostFacts.Unknown : new HostFacts { QemuVersion = Version.Parse(qemu) };

        Assert.Equal((code, reason), Advisor.Exclusion(C(candidate), constraints, host));
    }

    [Fact]
    public void A_cached_mode_that_flushes_migrates_on_a_host_that_drops_the_page_cache()
    {
        var constraints = AdvisorConstraints.Default with { Migration = true };

        Assert.Null(Advisor.Exclusion(C("raw-prealloc/writeback/threads"), constraints, Qemu72));
        Assert.Null(Advisor.Exclusion(C("qcow2-sparse/none/native"), AdvisorConstraints.Default with { Snapshots = true }, HostFacts.Unknown));
    }

    [Fact]
    public void A_workload_naming_a_profile_the_run_did_not_measure_lists_the_measured_ones()
    {
        IReadOnlyList<SubjectResult> results = [QemuResult("raw-prealloc/none/native", RandRead, 50_000, 1_000), QemuResult("raw-prealloc/none/native", RandWrite, 40_000, 1_000)];

        var e = Assert.Throws<InputException>(() => Advisor.Decide(results, Qemu72, AdvisorConstraints.Default with { Workload = [new ProfileWeight("seqread-1m-qd8", 1)] }));

        Assert.Equal("--workload: profile 'seqread-1m-qd8' was not measured in this run (measured: randread-4k-qd32, randwrite-4k-qd32)", e.Message);
    }
}
