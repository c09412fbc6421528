using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using KvmTune.Core;
using KvmTune.Core.Apply;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;
using KvmTune.Host.Input;
using KvmTune.Host.Libvirt;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary>
/// <c>kvmtune apply</c>: applies a tuning policy to libvirt domains' persistent definitions. Dry run unless --yes;
/// backup before defineXML; read back and verified; restored on failure.
/// </summary>
internal sealed class ApplyCommand(CliOutput output) : Command<ApplyCommand.Settings>
{
    private IAnsiConsole _console = output.Console;
    private bool _json;
    private readonly List<JsonObject> _results = [];

    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--policy <FILE>")]
        [Description("The policy file (JSON) the advisor wrote.")]
        public string? Policy { get; init; }

        [CommandOption("--db <FILE>")]
        [Description("With --from-run: the results store (default: kvmtune.db in the data directory).")]
        public string? Db { get; init; }

        [CommandOption("--from-run <RUN>")]
        [Description("Decide the policy from a stored run.")]
        public long? FromRun { get; init; }

        [CommandOption("--connect <URI>")]
        [Description("libvirt URI (default $LIBVIRT_DEFAULT_URI or qemu:///system).")]
        public string? Connect { get; init; }

        [CommandOption("--domain <NAME>")]
        [Description("A domain to change (repeatable).")]
        public string[] Domains { get; init; } = [];

        [CommandOption("--all")]
        [Description("Every persistent domain of the connection.")]
        public bool All { get; init; }

        [CommandOption("--yes")]
        [Description("Write the changes (without it, a dry run).")]
        public bool Yes { get; init; }

        [CommandOption("--restart")]
        [Description("Cold-restart running domains after the change (shutdown, destroy after the timeout, start).")]
        public bool Restart { get; init; }

        [CommandOption("--shutdown-timeout <SECONDS>")]
        [Description("How long --restart waits for a graceful shutdown before destroying the domain (default 120).")]
        [DefaultValue(120)]
        public int ShutdownTimeout { get; init; } = 120;

        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json (the plan and outcome per domain on stdout).")]
        [DefaultValue("table")]
        public string Format { get; init; } = "table";

