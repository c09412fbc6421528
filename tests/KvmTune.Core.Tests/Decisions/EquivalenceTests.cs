using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using static KvmTune.Core.Tests.Decisions.Synthetic;

namespace KvmTune.Core.Tests.Decisions;

/// <summary>The borders of the decisions the advisor and the race share: beaten, harness-bound, rankable, the reference.</summary>
public sealed class EquivalenceTests
{
    [Theory]
    [InlineData(1.10, 0.10, false)] // exactly the margin: not beaten
    [InlineData(1.1000001, 0.10, true)]
    [InlineData(1.05, 0.10, false)]
    [InlineData(1.05, 0.0, true)]
    [InlineData(1.0, 0.0, false)]
    public void A_candidate_is_beaten_only_when_the_ratios_lower_bound_passes_one_plus_the_margin(double low, double margin, bool beats) =>
        Assert.Equal(beats, Equivalence.Beats(new SpeedRatio(2.0, low, 3.0), margin));

    [Fact]
    public void The_speed_ratio_of_independent_statistics_adds_the_facing_half_widths_on_the_log_scale()
    {
        // faster: median 200, interval 180..250; slower: median 100, interval 90..125
        var ratio = SpeedRatio.Of(new Statistic(200, 180, 250, 0, 5), new Statistic(100, 90, 125, 0, 5));

        var below = Math.Sqrt(Math.Pow(Math.Log(200.0 / 180), 2) + Math.Pow(Math.Log(125.0 / 100), 2));
        var above = Math.Sqrt(Math.Pow(Math.Log(250.0 / 200), 2) + Math.Pow(Math.Log(100.0 / 90), 2));
        Assert.Equal(2.0, ratio.Ratio, 9);
        Assert.Equal(2.0 * Math.Exp(-below), ratio.Low, 9);
        Assert.Equal(2.0 * Math.Exp(above), ratio.High, 9);
        Assert.True(ratio.Low < ratio.Ratio && ratio.Ratio < ratio.High);
    }

    [Fact]
    public void A_ratio_from_its_log_centre_and_half_widths_is_the_exponential_of_each()
    {
        var ratio = SpeedRatio.FromLog(Math.Log(1.5), 0.2, 0.3);

        Assert.Equal(1.5, ratio.Ratio, 9);
        Assert.Equal(1.5 * Math.Exp(-0.2), ratio.Low, 9);
        Assert.Equal(1.5 * Math.Exp(0.3), ratio.High, 9);
    }

    [Fact]
    public void A_statistic_without_an_interval_or_a_median_adds_no_width_and_a_zero_median_counts_as_tiny()
    {
        var noInterval = SpeedRatio.Of(new Statistic(200, 0, 0, 0, 1), new Statistic(100, 0, 0, 0, 1));
        Assert.Equal(2.0, noInterval.Low, 9);
        Assert.Equal(2.0, noInterval.High, 9);

        var zeroSlower = SpeedRatio.Of(new Statistic(1, 1, 1, 0, 1), new Statistic(0, 0, 0, 0, 0));
        Assert.Equal(1e9, zeroSlower.Ratio, 3);
        var nanFaster = SpeedRatio.Of(new Statistic(double.NaN, 0, 0, 0, 0), new Statistic(1, 1, 1, 0, 1));
        Assert.Equal(1e-9, nanFaster.Ratio, 12);
    }

    [Fact]
    public void Only_other_candidates_beat_a_candidate()
    {
        // Candidate 0 is faster than the others by half; a candidate's ratio to itself says the same, and does not count.
        var beaten = Equivalence.Beaten(3, (x, c) => x == c || x == 0 ? new SpeedRatio(1.5, 1.4, 1.6) : new SpeedRatio(0.7, 0.6, 0.8), 0.1);

        Assert.Equal([false, true, true], beaten);
    }

    [Fact]
    public void A_candidate_compared_with_itself_is_never_beaten()
    {
        var beaten = Equivalence.Beaten(1, (_, _) => new SpeedRatio(9, 9, 9), 0.1);

        Assert.Equal([false], beaten);
    }

    [Fact]
    public void The_winner_is_the_first_unbeaten_candidate_in_preference_order_and_the_first_when_all_are_beaten()
    {
        Candidate[] candidates =
        [
            new(Backend.RawPrealloc, CacheMode.Writeback, IoMode.IoUring),
            new(Backend.RawPrealloc, CacheMode.None, IoMode.Native),
        ];
        double[] medians = [100, 100];

        // none/native is preferred (safer): it wins unless beaten
        Assert.Equal(1, Equivalence.Winner(2, i => candidates[i], i => medians[i], [false, false]));
        Assert.Equal(0, Equivalence.Winner(2, i => candidates[i], i => medians[i], [false, true]));
        Assert.Equal(1, Equivalence.Winner(2, i => candidates[i], i => medians[i], [true, true]));
        Assert.Equal(-1, Equivalence.Winner(0, i => candidates[i], i => medians[i], []));
    }

    [Theory]
    [InlineData(80, 100, true)] // exactly 80% of the ceiling
    [InlineData(79.99, 100, false)]
    [InlineData(120, 100, true)]
    [InlineData(80, 0, false)] // no ceiling measured
    [InlineData(80, -1, false)]
    public void A_candidate_at_or_above_eighty_percent_of_the_null_co_ceiling_is_harness_bound(double median, double ceiling, bool bound) =>
        Assert.Equal(bound, HarnessBound.Applies(median, ceiling));

    [Theory]
    [InlineData(100, 5, 0, true)]
    [InlineData(100, 0, 0, false)] // no repeat
    [InlineData(0, 5, 0, false)] // no median
    [InlineData(100, 1, 200, true)] // half the ceiling
    [InlineData(100, 1, 125, false)] // exactly 80% of it
    public void A_statistic_is_rankable_when_measured_with_a_positive_median_and_not_harness_bound(double median, int n, double ceiling, bool rankable) =>
        Assert.Equal(rankable, Ranking.Rankable(new Statistic(median, median, median, 0, n), ceiling));

    [Fact]
    public void The_reference_is_the_highest_lower_bound_not_the_highest_median_and_the_first_of_equals()
    {
        Statistic[] bases = [Stat(100, 5), Stat(120, 40), Stat(110, 10), Stat(110, 10)];

        Assert.Equal(2, Ranking.Reference(bases));
        Assert.Equal(-1, Ranking.Reference([]));
        Assert.Equal(0, Ranking.Reference([Stat(100, 5)]));
    }
}
