using KvmTune.Core.Measurement;
using KvmTune.Host.Measurement;

namespace KvmTune.Host.Tests.Measurement;

public class ContenderTests
{
    private static Statistic S(double median, double low, double high) => new(median, low, high, 0.05, 3);

    [Fact]
    public void A_clear_winner_leaves_nothing_to_race()
    {
        // Given a best candidate whose interval no other reaches
        Statistic[] stats = [S(120_000, 110_000, 130_000), S(80_000, 72_000, 88_000), S(40_000, 36_000, 44_000)];

        Assert.Empty(BenchRunner.SelectContenders(stats, 1_000_000));
    }

    [Fact]
    public void A_candidate_overlapping_the_best_with_its_median_outside_races_with_the_best()
    {
        // Given the best at 120k [105k–135k], one at 100k reaching 114k (undecided), one at 118k inside the best's
        // interval (tied whatever comes), and one far below
        Statistic[] stats = [S(100_000, 88_000, 114_000), S(120_000, 105_000, 135_000), S(118_000, 104_000, 132_000), S(50_000, 45_000, 55_000)];

        var contenders = BenchRunner.SelectContenders(stats, 1_000_000);

        Assert.Equal([1, 0], contenders);
    }

    [Fact]
    public void Harness_bound_candidates_never_contend_and_the_best_below_them_is_the_yardstick()
    {
        // Given a page-cache candidate at 900k near the 1M null-co ceiling (harness-bound), the best real one at
        // 120k and an undecided one at 100k
        Statistic[] stats = [S(900_000, 800_000, 1_000_000), S(120_000, 105_000, 135_000), S(100_000, 88_000, 114_000)];

        Assert.Equal([1, 2], BenchRunner.SelectContenders(stats, 1_000_000));
    }

    [Fact]
    public void Unmeasured_candidates_are_ignored()
    {
        Statistic[] stats = [new(0, 0, 0, 0, 0), S(120_000, 105_000, 135_000)];

        Assert.Empty(BenchRunner.SelectContenders(stats, 0));
    }
}
