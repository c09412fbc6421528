using System.Collections.Concurrent;
using System.Text;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Host.Measurement;
using KvmTune.Host.Native;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Engines;

/// <summary>
/// The qemu engine: QEMU's own block layer in process through <c>qemu-img bench</c>, with the candidate's format,
/// cache (<c>-t</c>) and aio (<c>-i</c>): the code a VM's QEMU runs for its disk, without a guest or a transport.
/// IOPS and MB/s are requests over the elapsed time qemu-img reports.
/// </summary>
/// <remarks>
/// qemu-img bench takes a request count, not a duration. The count for a target duration is calibrated: a first short
/// run (from 8 MB of requests, grown tenfold until it lasts at least 20 ms) gives a rate, and count = rate × duration; every measured run
/// updates the rate, so later repeats track the candidate's real speed.
/// qemu-img bench cannot mix reads and writes in one run. A mixed profile (randrw, rwmixread=R) is measured as a read
/// run of R% of the requests followed by a write run of the rest, and reported as all requests over the sum of both
/// elapsed times: the rate a queue serving that mix one direction at a time would reach. It does not show how reads
/// and writes interfere when in flight together; the host and guest engines (fio) measure that.
/// A user's fio job file cannot run on this engine (it is not fio): such a profile is refused.
/// </remarks>
public sealed class QemuImgBenchEngine : IMeasurementEngine
{
    // The last measured rate per subject, profile, direction and whether a memory cgroup limits it.
    private readonly ConcurrentDictionary<(Subject Subject, string Profile, bool Write, bool InCgroup), double> _rates = new();

    public Engine Kind => Engine.Qemu;

    public Task<Sample> RunAsync(MeasureTarget target, Subject subject, WorkloadProfile profile, MeasureOptions options, int repeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(subject);
        var candidate = subject.Candidate ?? throw new ArgumentException("the qemu engine measures a candidate (cache and aio mode)", nameof(subject));
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        if (profile.FioJobFile is not null)
        {
            throw new NotSupportedException("a fio job file cannot run on the qemu engine (qemu-img bench is not fio)");
        }
        return MeasureAsync(
            subject, profile, options, repeat, null,
            (write, count) => QemuImgBenchArguments.ForCandidate(target, candidate, profile, write, count, options.SizeBytes),
            cancellationToken, syncedWrites: !candidate.Cache.Semantics().Writeback);
    }

