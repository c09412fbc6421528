using KvmTune.Core;
using Spectre.Console.Cli;

namespace KvmTune.Cli;

/// <summary>The composition root: every command is registered here.</summary>
internal static class KvmTuneApp
{
    public static CommandApp Create(CliOutput output)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("kvmtune");
            config.PropagateExceptions();
            config.ConfigureConsole(output.Console);
            config.Settings.Registrar.RegisterInstance(output);
            // One line per command; keep them sorted by name.
            config.AddCommand<Commands.ApplyCommand>("apply").WithDescription("Apply a tuning policy to libvirt domains (dry run unless --yes).");
            config.AddCommand<Commands.BenchCommand>("bench").WithDescription("Measure cache/aio/backend candidates on scratch images (host, qemu, guest engines).");
            config.AddCommand<Commands.ExplainCommand>("explain").WithDescription("Explain each disk's cache and io settings: meaning, safety, the QEMU options they imply, findings.");
            config.AddCommand<Commands.HistoryCommand>("history").WithDescription("List stored runs, newest first.");
            config.AddCommand<Commands.InspectCommand>("inspect").WithDescription("Compare running domains' persistent XML, live XML and QEMU process, disk by disk.");
            config.AddCommand<Commands.LintCommand>("lint").WithDescription("Check the disk settings of domain XML files against the KT rule catalog.");
            config.AddBranch("nova", nova =>
            {
                nova.SetDescription("Explain and edit nova.conf's disk settings; patch nova to honour disk_io_modes; list instances awaiting a hard reboot.");
                nova.AddCommand<Commands.Nova.NovaApplyCommand>("apply").WithDescription("Write a tuning policy into nova.conf (dry run unless --yes).");
                nova.AddCommand<Commands.Nova.NovaExplainCommand>("explain").WithDescription("Show the <driver/> nova generates per image backend and volume type, with findings.");
                nova.AddCommand<Commands.Nova.NovaLvmSetupCommand>("lvm-setup").WithDescription("Create an LVM volume group on a device and point nova's images at it.");
                nova.AddCommand<Commands.Nova.NovaPatchCommand>("patch").WithDescription("Make the installed nova honour [[libvirt]] disk_io_modes, verified by nova's own tests (dry run unless --yes); --check, --revert, --print.");
                nova.AddCommand<Commands.Nova.NovaPendingCommand>("pending").WithDescription("List nova instances whose disks differ from what nova.conf now generates: they need a hard reboot.");
                nova.AddCommand<Commands.Nova.NovaSetCommand>("set").WithDescription("Set nova.conf keys losslessly (dry run unless --yes).");
            });
            config.AddCommand<Commands.GuestCheckCommand>("guest-check").IsHidden().WithDescription("Boot one micro-VM of the guest engine and print its fio result.");
            config.AddCommand<Commands.ProbeCommand>("probe").WithDescription("Show what this host can do: tool versions, KVM or TCG, io_uring, O_DIRECT, storage.");
            config.AddCommand<Commands.ReportCommand>("report").WithDescription("Decide over a stored run again and write its report (html, md, json) and policy file.");
            config.AddCommand<Commands.RollbackCommand>("rollback").WithDescription("Restore a domain's definition from a backup.");
            config.AddCommand<Commands.ShowCommand>("show").WithDescription("Show a stored run: host facts and results.");
            config.AddBranch("selfbench", bench =>
            {
                bench.HideBranch();
                bench.SetDescription("Measure KvmTune's own speed.");
                bench.AddCommand<Commands.SelfBench.SelfBenchLintCommand>("lint").WithDescription("Parse and lint 10,000 domains built from the libvirt corpus on one core.");
            });
            config.AddCommand<Commands.TuneCommand>("tune").WithDescription("The main job: probe, measure the quick matrix, decide, and write the HTML report and the policy file.");
            config.AddCommand<Commands.VersionCommand>("version").WithDescription("Print KvmTune's version.");
        });
        return app;
    }

    /// <summary>Runs the CLI; bad input becomes one line on stderr and exit code 2.</summary>
    public static async Task<int> RunAsync(string[] args, CliOutput? output = null)
    {
        output ??= CliOutput.Process();
        try
        {
            // Spectre.Console.Cli reads a lone "-" as a nameless option; "-" means standard input to lint/explain.
            var arguments = args.Select(a => a == "-" ? Host.Domains.FileDomainSource.StandardInputLabel : a).ToArray();
            return await Create(output).RunAsync(arguments).ConfigureAwait(false);
        }
        catch (InputException e)
        {
            await output.Error.WriteLineAsync($"kvmtune: {e.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        catch (CommandAppException e)
        {
            await output.Error.WriteLineAsync($"kvmtune: {e.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
    }
}
