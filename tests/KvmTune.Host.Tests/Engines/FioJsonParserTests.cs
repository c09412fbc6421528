using System.Text.Json;
using KvmTune.Host.Engines;

namespace KvmTune.Host.Tests.Engines;

// Fixtures: fio 3.33 on a 1 GiB preallocated raw file, libaio, direct=1, 3 s, write_iops_log with log_avg_msec=1000.
public class FioJsonParserTests
{
    [Fact]
    public void Random_read_rate_bandwidth_and_latency_percentiles_come_from_the_read_section()
    {
        // Given fio's JSON of a 4k random read at depth 32
        var json = Fixture.Read("fio/randread-4k-qd32.json");
        using var doc = JsonDocument.Parse(json);
        var read = doc.RootElement.GetProperty("jobs")[0].GetProperty("read");

        // When parsed
        var result = FioJsonParser.Parse(json);

        // Then IOPS and bytes are fio's, and latencies are the clat percentiles in microseconds
        Assert.Equal(read.GetProperty("iops").GetDouble(), result.Iops, 3);
        Assert.Equal(read.GetProperty("bw_bytes").GetDouble(), result.BytesPerSecond, 3);
        var percentiles = read.GetProperty("clat_ns").GetProperty("percentile");
        Assert.Equal(percentiles.GetProperty("50.000000").GetDouble() / 1000, result.LatencyP50Us!.Value, 3);
        Assert.Equal(percentiles.GetProperty("99.000000").GetDouble() / 1000, result.LatencyP99Us!.Value, 3);
        Assert.True(result.Seconds is > 2.5 and < 3.5);
    }

    [Fact]
    public void Mixed_workload_adds_both_directions_and_takes_the_worse_p99()
    {
        var json = Fixture.Read("fio/mixed-4k-70r-qd16.json");
        using var doc = JsonDocument.Parse(json);
        var job = doc.RootElement.GetProperty("jobs")[0];
        double Iops(string d) => job.GetProperty(d).GetProperty("iops").GetDouble();
        double P99(string d) => job.GetProperty(d).GetProperty("clat_ns").GetProperty("percentile").GetProperty("99.000000").GetDouble() / 1000;

        var result = FioJsonParser.Parse(json);

        Assert.Equal(Iops("read") + Iops("write"), result.Iops, 3);
        Assert.Equal(Math.Max(P99("read"), P99("write")), result.LatencyP99Us!.Value, 3);
        // About 70% reads
        Assert.InRange(Iops("read") / result.Iops, 0.65, 0.75);
    }

    [Fact]
    public void Sync_write_run_reports_the_write_rate()
    {
        var result = FioJsonParser.Parse(Fixture.Read("fio/syncwrite-4k-qd1.json"));
        Assert.True(result.Iops > 0);
        Assert.True(result.LatencyP50Us < result.LatencyP99Us);
    }

    [Fact]
    public void Warnings_printed_before_the_document_are_skipped()
    {
        var json = "fio: file hash not empty on exit\n" + Fixture.Read("fio/randwrite-4k-qd32.json");
        Assert.True(FioJsonParser.Parse(json).Iops > 0);
    }

    [Fact]
    public void Output_without_json_is_a_format_error_quoting_fio()
    {
        var e = Assert.Throws<FormatException>(() => FioJsonParser.Parse("fio: pid=0, err=22/file:filesetup.c:805, func=open, error=Invalid argument\n"));
        Assert.Contains("Invalid argument", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Iops_log_gives_one_figure_per_second_with_reads_and_writes_added()
    {
        // Given the averaged log of the mixed run: one read and one write line per second
        var log = Fixture.Read("fio/mixed-4k-70r-qd16.iops.log");

        var perSecond = FioJsonParser.ParseIopsLog(log);

        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',').Select(f => f.Trim()).ToArray()).ToList();
        Assert.Equal(lines.Select(l => l[0]).Distinct().Count(), perSecond.Count);
        Assert.Equal(lines.Where(l => l[0] == "1000").Sum(l => double.Parse(l[1], System.Globalization.CultureInfo.InvariantCulture)), perSecond[0]);
    }

    [Fact]
    public void The_iops_log_of_two_jobs_adds_their_lines_a_few_milliseconds_apart()
    {
        // Recorded here: fio --numjobs=2 --per_job_logs=0 --log_avg_msec=1000, each job's line at its own time.
        Assert.Equal([42_195.0], FioJsonParser.ParseIopsLog("1000, 20135, 0, 0, 0\n1005, 22060, 0, 0, 0\n"));
    }
}
