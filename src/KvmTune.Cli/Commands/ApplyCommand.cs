using System.ComponentModel;
using KvmTune.Core;
using KvmTune.Core.Apply;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;
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
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--policy <FILE>")]
        [Description("The policy file (JSON) the advisor wrote.")]
        public string? Policy { get; init; }

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

        public override ValidationResult Validate()
        {
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
                    output.Console.MarkupLineInterpolated($"[bold]{domain.Name}[/]: transient (no persistent definition): not changed");
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
                output.Console.MarkupLine("Nothing to change: every selected domain already has these settings.");
                return ExitCodes.Ok;
            }
            if (!settings.Yes)
            {
                output.Console.MarkupLineInterpolated($"Dry run: nothing written. Run again with --yes to change {changing.Count} domain(s).");
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
                    return ExitCodes.Failure;
                }
                output.Console.MarkupLineInterpolated($"[green]{domain.Name}[/]: new definition written and verified; backup {outcome.Backup!.Path}");
                if (running)
                {
                    if (settings.Restart)
                    {
                        var graceful = domain.ShutdownOrDestroy(TimeSpan.FromSeconds(settings.ShutdownTimeout));
                        domain.Start();
                        output.Console.MarkupLineInterpolated($"{domain.Name}: cold-restarted ({(graceful ? "shut down" : $"destroyed after {settings.ShutdownTimeout}s without shutting down")}, started): the new settings are live");
                    }
                    else
                    {
                        output.Console.MarkupLineInterpolated($"[yellow]{domain.Name}[/]: running: keeps the old settings until a cold restart (shut down and start; a reboot inside the guest is not enough), or use --restart");
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
            // TODO #5: decide the policy from the stored run once the results store and the advisor are in this build.
            throw new InputException($"--from-run {run}: no results store in this build; write a policy file from the run and pass --policy FILE");
        }
        var path = settings.Policy!;
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot read the policy: {e.Message}", e);
        }
        return TuningPolicy.Parse(json, path);
    }

    private void Describe(string name, DomainEditPlan plan, bool running, TuningPolicy policy, Settings settings)
    {
        var console = output.Console;
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
            output.Out.Write(UnifiedDiff.Create(plan.OriginalXml, plan.EditedXml, $"{name} (persistent)", $"{name} (after apply)"));
            output.Out.Flush();
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
