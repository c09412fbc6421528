using System.ComponentModel;
using KvmTune.Cli.Json;
using KvmTune.Cli.Settings;
using KvmTune.Core.Inspect;
using KvmTune.Core.Serialization;
using KvmTune.Services.Fleet;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary>
/// <c>kvmtune inspect</c>: for each running domain of each host and each disk, the settings in the persistent XML, the
/// live XML and the running QEMU process, with drift and rule findings. Exit 1 when a disk drifts (its next cold start
/// differs from what runs), 3 when a host failed.
/// </summary>
internal sealed class InspectCommand(CliOutput output) : Command<InspectCommand.Settings>
{
    internal sealed class Settings : HostSelectionSettings
    {
        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [TypeConverter(typeof(OutputFormatConverter))]
        public OutputFormat Format { get; init; } = OutputFormat.Table;
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var hosts = InspectService.Run(settings.Query(all: settings.Domains.Length == 0));
        if (settings.Format == OutputFormat.Json)
        {
            output.Out.WriteLine(JsonConvention.Serialize(InspectJson.From(hosts)));
        }
        else
        {
            foreach (var host in hosts)
            {
                HostSections.Heading(output.Console, host.Host);
                if (host.Error is not null)
                {
                    HostSections.Failure(output.Console, host.Error);
                    continue;
                }
                Render(host.Value!);
            }
        }
        HostSections.Close(output, hosts, settings.Format == OutputFormat.Table);
        var drift = hosts.Any(h => h.Value?.Any(d => d.HasDrift) == true);
        return HostSections.ExitCode(hosts, drift ? ExitCodes.Findings : ExitCodes.Ok);
    }

    private void Render(IReadOnlyList<InspectedDomain> domains)
    {
        var console = output.Console;
        if (domains.Count == 0)
        {
            console.MarkupLine("No running domain.");
            return;
        }
        foreach (var r in domains)
        {
            var pid = r.Pid is { } p ? $", pid {p}" : "";
            var state = r.State == "running" ? $"[grey]{r.State}{pid}[/]" : $"[yellow]{Markup.Escape(r.State)}[/][grey]{pid}[/]";
            console.MarkupLine($"[bold]{Markup.Escape(r.Name)}[/] {state}");
            if (r.QemuNote is not null)
            {
                console.MarkupLineInterpolated($"[grey]{r.QemuNote}[/]");
            }
            if (r.Disks.Count == 0)
            {
                continue;
            }
            var table = new Table().AddColumns("disk", "persistent XML", "live XML", "QEMU process", "cold restart");
            foreach (var d in r.Disks)
            {
                table.AddRow(
                    new Text(d.Disk),
                    new Text(Show(d.Persistent)),
                    new Text(d.Live is null ? "-" : Show(d.Live)),
                    new Text(d.Qemu?.Options ?? "-"),
                    d.NeedsColdRestart ? new Markup("[yellow]needed[/]") : new Text("no"));
            }
            console.Write(table);
            foreach (var d in r.Disks)
            {
                foreach (var drift in d.Drift)
                {
                    console.MarkupLineInterpolated($"[yellow]{d.Disk}: {drift}[/]");
                }
            }
            foreach (var f in r.Disks.SelectMany(d => d.Findings))
            {
                console.WriteLine($"{f.Disk}: {f.Code} {f.SeverityText}: {f.Message}");
            }
        }
    }

    private static string Show(DriverSettings s)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (value is not null)
            {
                parts.Add($"{name}='{value}'");
            }
        }
        Add("cache", s.Cache);
        Add("io", s.Io);
        Add("discard", s.Discard);
        Add("detect_zeroes", s.DetectZeroes);
        return parts.Count == 0 ? "(defaults)" : string.Join(" ", parts);
    }
}
