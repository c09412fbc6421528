using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Tests.Decisions;

public class RaceTests
{
    private static (Candidate, Statistic) C(CacheMode cache, IoMode io, double median, double low, double high, Backend backend = Backend.RawPrealloc) =>
        (new Candidate(backend, cache, io), new Statistic(median, low, high, 0.05, 3));

    [Fact]
    public void A_clear_winner_leaves_nothing_to_race()
    {
        // Given a best candidate far ahead of every other
        (Candidate, Statistic)[] stats =
        [
            C(CacheMode.None, IoMode.Native, 120_000, 110_000, 130_000),
            C(CacheMode.Directsync, IoMode.Native, 60_000, 55_000, 66_000),
            C(CacheMode.None, IoMode.Threads, 40_000, 36_000, 44_000),
        ];

        Assert.Empty(Race.SelectContenders(stats, 1_000_000));
    }

    [Fact]
    public void A_safer_winner_whose_margin_is_not_yet_settled_races_with_the_best()
    {
        // Given none/native best at 120k [105k–135k] and the safer directsync/native at 100k [88k–113k]: none/native is
        // 1.2× [1.0×–1.44×] as fast, so not surely more than 10% faster: directsync wins for now, but 1.1× lies within
        // that interval and more repeats may decide either way
        (Candidate, Statistic)[] stats =
        [
            C(CacheMode.None, IoMode.Native, 120_000, 105_000, 135_000),
            C(CacheMode.Directsync, IoMode.Native, 100_000, 88_000, 113_000),
            C(CacheMode.None, IoMode.Threads, 40_000, 36_000, 44_000),
        ];

        Assert.Equal([0, 1], Race.SelectContenders(stats, 1_000_000));
    }

    [Fact]
    public void A_safer_candidate_surely_slower_by_more_than_the_margin_does_not_race()
    {
        // Given none/native at 120k [105k–135k] and directsync/native at 85k [75k–96k]: none is 1.41× [1.18×–1.69×] as
        // fast, surely more than 10%: directsync is beaten and more repeats would not change that
        (Candidate, Statistic)[] stats =
        [
            C(CacheMode.None, IoMode.Native, 120_000, 105_000, 135_000),
            C(CacheMode.Directsync, IoMode.Native, 85_000, 75_000, 96_000),
            C(CacheMode.None, IoMode.Threads, 40_000, 36_000, 44_000),
        ];

        Assert.Empty(Race.SelectContenders(stats, 1_000_000));
    }

    [Fact]
    public void A_candidate_near_the_border_that_would_lose_the_tie_break_anyway_does_not_race()
    {
        // Given the same gap, but for writeback, which none beats in the tie-break
        (Candidate, Statistic)[] stats =
        [
            C(CacheMode.None, IoMode.Native, 120_000, 105_000, 135_000),
            C(CacheMode.Writeback, IoMode.Threads, 85_000, 75_000, 96_000),
        ];

        Assert.Empty(Race.SelectContenders(stats, 1_000_000));
    }

    [Fact]
    public void A_winner_that_is_in_the_tie_by_a_hair_races_with_the_best()
    {
        // Given writeback best at 170k [150k–193k] and none/native at 130k [112k–151k]: tied by a hair, and the winner
        (Candidate, Statistic)[] stats =
        [
            C(CacheMode.Writeback, IoMode.IoUring, 170_000, 150_000, 193_000),
            C(CacheMode.None, IoMode.Native, 130_000, 112_000, 151_000),
        ];

        Assert.Equal([0, 1], Race.SelectContenders(stats, 1_000_000));
    }

    [Fact]
    public void Harness_bound_candidates_never_contend_and_the_best_below_them_is_the_yardstick()
    {
        // Given a page-cache candidate at 900k near the 1M null-co ceiling (harness-bound), none/native at 120k and a
        // directsync candidate whose margin to it is not settled
        (Candidate, Statistic)[] stats =
        [
            C(CacheMode.Unsafe, IoMode.IoUring, 900_000, 800_000, 1_000_000),
            C(CacheMode.None, IoMode.Native, 120_000, 105_000, 135_000),
            C(CacheMode.Directsync, IoMode.Native, 100_000, 88_000, 113_000),
        ];

        Assert.Equal([1, 2], Race.SelectContenders(stats, 1_000_000));
    }

