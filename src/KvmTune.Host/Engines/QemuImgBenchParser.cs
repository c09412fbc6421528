using System.Globalization;
using System.Text.RegularExpressions;

namespace KvmTune.Host.Engines;

/// <summary>What one <c>qemu-img bench</c> run reports.</summary>
/// <param name="Requests">Requests sent (<c>-c</c>).</param>
/// <param name="Write">True for write requests (<c>-w</c>).</param>
/// <param name="BufferSize">Bytes per request (<c>-s</c>).</param>
/// <param name="Depth">Requests in parallel (<c>-d</c>).</param>
/// <param name="Seconds">Elapsed time of the run ("Run completed in X seconds.").</param>
public sealed record QemuImgBenchResult(long Requests, bool Write, long BufferSize, int Depth, double Seconds)
{
    public double Iops => Requests / Seconds;

    public double BytesPerSecond => Requests * (double)BufferSize / Seconds;
}

/// <summary>Parses the two lines <c>qemu-img bench</c> prints (QEMU 7.2 qemu-img.c img_bench).</summary>
public static partial class QemuImgBenchParser
{
    [GeneratedRegex(@"Sending (\d+) (read|write) requests, (\d+) bytes each, (\d+) in parallel")]
    private static partial Regex Header();

    [GeneratedRegex(@"Run completed in ([0-9.]+) seconds\.")]
    private static partial Regex Completed();

    /// <exception cref="FormatException">The run failed (qemu-img's own message is quoted) or the output is not recognised.</exception>
    public static QemuImgBenchResult Parse(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var header = Header().Match(output);
        var completed = Completed().Match(output);
        if (!header.Success || !completed.Success)
        {
            var message = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("qemu-img:", StringComparison.Ordinal))
                ?? output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "(no output)";
            throw new FormatException($"qemu-img bench did not complete: {message}");
        }
        var seconds = double.Parse(completed.Groups[1].Value, CultureInfo.InvariantCulture);
        // qemu-img prints three decimals; a run shorter than that resolution has no usable rate.
        if (seconds <= 0)
        {
            throw new FormatException("qemu-img bench run too short to time (0.000 seconds)");
        }
        return new QemuImgBenchResult(
            long.Parse(header.Groups[1].Value, CultureInfo.InvariantCulture),
            header.Groups[2].Value == "write",
            long.Parse(header.Groups[3].Value, CultureInfo.InvariantCulture),
            int.Parse(header.Groups[4].Value, CultureInfo.InvariantCulture),
            seconds);
    }
}
