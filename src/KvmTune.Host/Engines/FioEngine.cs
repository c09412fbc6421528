using KvmTune.Core.Measurement;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Engines;

/// <summary>
/// The host engine: fio straight on the backing file (<c>direct=1</c>) or block device, the physical ceiling every
/// other engine's figure is divided by. Cache and aio modes do not apply: the subject is a backend's <see cref="StorageCeiling"/>,
/// measured with its <see cref="SubmissionStrategy"/>.
/// </summary>
public sealed class FioEngine : IMeasurementEngine
{
    public Engine Kind => Engine.Host;

    public async Task<Sample> RunAsync(MeasureTarget target, Subject subject, WorkloadProfile profile, MeasureOptions options, int repeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        // fio writes raw blocks: on a qcow2 image file that would destroy the image's metadata, so a qcow2 target must
        // name a raw file of its own as BackingPath.
        if (target.Format == "qcow2" && target.BackingPath == target.Path)
        {
            throw new ArgumentException($"the host engine cannot run on the qcow2 image itself ({target.Path}); BackingPath must be a raw file", nameof(target));
        }
        ToolRegistry.Default.Require("fio");
        var workDir = Directory.CreateTempSubdirectory("kvmtune-fio-");
        try
        {
            var logPrefix = Path.Combine(workDir.FullName, "log");
            IReadOnlyList<string> args;
            if (profile.FioJobFile is { } jobFile)
            {
                var jobText = FioJobBuilder.JobFileText(target, await File.ReadAllTextAsync(jobFile, cancellationToken).ConfigureAwait(false), options, logPrefix);
                var jobPath = Path.Combine(workDir.FullName, "job.fio");
                await File.WriteAllTextAsync(jobPath, jobText, cancellationToken).ConfigureAwait(false);
                args = ["--output-format=json", jobPath];
            }
            else
            {
                args = FioJobBuilder.Arguments(target, profile, options, logPrefix, (subject as StorageCeiling)?.Strategy ?? SubmissionStrategy.Legacy);
            }
            var started = DateTimeOffset.UtcNow;
            var result = await ToolRunner.RunAsync(ToolCommand.For("fio").WithArguments(args).WithWorkingDirectory(workDir.FullName), cancellationToken)
                .ConfigureAwait(false);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"fio failed on {target.BackingPath} (exit {result.ExitCode}): {result.StandardError.Trim()}");
            }
            var parsed = FioJsonParser.Parse(result.StandardOutput);
            var logFile = Path.Combine(workDir.FullName, "log_iops.log");
            var perSecond = File.Exists(logFile)
                ? FioJsonParser.ParseIopsLog(await File.ReadAllTextAsync(logFile, cancellationToken).ConfigureAwait(false))
                : [];
            return new Sample(Engine.Host, subject, profile.Name, repeat,
                parsed.Iops, parsed.BytesPerSecond / 1e6, parsed.LatencyP50Us, parsed.LatencyP99Us, started,
                parsed.Seconds > 0 ? parsed.Seconds : result.RunTime.TotalSeconds, result.StandardOutput)
            {
                PerSecondIops = perSecond,
            };
        }
        finally
        {
            workDir.Delete(recursive: true);
        }
    }
}
