using System.ComponentModel;
using KvmTune.Cli.Rendering;
using KvmTune.Cli.Settings;
using KvmTune.Core.Serialization;
using KvmTune.Core.Tuning;
using KvmTune.Host.Backends;
using KvmTune.Host.Measurement;
using KvmTune.Services.Measuring;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary>
/// <c>kvmtune tune</c>, the main job: probe the host, plan the candidates, measure them on the host and qemu engines
/// (the quick matrix by default), store the run, decide, and write the HTML report and the policy file.
/// </summary>
internal sealed class TuneCommand(CliOutput output) : AsyncCommand<TuneCommand.Settings>
{
    internal sealed class Settings : MeasureSettings
    {
        [CommandOption("--thorough")]
        [Description("Longer repeats (2 s, 1G images), and more of them while the 95% interval is wider than ±5% of the median.")]
        public bool Thorough { get; init; }

        [CommandOption("--vms-per-host <N>")]
        [Description("Share the measured sustained capacity among N VMs as flavor QoS extra specs.")]
        public int? VmsPerHost { get; init; }

        [CommandOption("--output <FILE>")]
        [Description("Where to write the HTML report (default: reports/run-N.html in the data directory).")]
        public string? Output { get; init; }

        [CommandOption("--policy <FILE>")]
        [Description("Where to write the policy file for kvmtune apply (default: reports/run-N.policy.json).")]
        public string? Policy { get; init; }

        public override ValidationResult Validate()
        {
            if (VmsPerHost is < 1)
            {
                return ValidationResult.Error($"--vms-per-host: {VmsPerHost} is not a positive number of VMs");
            }
            if (Backends?.FirstOrDefault(b => b is Backend.Device or Backend.Lvm) is { } named && named is Backend.Device or Backend.Lvm)
            {
                return ValidationResult.Error($"--backend {named.ToName()}: measure a named device or volume group with kvmtune bench (--device/--vg), then kvmtune report RUN");
            }
            return base.Validate();
        }

        /// <summary>What the command line asks tune to do.</summary>
        public TuneRequest ToRequest()
        {
            var request = new BenchRequest(BenchRequest.Quick.Engines, Backends ?? BenchRequest.Quick.Backends, Caches, Ios, ProfilesOrWorkload());
            var measurement = new MeasurementRequest(BenchPlanner.Plan(request), Options(Thorough ? BenchOptions.Default : BenchOptions.Quick),
                new BackendOptions { ScratchDirectory = Dir }, Db, CliOutput.CommandLine);
            return new TuneRequest(measurement, ToConstraints(), VmsPerHost, Output, Policy);
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // Everything the user typed is checked before anything is measured or written.
        var request = settings.ToRequest();
        var plan = request.Measurement.Plan;
        var result = await MeasurementProgress.ShowAsync(output.Status, "tune", plan.MeasurementsPerRound * request.Measurement.Options.MinimumRepeats,
            progress => TuneService.RunAsync(request, progress, cancellationToken)).ConfigureAwait(false);

        if (settings.Format == OutputFormat.Json)
        {
            await output.Out.WriteLineAsync(JsonConvention.Serialize(new TuneJson(result.RunId, result.ReportPath, result.PolicyPath, result.Report.Model))).ConfigureAwait(false);
        }
        else
        {
            DecisionTable.Render(output.Console, result.Report, result.ReportPath);
            output.Console.MarkupLine($"Policy: {Markup.Escape(result.PolicyPath)} (kvmtune apply --policy FILE, kvmtune nova apply --policy FILE)");
        }
        return ExitCodes.Ok;
    }

    /// <summary><c>tune --format json</c>: the run, the files written, and the whole report.</summary>
    internal sealed record TuneJson(long RunId, string ReportPath, string PolicyPath, Reports.Model.ReportModel Report);
}
