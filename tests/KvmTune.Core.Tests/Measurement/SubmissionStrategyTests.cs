using KvmTune.Core.Measurement;

namespace KvmTune.Core.Tests.Measurement;

public class SubmissionStrategyTests
{
    [Fact]
    public void A_queue_depth_of_32_on_two_cores_is_measured_libaio_batched_io_uring_batched_and_in_two_jobs()
    {
        var strategies = SubmissionStrategy.For(32, cores: 2, registered: true);

        Assert.Equal(["libaio+batch", "io_uring+batch+fixed", "io_uring+batch+fixed+jobs2"], strategies.Select(s => s.Name));
        Assert.Equal(16, strategies[0].BatchSize(32));
        Assert.Equal((16, 8), (strategies[2].JobDepth(32), strategies[2].BatchSize(32)));
    }

    [Fact]
    public void Without_registered_buffers_or_a_second_core_those_strategies_are_left_out()
    {
        Assert.Equal(["libaio+batch", "io_uring+batch"], SubmissionStrategy.For(32, cores: 1, registered: false).Select(s => s.Name));
    }

    [Fact]
    public void At_queue_depth_1_nothing_is_batched_and_libaio_is_the_legacy_strategy()
    {
        var strategies = SubmissionStrategy.For(1, cores: 8, registered: false);

        Assert.Equal(["libaio", "io_uring"], strategies.Select(s => s.Name));
        Assert.Equal(SubmissionStrategy.Legacy, strategies[0]);
    }

    [Theory]
    [InlineData("libaio")]
    [InlineData("libaio+batch")]
    [InlineData("io_uring+batch+fixed")]
    [InlineData("io_uring+batch+fixed+jobs2")]
    [InlineData("io_uring+jobs4")]
    public void A_name_parses_back_to_the_strategy(string name) =>
        Assert.Equal(name, SubmissionStrategy.Parse(name)!.Name);

    [Theory]
    [InlineData("")]
    [InlineData("spdk")]
    [InlineData("libaio+fixed")]
    [InlineData("io_uring+fixed+batch")]
    [InlineData("io_uring+jobs1")]
    [InlineData("io_uring+batch+batch")]
    public void Text_that_is_no_canonical_strategy_parses_to_nothing(string text) =>
        Assert.Null(SubmissionStrategy.Parse(text));
}
