using System.Globalization;
using System.Text;
using KvmTune.Core;
using KvmTune.Core.Measurement;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Engines;

/// <summary>
/// Turns a workload profile into fio options for the host engine: fio straight on the backing file with
/// <c>direct=1</c> (or on the block device), time based, JSON output, submitting with a
/// <see cref="SubmissionStrategy"/> (<c>ioengine</c>, batches, registered buffers, jobs sharing the depth).
/// </summary>
/// <remarks>
/// Per-second samples come from fio's IOPS log (<c>write_iops_log</c> with <c>log_avg_msec=1000</c>), not from
/// <c>--status-interval</c>: the status interval prints one cumulative JSON document per second that would have to be
/// differenced and split out of stdout, while the averaged log gives one exact line per second and direction and
/// leaves stdout a single JSON document that is stored whole.
/// The host engine is the ceiling for the device, not a comparison of submission interfaces (that is the qemu
/// engine's job): it runs several strategies and the best sets the ceiling. A user's job file runs with the legacy
/// strategy's <c>ioengine=libaio</c> unless the file sets its own.
/// </remarks>
public static class FioJobBuilder
{
    public const string JobName = "kvmtune";

    /// <summary>fio arguments for a preset profile on <paramref name="target"/>.</summary>
    public static IReadOnlyList<string> Arguments(MeasureTarget target, WorkloadProfile profile, MeasureOptions options, string iopsLogPrefix) =>
        Arguments(target, profile, options, iopsLogPrefix, SubmissionStrategy.Legacy);

    /// <summary>fio arguments for a preset profile on <paramref name="target"/>, submitted with <paramref name="strategy"/>.</summary>
    public static IReadOnlyList<string> Arguments(MeasureTarget target, WorkloadProfile profile, MeasureOptions options, string iopsLogPrefix, SubmissionStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        if (profile.FioJobFile is not null)
        {
            throw new ArgumentException("a fio job file profile is run through JobFileText", nameof(profile));
        }
        var args = new List<string> { $"--name={JobName}" };
        args.AddRange(GlobalOptions(target, options, iopsLogPrefix, strategy.Interface).Select(o => "--" + o));
        args.Add($"--rw={profile.ReadWrite}");
        args.Add($"--bs={profile.BlockSize.ToString(CultureInfo.InvariantCulture)}");
        args.AddRange(StrategyOptions(strategy, profile.IoDepth).Select(o => "--" + o));
        if (profile.ReadWrite is "randrw" or "rw")
        {
            args.Add($"--rwmixread={profile.ReadPercent.ToString(CultureInfo.InvariantCulture)}");
        }
        if (profile.SyncEveryWrite)
        {
            args.Add("--fdatasync=1");
        }
        args.Add("--output-format=json");
        return args;
    }

    /// <summary>
    /// A job file that runs the user's jobs on <paramref name="target"/>: a <c>[global]</c> section with the target,
    /// <c>direct=1</c>, the size, the run time and the IOPS log, followed by the user's file with its own
    /// <c>filename=</c>, <c>directory=</c> and <c>filename_format=</c> lines removed, so the job can never touch another file.
    /// </summary>
    public static string JobFileText(MeasureTarget target, string userJobText, MeasureOptions options, string iopsLogPrefix)
    {
        ArgumentNullException.ThrowIfNull(userJobText);
        var text = new StringBuilder();
        text.Append("[global]\n");
        foreach (var option in GlobalOptions(target, options, iopsLogPrefix, SubmissionInterface.Libaio))
        {
            text.Append(option).Append('\n');
        }
        foreach (var line in userJobText.Split('\n'))
        {
            var key = line.Split('=', 2)[0].Trim();
            if (key is "filename" or "directory" or "filename_format" or "opendir")
            {
                continue;
            }
            text.Append(line.TrimEnd('\r')).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Checks that <paramref name="path"/> exists and that fio parses it (<c>fio --parse-only</c>).</summary>
    /// <exception cref="InputException">Missing file or a fio parse error (fio's own message).</exception>
    public static async Task ValidateJobFileAsync(string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            throw new InputException($"--fio-job {path}: file not found");
        }
        var result = await ToolRunner.RunAsync(ToolCommand.For("fio").WithArguments(["--parse-only", path]), cancellationToken).ConfigureAwait(false);
        var message = (result.StandardError + "\n" + result.StandardOutput).Split('\n')
            .Select(l => l.Trim()).FirstOrDefault(l => l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.StartsWith("fio:", StringComparison.Ordinal));
        if (result.ExitCode != 0)
        {
            throw new InputException($"--fio-job {path}: fio cannot parse it: {message ?? $"exit code {result.ExitCode}"}");
        }
    }

    /// <summary>
    /// The options of a strategy at a queue depth: the jobs (<c>numjobs</c>, each with its share of the depth), the
    /// batches (<c>iodepth_batch_submit</c> and <c>iodepth_batch_complete_max</c>: half a job's depth per call) and the
    /// registered buffers and file (<c>fixedbufs</c>, <c>registerfiles</c>).
    /// </summary>
    public static IReadOnlyList<string> StrategyOptions(SubmissionStrategy strategy, int ioDepth)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        var options = new List<string> { $"iodepth={strategy.JobDepth(ioDepth).ToString(CultureInfo.InvariantCulture)}" };
        if (strategy.Jobs > 1)
        {
            options.Add($"numjobs={strategy.Jobs.ToString(CultureInfo.InvariantCulture)}");
        }
        if (strategy.Batched)
        {
            var batch = strategy.BatchSize(ioDepth).ToString(CultureInfo.InvariantCulture);
            options.Add($"iodepth_batch_submit={batch}");
            options.Add($"iodepth_batch_complete_max={batch}");
        }
        if (strategy.Registered)
        {
            options.Add("fixedbufs=1");
            options.Add("registerfiles=1");
        }
        return options;
    }

    /// <summary>fio's <c>ioengine</c> for an interface.</summary>
    public static string IoEngine(SubmissionInterface face) => face == SubmissionInterface.IoUring ? "io_uring" : "libaio";

    private static IEnumerable<string> GlobalOptions(MeasureTarget target, MeasureOptions options, string iopsLogPrefix, SubmissionInterface face)
    {
        yield return $"filename={target.BackingPath}";
        yield return "direct=1";
        yield return $"ioengine={IoEngine(face)}";
        yield return $"size={options.SizeBytes.ToString(CultureInfo.InvariantCulture)}";
        yield return "time_based=1";
        yield return $"runtime={Math.Max(1, (long)options.Duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}ms";
        // Random offsets without fio's per-block map: a time-based run revisits blocks anyway, and the map costs
        // memory and CPU proportional to the size.
        yield return "norandommap=1";
        yield return "randrepeat=0";
        yield return "group_reporting=1";
        yield return $"write_iops_log={iopsLogPrefix}";
        yield return "log_avg_msec=1000";
        yield return "per_job_logs=0";
    }
}
