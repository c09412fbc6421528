using System.ComponentModel;
using System.Globalization;
using KvmTune.Cli.Settings;
using KvmTune.Core.Serialization;
using KvmTune.Services.SelfBench;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands.SelfBench;

/// <summary>
/// <c>kvmtune selfbench lint</c> (hidden): KvmTune's own lint speed (<see cref="LintSpeedBenchmark"/>): domains per
/// second of one core's CPU time, the share of parsing and the working set; <c>--scale</c> how lint grows with its
/// input; <c>--emit</c> the domains as files to time <c>kvmtune lint DIR</c> end to end.
/// </summary>
internal sealed class SelfBenchLintCommand(CliOutput output) : Command<SelfBenchLintCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--corpus <DIR>")]
        [Description("Directory of domain XMLs to build from (default: ../shared/corpus/libvirt beside the repository).")]
        public string? Corpus { get; init; }

        [CommandOption("--count <N>")]
        [Description("Domains per run (default 10000).")]
        [DefaultValue(10_000)]
        public int Count { get; init; } = 10_000;

        [CommandOption("--runs <N>")]
        [Description("Measured runs; the median is reported (default 5).")]
        [DefaultValue(5)]
        public int Runs { get; init; } = 5;

        [CommandOption("--emit <DIR>")]
        [Description("Write the domains as DIR/domain-NNNNN.xml instead of measuring (to time `kvmtune lint DIR` end to end). DIR must not exist.")]
        public string? Emit { get; init; }

        [CommandOption("--scale")]
        [Description("Measure how lint grows with its input instead: one domain with 1,000, 10,000 and 100,000 disks, then 10,000 domains; time and peak memory per size.")]
        public bool Scale { get; init; }

        [CommandOption("--no-pin")]
        [Description("Do not pin the process to one CPU (for tests sharing the process).")]
        public bool NoPin { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [TypeConverter(typeof(OutputFormatConverter))]
        public OutputFormat Format { get; init; } = OutputFormat.Table;

        public override ValidationResult Validate() =>
            Count < 1 ? ValidationResult.Error("--count must be at least 1")
            : Runs < 1 ? ValidationResult.Error("--runs must be at least 1")
            : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var variations = LintSpeedBenchmark.Load(settings.Corpus);
        if (settings.Emit is { } emit)
        {
            LintSpeedBenchmark.Emit(variations, settings.Count, emit);
            output.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"selfbench lint: wrote {settings.Count} domains to {emit}"));
            return ExitCodes.Ok;
        }
        if (settings.Scale)
        {
            var scale = LintSpeedBenchmark.MeasureScale(variations, !settings.NoPin,
                r => output.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"selfbench lint --scale: {r.Workload}: {r.WallSeconds:F2} s, {r.MicrosecondsPerDisk:F1} µs per disk, peak RSS {Mib(r.PeakRssBytes)}")),
                cancellationToken);
            if (settings.Format == OutputFormat.Json)
            {
                output.Out.WriteLine(JsonConvention.Serialize(scale));
            }
            else
            {
                WriteScaleTable(scale);
            }
            return ExitCodes.Ok;
        }
        var report = LintSpeedBenchmark.Measure(variations, settings.Count, settings.Runs, !settings.NoPin,
            (i, r) => output.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"selfbench lint: run {i}/{settings.Runs}: {r.DomainsPerSecond:F0} domains/s of CPU time, {r.WallDomainsPerSecond:F0} of wall time")),
            cancellationToken);
        if (settings.Format == OutputFormat.Json)
        {
            output.Out.WriteLine(JsonConvention.Serialize(report));
        }
        else
        {
            WriteTable(report);
        }
        return ExitCodes.Ok;
    }

    private void WriteScaleTable(LintScaleReport scale)
    {
        var console = output.Console;
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]selfbench lint --scale[/]: parse + lint on one thread{(scale.PinnedCpu is { } c ? $" pinned to CPU {c}" : ", not pinned")}; linear cost shows as a flat CPU time per disk"));
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("workload").AddColumn("disks").AddColumn("input").AddColumn("wall s").AddColumn("CPU s")
            .AddColumn("µs per disk (CPU)").AddColumn("peak RSS").AddColumn("findings");
        foreach (var r in scale.Sizes)
        {
            table.AddRow(r.Workload, r.Disks.ToString("N0", CultureInfo.InvariantCulture), Mib(r.InputBytes),
                r.WallSeconds.ToString("F2", CultureInfo.InvariantCulture), r.CpuSeconds.ToString("F2", CultureInfo.InvariantCulture),
                r.MicrosecondsPerDisk.ToString("F1", CultureInfo.InvariantCulture), Mib(r.PeakRssBytes), r.Findings.ToString("N0", CultureInfo.InvariantCulture));
        }
        console.Write(table);
    }

    private void WriteTable(LintSpeedReport report)
    {
        var console = output.Console;
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]selfbench lint[/]: {report.Domains:N0} domains built from {report.CorpusCases} corpus cases, {report.Runs.Count} run(s), one thread{(report.PinnedCpu is { } c ? $" pinned to CPU {c}" : ", not pinned")}"));
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("Run").AddColumn("domains/s (CPU)").AddColumn("domains/s (wall)").AddColumn("parse share")
            .AddColumn("findings").AddColumn("working set @1k").AddColumn("working set @end");
        for (var i = 0; i < report.Runs.Count; i++)
        {
            var r = report.Runs[i];
            table.AddRow(
                (i + 1).ToString(CultureInfo.InvariantCulture),
                r.DomainsPerSecond.ToString("F0", CultureInfo.InvariantCulture),
                r.WallDomainsPerSecond.ToString("F0", CultureInfo.InvariantCulture),
                r.ParseShare.ToString("P0", CultureInfo.InvariantCulture),
                r.Findings.ToString(CultureInfo.InvariantCulture),
                Mib(r.WorkingSetAt1kBytes),
                Mib(r.WorkingSetAtEndBytes));
        }
        console.Write(table);
        var median = report.Median;
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"median [bold]{median.DomainsPerSecond:F0} domains/s[/] of one core's CPU time (target >= 5,000), {median.WallDomainsPerSecond:F0} of wall time; peak working set {Mib(report.PeakWorkingSetBytes)}"));
    }

    private static string Mib(long bytes) => (bytes / 1048576.0).ToString("F1", CultureInfo.InvariantCulture) + " MiB";
}
