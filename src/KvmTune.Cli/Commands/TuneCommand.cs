// Compiled once the bench pipeline (KvmTune.Host/Measurement/BenchRunner.cs) is in the tree; see KvmTune.Cli.csproj.
using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KvmTune.Cli.Reporting;
using KvmTune.Core;
using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Rules;
using KvmTune.Core.Tuning;
using KvmTune.Host.Backends;
using KvmTune.Host.Engines;
using KvmTune.Host.Measurement;
using KvmTune.Host.Probing;
using KvmTune.Reports.Exporters;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary>
/// <c>kvmtune tune</c>, the main job: probe the host, plan the candidates, measure them on the host and qemu engines
/// (the quick matrix by default), store the run, decide, and write the HTML report and the policy file.
/// </summary>
internal sealed class TuneCommand(CliOutput output) : AsyncCommand<TuneCommand.Settings>
{
    internal sealed class Settings : AdvisorSettings
    {
        [CommandOption("--backend <BACKENDS>")]
        [Description("Backends to measure, comma separated (default: qcow2-sparse, qcow2-metadata, raw-prealloc, loop).")]
        public string? Backends { get; init; }

        [CommandOption("--profile <PROFILES>")]
        [Description("Profiles to measure (default: the --workload profiles, else randread-4k-qd32,randwrite-4k-qd32).")]
        public string? Profiles { get; init; }

        [CommandOption("--cache <MODES>")]
        [Description("Cache modes to measure, comma separated (default all).")]
        public string? Caches { get; init; }

        [CommandOption("--aio <MODES>")]
        [Description("aio modes to measure, comma separated (default all).")]
        public string? Aios { get; init; }

        [CommandOption("--size <SIZE>")]
        [Description("Scratch image size (default 512M; 1G with --thorough).")]
        public string? Size { get; init; }

        [CommandOption("--duration <SECONDS>")]
        [Description("Seconds per repeat (default: the quick preset's; more with --thorough).")]
        public double? Duration { get; init; }

        [CommandOption("--repeats <N>")]
        [Description("Repeats per measurement, at least (default 3).")]
        public int? Repeats { get; init; }

        [CommandOption("--thorough")]
        [Description("Longer repeats, and more of them while the 95% interval is wider than ±5% of the median.")]
        public bool Thorough { get; init; }

