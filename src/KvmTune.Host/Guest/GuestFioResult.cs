using System.Text.Json;

namespace KvmTune.Host.Guest;

/// <summary>
/// The figures a <see cref="Core.Measurement.Sample"/> needs, read from fio's <c>--output-format=json</c>:
/// IOPS and MB/s summed over every job and direction; p50 completion latency (µs) as the request-weighted mean
/// of the directions' medians and p99 as the worst direction's (the host engine's fio parser does the same);
/// and the longest job runtime.
/// </summary>
/// <remarks>A minimal reader for the guest engine; the host engine's fio parser reads the same document.</remarks>
public sealed record GuestFioResult(double Iops, double MBps, double? LatencyP50Us, double? LatencyP99Us, double RuntimeSeconds)
{
    public static GuestFioResult Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new GuestException($"the guest's fio output is not JSON: {e.Message}", e);
        }
        using (document)
        {
            if (!document.RootElement.TryGetProperty("jobs", out var jobs) || jobs.ValueKind != JsonValueKind.Array || jobs.GetArrayLength() == 0)
            {
                throw new GuestException("the guest's fio output has no jobs");
            }
            double iops = 0, bytes = 0, runtimeMs = 0, weightedP50 = 0, weight = 0;
            double? p99 = null;
            foreach (var job in jobs.EnumerateArray())
            {
                if (job.TryGetProperty("error", out var error) && error.GetInt32() != 0)
                {
                    throw new GuestException($"fio job {job.GetProperty("jobname").GetString()} failed with error {error.GetInt32()}");
                }
                foreach (var direction in new[] { "read", "write", "trim" })
                {
                    if (!job.TryGetProperty(direction, out var d))
                    {
                        continue;
                    }
                    var ios = d.GetProperty("total_ios").GetDouble();
                    if (ios <= 0)
                    {
                        continue;
                    }
                    iops += d.GetProperty("iops").GetDouble();
                    bytes += d.GetProperty("bw_bytes").GetDouble();
                    runtimeMs = Math.Max(runtimeMs, d.GetProperty("runtime").GetDouble());
                    var (median, high) = Percentiles(d);
                    if (median is { } m)
                    {
                        weightedP50 += m * ios;
                        weight += ios;
                    }
                    if (high is { } h)
                    {
                        p99 = Math.Max(p99 ?? 0, h);
                    }
                }
            }
            return new GuestFioResult(iops, bytes / 1e6, weight > 0 ? weightedP50 / weight : null, p99, runtimeMs / 1000);
        }
    }

    private static (double?, double?) Percentiles(JsonElement direction)
    {
        if (!direction.TryGetProperty("clat_ns", out var clat) || !clat.TryGetProperty("percentile", out var percentiles))
        {
            return (null, null);
        }
        double? Get(string key) => percentiles.TryGetProperty(key, out var v) ? v.GetDouble() / 1000 : null;
        return (Get("50.000000"), Get("99.000000"));
    }
}
