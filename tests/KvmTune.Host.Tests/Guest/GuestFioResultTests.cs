using System.Text.Json;
using KvmTune.Host.Guest;

namespace KvmTune.Host.Tests.Guest;

public sealed class GuestFioResultTests
{
    private static string MixedJson => GuestConsole.Read(GuestFixtures.Path("console-mixed-4k-70r-qd16.log")).FioJson!;

    [Fact]
    public void Mixed_job_sums_both_directions_weights_the_medians_and_keeps_the_worst_p99()
    {
        // Given the real fio JSON of a 70% read mixed job run in the guest
        using var document = JsonDocument.Parse(MixedJson);
        var job = document.RootElement.GetProperty("jobs")[0];
        var read = job.GetProperty("read");
        var write = job.GetProperty("write");

        // When it is parsed
        var result = GuestFioResult.Parse(MixedJson);

        // Then IOPS and MB/s add reads and writes; p50 is the IO-weighted mean of the medians, p99 the worse one (µs)
        Assert.Equal(read.GetProperty("iops").GetDouble() + write.GetProperty("iops").GetDouble(), result.Iops, 6);
        Assert.Equal((read.GetProperty("bw_bytes").GetDouble() + write.GetProperty("bw_bytes").GetDouble()) / 1e6, result.MBps, 6);
        double Percentile(System.Text.Json.JsonElement d, string key) => d.GetProperty("clat_ns").GetProperty("percentile").GetProperty(key).GetDouble() / 1000;
        double Ios(System.Text.Json.JsonElement d) => d.GetProperty("total_ios").GetDouble();
        var p50 = ((Percentile(read, "50.000000") * Ios(read)) + (Percentile(write, "50.000000") * Ios(write))) / (Ios(read) + Ios(write));
        Assert.Equal(p50, result.LatencyP50Us!.Value, 6);
        Assert.Equal(Math.Max(Percentile(read, "99.000000"), Percentile(write, "99.000000")), result.LatencyP99Us);
        Assert.True(Ios(read) > Ios(write) && Ios(write) > 0);
        Assert.True(result.LatencyP99Us > result.LatencyP50Us);
        Assert.InRange(result.RuntimeSeconds, 1.9, 2.5);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"fio version\" : \"fio-3.33\"}")]
    [InlineData("{\"jobs\" : []}")]
    public void Output_without_jobs_is_a_clear_failure(string json) =>
        Assert.Throws<GuestException>(() => GuestFioResult.Parse(json));

    [Fact]
    public void A_job_that_reports_an_error_is_a_failure()
    {
        // Given the real JSON with the job's error field set to EIO
        var json = MixedJson.Replace("\"error\" : 0", "\"error\" : 5", StringComparison.Ordinal);

        // Then parsing reports the failing job
        var failure = Assert.Throws<GuestException>(() => GuestFioResult.Parse(json));
        Assert.Contains("mixed-4k-70r-qd16", failure.Message, StringComparison.Ordinal);
    }
}
