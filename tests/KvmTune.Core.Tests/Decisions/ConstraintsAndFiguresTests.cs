using KvmTune.Core.Decisions;
using static KvmTune.Tests.Shared.Ids;

namespace KvmTune.Core.Tests.Decisions;

/// <summary>
/// What the advisor's options mean and how its figures read: tests added where mutation testing (scripts/mutation.sh
/// Decisions) found decisions no test checked — the --margin, --safety and --workload parsers, the constraints'
/// signature, the simplicity count and the figure formats.
/// </summary>
public class ConstraintsAndFiguresTests
{
    [Theory]
    [InlineData("10%", 0.10)]
    [InlineData(" 15 % ", 0.15)]
    [InlineData("0.2", 0.2)]
    [InlineData("0", 0.0)]
    [InlineData("1", 1.0)]
    [InlineData("100%", 1.0)]
    public void A_margin_is_a_fraction_or_a_percentage_from_0_to_100(string text, double expected) =>
        Assert.Equal(expected, AdvisorConstraints.ParseMargin(text), 10);

    [Theory]
    [InlineData("ten", "not a number")]
    [InlineData("", "not a number")]
    [InlineData(null, "not a number")]
    [InlineData("NaN", "not a number")]
    [InlineData("Infinity", "not a number")]
    [InlineData("150%", "between 0 and 100%")]
    [InlineData("1.5", "between 0 and 100%")]
    [InlineData("-1%", "between 0 and 100%")]
    public void A_margin_that_is_not_one_is_bad_input_naming_the_option(string? text, string why)
    {
        var e = Assert.Throws<InputException>(() => AdvisorConstraints.ParseMargin(text));
        Assert.StartsWith("--margin ", e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, SafetyLevel.Flush)]
    [InlineData("", SafetyLevel.Flush)]
    [InlineData("flush", SafetyLevel.Flush)]
    [InlineData("sync", SafetyLevel.Sync)]
    [InlineData("any", SafetyLevel.Any)]
    public void Safety_levels_parse_with_flush_the_default(string? text, SafetyLevel expected) =>
        Assert.Equal(expected, AdvisorConstraints.ParseSafety(text));

    [Fact]
    public void An_unknown_safety_level_names_the_ones_there_are()
    {
        var e = Assert.Throws<InputException>(() => AdvisorConstraints.ParseSafety("Flush"));
        Assert.Equal("--safety: unknown level 'Flush' (expected flush, sync or any)", e.Message);
    }

    [Fact]
    public void A_workload_lists_profiles_with_weights_one_by_default_ignoring_spaces_and_empty_entries()
    {
        var weights = AdvisorConstraints.ParseWorkload(" randread-4k-qd32 = 3 ,, randwrite-4k-qd32 ,");
        Assert.Equal([new ProfileWeight("randread-4k-qd32", 3), new ProfileWeight("randwrite-4k-qd32", 1)], weights);
        Assert.Empty(AdvisorConstraints.ParseWorkload("  "));
        Assert.Empty(AdvisorConstraints.ParseWorkload(null));
    }

