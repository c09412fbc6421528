using System.ComponentModel;
using System.Globalization;
using KvmTune.Cli.Json;
using KvmTune.Cli.Settings;
using KvmTune.Core.Serialization;
using KvmTune.Reports.Exporters;
using KvmTune.Services.Fleet;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands.Fleet;

/// <summary><c>kvmtune fleet report</c>: hosts grouped by storage fingerprint, each group's decision and the hosts that deviate.</summary>
internal sealed class FleetReportCommand(CliOutput output) : Command<FleetReportCommand.Settings>
{
    internal sealed class Settings : AdvisorSettings
    {
        [CommandOption("--stale-after <DAYS>")]
        [Description("A host without a run in this many days is stale: listed, left out of its group's decision (default 30).")]
        [DefaultValue(30.0)]
        public double StaleAfter { get; init; } = 30;

        [CommandOption("--format <FORMAT>")]
        [Description("table (default), json or html.")]
        [DefaultValue("table")]
        public string Format { get; init; } = "table";

        public override ValidationResult Validate() =>
            !(StaleAfter > 0) ? ValidationResult.Error($"--stale-after {StaleAfter.ToString(CultureInfo.InvariantCulture)}: must be a positive number of days")
            : Format is not ("table" or "json" or "html") ? ValidationResult.Error($"--format '{Format}' is not one of table, json, html")
            : base.Validate();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var report = FleetReportService.Report(new FleetReportRequest(settings.Db, TimeSpan.FromDays(settings.StaleAfter), settings.ToConstraints(), DateTimeOffset.UtcNow));
        switch (settings.Format)
        {
            case "json":
                output.Out.WriteLine(JsonConvention.Serialize(FleetReportJson.From(report)));
                return ExitCodes.Ok;
            case "html":
                output.Out.Write(FleetHtmlExporter.Export(report));
                return ExitCodes.Ok;
        }
        if (report.Groups.Count == 0)
        {
            output.Console.MarkupLine($"No hosts in {Markup.Escape(report.Store)} yet (run kvmtune tune or fleet collect on them).");
            return ExitCodes.Ok;
        }
        foreach (var group in report.Groups)
        {
            output.Console.MarkupLine($"[bold]Group {Markup.Escape(group.Fingerprint.Hash)}[/]: {Markup.Escape(group.Fingerprint.Describe())}");
            output.Console.MarkupLine($"  decision: [bold]{Markup.Escape(group.Winner?.Id ?? "none (no recent run)")}[/] from {group.DecidedFrom} of {group.Hosts.Count} hosts");
            var table = new Table().AddColumns("host", "last run", "own decision", "own over group", "drift", "lint");
            foreach (var h in group.Hosts)
            {
                table.AddRow(
                    Markup.Escape(h.Host),
                    h.LastRun is { } t ? $"#{h.RunId} {t:yyyy-MM-dd}{(h.Stale ? " [yellow]stale[/]" : "")}" : "[yellow]none[/]",
                    Markup.Escape(h.Comparison?.HostWinner?.Id ?? "–"),
                    Markup.Escape(FleetHtmlExporter.Ratio(h.Comparison)),
                    h.Collected is null ? "not collected" : h.Drift.Count == 0 ? "none" : Markup.Escape(string.Join("\n", h.Drift.Select(s => $"{s.Where}: {s.Cache ?? "?"}/{s.Io ?? "?"}"))),
                    h.Collected is null ? "–" : $"{h.LintErrors} E, {h.LintWarnings} W");
            }
            output.Console.Write(table);
        }
        return ExitCodes.Ok;
    }
}
