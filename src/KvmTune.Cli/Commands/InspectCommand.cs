using System.ComponentModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using KvmTune.Core;
using KvmTune.Core.Inspect;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;
using KvmTune.Host.Libvirt;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary>
/// <c>kvmtune inspect</c>: for each running domain and disk, the settings in the persistent XML, the live XML and the
/// running QEMU process (its command line from /proc, via the pid libvirt records), with drift and rule findings.
/// </summary>
internal sealed class InspectCommand(CliOutput output) : Command<InspectCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--connect <URI>")]
        [Description("libvirt URI (default $LIBVIRT_DEFAULT_URI or qemu:///system). QEMU processes are read only for a local URI.")]
        public string? Connect { get; init; }

        [CommandOption("--domain <NAME>")]
        [Description("Inspect only these domains (repeatable); default: every running domain.")]
        public string[] Domains { get; init; } = [];

        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [DefaultValue("table")]
        public string Format { get; init; } = "table";

        public override ValidationResult Validate() =>
            Format is "table" or "json" ? ValidationResult.Success() : ValidationResult.Error($"--format '{Format}': expected table or json");
    }

    /// <summary>One inspected domain.</summary>
    internal sealed record DomainReport(string Name, bool Running, int? Pid, string? QemuNote, IReadOnlyList<DiskInspection> Disks);

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var connection = LibvirtInput.Open(settings.Connect, readWrite: false);
        var selected = settings.Domains.Length > 0
            ? LibvirtInput.Lookup(connection, settings.Domains)
            : connection.ListAllDomains();
        var reports = new List<DomainReport>();
        try
        {
            var facts = connection.HostFacts();
            var local = QemuProcess.IsLocal(connection.RequestedUri);
            foreach (var domain in selected)
            {
                if (!domain.IsActive)
                {
                    if (settings.Domains.Length > 0)
                    {
                        reports.Add(new DomainReport(domain.Name, false, null, "not running: nothing runs to compare with", []));
                    }
                    continue;
                }
                reports.Add(Inspect(domain, facts, local));
            }
        }
        catch (LibvirtException e)
        {
            throw new InputException($"{connection.RequestedUri}: {e.Message}", e);
        }
        finally
        {
            foreach (var d in selected)
            {
                d.Dispose();
            }
        }

        if (settings.Format == "json")
        {
            output.Out.WriteLine(ToJson(connection.RequestedUri, reports).ToJsonString(new JsonSerializerOptions
            {
                WriteIndented = true,
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            }));
        }
        else
        {
            Render(reports);
        }
        return ExitCodes.Ok;
    }

    private static DomainReport Inspect(LibvirtDomain domain, HostFacts facts, bool local)
    {
        var live = DomainDocument.Parse(domain.LiveXml, $"{domain.Name} (live)");
        var persistent = domain.IsPersistent ? DomainDocument.Parse(domain.PersistentXml, $"{domain.Name} (persistent)") : live;
        var qemu = QemuProcess.Read(domain.Name, local);
        var (pid, note, commandLine) = (qemu.Pid, qemu.Note, qemu.CommandLine);
        var disks = DiskInspector.Inspect(persistent, live, disk => commandLine is null ? null : QemuDiskSettings.From(commandLine, disk), facts);
        return new DomainReport(domain.Name, true, pid, note, disks);
    }

    internal static JsonObject ToJson(string uri, IEnumerable<DomainReport> reports) => new()
    {
        ["uri"] = uri,
        ["domains"] = new JsonArray(reports.Select(r => (JsonNode)new JsonObject
        {
            ["domain"] = r.Name,
            ["running"] = r.Running,
            ["pid"] = r.Pid,
            ["qemuNote"] = r.QemuNote,
            ["disks"] = new JsonArray(r.Disks.Select(d => (JsonNode)new JsonObject
            {
                ["disk"] = d.Disk,
                ["source"] = d.Source,
                ["persistent"] = Driver(d.Persistent),
                ["live"] = d.Live is null ? null : Driver(d.Live),
                ["qemu"] = d.Qemu is null ? null : new JsonObject
                {
                    ["cacheDirect"] = d.Qemu.CacheDirect,
                    ["cacheNoFlush"] = d.Qemu.CacheNoFlush,
                    ["writeCache"] = d.Qemu.WriteCache,
                    ["aio"] = d.Qemu.Aio,
                    ["options"] = d.Qemu.Options,
                },
                ["coldRestartNeeded"] = d.NeedsColdRestart,
                ["drift"] = new JsonArray(d.Drift.Select(x => (JsonNode)JsonValue.Create(x)).ToArray()),
                ["findings"] = new JsonArray(d.Findings.Select(f => (JsonNode)new JsonObject
                {
                    ["code"] = f.Code,
                    ["severity"] = f.SeverityText,
                    ["disk"] = f.Disk,
                    ["message"] = f.Message,
                }).ToArray()),
            }).ToArray()),
        }).ToArray()),
    };

    private static JsonObject Driver(DriverSettings s) => new()
    {
        ["cache"] = s.Cache,
        ["io"] = s.Io,
        ["discard"] = s.Discard,
        ["detect_zeroes"] = s.DetectZeroes,
    };

    private void Render(List<DomainReport> reports)
    {
        var console = output.Console;
        if (reports.Count == 0)
        {
            console.MarkupLine("No running domain.");
            return;
        }
        foreach (var r in reports)
        {
            console.Write(new Rule($"[bold]{Markup.Escape(r.Name)}[/]{(r.Pid is { } pid ? $" [grey]pid {pid}[/]" : "")}").LeftJustified());
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