    [Theory]
    [InlineData("a=0", "the weight must be a positive number")]
    [InlineData("a=-1", "the weight must be a positive number")]
    [InlineData("a=x", "the weight must be a positive number")]
    [InlineData("a=", "the weight must be a positive number")]
    [InlineData("a=NaN", "the weight must be a positive number")]
    [InlineData("=2", "missing profile name")]
    [InlineData("a,b,a=2", "profile 'a' is listed twice")]
    public void A_bad_workload_entry_is_bad_input_naming_it(string text, string why)
    {
        var e = Assert.Throws<InputException>(() => AdvisorConstraints.ParseWorkload(text));
        Assert.StartsWith("--workload: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_signature_tells_every_constraint_apart_but_not_fresh()
    {
        var d = AdvisorConstraints.Default with { Workload = [new ProfileWeight("randread-4k-qd32", 1)] };
        var variants = new[]
        {
            d,
            d with { Safety = SafetyLevel.Sync },
            d with { Migration = true },
            d with { Snapshots = true },
            d with { Workload = [new ProfileWeight("randread-4k-qd32", 2)] },
            d with { Workload = [new ProfileWeight("randwrite-4k-qd32", 1)] },
            d with { Margin = 0.2 },
        };
        Assert.Equal(variants.Length, variants.Select(v => v.Signature).Distinct().Count());
        Assert.Equal(d.Signature, (d with { Fresh = true }).Signature);
        Assert.Equal("safety=flush;migration=False;snapshots=False;workload=randread-4k-qd32=1;margin=0.1", d.Signature);
    }

    [Theory]
    [InlineData("raw-sparse/none/threads", 0)]
    [InlineData("raw-prealloc/none/threads", 1)]
    [InlineData("qcow2-sparse/none/threads", 1)]
    [InlineData("qcow2-metadata/none/threads", 1)]
    [InlineData("qcow2-falloc/none/threads", 2)]
    [InlineData("raw-prealloc/none/native", 2)]
    [InlineData("raw-sparse/none/io_uring", 1)]
    [InlineData("loop/none/threads", 2)]
    [InlineData("loop/none/native", 3)]
    public void Simplicity_counts_each_moving_part_once(string candidate, int expected) =>
        Assert.Equal(expected, TieBreaker.Complexity(C(candidate)));

    [Fact]
    public void The_tie_break_names_the_count_of_non_default_settings_in_words()
    {
        var tie = new[] { C("raw-prealloc/none/threads"), C("raw-prealloc/none/native") };
        var text = TieBreaker.Explain(tie, tie[0], _ => 1000, 0.1);
        Assert.EndsWith("raw-prealloc/none/threads chosen, equally safe and simpler: raw-prealloc with io='threads' (1 non-default setting) before " +
                        "raw-prealloc with io='native' (2 non-default settings)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Preference_order_is_safety_then_simplicity_then_raw_before_qcow2_then_the_older_io()
    {
        var shuffled = new[]
        {
            "qcow2-sparse/none/threads", "raw-prealloc/none/io_uring", "raw-prealloc/none/native", "raw-sparse/writeback/threads",
            "raw-prealloc/none/threads", "raw-prealloc/directsync/io_uring",
        }.Select(C).ToList();
        var order = TieBreaker.InPreferenceOrder(shuffled, c => c, _ => 1000).Select(c => c.Id);
        Assert.Equal(
            ["raw-prealloc/directsync/io_uring", "raw-prealloc/none/threads", "qcow2-sparse/none/threads", "raw-prealloc/none/native",
             "raw-prealloc/none/io_uring", "raw-sparse/writeback/threads"],
            order);
    }

    [Theory]
    [InlineData(1_234_567, "1.23M")]
    [InlineData(1_000_000, "1M")]
    [InlineData(999_999, "1000k")]
    [InlineData(98_230, "98.2k")]
    [InlineData(10_000, "10k")]
    [InlineData(9_999, "10k")]
    [InlineData(1_234, "1.23k")]
    [InlineData(1_000, "1k")]
    [InlineData(512, "512")]
    [InlineData(100, "100")]
    [InlineData(99.44, "99.4")]
    [InlineData(-2_500, "-2.5k")]
    public void Counts_read_with_three_significant_digits(double value, string expected) =>
        Assert.Equal(expected, Figures.Count(value));

    [Theory]
    [InlineData(1.0449, "1.04×")]
    [InlineData(1.0999, "1.10×")]
    [InlineData(1.1, "1.1×")]
    [InlineData(2.14, "2.1×")]
    [InlineData(0.41, "0.41×")]
    public void Ratios_keep_two_decimals_below_1_1_and_one_above(double ratio, string expected) =>
        Assert.Equal(expected, Figures.Ratio(ratio));

    [Theory]
    [InlineData(1.5, "1.5")]
    [InlineData(2, "2")]
    [InlineData(0.125, "0.13")]
    public void Numbers_have_up_to_two_decimals(double value, string expected) =>
        Assert.Equal(expected, Figures.Number(value));
}