        [CommandOption("--dir <DIR>")]
        [Description("Directory for scratch images (default: the data directory's scratch/).")]
        public string? Dir { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        public string Format { get; init; } = "table";

        [CommandOption("--output <FILE>")]
        [Description("Where to write the HTML report (default: reports/run-N.html in the data directory).")]
        public string? Output { get; init; }

        [CommandOption("--policy <FILE>")]
        [Description("Where to write the policy file for kvmtune apply (default: reports/run-N.policy.json).")]
        public string? Policy { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // Everything the user typed is checked before anything is measured or written.
        var (request, options) = Parse(settings);
        var constraints = settings.ToConstraints();
        var plan = BenchPlanner.Plan(request);
        var backendOptions = new BackendOptions { ScratchDirectory = settings.Dir };
        // Extra repeats go to the candidates the advisor may rank under these constraints (the host's QEMU version
        // decides which cached modes migrate safely: known once the probe ran), weighing the profiles as it will.
        HostFacts? probed = null;
        options = options with { Rankable = c => probed is null || Advisor.Exclusion(c, constraints, probed) is null, Workload = constraints.Workload };
        var result = await BenchSession.RunAsync(output, "tune", plan, options, backendOptions, settings.Db,
            async (scratch, ct) =>
            {
                var facts = (await HostProbe.RunAsync(scratch, null, ct).ConfigureAwait(false)).ToFactList();
                probed = RunHostFacts.From(facts);
                return facts;
            }, cancellationToken).ConfigureAwait(false);
        if (result.Outcome is not { } outcome)
        {
            return result.ExitCode;
        }
        using var store = RunStores.OpenForWriting(settings.Db);

        // Decide and report from what the store holds, so that `kvmtune report N` gives the same report later.
        var runId = outcome.RunId ?? throw new InvalidOperationException("the run was not stored");
        var run = store.LoadRun(runId) ?? throw new InvalidOperationException($"run {runId} is missing from {store.Path}");
        var report = RunReporter.Decide(run, constraints, settings.VmsPerHost);
        var reportPath = Path.GetFullPath(settings.Output ?? RunReporter.DefaultPath(runId, ".html"));
        var policyPath = Path.GetFullPath(settings.Policy ?? RunReporter.DefaultPath(runId, ".policy.json"));
        RunReporter.WriteAtomically(reportPath, new HtmlReportExporter().Export(report.Model));
        RunReporter.WriteAtomically(policyPath, report.Recommendation.Policy.ToJson() + "\n");

        if (settings.Format == "json")
        {
            var root = new JsonObject
            {
                ["run_id"] = runId,
                ["report_path"] = reportPath,
                ["policy_path"] = policyPath,
                ["report"] = JsonNode.Parse(new JsonReportExporter().Export(report.Model)),
            };
            await output.Out.WriteLineAsync(root.ToJsonString(new JsonSerializerOptions
            {
                WriteIndented = true,
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            })).ConfigureAwait(false);
        }
        else
        {
            DecisionTable.Render(output.Console, report, reportPath);
            output.Console.MarkupLine($"Policy: {Markup.Escape(policyPath)} (kvmtune apply --policy FILE, kvmtune nova apply --policy FILE)");
        }
        return ExitCodes.Ok;
    }

    private static (BenchRequest Request, BenchOptions Options) Parse(Settings settings)
    {
        if (settings.Format is not ("table" or "json"))
        {
            throw new InputException($"--format {settings.Format}: unknown format (table, json)");
        }
        settings.CheckAdvisorOptions();
        var constraints = settings.ToConstraints();
        foreach (var (path, option) in new[] { (settings.Output, "--output"), (settings.Policy, "--policy") })
        {
            if (path is not null && !Directory.Exists(Path.GetDirectoryName(Path.GetFullPath(path))))
            {
                throw new InputException($"{option} {path}: its directory does not exist");
            }
        }
        if (settings.Dir is not null && File.Exists(settings.Dir))
        {
            throw new InputException($"--dir {settings.Dir}: is a file, not a directory");
        }
        var backends = BenchCommand.ParseList(settings.Backends, "--backend", Core.Tuning.Backends.Parse, string.Join(", ", Core.Tuning.Backends.All.Select(b => b.ToName())))
            ?? BenchRequest.Quick.Backends;
        if (backends.FirstOrDefault(b => b is Backend.Device or Backend.Lvm) is var named && named is Backend.Device or Backend.Lvm)
        {
            throw new InputException($"--backend {named.ToName()}: measure a named device or volume group with kvmtune bench (--device/--vg), then kvmtune report RUN");
        }
        var caches = BenchCommand.ParseList(settings.Caches, "--cache", CacheModes.Parse, "none, writeback, writethrough, directsync, unsafe");
        var ios = BenchCommand.ParseList(settings.Aios, "--aio", IoModes.Parse, "threads, native, io_uring");
        var profileNames = settings.Profiles ?? (constraints.Workload.Count > 0 ? string.Join(',', constraints.Workload.Select(w => w.Profile)) : null);
        var profiles = profileNames is null
            ? [.. BenchRequest.Quick.Profiles]
            : profileNames.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(n => WorkloadProfile.Find(n) ?? throw new InputException(
                    $"{(settings.Profiles is null ? "--workload" : "--profile")} {n}: unknown profile (known: {string.Join(", ", WorkloadProfile.Presets.Select(p => p.Name))})"))
                .ToList();
        foreach (var w in constraints.Workload.Where(w => profiles.All(p => p.Name != w.Profile)))
        {
            throw new InputException($"--workload: profile '{w.Profile}' is not among --profile {settings.Profiles}");
        }
        var preset = settings.Thorough ? BenchOptions.Default : BenchOptions.Quick;
        if (settings.Repeats is { } repeats)
        {
            if (repeats is < 1 or > 100)
            {
                throw new InputException($"--repeats {repeats}: must be between 1 and 100");
            }
            preset = preset with { MinimumRepeats = repeats, MaximumRepeats = Math.Max(repeats, preset.MaximumRepeats) };
        }
        var duration = preset.Measure.Duration;
        if (settings.Duration is { } seconds)
        {
            if (seconds is < 0.1 or > 3600)
            {
                throw new InputException($"--duration {seconds.ToString(CultureInfo.InvariantCulture)}: must be between 0.1 and 3600 seconds");
            }
            duration = TimeSpan.FromSeconds(seconds);
        }
        var size = settings.Size is null ? preset.Measure.SizeBytes : BenchCommand.ParseSize(settings.Size);
        var options = preset with { Measure = new MeasureOptions(duration, size) };
        return (new BenchRequest(BenchRequest.Quick.Engines, backends, caches, ios, profiles), options);
    }


}
