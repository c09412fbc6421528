using System.Globalization;
using System.Text.Json;

namespace KvmTune.Host.Engines;

/// <summary>The figures KvmTune takes from one fio run (all jobs and directions combined).</summary>
/// <param name="Iops">Requests per second, reads plus writes.</param>
/// <param name="BytesPerSecond">Bytes per second, reads plus writes.</param>
/// <param name="LatencyP50Us">Median completion latency in µs: the request-weighted mean of the directions' medians.</param>
/// <param name="LatencyP99Us">99th percentile completion latency in µs: the worst direction's.</param>
/// <param name="Seconds">The longest job run time.</param>
public sealed record FioResult(double Iops, double BytesPerSecond, double? LatencyP50Us, double? LatencyP99Us, double Seconds);

/// <summary>Parses fio's <c>--output-format=json</c> document and its averaged IOPS log.</summary>
public static class FioJsonParser
{
    private static readonly string[] Directions = ["read", "write", "trim"];

    /// <summary>Parses fio's JSON. fio may print warnings before the document; they are skipped.</summary>
    /// <exception cref="FormatException">No JSON document, or a job reported an error.</exception>
    public static FioResult Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var start = output.IndexOf('{', StringComparison.Ordinal);
        if (start < 0)
        {
            throw new FormatException($"fio printed no JSON: {FirstLine(output)}");
        }
        using var document = JsonDocument.Parse(output.AsMemory(start));
        if (!document.RootElement.TryGetProperty("jobs", out var jobs) || jobs.GetArrayLength() == 0)
        {
            throw new FormatException("fio JSON has no jobs");
        }
        double iops = 0, bytes = 0, seconds = 0, weightedP50 = 0, ios = 0;
        double? p99 = null;
        foreach (var job in jobs.EnumerateArray())
        {
            var error = job.GetProperty("error").GetInt32();
            if (error != 0)
            {
                throw new FormatException($"fio job {job.GetProperty("jobname").GetString()} failed with error {error}");
            }
            foreach (var direction in Directions)
            {
                if (!job.TryGetProperty(direction, out var d))
                {
                    continue;
                }
                var total = d.GetProperty("total_ios").GetDouble();
                if (total <= 0)
                {
                    continue;
                }
                iops += d.GetProperty("iops").GetDouble();
                bytes += d.GetProperty("bw_bytes").GetDouble();
                seconds = Math.Max(seconds, d.GetProperty("runtime").GetDouble() / 1000);
                if (Percentile(d, "50.000000") is { } median)
                {
                    weightedP50 += median * total;
                    ios += total;
                }
                if (Percentile(d, "99.000000") is { } high)
                {
                    p99 = Math.Max(p99 ?? 0, high);
                }
            }
        }
        return new FioResult(iops, bytes, ios > 0 ? weightedP50 / ios : null, p99, seconds);
    }

    /// <summary>
    /// Parses a fio IOPS log written with <c>log_avg_msec=1000</c> (<c>msec, value, direction, bs, offset</c>):
    /// one figure per second, reads and writes added, and so are the jobs of a run with <c>numjobs</c> (each job logs its
    /// own line a few milliseconds apart from the others: lines are grouped by the nearest whole second).
    /// </summary>
    public static IReadOnlyList<double> ParseIopsLog(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var perWindow = new SortedDictionary<long, double>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length < 2
                || !long.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var msec)
                || !double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                throw new FormatException($"not a fio log line: {line}");
            }
            var window = (msec + 500) / 1000;
            perWindow[window] = perWindow.GetValueOrDefault(window) + value;
        }
        return [.. perWindow.Values];
    }

    private static double? Percentile(JsonElement direction, string key) =>
        direction.TryGetProperty("clat_ns", out var clat)
        && clat.TryGetProperty("percentile", out var percentiles)
        && percentiles.TryGetProperty(key, out var value)
            ? value.GetDouble() / 1000
            : null;

    private static string FirstLine(string text) => text.Split('\n').FirstOrDefault(l => l.Trim().Length > 0)?.Trim() ?? "(empty)";
}
