using System.ComponentModel;
using KvmTune.Cli.Rendering;
using KvmTune.Cli.Settings;
using KvmTune.Core.Apply;
using KvmTune.Core.Serialization;
using KvmTune.Services.Applying;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary>
/// <c>kvmtune apply</c>: applies a tuning policy to libvirt domains' persistent definitions. Dry run unless --yes;
/// backup before defineXML; read back and verified; restored on failure (<see cref="ApplyService"/>).
/// </summary>
internal sealed class ApplyCommand(CliOutput output) : Command<ApplyCommand.Settings>
{
    internal sealed class Settings : HostSelectionSettings
    {
        [CommandOption("--db <DB>")]
        [Description("With --from-run: the results store, a SQLite file or a postgresql:// URL (default: $KVMTUNE_DB, then db = in kvmtune.conf, then kvmtune.db in the data directory).")]
        public string? Db { get; init; }

        [CommandOption("--policy <FILE>")]
        [Description("The policy file (JSON) the advisor wrote.")]
        public string? Policy { get; init; }

        [CommandOption("--from-run <RUN>")]
        [Description("Decide the policy from a stored run (with --db: the results store).")]
        public long? FromRun { get; init; }

        [CommandOption("--all")]
        [Description("Every persistent domain of each host.")]
        public bool All { get; init; }

        [CommandOption("--yes")]
        [Description("Write the changes (without it, a dry run on every host).")]
        public bool Yes { get; init; }

        [CommandOption("--parallel <HOSTS>")]
        [Description("With many hosts: how many are written at a time (default 1, one after the other). The first host whose write or verify fails stops the apply.")]
        [DefaultValue(1)]
        public int Parallel { get; init; } = 1;

        [CommandOption("--restart")]
        [Description("Cold-restart running domains after the change (shutdown, destroy after the timeout, start).")]
        public bool Restart { get; init; }

        [CommandOption("--shutdown-timeout <SECONDS>")]
        [Description("How long --restart waits for a graceful shutdown before destroying the domain (default 120).")]
        [DefaultValue(120)]
        public int ShutdownTimeout { get; init; } = 120;

        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json (per host, the plan and outcome per domain on stdout).")]
        [TypeConverter(typeof(OutputFormatConverter))]
        public OutputFormat Format { get; init; } = OutputFormat.Table;

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
            if (Parallel < 1)
            {
                return ValidationResult.Error("apply: --parallel must be 1 or more hosts");
            }
            return base.Validate();
        }

        public TuningPolicy LoadPolicy() =>
            FromRun is { } run ? ApplyService.PolicyFromRun(Db, run) : PolicyFiles.Read(Policy!);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var policy = settings.LoadPolicy();
        var result = FleetApplyService.Run(new FleetApplyRequest(policy, settings.Query(settings.All), settings.Yes,
            settings.Restart, TimeSpan.FromSeconds(settings.ShutdownTimeout), settings.Parallel));
        if (settings.Format == OutputFormat.Json)
        {
            output.Out.WriteLine(JsonConvention.Serialize(ApplyRendering.Json(result)));
        }
        else
        {
            ApplyRendering.Render(output, result, settings.Restart);
        }
        return ApplyRendering.Close(output, result);
    }
}
