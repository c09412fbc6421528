using KvmTune.Core.Measurement;

namespace KvmTune.Core.Tests.Measurement;

public class HostLoadTests
{
    [Fact]
    public void A_load_above_half_the_cores_before_or_after_is_a_busy_host_and_the_report_says_so()
    {
        var load = HostLoad.From([new(HostFactKeys.Cores, "2"), new(HostFactKeys.LoadBefore, "0.40 0.50 0.60"), new(HostFactKeys.LoadAfter, "10.17 11.91 22.67")]);

        Assert.True(load.Busy);
        Assert.StartsWith("The host was busy: load average 0.40 0.50 0.60 before measuring, 10.17 11.91 22.67 after on 2 cores", load.Sentence, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quiet_host_is_said_to_be_quiet_and_an_unrecorded_load_says_nothing()
    {
        Assert.False(HostLoad.From([new(HostFactKeys.Cores, "2"), new(HostFactKeys.LoadBefore, "0.20 0.30 0.40"), new(HostFactKeys.LoadAfter, "0.90 0.50 0.40")]).Busy);
        Assert.Null(HostLoad.From([]).Sentence);
    }

    [Theory]
    [InlineData("0.52 0.58 0.59 1/467 12345", new[] { 0.52, 0.58, 0.59 })]
    [InlineData("27.31 31.10 31.00", new[] { 27.31, 31.10, 31.00 })]
    [InlineData("garbage", new double[0])]
    [InlineData("", new double[0])]
    public void Proc_loadavg_and_the_stored_fact_parse_to_three_numbers(string text, double[] expected) =>
        Assert.Equal(expected, HostLoad.Parse(text));
}
