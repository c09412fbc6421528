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
    internal sealed class Settings : StoreSettings
    {
        [CommandOption("--policy <FILE>")]
        [Description("The policy file (JSON) the advisor wrote.")]
        public string? Policy { get; init; }

        [CommandOption("--from-run <RUN>")]
        [Description("Decide the policy from a stored run (with --db: the results store).")]
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
            return base.Validate();
        }

        public TuningPolicy LoadPolicy() =>
            FromRun is { } run ? ApplyService.PolicyFromRun(Db, run) : PolicyFiles.Read(Policy!);
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var policy = settings.LoadPolicy();
        var result = ApplyService.Run(new ApplyRequest(policy, settings.Connect, settings.Domains, settings.All, settings.Yes,
            settings.Restart, TimeSpan.FromSeconds(settings.ShutdownTimeout)));
        if (settings.Format == OutputFormat.Json)
        {
            output.Out.WriteLine(JsonConvention.Serialize(ApplyRendering.Json(result)));
        }
        else
        {
            ApplyRendering.Render(output, result, settings.Restart);
        }
        if (result.Failed is { } failed)
        {
            foreach (var problem in failed.Problems)
            {
                output.Error.WriteLine($"kvmtune: {problem}");
            }
            output.Error.WriteLine($"kvmtune: {failed.Domain}: {ApplyRendering.StatusText(failed)}");
            return ExitCodes.Failure;
        }
        return ExitCodes.Ok;
    }
}
