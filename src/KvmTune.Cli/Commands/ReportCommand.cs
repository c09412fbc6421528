using System.ComponentModel;
using System.Globalization;
using KvmTune.Cli.Settings;
using KvmTune.Reports.Exporters;
using KvmTune.Services.Deciding;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary>
/// <c>kvmtune report RUN</c>: decides again over a stored run (no measuring) and writes its report: HTML to
/// reports/run-N.html in the data directory unless <c>--output</c> says otherwise; Markdown and JSON to stdout.
/// </summary>
internal sealed class ReportCommand(CliOutput output) : Command<ReportCommand.Settings>
{
    internal sealed class Settings : AdvisorSettings
    {
        [CommandArgument(0, "<RUN>")]
        [Description("The stored run's number (kvmtune history lists them).")]
        public string Run { get; init; } = "";

        [CommandOption("--format <FORMAT>")]
        [Description("html (default), md or json.")]
        [TypeConverter(typeof(ReportFormatConverter))]
        public ReportFormat Format { get; init; } = ReportFormat.Html;

        [CommandOption("--output <FILE>")]
        [Description("Write the report here (default: html to reports/run-N.html in the data directory; md and json to stdout).")]
        public string? Output { get; init; }

        [CommandOption("--policy <FILE>")]
        [Description("Also write the tuning policy file that kvmtune apply consumes.")]
        public string? Policy { get; init; }

        [CommandOption("--vms-per-host <N>")]
        [Description("Share the measured sustained capacity among N VMs as flavor QoS extra specs.")]
        public int? VmsPerHost { get; init; }

        public long RunId => long.Parse(Run, NumberStyles.None, CultureInfo.InvariantCulture);

        public override ValidationResult Validate() =>
            !long.TryParse(Run, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? ValidationResult.Error($"RUN '{Run}': not a run number")
            : VmsPerHost is < 1 ? ValidationResult.Error($"--vms-per-host: {VmsPerHost} is not a positive number of VMs")
            : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var exporter = ReportExporters.For(settings.Format.ToString().ToLowerInvariant());
        ReportFiles.CheckWritable(settings.Output, "--output");
        ReportFiles.CheckWritable(settings.Policy, "--policy");
        var report = RunDecider.Decide(settings.Db, settings.RunId, settings.ToConstraints(), settings.VmsPerHost);
        var content = exporter.Export(report.Model);
        if (settings.Policy is not null)
        {
            ReportFiles.Write(settings.Policy, report.Recommendation.Policy.ToJson() + "\n", "--policy");
        }
        if (settings.Output is null && exporter.Format != "html")
        {
            output.Out.Write(content);
            return ExitCodes.Ok;
        }
        output.Out.WriteLine(ReportFiles.Write(settings.Output ?? ReportFiles.DefaultPath(settings.RunId, exporter.Extension), content, "--output"));
        return ExitCodes.Ok;
    }
}
