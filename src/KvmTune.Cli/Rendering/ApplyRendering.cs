using KvmTune.Core.Apply;
using KvmTune.Core.Rules;
using KvmTune.Services.Applying;
using Spectre.Console;

namespace KvmTune.Cli.Rendering;

/// <summary><c>apply --format json</c>: per host (in the order given) its status and one entry per domain.</summary>
internal sealed record ApplyJson(IReadOnlyList<HostApplyJson> Hosts, ApplySummaryJson Summary);

/// <summary>One host: <c>status</c> planned, unchanged, changed, failed or not-attempted; <c>results</c> null when it
/// could not be read.</summary>
internal sealed record HostApplyJson(string Host, string Uri, string Status, string? Error, IReadOnlyList<DomainApplyJson>? Results);

/// <summary>The hosts changed (at least one domain written), failed, not attempted, and where the apply stopped.</summary>
internal sealed record ApplySummaryJson(int Hosts, bool Written, IReadOnlyList<string> ChangedHosts, IReadOnlyList<string> FailedHosts,
    IReadOnlyList<string> NotAttemptedHosts, string? StoppedAt);

/// <summary>One domain's plan and outcome.</summary>
internal sealed record DomainApplyJson(
    string Domain,
    bool Running,
    string Status,
    IReadOnlyList<EditJson> Edits,
    IReadOnlyList<SkippedJson> Skipped,
    IReadOnlyList<FindingJson> Refusals,
    IReadOnlyList<FindingJson> Findings,
    string Diff,
    bool ColdRestartNeeded,
    bool NovaManaged)
{
    public string? Backup { get; init; }
    public IReadOnlyList<string>? Problems { get; init; }
    public bool? Restarted { get; init; }
    public IReadOnlyList<string>? NovaConf { get; init; }
    public IReadOnlyList<string>? NovaCannotExpress { get; init; }
}

/// <summary>One attribute an apply changes.</summary>
internal sealed record EditJson(string Disk, string SourceType, string Attribute, string? Old, string New);

/// <summary>A disk the policy leaves alone, and why.</summary>
internal sealed record SkippedJson(string Disk, string Reason);

/// <summary>A rule finding.</summary>
internal sealed record FindingJson(string Code, string Severity, string? Disk, string Message)
{
    public static FindingJson Of(Finding f) => new(f.Code, f.SeverityText, f.Disk, f.Message);
}

/// <summary>How an apply is shown: per domain the edits, findings, the diff, and what happens next.</summary>
internal static class ApplyRendering
{
    public static ApplyJson Json(FleetApplyResult result) => new(
        [.. result.Hosts.Select(h => new HostApplyJson(h.Host.Name, h.Host.Uri, HostStatus(h.Status), h.Error, h.Result is null ? null : Domains(h.Result)))],
        new ApplySummaryJson(result.Hosts.Count, result.Write,
            [.. result.ChangedHosts.Select(h => h.Host.Name)],
            [.. result.In(HostApplyStatus.Failed).Select(h => h.Host.Name)],
            [.. result.In(HostApplyStatus.NotAttempted).Select(h => h.Host.Name)],
            result.StoppedAt?.Name));

    /// <summary>
    /// The table for one host as before; for many, a section per host and a closing line naming the hosts changed,
    /// failed and not attempted.
    /// </summary>
    public static void Render(CliOutput output, FleetApplyResult result, bool restart)
    {
        if (result.Hosts.Count == 1)
        {
            if (result.Hosts[0].Result is { } only)
            {
                Render(output, only, restart);
            }
            return;
        }
        var console = output.Console;
        foreach (var h in result.Hosts)
        {
            Commands.HostSections.Heading(console, h.Host);
            if (h.Status == HostApplyStatus.NotAttempted)
            {
                console.MarkupLineInterpolated($"[yellow]{h.Error}[/]");
                continue;
            }
            if (h.Result is { } r)
            {
                Render(output, r, restart);
            }
            if (h.Status == HostApplyStatus.Failed)
            {
                Commands.HostSections.Failure(console, h.Error!);
            }
        }
        console.WriteLine();
        // Host URIs are long: the closing line is written unwrapped.
        output.Out.WriteLine(Closing(result));
        output.Out.Flush();
    }

