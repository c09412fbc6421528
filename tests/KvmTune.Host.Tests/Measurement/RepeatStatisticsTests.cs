using KvmTune.Host.Measurement;

namespace KvmTune.Host.Tests.Measurement;

public class RepeatStatisticsTests
{
    [Fact]
    public void Median_interval_and_cv_of_tight_repeats()
    {
        // Given five repeats within ±2%
        double[] values = [100_000, 101_000, 99_000, 100_500, 98_500];

        var s = RepeatStatistics.Summarise(values);

        Assert.Equal(100_000, s.Median);
        Assert.Equal(5, s.N);
        Assert.True(s.CiLow <= s.Median && s.Median <= s.CiHigh);
        Assert.True(s.CiLow > 95_000 && s.CiHigh < 105_000, $"interval {s.CiLow}..{s.CiHigh}");
        // CV = sd / mean: sd of these values is 1000 (sample) → 1%
        Assert.Equal(0.01, s.CoefficientOfVariation, 3);
        Assert.False(RepeatStatistics.NeedsMore(values, 10));
    }

    [Fact]
    public void Noisy_repeats_ask_for_more_until_the_cap()
    {
        double[] values = [60_000, 100_000, 140_000];
        var s = RepeatStatistics.Summarise(values);
        Assert.True(s.RelativeHalfWidth > 0.05);
        Assert.True(RepeatStatistics.NeedsMore(values, 10));
        Assert.False(RepeatStatistics.NeedsMore(values, 3));
    }

    [Fact]
    public void Fewer_than_three_repeats_always_need_more()
    {
        Assert.True(RepeatStatistics.NeedsMore([100, 100], 2));
    }

    [Fact]
    public void Even_count_median_is_the_mean_of_the_middle_pair()
    {
        Assert.Equal(2.5, RepeatStatistics.Median([4, 1, 3, 2]));
    }

    [Fact]
    public void Identical_repeats_have_a_zero_width_interval()
    {
        var s = RepeatStatistics.Summarise([5, 5, 5]);
        Assert.Equal((5.0, 5.0, 5.0, 0.0), (s.Median, s.CiLow, s.CiHigh, s.CoefficientOfVariation));
    }

    [Fact]
    public void An_outlier_moves_the_median_less_than_the_mean()
    {
        double[] values = [100, 101, 99, 100, 400];
        var s = RepeatStatistics.Summarise(values);
        Assert.Equal(100, s.Median);
        Assert.Equal(160, values.Average());
        Assert.True(s.CoefficientOfVariation > 0.5);
    }
}