        public override ValidationResult Validate()
        {
            if (Format is not ("table" or "json"))
            {
                return ValidationResult.Error($"--format '{Format}': expected table or json");
            }
            if ((Policy is null) == (FromRun is null))
            {
                return ValidationResult.Error("apply: give exactly one of --policy FILE or --from-run RUN");
            }
            if (All == (Domains.Length > 0))
            {
                return ValidationResult.Error("apply: give --domain NAME (one or more) or --all, not both");
            }
            if (ShutdownTimeout < 0)
            {
                return ValidationResult.Error("apply: --shutdown-timeout must be 0 or more seconds");
            }
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        _json = settings.Format == "json";
        // In JSON mode stdout carries one JSON document: the human-readable lines are not written.
        _console = _json ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(TextWriter.Null) }) : output.Console;
        var code = Run(settings);
        if (_json)
        {
            output.Out.WriteLine(new JsonObject { ["results"] = new JsonArray([.. _results]) }.ToJsonString(new JsonSerializerOptions
            {
                WriteIndented = true,
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            }));
        }
        return code;
    }

    private JsonObject Result(string domain) => _results.First(r => (string?)r["domain"] == domain);

    private int Run(Settings settings)
    {
        var policy = LoadPolicy(settings);
        using var connection = LibvirtInput.Open(settings.Connect, readWrite: settings.Yes);
        var domains = LibvirtInput.Select(connection, settings.Domains, settings.All);
        try
        {
            var facts = connection.HostFacts();
            var plans = new List<(LibvirtDomain Domain, DomainEditPlan Plan, bool Running)>();
            foreach (var domain in domains)
            {
                if (!domain.IsPersistent)
                {
                    _console.MarkupLineInterpolated($"[bold]{domain.Name}[/]: transient (no persistent definition): not changed");
                    continue;
                }
                var xml = domain.PersistentXml;
                DomainEditPlan plan;
                try
                {
                    plan = DomainEditPlan.Create(xml, domain.Name, policy, facts);
                }
                catch (DomainXmlException e)
                {
                    throw new InputException($"{domain.Name}: libvirt's definition does not parse: {e.Message}", e);
                }
                plans.Add((domain, plan, domain.IsActive));
            }

            foreach (var (domain, plan, running) in plans)
            {
                Describe(domain.Name, plan, running, policy, settings);
                _results.Add(PlanJson(domain.Name, plan, running, policy));
            }

            var refused = plans.Where(p => p.Plan.IsRefused).ToList();
            if (refused.Count > 0)
            {
                var first = refused[0];
                var f = first.Plan.Refusals[0];
                var more = refused.Sum(r => r.Plan.Refusals.Count) - 1;
                throw new InputException($"{first.Domain.Name}: {f.Disk}: {f.Code} {f.Message}: the policy is refused{(more > 0 ? $" ({more} more above)" : "")}; nothing written");
            }

            var changing = plans.Where(p => p.Plan.HasChanges).ToList();
            if (changing.Count == 0)
            {
                _console.MarkupLine("Nothing to change: every selected domain already has these settings.");
                return ExitCodes.Ok;
            }
            if (!settings.Yes)
            {
                _console.MarkupLineInterpolated($"Dry run: nothing written. Run again with --yes to change {changing.Count} domain(s).");
                return ExitCodes.Ok;
            }

            var writer = new DomainDefinitionWriter(DomainBackupStore.Default);
            foreach (var (domain, plan, running) in changing)
            {
                var outcome = writer.Replace(connection, domain.Name, plan.OriginalXml, plan.EditedXml, "before-apply",
                    readBack => plan.Verify(DomainDocument.Parse(readBack, domain.Name)));
                if (!outcome.Succeeded)
                {
                    foreach (var problem in outcome.Problems)
                    {
                        output.Error.WriteLine($"kvmtune: {problem}");
                    }
                    output.Error.WriteLine($"kvmtune: {domain.Name}: {StatusText(outcome)}");
                    Result(domain.Name)["status"] = outcome.Status == ReplaceStatus.Refused ? "refused-by-libvirt" : outcome.Status == ReplaceStatus.NotStarted ? "not-written" : outcome.Status == ReplaceStatus.Restored ? "restored" : "restore-failed";
                    Result(domain.Name)["backup"] = outcome.Backup?.Path;
                    Result(domain.Name)["problems"] = new JsonArray([.. outcome.Problems.Select(p => (JsonNode)JsonValue.Create(p))]);
                    return ExitCodes.Failure;
                }
                _console.MarkupLineInterpolated($"[green]{domain.Name}[/]: new definition written and verified; backup {outcome.Backup!.Path}");
                Result(domain.Name)["status"] = "written";
                Result(domain.Name)["backup"] = outcome.Backup.Path;
                if (running)
                {
                    if (settings.Restart)
                    {
                        var graceful = domain.ShutdownOrDestroy(TimeSpan.FromSeconds(settings.ShutdownTimeout));
                        domain.Start();
                        var how = graceful ? "shut down" : $"destroyed after {settings.ShutdownTimeout}s without shutting down";
                        var notLive = plan.Verify(DomainDocument.Parse(domain.LiveXml, $"{domain.Name} (live)"));
                        if (notLive.Count > 0)
                        {
                            output.Error.WriteLine($"kvmtune: {domain.Name}: cold-restarted ({how}, started), but the live definition differs: {string.Join("; ", notLive)}");
                            return ExitCodes.Failure;
                        }
                        _console.MarkupLineInterpolated($"{domain.Name}: cold-restarted ({how}, started): the new settings are live");
                        Result(domain.Name)["restarted"] = true;
                        Result(domain.Name)["coldRestartNeeded"] = false;
                    }
                    else
                    {
                        _console.MarkupLineInterpolated($"[yellow]{domain.Name}[/]: running: keeps the old settings until a cold restart (shut down and start; a reboot inside the guest is not enough), or use --restart");
                    }
                }
            }
            return ExitCodes.Ok;
        }
        finally
        {
            foreach (var d in domains)
            {
                d.Dispose();
            }
        }
    }

    private static JsonObject PlanJson(string name, DomainEditPlan plan, bool running, TuningPolicy policy)
    {
        var result = new JsonObject
        {
            ["domain"] = name,
            ["running"] = running,
            ["status"] = plan.IsRefused ? "refused" : plan.HasChanges ? "planned" : "unchanged",
            ["edits"] = new JsonArray([.. plan.Edits.Select(e => (JsonNode)new JsonObject
            {
                ["disk"] = e.Disk,
                ["sourceType"] = e.SourceType,
                ["attribute"] = e.Attribute,
                ["old"] = e.OldValue,
                ["new"] = e.NewValue,
            })]),
            ["skipped"] = new JsonArray([.. plan.Skipped.Select(k => (JsonNode)new JsonObject { ["disk"] = k.Disk, ["reason"] = k.Reason })]),
            ["refusals"] = Findings(plan.Refusals),
            ["findings"] = Findings(plan.Findings),
            ["diff"] = plan.HasChanges && !plan.IsRefused ? UnifiedDiff.Create(plan.OriginalXml, plan.EditedXml, $"{name} (persistent)", $"{name} (after apply)") : "",
            ["coldRestartNeeded"] = running && plan.HasChanges,
            ["novaManaged"] = plan.Document.IsNovaManaged,
        };
        if (plan.Document.IsNovaManaged)
        {
            var advice = NovaAdvice.For(policy, plan.Document);
            result["novaConf"] = new JsonArray([.. advice.ConfLines.Select(l => (JsonNode)JsonValue.Create(l))]);
            result["novaCannotExpress"] = new JsonArray([.. advice.NotExpressible.Select(l => (JsonNode)JsonValue.Create(l))]);
        }
        return result;
    }

    private static JsonArray Findings(IEnumerable<Finding> findings) =>
        new([.. findings.Select(f => (JsonNode)new JsonObject
        {
            ["code"] = f.Code,
            ["severity"] = f.SeverityText,
            ["disk"] = f.Disk,
            ["message"] = f.Message,
        })]);

    private static string StatusText(ReplaceOutcome outcome) => outcome.Status switch
    {
        ReplaceStatus.NotStarted => "nothing written",
        ReplaceStatus.Refused => $"libvirt refused the change; the definition is unchanged; backup {outcome.Backup?.Path}",
        ReplaceStatus.Restored => $"the previous definition was restored; backup {outcome.Backup?.Path}",
        _ => $"restoring failed: run 'kvmtune rollback --domain {outcome.Backup?.Domain} --to {outcome.Backup?.FileName}'",
    };

    private static TuningPolicy LoadPolicy(Settings settings)
    {
        if (settings.FromRun is { } run)
        {
            // The same decision tune made with the default constraints (guest flushes must reach stable storage),
            // re-run on the stored measurements.
            using var store = RunStores.OpenForReading(settings.Db)
                ?? throw new InputException($"--from-run {run}: no results store at {RunStores.DefaultPath} (run kvmtune tune first)");
            var data = store.LoadRun(run) ?? throw new InputException($"--from-run {run}: no such run in {store.Path}");
            var report = Reporting.RunReporter.Decide(data, Core.Decisions.AdvisorConstraints.Default, vmsPerHost: null);
            if (report.Recommendation.Policy.Disks.Count == 0)
            {
                throw new InputException($"--from-run {run}: the run ranks no candidate, so there is nothing to apply");
            }
            return report.Recommendation.Policy;
        }
        var path = settings.Policy!;
        return TuningPolicy.Parse(InputFiles.ReadText(path, Core.Input.InputLimits.PolicyBytes, "policy"), path);
    }

    private void Describe(string name, DomainEditPlan plan, bool running, TuningPolicy policy, Settings settings)
    {
        var console = _console;
        console.WriteLine();
        console.MarkupLineInterpolated($"[bold]{name}[/]{(running ? " (running)" : "")}");
        if (plan.HasChanges)
        {
            var table = new Table().AddColumns("disk", "source type", "attribute", "now", "after");
            foreach (var e in plan.Edits)
            {
                table.AddRow(Markup.Escape(e.Disk), e.SourceType, e.Attribute, Markup.Escape(e.OldValue is null ? "(unset)" : $"'{e.OldValue}'"), Markup.Escape($"'{e.NewValue}'"));
            }
            console.Write(table);
        }
        else
        {
            console.MarkupLine("  no change: the disks already have the policy's settings");
        }
        foreach (var s in plan.Skipped)
        {
            console.MarkupLineInterpolated($"  {s.Disk}: not changed: {s.Reason}");
        }
        foreach (var f in plan.Refusals)
        {
            console.MarkupLineInterpolated($"  [red]refused[/] {f.Disk}: {f.Code} {f.Message}");
        }
        foreach (var f in plan.Findings.Where(f => f.Severity != Severity.Error || !plan.Refusals.Contains(f)))
        {
            console.MarkupLineInterpolated($"  {f.SeverityText} {f.Disk}: {f.Code} {f.Message}");
        }
        if (plan.HasChanges && !plan.IsRefused)
        {
            if (!_json)
            {
                output.Out.Write(UnifiedDiff.Create(plan.OriginalXml, plan.EditedXml, $"{name} (persistent)", $"{name} (after apply)"));
                output.Out.Flush();
            }
            if (running)
            {
                console.MarkupLineInterpolated($"  running: the change takes effect at the next cold restart{(settings.Restart ? " (--restart does it)" : "")}");
            }
        }
        if (plan.Document.IsNovaManaged)
        {
            var advice = NovaAdvice.For(policy, plan.Document);
            console.MarkupLine("  [yellow]nova manages this domain[/]: nova regenerates its XML on hard reboot, resize and migration, dropping this change.");
            if (advice.ConfLines.Count > 0)
            {
                console.MarkupLine("  To make it last, set in nova.conf (kvmtune nova apply), then restart nova-compute:");
                foreach (var line in advice.ConfLines)
                {
                    console.MarkupLineInterpolated($"    {line}");
                }
            }
            foreach (var missing in advice.NotExpressible)
            {
                console.MarkupLineInterpolated($"  nova cannot express: {missing}");
            }
        }
    }
}