    [Fact]
    public void Unmeasured_candidates_are_ignored()
    {
        (Candidate, Statistic)[] stats = [(new Candidate(Backend.RawPrealloc, CacheMode.None, IoMode.Native), new Statistic(0, 0, 0, 0, 0)), C(CacheMode.Directsync, IoMode.Native, 120_000, 105_000, 135_000)];

        Assert.Empty(Race.SelectContenders(stats, 0));
    }

    [Fact]
    public void A_winner_in_the_tie_only_by_its_wide_interval_races_with_the_reference()
    {
        // Given none/native well measured at 142k [127k–158k] and a safer directsync/io_uring at 110k with a wide
        // interval [80k–150k]: it ties only because its interval is wide, and it wins the tie
        (Candidate, Statistic)[] stats =
        [
            C(CacheMode.None, IoMode.Native, 142_000, 127_000, 158_000),
            C(CacheMode.Directsync, IoMode.IoUring, 110_000, 80_000, 150_000),
        ];

        Assert.Equal([0, 1], Race.SelectContenders(stats, 1_000_000));
    }

    [Fact]
    public void A_winner_surely_within_the_margin_does_not_race()
    {
        // Given a safer directsync/native measured to ±5% at the reference's speed (±3.5%): the ratio 1.01× [0.94×–1.07×]
        // is surely within the 10% margin, and io_uring behind it loses the tie-break to it anyway
        (Candidate, Statistic)[] stats =
        [
            C(CacheMode.None, IoMode.Native, 142_000, 137_000, 147_000),
            C(CacheMode.Directsync, IoMode.Native, 140_000, 133_000, 147_000),
            C(CacheMode.Directsync, IoMode.IoUring, 110_000, 80_000, 150_000),
        ];

        Assert.Empty(Race.SelectContenders(stats, 1_000_000));
    }

    [Fact]
    public void In_a_noisy_run_the_winner_races_until_it_and_the_reference_are_precise()
    {
        // Given every interval at about ±30%: directsync/threads "ties" with a median inside the reference's interval
        (Candidate, Statistic)[] stats =
        [
            C(CacheMode.None, IoMode.Native, 110_000, 84_000, 144_000),
            C(CacheMode.Directsync, IoMode.Threads, 87_000, 66_000, 115_000),
        ];

        Assert.Equal([0, 1], Race.SelectContenders(stats, 1_000_000));
    }
    [Fact]
    public void A_race_round_runs_the_contenders_below_the_cap_with_the_reference_beyond_it()
    {
        // Given the reference (index 4) at 20 repeats, one contender at the cap of 16 and two below it
        int[] repeats = [16, 9, 0, 3, 20];

        // Then the two below the cap race, paired with the reference
        Assert.Equal([4, 1, 3], Race.Round([4, 0, 1, 3], i => repeats[i], 16));
    }

    [Fact]
    public void A_race_ends_when_every_contender_but_the_reference_reached_the_cap()
    {
        int[] repeats = [16, 17, 4];

        // The reference alone, however few its repeats, has no one left to be compared with
        Assert.Empty(Race.Round([2, 0, 1], i => repeats[i], 16));
        Assert.Empty(Race.Round([], i => repeats[i], 16));
    }
    [Fact]
    public void A_simpler_candidate_in_the_overall_tie_by_its_width_alone_races_in_every_profile()
    {
        // Given none/native best in both profiles, and none/threads (simpler, so it would win a tie) equal in reads but
        // 15% behind in writes with a wide write interval: overall 0.91 [0.86–0.97] against 1.00 [0.97–1.04]
        IReadOnlyList<(Candidate, Statistic)> reads =
        [
            C(CacheMode.None, IoMode.Native, 100_000, 95_000, 105_000),
            C(CacheMode.None, IoMode.Threads, 98_000, 93_000, 103_000),
            C(CacheMode.Directsync, IoMode.Native, 50_000, 47_000, 53_000),
        ];
        IReadOnlyList<(Candidate, Statistic)> writes =
        [
            C(CacheMode.Directsync, IoMode.Native, 30_000, 28_000, 32_000),
            C(CacheMode.None, IoMode.Threads, 85_000, 75_000, 96_000),
            C(CacheMode.None, IoMode.Native, 100_000, 95_000, 105_000),
        ];

        var chosen = Race.SelectOverallContenders([(1, reads), (1, writes)]);

        // Then the overall reference and none/threads race in both profiles (indexes in each profile's own list)
        Assert.Equal([0, 1], chosen[0]);
        Assert.Equal([2, 1], chosen[1]);
    }

