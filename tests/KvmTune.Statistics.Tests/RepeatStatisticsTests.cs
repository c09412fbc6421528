namespace KvmTune.Statistics.Tests;

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
        Assert.False(RepeatStatistics.NeedsMore(s, 3, 10));
    }

    [Fact]
    public void Noisy_repeats_ask_for_more_until_the_cap()
    {
        double[] values = [60_000, 100_000, 140_000];
        var s = RepeatStatistics.Summarise(values);
        Assert.True(s.RelativeHalfWidth > 0.05);
        Assert.True(RepeatStatistics.NeedsMore(s, 3, 10));
        Assert.False(RepeatStatistics.NeedsMore(s, 3, 3));
    }

    [Fact]
    public void Fewer_than_three_repeats_always_need_more()
    {
        Assert.True(RepeatStatistics.NeedsMore(RepeatStatistics.Summarise([100, 100]), 2, 2));
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

    [Fact]
    public void A_block_of_alike_units_gives_three_repeats_a_usable_interval()
    {
        // Given 20 units of three repeats each with about 8% multiplicative noise
        var random = new Random(7);
        var units = Enumerable.Range(0, 20).Select(i => (IReadOnlyList<double>)[.. Enumerable.Range(0, 3).Select(_ => (50_000 + (i * 5_000)) * Math.Exp(0.08 * Gaussian(random)))]).ToList();

        // When the block is summarised
        var block = RepeatStatistics.SummariseBlock(units);

        // Then every interval holds its median, stays well above 0 and is far narrower than the unit-by-unit one
        for (var i = 0; i < units.Count; i++)
        {
            var s = block[i];
            Assert.Equal(RepeatStatistics.Median(units[i]), s.Median);
            Assert.Equal(3, s.N);
            Assert.True(s.CiLow < s.Median && s.Median < s.CiHigh);
            Assert.InRange(s.RelativeHalfWidth, 0.05, 0.30);
        }
        var alone = units.Select(RepeatStatistics.Summarise).ToList();
        Assert.True(RepeatStatistics.Median(block.Select(s => s.RelativeHalfWidth).ToList()) < RepeatStatistics.Median(alone.Select(s => s.RelativeHalfWidth).ToList()));
    }

    [Fact]
    public void The_block_interval_covers_the_true_median_about_95_percent_of_the_time()
    {
        // Given 400 simulated blocks of 30 units × 3 repeats, each unit with lognormal noise of its own level (5–12%)
        var random = new Random(11);
        int covered = 0, total = 0;
        for (var b = 0; b < 400; b++)
        {
            var sigmas = Enumerable.Range(0, 30).Select(_ => 0.05 + (0.07 * random.NextDouble())).ToList();
            var units = sigmas.Select(sigma => (IReadOnlyList<double>)[.. Enumerable.Range(0, 3).Select(_ => 100_000 * Math.Exp(sigma * Gaussian(random)))]).ToList();
            foreach (var s in RepeatStatistics.SummariseBlock(units))
            {
                total++;
                if (s.CiLow <= 100_000 && 100_000 <= s.CiHigh)
                {
                    covered++;
                }
            }
        }

        // Then coverage is close to the nominal 95% (neither a useless 100% nor an overconfident 85%)
        Assert.InRange(covered / (double)total, 0.93, 0.985);
    }

    [Fact]
    public void A_noisy_unit_keeps_a_wider_interval_than_its_block()
    {
        // Given a block with about 5% noise and one unit spread from 80k to 125k
        List<IReadOnlyList<double>> units = [[100_000, 105_000, 95_000], [80_000, 84_000, 77_000], [60_000, 57_000, 63_000], [70_000, 73_500, 67_000], [80_000, 100_000, 125_000]];

        var block = RepeatStatistics.SummariseBlock(units);

        Assert.True(block[4].RelativeHalfWidth > 1.5 * block[0].RelativeHalfWidth, $"{block[4].RelativeHalfWidth} vs {block[0].RelativeHalfWidth}");
    }

    [Fact]
    public void One_stalled_repeat_does_not_make_its_unit_a_tie_with_everything()
    {
        // Given a block with about 5% noise and one unit whose first repeat stalled at a quarter of its speed
        List<IReadOnlyList<double>> units = [[100_000, 105_000, 95_000], [80_000, 84_000, 77_000], [60_000, 57_000, 63_000], [70_000, 73_500, 67_000], [30_000, 121_000, 119_000]];

        var block = RepeatStatistics.SummariseBlock(units);

        // Then its median ignores the stall and its interval stays within ±35% instead of reaching toward 0
        Assert.Equal(119_000, block[4].Median);
        Assert.InRange(block[4].RelativeHalfWidth, block[0].RelativeHalfWidth, 0.35);
        Assert.True(block[4].CiLow > 0.7 * 119_000, $"low {block[4].CiLow}");
    }

    [Fact]
    public void Small_blocks_and_single_repeats_are_summarised_alone()
    {
        // Given two units only, and a block with one single-repeat unit
        List<IReadOnlyList<double>> two = [[100, 110, 90], [50, 55, 45]];
        List<IReadOnlyList<double>> mixed = [[100, 110, 90], [50, 55, 45], [70, 75, 65], [42]];

        Assert.Equal(two.Select(RepeatStatistics.Summarise), RepeatStatistics.SummariseBlock(two));
        var single = RepeatStatistics.SummariseBlock(mixed)[3];
        Assert.Equal((42.0, 42.0, 42.0, 1), (single.Median, single.CiLow, single.CiHigh, single.N));
    }

    [Fact]
    public void A_drift_of_the_host_between_rounds_is_taken_out()
    {
        // Given ten units measured in three full rounds, then two of them raced alone in six more rounds while the
        // host ran 25% slower; unit 1 is truly 10% slower than unit 0
        var levels = Enumerable.Range(0, 10).Select(i => 100_000.0 - (i * 5_000)).ToList();
        var noise = new Random(3);
        var units = levels.Select((level, i) => Enumerable.Range(0, i < 2 ? 9 : 3)
            .Select(r => (Round: r, Value: level * (r >= 3 ? 0.75 : 1) * Math.Exp(0.02 * Gaussian(noise))))
            .ToList()).ToList();

        // When the rounds' effects are fitted
        var effects = RepeatStatistics.RoundEffects([.. units.Select(u => (IReadOnlyList<(int, double)>)u)]);

        // Then the full rounds are the scale and the race rounds read 25% slow
        for (var r = 0; r < 3; r++)
        {
            Assert.InRange(effects[r], -0.03, 0.03);
        }
        for (var r = 3; r < 9; r++)
        {
            Assert.InRange(Math.Exp(effects[r]), 0.72, 0.78);
        }
        // And the adjusted medians are the units' true levels, not the slow host's
        Assert.InRange(RepeatStatistics.Median(RepeatStatistics.Adjust(units[0], effects)) / levels[0], 0.97, 1.03);
        Assert.InRange(RepeatStatistics.Median(RepeatStatistics.Adjust(units[1], effects)) / levels[1], 0.97, 1.03);
        Assert.InRange(RepeatStatistics.Median([.. units[0].Select(x => x.Value)]) / levels[0], 0.72, 0.80);
    }

    [Fact]
    public void A_round_measured_by_one_unit_alone_is_not_adjusted()
    {
        // Given three units in two full rounds and a third round that only unit 0 ran, far slower
        List<IReadOnlyList<(int, double)>> units =
        [
            [(0, 100_000), (1, 104_000), (2, 50_000)],
            [(0, 80_000), (1, 83_000)],
            [(0, 60_000), (1, 61_000)],
        ];

        var effects = RepeatStatistics.RoundEffects(units);

        // Then that round says nothing about the host apart from the unit itself: its value is kept
        Assert.Equal(0, effects[2]);
        Assert.Equal(50_000, RepeatStatistics.Adjust(units[0], effects)[2], 6);
    }

    [Fact]
    public void One_stalled_repeat_does_not_move_its_round()
    {
        // Given twelve units in three rounds, about 3% noise, and one repeat of round 1 stalled at a quarter
        var noise = new Random(5);
        var units = Enumerable.Range(0, 12).Select(i => (IReadOnlyList<(int, double)>)[.. Enumerable.Range(0, 3)
            .Select(r => (r, (50_000.0 + (i * 4_000)) * (i == 4 && r == 1 ? 0.25 : 1) * Math.Exp(0.03 * Gaussian(noise))))]).ToList();

        var effects = RepeatStatistics.RoundEffects(units);

        // Then no round moves by more than the noise (a mean over twelve units would move round 1 by −12%)
        Assert.All(effects.Values, e => Assert.InRange(e, -0.04, 0.04));
    }

    [Fact]
    public void Raced_units_equal_to_the_others_tie_with_them_despite_the_host_drifting()
    {
        // Given 200 simulated blocks of 30 equally fast units: three full rounds, then ten rounds that race three of
        // them while the host runs 15% faster, every round with its own ±12% host speed and each unit 5–10% noise
        var random = new Random(13);
        int pairs = 0, splitAdjusted = 0, splitRaw = 0;
        List<double> widthAdjusted = [], widthRaw = [];
        for (var b = 0; b < 200; b++)
        {
            var host = Enumerable.Range(0, 13).Select(r => (0.12 * Gaussian(random)) + (r >= 3 ? 0.15 : 0)).ToList();
            var units = Enumerable.Range(0, 30).Select(i =>
            {
                var sigma = 0.05 + (0.05 * random.NextDouble());
                return (IReadOnlyList<(int Round, double Value)>)[.. Enumerable.Range(0, i < 3 ? 13 : 3).Select(r => (r, 100_000 * Math.Exp(host[r] + (sigma * Gaussian(random)))))];
            }).ToList();
            var effects = RepeatStatistics.RoundEffects(units);
            var adjusted = RepeatStatistics.SummariseBlock([.. units.Select(u => RepeatStatistics.Adjust(u, effects))]);
            var raw = RepeatStatistics.SummariseBlock([.. units.Select(u => (IReadOnlyList<double>)[.. u.Select(x => x.Value)])]);
            widthAdjusted.AddRange(adjusted.Select(s => s.RelativeHalfWidth));
            widthRaw.AddRange(raw.Select(s => s.RelativeHalfWidth));
            for (var i = 0; i < 3; i++)
            {
                for (var j = 3; j < 30; j++)
                {
                    pairs++;
                    splitAdjusted += adjusted[i].Overlaps(adjusted[j]) ? 0 : 1;
                    splitRaw += raw[i].Overlaps(raw[j]) ? 0 : 1;
                }
            }
        }

        // Then a raced unit and an unraced one, equally fast, seldom fail to tie once the rounds are adjusted, though
        // the intervals are far narrower (the host's speed is no longer counted as the units' noise); unadjusted, the
        // drift splits them more often
        Assert.True(splitAdjusted / (double)pairs < 0.03, $"adjusted: {splitAdjusted} of {pairs} split");
        Assert.True(splitRaw > 2 * splitAdjusted, $"raw: {splitRaw}, adjusted: {splitAdjusted} of {pairs} split");
        Assert.True(RepeatStatistics.Median(widthAdjusted) < 0.75 * RepeatStatistics.Median(widthRaw), $"±{RepeatStatistics.Median(widthAdjusted):0.000} vs ±{RepeatStatistics.Median(widthRaw):0.000}");
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