    /// <summary>
    /// One line per failure on stderr and the exit code: 3 when a host could not be read or a write did not succeed,
    /// else 0.
    /// </summary>
    public static int Close(CliOutput output, FleetApplyResult result)
    {
        if (result.Hosts.Count == 1)
        {
            var only = result.Hosts[0];
            if (only.Result?.Failed is { } failed)
            {
                foreach (var problem in failed.Problems)
                {
                    output.Error.WriteLine($"kvmtune: {problem}");
                }
                output.Error.WriteLine($"kvmtune: {failed.Domain}: {StatusText(failed)}");
                return ExitCodes.Failure;
            }
            return ExitCodes.Ok;
        }
        foreach (var h in result.In(HostApplyStatus.Failed))
        {
            var detail = h.Result?.Failed is { } failed ? $"{h.Error} ({StatusText(failed)})" : h.Error;
            output.Error.WriteLine($"kvmtune: host {h.Host.Name}: {detail}");
        }
        if (result.StoppedAt is { } stopped && result.In(HostApplyStatus.NotAttempted).Any())
        {
            output.Error.WriteLine($"kvmtune: stopped at host {stopped.Name}: not attempted: " +
                string.Join(", ", result.In(HostApplyStatus.NotAttempted).Select(h => h.Host.Name)));
        }
        return result.In(HostApplyStatus.Failed).Any() ? ExitCodes.Failure : ExitCodes.Ok;
    }

    /// <summary>"3 hosts: changed a, b; unchanged c; failed d; not attempted e." (or "would change" in a dry run).</summary>
    public static string Closing(FleetApplyResult result)
    {
        static string Names(IEnumerable<HostApply> hosts) => string.Join(", ", hosts.Select(h => h.Host.Name));
        var parts = new List<string>();
        void Add(string label, IEnumerable<HostApply> hosts)
        {
            var list = hosts.ToList();
            if (list.Count > 0)
            {
                parts.Add($"{label} {Names(list)}");
            }
        }
        Add(result.Write ? "changed" : "would change", result.Write ? result.ChangedHosts : result.In(HostApplyStatus.Planned));
        Add("unchanged", result.In(HostApplyStatus.Unchanged));
        Add("failed", result.In(HostApplyStatus.Failed));
        Add("not attempted", result.In(HostApplyStatus.NotAttempted));
        if (result.Write && !result.ChangedHosts.Any())
        {
            parts.Insert(0, "no host changed");
        }
        var dry = result.Write ? "" : " Dry run: nothing written on any host; run again with --yes.";
        return $"{result.Hosts.Count} hosts: {string.Join("; ", parts)}.{dry}";
    }

    private static string HostStatus(HostApplyStatus status) => status switch
    {
        HostApplyStatus.Planned => "planned",
        HostApplyStatus.Unchanged => "unchanged",
        HostApplyStatus.Changed => "changed",
        HostApplyStatus.Failed => "failed",
        _ => "not-attempted",
    };

    private static IReadOnlyList<DomainApplyJson> Domains(ApplyResult result) => [.. result.Domains.Select(d =>
    {
        var plan = d.Plan;
        var showDiff = plan is { HasChanges: true, IsRefused: false };
        return new DomainApplyJson(
            d.Domain,
            d.Running,
            Status(d.Status),
            plan is null ? [] : [.. plan.Edits.Select(e => new EditJson(e.Disk, e.SourceType, e.Attribute, e.OldValue, e.NewValue))],
            plan is null ? [] : [.. plan.Skipped.Select(k => new SkippedJson(k.Disk, k.Reason))],
            plan is null ? [] : [.. plan.Refusals.Select(FindingJson.Of)],
            plan is null ? [] : [.. plan.Findings.Select(FindingJson.Of)],
            showDiff ? Diff(d) : "",
            d.ColdRestartNeeded,
            plan?.Document.IsNovaManaged ?? false)
        {
            Backup = d.Backup?.Path,
            Problems = d.Problems.Count > 0 ? d.Problems : null,
            Restarted = d.Restarted is null ? null : true,
            NovaConf = d.Nova?.ConfLines,
            NovaCannotExpress = d.Nova?.NotExpressible,
        };
    })];

