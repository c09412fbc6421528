using System.ComponentModel;
using KvmTune.Cli.Rendering;
using KvmTune.Cli.Settings;
using KvmTune.Core.Serialization;
using KvmTune.Host.Nova;
using KvmTune.Services.Nova;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands.Nova;

/// <summary>
/// <c>kvmtune nova patch</c>: makes the installed nova honour <c>[libvirt] disk_io_modes</c> (dry run unless
/// <c>--yes</c>), or reverts it (<c>--revert</c>), tells patched from stock (<c>--check</c>), or prints the patch
/// (<c>--print</c>). The workflow is <see cref="NovaPatchService"/>.
/// </summary>
internal sealed class NovaPatchCommand(CliOutput output) : AsyncCommand<NovaPatchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--nova-dir <DIR>")]
        [Description("The nova package directory (…/dist-packages/nova) or the directory that holds it. Default: the nova Debian's /usr/bin/python3 imports.")]
        public string? NovaDir { get; init; }

        [CommandOption("--check")]
        [Description("Say whether the tree is patched (exit 0), stock (exit 1) or unknown (exit 2).")]
        public bool Check { get; init; }

        [CommandOption("--revert")]
        [Description("Take the patch out: nova's files back byte for byte (dry run unless --yes).")]
        public bool Revert { get; init; }

        [CommandOption("--print")]
        [Description("Write the patch for the tree's code shape to stdout (for image builds: patch -p1 -d SITE_PACKAGES).")]
        public bool Print { get; init; }

        [CommandOption("--shape <NAME>")]
        [Description("With --print: the patch of this shape (nova-26, master) without looking at a tree.")]
        public string? Shape { get; init; }

        [CommandOption("--yes")]
        [Description("Write the files (default: dry run, print the diff only).")]
        public bool Yes { get; init; }

        [CommandOption("--tests <SCOPE>")]
        [Description("nova unit tests run to verify the patch: focused (default, ~250), libvirt (all of nova/tests/unit/virt/libvirt, ~2,070), none.")]
        [DefaultValue("focused")]
        public string Tests { get; init; } = "focused";

        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [TypeConverter(typeof(OutputFormatConverter))]
        public OutputFormat Format { get; init; } = OutputFormat.Table;

        [CommandOption("--backup-dir <DIR>", IsHidden = true)]
        public string? BackupDir { get; init; }

        public override ValidationResult Validate()
        {
            if (new[] { Check, Revert, Print }.Count(x => x) > 1)
            {
                return ValidationResult.Error("--check, --revert and --print exclude each other");
            }
            if (Shape is not null && !Print)
            {
                return ValidationResult.Error("--shape goes with --print");
            }
            if ((Check || Print) && Yes)
            {
                return ValidationResult.Error($"--yes does nothing with {(Check ? "--check" : "--print")}");
            }
            if (Tests is not ("focused" or "libvirt" or "none"))
            {
                return ValidationResult.Error($"--tests {Tests}: expected focused, libvirt or none");
            }
            return ValidationResult.Success();
        }

        public NovaPatchOptions Options => new(NovaDir, BackupDir, Tests switch
        {
            "libvirt" => NovaUnitTestScope.Libvirt,
            "none" => NovaUnitTestScope.None,
            _ => NovaUnitTestScope.Focused,
        });
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        try
        {
            if (settings.Print)
            {
                var patch = await NovaPatchService.PrintAsync(settings.Options, settings.Shape, cancellationToken).ConfigureAwait(false);
                await output.Out.WriteAsync(patch.Text).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            if (settings.Check)
            {
                var report = await NovaPatchService.CheckAsync(settings.Options, cancellationToken).ConfigureAwait(false);
                if (settings.Format == OutputFormat.Json)
                {
                    await output.Out.WriteLineAsync(JsonConvention.Serialize(report)).ConfigureAwait(false);
                }
                else
                {
                    NovaPatchRendering.RenderCheck(output, report);
                }
                return report.State switch
                {
                    "patched" => ExitCodes.Ok,
                    "stock" => ExitCodes.Findings,
                    _ => ExitCodes.BadInput,
                };
            }
            var result = settings.Revert
                ? await NovaPatchService.RevertAsync(settings.Options, settings.Yes, cancellationToken).ConfigureAwait(false)
                : await NovaPatchService.PatchAsync(settings.Options, settings.Yes, cancellationToken).ConfigureAwait(false);
            if (settings.Format == OutputFormat.Json)
            {
                await output.Out.WriteLineAsync(JsonConvention.Serialize(result)).ConfigureAwait(false);
            }
            else
            {
                NovaPatchRendering.Render(output, result);
            }
            return result.Failure is null ? ExitCodes.Ok : ExitCodes.Failure;
        }
        catch (Exception e) when (e is NovaToolException or IOException or UnauthorizedAccessException)
        {
            await output.Error.WriteLineAsync($"kvmtune: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
    }
}
