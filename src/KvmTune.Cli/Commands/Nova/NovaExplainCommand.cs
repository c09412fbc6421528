using System.ComponentModel;
using System.Text.Json;
using KvmTune.Core.Nova;
using KvmTune.Core.Rules;
using KvmTune.Host.Probing;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands.Nova;

/// <summary><c>kvmtune nova explain</c>: the &lt;driver/&gt; nova generates per image backend and volume type, and the findings.</summary>
internal sealed class NovaExplainCommand(CliOutput output) : Command<NovaExplainCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--conf <FILE>")]
        [Description("nova.conf to read; give it more than once as nova-compute's --config-file (later files win, e.g. nova.conf then nova-compute.conf).")]
        public string[] Conf { get; init; } = [];

        [CommandOption("--config-dir <DIR>")]
        [Description("Also read every *.conf in DIR, in sorted order, after the --conf files (oslo.config's --config-dir, e.g. kolla's nova.conf.d). May be given more than once.")]
        public string[] ConfigDir { get; init; } = [];

        [CommandOption("--instances-path <DIR>")]
        [Description("Probe O_DIRECT support here (nova falls back to cache='writeback' without it). Writes and deletes one 4 KiB temp file.")]
        public string? InstancesPath { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [DefaultValue("table")]
        public string Format { get; init; } = "table";

        public override ValidationResult Validate() =>
            Conf.Length == 0 && ConfigDir.Length == 0 ? ValidationResult.Error("give --conf FILE (or --config-dir DIR)")
            : Format is "table" or "json" ? ValidationResult.Success() : ValidationResult.Error($"--format {Format}: expected table or json");
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var conf = NovaConfFile.LoadMerged(settings.Conf, settings.ConfigDir);
        bool? directIo = settings.InstancesPath is null ? null : ODirectProbe.Supports(settings.InstancesPath);
        var explanation = NovaSimulator.Explain(conf, new NovaHost(directIo, HostFacts.Unknown, settings.InstancesPath));
        if (settings.Format == "json")
        {
            WriteJson(conf, explanation);
        }
        else
        {
            WriteTable(conf, explanation);
        }
        return explanation.HasErrors ? ExitCodes.Findings : ExitCodes.Ok;
    }

    private void WriteJson(NovaConf conf, NovaExplanation e)
    {
        var document = new
        {
            conf = conf.Files[0],
            conf_files = conf.Files,
            images_type = conf.ImagesType,
            instances_path = e.InstancesPath,
            o_direct = e.DirectIo,
            findings = e.ConfigFindings.Select(f => new { code = f.Code, severity = f.SeverityText, section = f.Section, key = f.Key, location = f.Line is null ? null : conf.Locate(f.Line), message = f.Message }),
            disks = e.Disks.Select(d => new
            {
                @case = d.Case,
                backend = d.Backend,
                configured = d.Configured,
                source_type = d.SourceType,
                nova_driver = d.NovaDriver,
                driver = d.Driver,
                disk = d.DiskXml,
                error = d.Error,
                steps = d.Steps,
                findings = d.ConfigFindings.Select(f => new { code = f.Code, severity = f.SeverityText, disk = (string?)null, location = f.Line is null ? null : conf.Locate(f.Line), message = f.Message })
                    .Concat(d.Findings.Select(f => new { code = f.Code, severity = f.SeverityText, disk = f.Disk, location = (string?)null, message = f.Message })),
            }),
        };
        output.Out.WriteLine(JsonSerializer.Serialize(document, JsonOptions));
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private void WriteTable(NovaConf conf, NovaExplanation e)
    {
        var console = output.Console;
        var odirect = e.DirectIo switch
        {
            true => "supports O_DIRECT",
            false => "no O_DIRECT (nova uses cache='writeback')",
            _ => "O_DIRECT not probed (pass --instances-path)",
        };
        console.MarkupLine($"[bold]{Markup.Escape(string.Join(" + ", conf.Files))}[/]: images_type={Markup.Escape(conf.ImagesType)}, instances_path {Markup.Escape(e.InstancesPath)} {Markup.Escape(odirect)}");
        var table = new Table().AddColumn("disk").AddColumn("source").AddColumn("<driver/>").AddColumn("findings");
        foreach (var d in e.Disks)
        {
            var findings = d.ConfigFindings.Select(f => $"{f.Code} {f.SeverityText}")
                .Concat(d.Findings.Select(f => $"{f.Code} {f.SeverityText}")).ToList();
            if (d.Error is not null)
            {
                findings.Insert(0, "nova fails");
            }
            var driver = d.Driver == d.NovaDriver ? d.Driver : $"{d.Driver}\n(nova alone: {d.NovaDriver})";
            table.AddRow(
                Markup.Escape(d.Configured ? $"{d.Case} *" : d.Case),
                Markup.Escape(d.SourceType),
                Markup.Escape(driver),
                Markup.Escape(findings.Count == 0 ? "-" : string.Join("\n", findings.Distinct())));
        }
        console.Write(table);
        console.MarkupLine("[dim]* the backend images_type selects[/]");
        if (e.ConfigFindings.Count > 0)
        {
            console.MarkupLine("[bold]nova.conf[/]");
            foreach (var f in e.ConfigFindings)
            {
                console.MarkupLine(Markup.Escape($"  {conf.Locate(f.Line)}: {f.Code} {f.SeverityText}: {f.Message}"));
            }
        }
        var rules = e.Disks.SelectMany(d => d.Findings.Select(f => (d.Case, f))).ToList();
        if (rules.Count > 0)
        {
            console.MarkupLine("[bold]rules on the generated disks[/]");
            foreach (var (c, f) in rules)
            {
                console.MarkupLine(Markup.Escape($"  {c}: {f.Code} {f.SeverityText}: {f.Message}"));
            }
        }
        foreach (var d in e.Disks.Where(d => d.Configured))
        {
            console.MarkupLine($"[bold]{Markup.Escape(d.Case)}[/]: how nova decides");
            if (d.Error is not null)
            {
                console.MarkupLine(Markup.Escape($"  nova fails: {d.Error}"));
            }
            foreach (var step in d.Steps)
            {
                console.MarkupLine(Markup.Escape($"  {step}"));
            }
        }
    }
}