    public static void Render(CliOutput output, ApplyResult result, bool restart)
    {
        var console = output.Console;
        foreach (var d in result.Domains)
        {
            if (d.Status == DomainApplyStatus.Transient)
            {
                console.MarkupLineInterpolated($"[bold]{d.Domain}[/]: transient (no persistent definition): not changed");
                continue;
            }
            Describe(output, d, restart);
        }
        if (result.Domains.All(d => d.Plan is not { HasChanges: true }))
        {
            console.MarkupLine("Nothing to change: every selected domain already has these settings.");
            return;
        }
        if (!result.Written)
        {
            console.MarkupLineInterpolated($"Dry run: nothing written. Run again with --yes to change {result.Changing.Count()} domain(s).");
            return;
        }
        foreach (var d in result.Domains.Where(d => d.Status == DomainApplyStatus.Written))
        {
            console.MarkupLineInterpolated($"[green]{d.Domain}[/]: new definition written and verified; backup {d.Backup!.Path}");
            if (d.Restarted is { } how)
            {
                if (d.Problems.Count == 0)
                {
                    console.MarkupLineInterpolated($"{d.Domain}: cold-restarted ({how}, started): the new settings are live");
                }
            }
            else if (d.Running)
            {
                console.MarkupLineInterpolated($"[yellow]{d.Domain}[/]: running: keeps the old settings until a cold restart (shut down and start; a reboot inside the guest is not enough), or use --restart");
            }
        }
    }

    /// <summary>One line for a domain whose write did not succeed.</summary>
    public static string StatusText(DomainApply d) => d.Status switch
    {
        DomainApplyStatus.Written when d.Restarted is { } how => $"cold-restarted ({how}, started), but the live definition differs",
        DomainApplyStatus.NotWritten => "nothing written",
        DomainApplyStatus.RefusedByLibvirt => $"libvirt refused the change; the definition is unchanged; backup {d.Backup?.Path}",
        DomainApplyStatus.Restored => $"the previous definition was restored; backup {d.Backup?.Path}",
        _ => $"restoring failed: run 'kvmtune rollback --domain {d.Backup?.Domain} --to {d.Backup?.FileName} --yes'",
    };

    private static string Status(DomainApplyStatus status) => status switch
    {
        DomainApplyStatus.Planned => "planned",
        DomainApplyStatus.Unchanged => "unchanged",
        DomainApplyStatus.Refused => "refused",
        DomainApplyStatus.Transient => "transient",
        DomainApplyStatus.Written => "written",
        DomainApplyStatus.RefusedByLibvirt => "refused-by-libvirt",
        DomainApplyStatus.NotWritten => "not-written",
        DomainApplyStatus.Restored => "restored",
        _ => "restore-failed",
    };

    private static string Diff(DomainApply d) =>
        UnifiedDiff.Create(d.Plan!.OriginalXml, d.Plan.EditedXml, $"{d.Domain} (persistent)", $"{d.Domain} (after apply)");

    private static void Describe(CliOutput output, DomainApply d, bool restart)
    {
        var console = output.Console;
        var plan = d.Plan!;
        console.WriteLine();
        console.MarkupLineInterpolated($"[bold]{d.Domain}[/]{(d.Running ? " (running)" : "")}");
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
        foreach (var f in plan.Findings.Where(f => f.Severity != Severity.Error || !plan.Refusals.Contains(f)))
        {
            console.MarkupLineInterpolated($"  {f.SeverityText} {f.Disk}: {f.Code} {f.Message}");
        }
        if (plan.HasChanges)
        {
            output.Out.Write(Diff(d));
            output.Out.Flush();
            if (d.Running)
            {
                console.MarkupLineInterpolated($"  running: the change takes effect at the next cold restart{(restart ? " (--restart does it)" : "")}");
            }
        }
        if (d.Nova is { } advice)
        {
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
