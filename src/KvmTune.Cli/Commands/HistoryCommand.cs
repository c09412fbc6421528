using System.ComponentModel;
using System.Globalization;
using KvmTune.Cli.Rendering;
using KvmTune.Cli.Settings;
using KvmTune.Core.Serialization;
using KvmTune.Services.Stores;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary><c>kvmtune history</c>: stored runs, newest first.</summary>
internal sealed class HistoryCommand(CliOutput output) : Command<HistoryCommand.Settings>
{
    public sealed class Settings : StoreSettings
    {
        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [TypeConverter(typeof(OutputFormatConverter))]
        public OutputFormat Format { get; init; } = OutputFormat.Table;

        [CommandOption("--limit <N>")]
        [Description("How many runs to list (default 20).")]
        [DefaultValue(20)]
        public int Limit { get; init; } = 20;


        public override ValidationResult Validate() =>
            Limit < 1 ? ValidationResult.Error($"--limit {Limit}: must be at least 1")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var runs = RunHistory.List(settings.Db, settings.Limit);
        if (settings.Format == OutputFormat.Json)
        {
            output.Out.WriteLine(JsonConvention.Serialize(runs.Select(StoreJson.Summary).ToList()));
            return ExitCodes.Ok;
        }
        if (runs.Count == 0)
        {
            output.Console.MarkupLine($"No runs stored yet ({Markup.Escape(settings.Db ?? RunStores.DefaultPath)}).");
            return ExitCodes.Ok;
        }
        var table = new Table().AddColumns("Run", "Started (UTC)", "Command", "Status", "Candidates", "Winner");
        foreach (var entry in runs)
        {
            var run = entry.Summary;
            table.AddRow(
                run.Info.Id.ToString(CultureInfo.InvariantCulture),
                run.Info.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                Markup.Escape(run.Info.Command),
                Markup.Escape(run.Info.Status),
                run.CandidateCount.ToString(CultureInfo.InvariantCulture),
                entry.Winner is { } winner
                    ? Markup.Escape(entry.DecidedNow ? $"{winner} (decided now, default constraints)" : winner.Id)
                    : "-");
        }
        output.Console.Write(table);
        return ExitCodes.Ok;
    }
}