    /// <summary>The harness's own ceiling: the same profile on QEMU's null-co driver.</summary>
    public Task<Sample> RunNullCoAsync(WorkloadProfile profile, MeasureOptions options, int repeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        return MeasureAsync(
            Subject.Harness, profile, options, repeat, null,
            (write, count) => QemuImgBenchArguments.ForNullCo(profile, write, count, options.SizeBytes),
            cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="slices"/> consecutive runs of about <paramref name="sliceDuration"/> each inside
    /// <paramref name="cgroup"/> (memory-limited: see <see cref="MemoryCgroup"/>). The sample's
    /// <see cref="Sample.PerSecondIops"/> holds one rate per slice; its IOPS is the median of the slices after the
    /// first (the first may still be absorbed by the cgroup's allowance of dirty pages, or fill its share of the page
    /// cache): the sustained rate. The target's pages are evicted from the page cache first.
    /// </summary>
    public async Task<Sample> RunSustainedAsync(MeasureTarget target, Candidate candidate, WorkloadProfile profile, MeasureOptions options, MemoryCgroup cgroup, TimeSpan sliceDuration, int slices, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        var rates = new List<double>();
        var raw = new StringBuilder();
        var started = DateTimeOffset.UtcNow;
        double seconds = 0;
        // The first slice warms up: one memory limit's worth of requests, enough to use up the cgroup's allowance of
        // dirty pages (writes) or fill its share of the page cache (reads), so its rate is already the constrained one.
        // Each later slice's count follows the rate just measured, so it lasts about sliceDuration.
        // writethrough syncs every write (no dirty allowance to use up, and a few thousand IOPS on a busy disk): its
        // writes warm up with 64 requests per queue slot.
        var warmUp = Math.Max(profile.IoDepth * 4L, cgroup.LimitBytes / profile.BlockSize);
        var syncedWarmUp = Math.Min(warmUp, profile.IoDepth * 64L);
        foreach (var write in new[] { true, false })
        {
            var requests = write && !candidate.Cache.Semantics().Writeback ? syncedWarmUp : warmUp;
            _rates[(Subject.Of(candidate), profile.Name, write, true)] = requests / sliceDuration.TotalSeconds;
        }
        // Start from an empty page cache: reads must miss as they do once the working set outgrows the host's memory,
        // and the pages earlier runs dirtied must not stand in for this run's.
        if (!LinuxFile.EvictPageCache(target.Path))
        {
            throw new InvalidOperationException($"cannot drop {target.Path} from the page cache: the sustained measurement would read from memory");
        }
        for (var i = 0; i < Math.Max(2, slices); i++)
        {
            var sample = await MeasureAsync(
                Subject.Of(candidate), profile, options with { Duration = sliceDuration }, i, cgroup,
                (write, count) => QemuImgBenchArguments.ForCandidate(target, candidate, profile, write, count, options.SizeBytes),
                cancellationToken).ConfigureAwait(false);
            rates.Add(sample.Iops);
            raw.Append(sample.RawOutput);
            seconds += sample.Seconds;
        }
        var settled = rates.Skip(1).Order().ToList();
        var sustained = settled[settled.Count / 2];
        return new Sample(Engine.Qemu, Subject.Of(candidate), profile.Name, 0, sustained, sustained * profile.BlockSize / 1e6,
            null, null, started, seconds, raw.ToString())
        {
            Phase = Phase.Sustained,
            PerSecondIops = rates,
        };
    }

    private async Task<Sample> MeasureAsync(
        Subject subject, WorkloadProfile profile, MeasureOptions options, int repeat, MemoryCgroup? cgroup,
        Func<bool, long, IReadOnlyList<string>> arguments, CancellationToken cancellationToken, bool syncedWrites = false)
    {
        ToolRegistry.Default.Require("qemu-img");
        var parts = profile.ReadWrite is "randrw" or "rw"
            ? new[] { (Write: false, Share: profile.ReadPercent / 100.0), (Write: true, Share: 1 - (profile.ReadPercent / 100.0)) }
            : [(Write: profile.Writes, Share: 1.0)];
        var started = DateTimeOffset.UtcNow;
        var raw = new StringBuilder();
        long requests = 0;
        double seconds = 0, bytes = 0;
        foreach (var (write, share) in parts.Where(p => p.Share > 0))
        {
            var key = (subject, profile.Name, write, cgroup is not null);
            if (!_rates.TryGetValue(key, out var rate))
            {
                rate = await CalibrateAsync(arguments, write, profile, write && syncedWrites, cgroup, cancellationToken).ConfigureAwait(false);
            }
            var count = Math.Max(profile.IoDepth * 4L, (long)(rate * options.Duration.TotalSeconds * share));
            var output = await RunAsync(arguments(write, count), cgroup, Watchdog(options.Duration), cancellationToken).ConfigureAwait(false);
            raw.Append(output);
            var result = QemuImgBenchParser.Parse(output);
            _rates[key] = result.Iops;
            requests += result.Requests;
            seconds += result.Seconds;
            bytes += result.Requests * (double)result.BufferSize;
        }
        return new Sample(Engine.Qemu, subject, profile.Name, repeat, requests / seconds, bytes / seconds / 1e6, null, null, started, seconds, raw.ToString());
    }


    private static async Task<double> CalibrateAsync(Func<bool, long, IReadOnlyList<string>> arguments, bool write, WorkloadProfile profile, bool synced, MemoryCgroup? cgroup, CancellationToken cancellationToken)
    {
        // Usually one or two processes: 8 MB of requests (2 000 × 4 KiB) first, tenfold until the run lasts 20 ms.
        // Writes that are synced one by one (the commit pattern, writethrough, directsync) start at 200 requests: on a
        // busy disk they can run at a few hundred per second.
        long count = Math.Max(profile.IoDepth * 4L, profile.SyncEveryWrite || synced ? 200 : (8L << 20) / profile.BlockSize);
        while (true)
        {
            var result = QemuImgBenchParser.Parse(await RunAsync(arguments(write, count), cgroup, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false));
            if (result.Seconds >= 0.02 || count >= 100_000_000)
            {
                return result.Iops;
            }
            count *= 10;
        }
    }

    /// <summary>A run planned for <paramref name="duration"/> that takes twenty times longer (at least a minute) is killed.</summary>
    private static TimeSpan Watchdog(TimeSpan duration) => TimeSpan.FromSeconds(Math.Max(60, duration.TotalSeconds * 20));

    private static async Task<string> RunAsync(IReadOnlyList<string> args, MemoryCgroup? cgroup, TimeSpan watchdog, CancellationToken cancellationToken)
    {
        // In a cgroup the process joins it before exec, so every page it dirties is charged there.
        var command = ToolCommand.For("qemu-img").WithArguments(args).WithTimeout(watchdog).WithCgroup(cgroup?.Path);
        var result = await ToolRunner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        if (result.TimedOut)
        {
            throw new InvalidOperationException($"qemu-img bench did not finish within {watchdog.TotalSeconds:0} s (watchdog): {string.Join(' ', args)}");
        }
        var output = result.StandardOutput + result.StandardError;
        if (result.ExitCode != 0)
        {
            var message = output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0 && !l.StartsWith("Sending", StringComparison.Ordinal)) ?? $"exit code {result.ExitCode}";
            throw new InvalidOperationException($"qemu-img bench failed: {message}");
        }
        return output;
    }
}
