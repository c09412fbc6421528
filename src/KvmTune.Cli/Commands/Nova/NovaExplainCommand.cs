using System.ComponentModel;
using KvmTune.Cli.Settings;
using KvmTune.Core.Nova;
using KvmTune.Core.Rules;
using KvmTune.Core.Serialization;
using KvmTune.Host.Nova;
using KvmTune.Host.Probing;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands.Nova;

/// <summary><c>kvmtune nova explain</c>: the &lt;driver/&gt; nova generates per image backend and volume type, and the findings.</summary>
internal sealed class NovaExplainCommand(CliOutput output) : AsyncCommand<NovaExplainCommand.Settings>
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

        [CommandOption("--state-path <DIR>")]
        [Description("state_path when nova.conf does not set it (default /var/lib/nova, as the distributions' nova.conf sets it; nova's code default is $pybasedir, the directory holding the nova package).")]
        public string? StatePath { get; init; }

        [CommandOption("--nova-version <VERSION>")]
        [Description("The nova to follow: master (default), a version such as 26.2.2, or installed (the nova /usr/bin/python3 imports).")]
        [DefaultValue("master")]
        public string NovaVersion { get; init; } = "master";

        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [TypeConverter(typeof(OutputFormatConverter))]
        public OutputFormat Format { get; init; } = OutputFormat.Table;

        public override ValidationResult Validate()
        {
            if (Conf.Length == 0 && ConfigDir.Length == 0)
            {
                return ValidationResult.Error("give --conf FILE (or --config-dir DIR)");
            }
            return StatePath is not null && !StatePath.StartsWith('/')
                ? ValidationResult.Error($"--state-path {StatePath}: expected an absolute path")
                : ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var conf = NovaConfFile.LoadMerged(settings.Conf, settings.ConfigDir);
        if (settings.StatePath is not null)
        {
            conf.DefaultStatePath = settings.StatePath;
        }
        var version = settings.NovaVersion == "installed"
            ? (await NovaTree.LocateAsync(null, cancellationToken).ConfigureAwait(false)).NovaVersion
            : Core.Nova.NovaVersion.Parse(settings.NovaVersion);
        bool? directIo = settings.InstancesPath is null ? null : ODirectProbe.Supports(settings.InstancesPath);
        var explanation = NovaSimulator.Explain(conf, new NovaHost(directIo, HostFacts.Unknown, settings.InstancesPath, version));
        if (settings.Format == OutputFormat.Json)
        {
            await output.Out.WriteLineAsync(JsonConvention.Serialize(ToJson(conf, version, explanation))).ConfigureAwait(false);
        }
        else
        {
            WriteTable(conf, version, explanation);
        }
        return explanation.HasErrors ? ExitCodes.Findings : ExitCodes.Ok;
    }

    internal static NovaExplainJson ToJson(NovaConf conf, NovaVersion version, NovaExplanation e) => new(
        conf.Files[0], conf.Files, version.Text, conf.StatePath, conf.ImagesType, e.InstancesPath, e.DirectIo,
        [.. e.ConfigFindings.Select(f => new NovaConfFindingJson(f.Code, f.SeverityText, f.Section, f.Key, f.Line is null ? null : conf.Locate(f.Line), f.Message))],
        [.. e.Disks.Select(d => new NovaDiskJson(
            d.Case, d.Backend, d.Configured, d.SourceType, d.NovaDriver, d.Driver, d.NovaAttributes, d.Attributes, d.NovaDiskXml, d.DiskXml, d.Error, d.Steps,
            [.. d.ConfigFindings.Select(f => new NovaDiskFindingJson(f.Code, f.SeverityText, null, f.Line is null ? null : conf.Locate(f.Line), f.Message))
                .Concat(d.Findings.Select(f => new NovaDiskFindingJson(f.Code, f.SeverityText, f.Disk, null, f.Message)))]))]);

    private void WriteTable(NovaConf conf, NovaVersion version, NovaExplanation e)
    {
        var console = output.Console;
        var odirect = e.DirectIo switch
        {
            true => "supports O_DIRECT",
            false => "no O_DIRECT (nova uses cache='writeback')",
            _ => "O_DIRECT not probed (pass --instances-path)",
        };
        console.MarkupLine($"[bold]{Markup.Escape(string.Join(" + ", conf.Files))}[/]: images_type={Markup.Escape(conf.ImagesType)}, instances_path {Markup.Escape(e.InstancesPath)} {Markup.Escape(odirect)}; nova {Markup.Escape(version.Text)}{(conf.SetsStatePath ? "" : $", state_path {Markup.Escape(conf.StatePath)} assumed (--state-path)")}");
        var table = new Table().AddColumn("disk").AddColumn("source").AddColumn("<driver/>").AddColumn("findings");
        foreach (var d in e.Disks)
        {
            var findings = d.ConfigFindings.Select(f => $"{f.Code} {f.SeverityText}")
                .Concat(d.Findings.Select(f => $"{f.Code} {f.SeverityText}")).ToList();
            if (d.Error is not null)
            {
                findings.Insert(0, "nova fails");
            }
            var driver = d.Driver == d.NovaDriver ? d.Driver : $"{d.Driver}\n(stock nova: {d.NovaDriver})";
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

/// <summary><c>nova explain --format json</c>.</summary>
internal sealed record NovaExplainJson(
    string Conf, IReadOnlyList<string> ConfFiles, string NovaVersion, string StatePath, string ImagesType, string InstancesPath, bool? ODirect, IReadOnlyList<NovaConfFindingJson> Findings, IReadOnlyList<NovaDiskJson> Disks);

internal sealed record NovaConfFindingJson(string Code, string Severity, string Section, string Key, string? Location, string Message);

/// <summary>
/// One simulated disk; <see cref="Disk"/> is the whole &lt;disk&gt; element nova generates (with the nova patch when
/// <c>disk_io_modes</c> is set), <see cref="NovaDisk"/> the one stock nova generates.
/// </summary>
internal sealed record NovaDiskJson(
    string Case, string Backend, bool Configured, string SourceType, string NovaDriver, string Driver,
    NovaDriverAttributes NovaAttributes, NovaDriverAttributes Attributes, string NovaDisk, string Disk, string? Error,
    IReadOnlyList<string> Steps, IReadOnlyList<NovaDiskFindingJson> Findings);

internal sealed record NovaDiskFindingJson(string Code, string Severity, string? Disk, string? Location, string Message);
