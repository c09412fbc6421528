using System.ComponentModel;
using System.Globalization;
using KvmTune.Core.Measurement;
using KvmTune.Core.Serialization;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary><c>kvmtune history</c>: stored runs, newest first.</summary>
internal sealed class HistoryCommand(CliOutput output) : Command<HistoryCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [DefaultValue("table")]
        public string Format { get; init; } = "table";

        [CommandOption("--limit <N>")]
        [Description("How many runs to list (default 20).")]
        [DefaultValue(20)]
        public int Limit { get; init; } = 20;

        [CommandOption("--db <FILE>")]
        [Description("The results database (default: kvmtune.db in the data directory).")]
        public string? Db { get; init; }

        public override ValidationResult Validate() =>
            Format is not ("table" or "json") ? ValidationResult.Error($"--format {Format}: expected table or json")
            : Limit < 1 ? ValidationResult.Error($"--limit {Limit}: must be at least 1")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var store = RunStores.OpenForReading(settings.Db);
        var runs = store?.ListSummaries(settings.Limit) ?? [];
        if (settings.Format == "json")
        {
            var entries = runs.Select(r => new HistoryRunJson(
                r.Info.Id, r.Info.StartedAt, r.Info.FinishedAt, r.Info.Command, r.Info.Status, r.CandidateCount,
                r.Best is null ? null : new HistoryBestJson(r.Best.Engine.ToName(), r.Best.CandidateId, r.Best.Profile, r.Best.Iops.Median, r.Best.MBps.Median)));
            output.Out.WriteLine(JsonConvention.Serialize(entries.ToList()));
            return ExitCodes.Ok;
        }
        if (runs.Count == 0)
        {
            output.Console.MarkupLine($"No runs stored yet ({Markup.Escape(settings.Db ?? RunStores.DefaultPath)}).");
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("Run", "Started (UTC)", "Command", "Status", "Candidates", "Best");
        foreach (var run in runs)
        {
            table.AddRow(
                run.Info.Id.ToString(CultureInfo.InvariantCulture),
                run.Info.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                Markup.Escape(run.Info.Command),
                Markup.Escape(run.Info.Status),
                run.CandidateCount.ToString(CultureInfo.InvariantCulture),
                run.Best is { } best
                    ? Markup.Escape($"{best.CandidateId} {best.Profile}: {best.Iops.Median.ToString("N0", CultureInfo.InvariantCulture)} IOPS ({best.Engine.ToName()})")
                    : "-");
        }
        output.Console.Write(table);
        return ExitCodes.Ok;
    }
}

/// <summary>One run of <c>history --format json</c>.</summary>
internal sealed record HistoryRunJson(long Id, DateTimeOffset Started, DateTimeOffset? Finished, string Command, string Status, int Candidates, HistoryBestJson? Best);

/// <summary>The best result of a run: engine, candidate, profile, median IOPS and MB/s.</summary>
internal sealed record HistoryBestJson(string Engine, string Candidate, string Profile, double MedianIops, double MedianMbps);
