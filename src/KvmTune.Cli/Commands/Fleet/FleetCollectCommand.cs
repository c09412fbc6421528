using System.ComponentModel;
using KvmTune.Cli.Json;
using KvmTune.Cli.Settings;
using KvmTune.Core.Serialization;
using KvmTune.Services.Fleet;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands.Fleet;

/// <summary><c>kvmtune fleet collect</c>: store this host's disk settings in force with its identity.</summary>
internal sealed class FleetCollectCommand(CliOutput output) : AsyncCommand<FleetCollectCommand.Settings>
{
    internal sealed class Settings : StoreSettings
    {
        [CommandOption("--nova-conf <FILE>")]
        [Description("nova.conf to summarise (default /etc/nova/nova.conf; skipped with a note when missing).")]
        public string? NovaConf { get; init; }

        [CommandOption("-c|--connect <URI>")]
        [Description("libvirt URI of this host's domains (default qemu:///system).")]
        [DefaultValue("qemu:///system")]
        public string Connect { get; init; } = "qemu:///system";

        [CommandOption("--dir <DIR>")]
        [Description("The scratch directory this host's runs measure in (the storage fingerprinted; default: the data directory's scratch).")]
        public string? Dir { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [TypeConverter(typeof(OutputFormatConverter))]
        public OutputFormat Format { get; init; } = OutputFormat.Table;
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var result = await FleetCollectService.CollectAsync(
            new FleetCollectRequest(settings.Db, settings.NovaConf ?? FleetCollectService.DefaultNovaConf, settings.NovaConf is not null, settings.Connect, settings.Dir),
            cancellationToken).ConfigureAwait(false);
        var state = result.State;
        if (settings.Format == OutputFormat.Json)
        {
            output.Out.WriteLine(JsonConvention.Serialize(new FleetCollectJson(
                result.Store, result.Id, result.Host.HostName, result.Host.MachineId, result.Host.Storage.Hash, result.Host.Storage.Text,
                [.. state.Settings.Select(s => new FleetSettingJson(s.Origin, s.Where, s.Cache, s.Io))], state.LintErrors, state.LintWarnings, state.LintCodes, state.Notes)));
            return ExitCodes.Ok;
        }
        output.Console.MarkupLine($"[bold]{Markup.Escape(result.Host.HostName)}[/] ({Markup.Escape(result.Host.MachineId)}), storage {Markup.Escape(result.Host.Storage.Hash)}: {Markup.Escape(result.Host.Storage.Describe())}");
        var table = new Table().AddColumns("origin", "where", "cache", "io");
        foreach (var s in state.Settings)
        {
            table.AddRow(Markup.Escape(s.Origin), Markup.Escape(s.Where), Markup.Escape(s.Cache ?? "?"), Markup.Escape(s.Io ?? "?"));
        }
        output.Console.Write(table);
        output.Console.MarkupLine($"lint: {state.LintErrors} errors, {state.LintWarnings} warnings{(state.LintCodes.Count > 0 ? " (" + Markup.Escape(string.Join(", ", state.LintCodes)) + ")" : "")}");
        foreach (var note in state.Notes)
        {
            output.Console.MarkupLine($"[yellow]note:[/] {Markup.Escape(note)}");
        }
        output.Console.MarkupLine($"Stored as state {result.Id} in {Markup.Escape(result.Store)}.");
        return ExitCodes.Ok;
    }
}
