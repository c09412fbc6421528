using KvmTune.Core.Measurement;

namespace KvmTune.Host.Engines;

/// <summary>What an engine measures: an image (file or block device) of a given format.</summary>
/// <param name="Path">The scratch file or block device (for example /dev/loop3).</param>
/// <param name="Format">qcow2 or raw.</param>
/// <param name="IsBlock">True for a block device.</param>
/// <param name="BackingPath">For the host engine: the file or device fio reads and writes directly.</param>
public sealed record MeasureTarget(string Path, string Format, bool IsBlock, string BackingPath);

/// <summary>How long and how big each measurement is.</summary>
public sealed record MeasureOptions(TimeSpan Duration, long SizeBytes)
{
    public static MeasureOptions Quick { get; } = new(TimeSpan.FromSeconds(3), 1L << 30);
}

/// <summary>One of the three engines (host, qemu, guest). All return the same <see cref="Sample"/> shape.</summary>
public interface IMeasurementEngine
{
    Engine Kind { get; }

    /// <summary>
    /// Runs one repeat of <paramref name="subject"/>: a candidate (qemu and guest engines: its cache and aio mode) or a
    /// backend's storage ceiling (host engine: no cache/aio). The sample carries the subject.
    /// </summary>
    Task<Sample> RunAsync(MeasureTarget target, Subject subject, WorkloadProfile profile, MeasureOptions options, int repeat, CancellationToken cancellationToken);
}
