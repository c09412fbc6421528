using System.ComponentModel;
using KvmTune.Cli.Settings;
using KvmTune.Core.Serialization;
using KvmTune.Host.Nova;
using KvmTune.Host.Probing;
using KvmTune.Services.Nova;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands.Nova;

/// <summary>
/// <c>kvmtune nova pending</c>: the nova instances whose disks differ from what nova.conf (and the patch) now
/// generate, in the persistent XML or in the running QEMU: they need <c>openstack server reboot --hard</c>.
/// The workflow is <see cref="NovaPendingService"/>.
/// </summary>
internal sealed class NovaPendingCommand(CliOutput output) : AsyncCommand<NovaPendingCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--connect <URI>")]
        [Description("libvirt URI (default $LIBVIRT_DEFAULT_URI or qemu:///system). QEMU processes are read only for a local URI.")]
        public string? Connect { get; init; }

        [CommandOption("--conf <FILE>")]
        [Description("nova.conf as nova-compute reads it (default /etc/nova/nova.conf); give it more than once as nova-compute's --config-file (later files win).")]
        public string[] Conf { get; init; } = [];

        [CommandOption("--config-dir <DIR>")]
        [Description("Also read every *.conf in DIR, in sorted order, after the --conf files (oslo.config's --config-dir). May be given more than once.")]
        public string[] ConfigDir { get; init; } = [];

        [CommandOption("--instances-path <DIR>")]
        [Description("Probe O_DIRECT support here, as nova does for instances_path (writes and deletes one 4 KiB temp file).")]
        public string? InstancesPath { get; init; }

        [CommandOption("--state-path <DIR>")]
        [Description("state_path when nova.conf does not set it (default /var/lib/nova).")]
        public string? StatePath { get; init; }

        [CommandOption("--nova-version <VERSION>")]
        [Description("The nova to follow: master (default), a version such as 26.2.2, or installed.")]
        [DefaultValue("master")]
        public string NovaVersion { get; init; } = "master";

        [CommandOption("--patched <WHEN>")]
        [Description("Whether nova reads disk_io_modes: auto (default: look at the local nova), yes, no.")]
        [DefaultValue("auto")]
        public string Patched { get; init; } = "auto";

        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [TypeConverter(typeof(OutputFormatConverter))]
        public OutputFormat Format { get; init; } = OutputFormat.Table;

        public override ValidationResult Validate()
        {
            if (StatePath is not null && !StatePath.StartsWith('/'))
            {
                return ValidationResult.Error($"--state-path {StatePath}: expected an absolute path");
            }
            if (Patched is not ("auto" or "yes" or "no"))
            {
                return ValidationResult.Error($"--patched {Patched}: expected auto, yes or no");
            }
            return ValidationResult.Success();
        }
    }

    private const string DefaultConf = "/etc/nova/nova.conf";

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var files = settings.Conf.Length == 0 && settings.ConfigDir.Length == 0 ? [DefaultConf] : settings.Conf;
        var conf = NovaConfFile.LoadMerged(files, settings.ConfigDir);
        if (settings.StatePath is not null)
        {
            conf.DefaultStatePath = settings.StatePath;
        }
        var version = settings.NovaVersion == "installed"
            ? (await NovaTree.LocateAsync(null, cancellationToken).ConfigureAwait(false)).NovaVersion
            : Core.Nova.NovaVersion.Parse(settings.NovaVersion);
        bool? directIo = settings.InstancesPath is null ? null : ODirectProbe.Supports(settings.InstancesPath);
        var patch = settings.Patched switch
        {
            "yes" => NovaPatchAssumption.Patched,
            "no" => NovaPatchAssumption.Stock,
            _ => NovaPatchAssumption.Auto,
        };
        var report = await NovaPendingService.FindAsync(new NovaPendingOptions(settings.Connect, conf, string.Join(" + ", conf.Files), directIo, version, patch), cancellationToken).ConfigureAwait(false);
        if (settings.Format == OutputFormat.Json)
        {
            await output.Out.WriteLineAsync(JsonConvention.Serialize(report)).ConfigureAwait(false);
        }
        else
        {
            Render(report);
        }
        return report.Pending.Count > 0 ? ExitCodes.Findings : ExitCodes.Ok;
    }

    private void Render(NovaPendingReport report)
    {
        var console = output.Console;
        console.MarkupLine(Markup.Escape($"{report.Uri}: {report.Instances.Count} nova instance(s) among {report.Domains} domain(s), compared with {report.Conf}; " +
                                         $"disk_io_modes {(report.DiskIoModesHonoured ? "read by nova" : "ignored by nova")} ({report.DiskIoModesBecause})"));
        if (report.Pending.Count == 0)
        {
            console.MarkupLine("Every nova instance has the disk settings nova generates now: no hard reboot needed.");
            return;
        }
        var table = new Table().AddColumns("instance", "domain", "disk", "nova now writes", "differs from");
        foreach (var instance in report.Pending)
        {
            foreach (var disk in instance.Disks.Where(d => d.Changes.Count > 0 || d.RunningChanges.Count > 0))
            {
                var e = disk.Expected!;
                var now = $"cache={e.Cache ?? "-"} io={e.Io ?? "-"}{(e.Discard is null ? "" : $" discard={e.Discard}")}";
                var changes = disk.Changes.Select(c => $"XML {c}").Concat(disk.RunningChanges);
                table.AddRow(
                    Markup.Escape(instance.Name is null ? instance.Uuid : $"{instance.Uuid}\n{instance.Name}"),
                    Markup.Escape(instance.Domain + (instance.Running ? "" : " (shut off)")),
                    Markup.Escape($"{disk.Disk} ({e.Case})"),
                    Markup.Escape(now),
                    Markup.Escape(string.Join("\n", changes)));
            }
        }
        console.Write(table);
        console.MarkupLine(Markup.Escape($"{report.Pending.Count} instance(s) need a hard reboot to take nova's current disk settings:"));
        foreach (var instance in report.Pending)
        {
            output.Out.WriteLine($"openstack server reboot --hard {instance.Uuid}");
        }
    }
}
