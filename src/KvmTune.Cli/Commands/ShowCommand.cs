using System.ComponentModel;
using System.Globalization;
using KvmTune.Cli.Rendering;
using KvmTune.Cli.Settings;
using KvmTune.Core;
using KvmTune.Core.Measurement;
using KvmTune.Core.Serialization;
using KvmTune.Services.Stores;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary><c>kvmtune show RUN</c>: a stored run's host facts and results.</summary>
internal sealed class ShowCommand(CliOutput output) : Command<ShowCommand.Settings>
{
    public sealed class Settings : StoreSettings
    {
        [CommandArgument(0, "<RUN>")]
        [Description("The run number (see kvmtune history).")]
        public string Run { get; init; } = "";

        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [TypeConverter(typeof(OutputFormatConverter))]
        public OutputFormat Format { get; init; } = OutputFormat.Table;

        [CommandOption("--raw")]
        [Description("With --format json: include each sample's full tool output.")]
        public bool Raw { get; init; }


        public override ValidationResult Validate() =>
            !long.TryParse(Run, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? ValidationResult.Error($"run {Run}: not a run number")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var runId = long.Parse(settings.Run, CultureInfo.InvariantCulture);
        using var store = RunStores.OpenForReading(settings.Db);
        var run = store?.LoadRun(runId)
            ?? throw new InputException($"run {runId}: no such run in {settings.Db ?? RunStores.DefaultPath}");

        if (settings.Format == OutputFormat.Json)
        {
            output.Out.WriteLine(JsonConvention.Serialize(StoreJson.Run(run, settings.Raw)));
            return ExitCodes.Ok;
        }

        var finished = run.Info.FinishedAt is { } end ? end.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "-";
        output.Console.MarkupLine(Markup.Escape(
            $"Run {run.Info.Id}: {run.Info.Command} ({run.Info.Status}), started {run.Info.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC, finished {finished}"));

        var facts = new Table().Title("Host").AddColumns("Fact", "Value");
        foreach (var fact in run.HostFacts)
        {
            facts.AddRow(Markup.Escape(fact.Key), Markup.Escape(fact.Value));
        }
        output.Console.Write(facts);

        if (run.Results.Count == 0)
        {
            output.Console.MarkupLine($"No results ({run.Samples.Count} samples).");
            return ExitCodes.Ok;
        }
        var results = new Table().Title("Results").AddColumns("Engine", "Candidate", "Profile", "IOPS (median)", "95% CI", "MB/s", "p50 µs", "p99 µs", "vs host", "Note");
        foreach (var result in run.Results.OrderBy(r => r.Profile, StringComparer.Ordinal).ThenBy(r => r.Engine).ThenByDescending(r => r.Iops.Median))
        {
            results.AddRow(
                result.Engine.ToName(),
                Markup.Escape(result.Subject.ToString()!),
                Markup.Escape(result.Profile),
                result.SkippedCode is null ? Number(result.Iops.Median) : "-",
                result.SkippedCode is null ? $"{Number(result.Iops.CiLow)} – {Number(result.Iops.CiHigh)}" : "-",
                result.SkippedCode is null ? result.MBps.Median.ToString("0.0", CultureInfo.InvariantCulture) : "-",
                Optional(result.LatencyP50Us),
                Optional(result.LatencyP99Us),
                result.RatioToHost is { } ratio ? ratio.ToString("P0", CultureInfo.InvariantCulture) : "-",
                Markup.Escape(Note(result)));
        }
        output.Console.Write(results);
        return ExitCodes.Ok;
    }

    private static string Number(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Optional(double? value) => value?.ToString("0", CultureInfo.InvariantCulture) ?? "-";

    private static string Note(SubjectResult result)
    {
        var notes = new List<string>();
        if (result.SkippedCode is { } code)
        {
            notes.Add($"skipped ({code})");
        }
        if (result.HarnessBound)
        {
            notes.Add("harness-bound");
        }
        if (result.FunctionalOnly)
        {
            notes.Add("functional only (TCG)");
        }
        if (result.BurstIops is { } burst && result.SustainedIops is { } sustained)
        {
            notes.Add($"burst {Number(burst)} / sustained {Number(sustained)}");
        }
        return string.Join("; ", notes);
    }
}