    [Fact]
    public void An_overall_decision_that_is_settled_or_about_one_profile_adds_no_race()
    {
        IReadOnlyList<(Candidate, Statistic)> reads =
        [
            C(CacheMode.None, IoMode.Native, 100_000, 95_000, 105_000),
            C(CacheMode.None, IoMode.Threads, 98_000, 93_000, 103_000),
        ];
        IReadOnlyList<(Candidate, Statistic)> writes =
        [
            C(CacheMode.None, IoMode.Native, 100_000, 95_000, 105_000),
            C(CacheMode.None, IoMode.Threads, 60_000, 57_000, 63_000),
        ];

        // none/threads is 0.77 overall, far outside the tie: nothing is open
        Assert.All(Race.SelectOverallContenders([(1, reads), (1, writes)]), Assert.Empty);
        // One weighted profile: its own race decides
        Assert.All(Race.SelectOverallContenders([(1, reads), (1, [])]), Assert.Empty);
    }

    [Theory]
    [InlineData(1.3, 1.05, 1.35, true)] // faster than the threshold, lower half reaches below it
    [InlineData(1.3, 1.12, 1.9, false)] // faster, lower half above it however wide the upper half
    [InlineData(1.0, 0.99, 1.15, true)] // slower than the threshold, upper half reaches above it
    [InlineData(1.0, 0.7, 1.05, false)] // slower, upper half below it however wide the lower half
    [InlineData(1.1, 1.0, 1.1, true)] // on the threshold with an interval below it
    [InlineData(1.1, 1.1, 1.1, false)] // on the threshold with no interval: nothing more to learn
    [InlineData(1.2, 0, 1.3, false)] // no lower bound: no measurement to go on
    [InlineData(0, 0, 0, false)]
    public void A_pair_is_undecided_while_the_threshold_lies_in_the_half_of_its_interval_that_faces_it(double ratio, double low, double high, bool undecided)
    {
        Assert.Equal(undecided, Race.Undecided(new SpeedRatio(ratio, low, high), 0.1));
    }

    [Fact]
    public void Every_candidate_undecided_against_the_winner_races_not_only_the_reference()
    {
        // Given sparse threads (simplest: the winner), the reference preallocated native and preallocated io_uring, all
        // within about 5% of each other with ±8% intervals: each pair with the winner is undecided
        (Candidate, Statistic)[] stats =
        [
            C(CacheMode.None, IoMode.Threads, 100_000, 92_000, 108_000, Backend.RawSparse),
            C(CacheMode.None, IoMode.Native, 105_000, 97_000, 113_000),
            C(CacheMode.None, IoMode.IoUring, 104_000, 96_000, 112_000),
        ];

        // Then the reference comes first and both others race with it
        Assert.Equal([1, 0, 2], Race.SelectContenders(stats, 1_000_000));
    }

    [Theory]
    [InlineData(117_000, true)] // the winner measured to ±9%: it races on with the reference
    [InlineData(101_000, false)] // the winner measured to ±1%: nothing is open
    public void A_settled_winner_that_is_not_the_reference_races_only_while_measured_loosely(double winnerHigh, bool races)
    {
        // Given sparse threads (the winner) at 100k and the reference preallocated native 4% faster to ±0.5%: the pair
        // is decided (4% is surely within the 10% margin), but the winner's own interval may be loose
        (Candidate, Statistic)[] stats =
        [
            C(CacheMode.None, IoMode.Threads, 100_000, 99_000, winnerHigh, Backend.RawSparse),
            C(CacheMode.None, IoMode.Native, 104_000, 103_500, 104_500),
        ];

        int[] expected = races ? [1, 0] : [];
        Assert.Equal(expected, Race.SelectContenders(stats, 1_000_000));
    }

    [Fact]
    public void With_one_profile_ranked_the_overall_race_adds_nothing_even_when_that_profile_is_open()
    {
        // Given reads whose two candidates are undecided (±30%), and no write ranked
        IReadOnlyList<(Candidate, Statistic)> reads =
        [
            C(CacheMode.None, IoMode.Native, 110_000, 84_000, 144_000),
            C(CacheMode.Directsync, IoMode.Threads, 87_000, 66_000, 115_000),
        ];

        Assert.NotEmpty(Race.SelectContenders(reads, 1_000_000));
        Assert.All(Race.SelectOverallContenders([(1, reads), (1, [])]), Assert.Empty);
        Assert.All(Race.SelectOverallContenders([(1, [])]), Assert.Empty);
    }
}
