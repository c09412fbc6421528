using System.ComponentModel;
using System.Globalization;
using KvmTune.Cli.Reporting;
using KvmTune.Core;
using KvmTune.Reports.Exporters;
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
        public string Format { get; init; } = "html";

        [CommandOption("--output <FILE>")]
        [Description("Write the report here (default: html to reports/run-N.html in the data directory; md and json to stdout).")]
        public string? Output { get; init; }

        [CommandOption("--policy <FILE>")]
        [Description("Also write the tuning policy file that kvmtune apply consumes.")]
        public string? Policy { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // Everything the user typed is checked before anything is read or written.
        var exporter = ReportExporters.For(settings.Format);
        settings.CheckAdvisorOptions();
        if (!long.TryParse(settings.Run, NumberStyles.None, CultureInfo.InvariantCulture, out var runId))
        {
            throw new InputException($"RUN '{settings.Run}': not a run number");
        }
        var store = RunStores.OpenForReading(settings.Db);
        try
        {
            var run = store?.LoadRun(runId) ?? throw new InputException($"run {runId}: no such run in {settings.Db ?? RunStores.DefaultPath}");
            if (run.Results.Count == 0)
            {
                throw new InputException($"run {runId}: has no results (status {run.Info.Status})");
            }
            var report = RunReporter.Decide(run, settings.ToConstraints(), settings.VmsPerHost);
            var content = exporter.Export(report.Model);
            if (settings.Policy is not null)
            {
                RunReporter.WriteAtomically(settings.Policy, report.Recommendation.Policy.ToJson() + "\n");
            }
            if (settings.Output is null && exporter.Format != "html")
            {
                output.Out.Write(content);
                return ExitCodes.Ok;
            }
            var path = settings.Output ?? RunReporter.DefaultPath(runId, exporter.Extension);
            RunReporter.WriteAtomically(path, content);
            output.Out.WriteLine(Path.GetFullPath(path));
            return ExitCodes.Ok;
        }
        finally
        {
            store?.Dispose();
        }
    }
}
