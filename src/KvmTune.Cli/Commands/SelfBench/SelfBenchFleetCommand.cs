using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using KvmTune.Cli.Settings;
using KvmTune.Core;
using KvmTune.Core.Serialization;
using KvmTune.Services.Fleet;
using KvmTune.Storage;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands.SelfBench;

/// <summary>
/// <c>kvmtune selfbench fleet --db postgresql://…</c> (hidden): writes a synthetic fleet store (default 1,000 hosts ×
/// 48 candidates × 2 profiles × 10 repeats) into PostgreSQL with binary COPY — the database's tables are emptied
/// first — then times <c>fleet report</c> over it in a fresh process of its own (<c>--report-only</c>), so that its
/// peak resident set is the report's alone.
/// </summary>
internal sealed class SelfBenchFleetCommand(CliOutput output) : Command<SelfBenchFleetCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--db <URL>")]
        [Description("A postgresql:// URL of a database the benchmark may empty.")]
        public string Db { get; init; } = "";

        [CommandOption("--hosts <N>")]
        [DefaultValue(1000)]
        public int Hosts { get; init; } = 1000;

        [CommandOption("--candidates <N>")]
        [DefaultValue(48)]
        public int Candidates { get; init; } = 48;

        [CommandOption("--profiles <N>")]
        [DefaultValue(2)]
        public int Profiles { get; init; } = 2;

        [CommandOption("--repeats <N>")]
        [DefaultValue(10)]
        public int Repeats { get; init; } = 10;

        [CommandOption("--report-only")]
        [Description("Only time fleet report over the store as it is (what the benchmark runs in its child process).")]
        public bool ReportOnly { get; init; }

        [CommandOption("--no-import")]
        [Description("Time fleet report over the store a previous run imported, without importing again.")]
        public bool NoImport { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [TypeConverter(typeof(OutputFormatConverter))]
        public OutputFormat Format { get; init; } = OutputFormat.Table;

        public override ValidationResult Validate() =>
            !PostgresUrl.IsUrl(Db) ? ValidationResult.Error("--db: a postgresql:// URL is required (the benchmark empties that database)")
            : Hosts < 1 || Candidates < 2 || Profiles is < 1 or > 2 || Repeats < 1 ? ValidationResult.Error("--hosts ≥ 1, --candidates ≥ 2, --profiles 1 or 2, --repeats ≥ 1")
            : ValidationResult.Success();
    }

    internal sealed record FleetBenchJson(int Hosts, int Candidates, int Profiles, int Repeats, long Samples, long Rows, double ImportSeconds, double ReportSeconds, double ReadSeconds, double CpuSeconds, double PeakRssMb, int ReportedHosts, int Groups);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        if (settings.ReportOnly)
        {
            var t = FleetBenchmark.Time(settings.Db);
            output.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t.Seconds:0.000} {t.PeakRssBytes} {t.Hosts} {t.Groups} {t.ReadSeconds:0.000} {t.CpuSeconds:0.000}"));
            return ExitCodes.Ok;
        }
        var size = new FleetBenchmarkSize(settings.Hosts, settings.Candidates, settings.Profiles, settings.Repeats, Groups: 4);
        var import = settings.NoImport ? new FleetBenchmarkImport(size, 0, 0) : FleetBenchmark.Generate(settings.Db, size);
        var timing = TimeInChild(settings.Db);
        var result = new FleetBenchJson(size.Hosts, size.Candidates, size.Profiles, size.Repeats, size.Samples, import.Rows, import.Seconds,
            timing[0], timing[4], timing[5], timing[1] / (1024 * 1024), (int)timing[2], (int)timing[3]);
        if (settings.Format == OutputFormat.Json)
        {
            output.Out.WriteLine(JsonConvention.Serialize(result));
            return ExitCodes.Ok;
        }
        var shape = string.Create(CultureInfo.InvariantCulture, $"{result.Hosts} hosts × {result.Candidates} candidates × {result.Profiles} profiles × {result.Repeats} repeats");
        output.Console.MarkupLine(settings.NoImport
            ? $"Store as imported before (--no-import): {shape}."
            : string.Create(CultureInfo.InvariantCulture, $"Imported {shape} = {result.Samples:N0} samples ({result.Rows:N0} rows) in {result.ImportSeconds:0.0} s."));
        output.Console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"fleet report: {result.ReportSeconds:0.00} s ({result.ReadSeconds:0.00} s reading the store; {result.CpuSeconds:0.00} s CPU), peak RSS {result.PeakRssMb:0} MB, {result.ReportedHosts} hosts in {result.Groups} groups."));
        return ExitCodes.Ok;
    }

    private static double[] TimeInChild(string db)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true };
        // Under `dotnet kvmtune.dll` the process is dotnet: pass the assembly first.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "kvmtune.dll"));
        }
        foreach (var a in new[] { "selfbench", "fleet", "--report-only", "--db", db })
        {
            start.ArgumentList.Add(a);
        }
        using var child = Process.Start(start)!;
        var text = child.StandardOutput.ReadToEnd();
        var error = child.StandardError.ReadToEnd();
        child.WaitForExit();
        if (child.ExitCode != 0)
        {
            throw new HostFailureException($"selfbench fleet --report-only failed ({child.ExitCode}): {error.Trim()}");
        }
        return [.. text.Trim().Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
    }
}
