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
            config.SetApplicationVersion(KvmTuneVersion.Text);
            config.PropagateExceptions();
            // An option the command does not know is an error naming it (exit 2), never a silently ignored typo.
            config.Settings.StrictParsing = true;
            config.ConfigureConsole(output.Console);
            config.Settings.Registrar.RegisterInstance(output);
            // One line per command; keep them sorted by name.
            config.AddCommand<Commands.ApplyCommand>("apply").WithDescription("Apply a tuning policy to libvirt domains (dry run unless --yes).");
            config.AddCommand<Commands.BenchCommand>("bench").WithDescription("Measure cache/aio/backend candidates on scratch images (host, qemu, guest engines).");
            config.AddCommand<Commands.ExplainCommand>("explain").WithDescription("Explain each disk's cache and io settings: meaning, safety, the QEMU options they imply, findings.");
            config.AddBranch("fleet", fleet =>
            {
                fleet.SetDescription("Compare hosts through the shared results store.");
                fleet.AddCommand<Commands.Fleet.FleetCollectCommand>("collect").WithDescription("Store this host's disk settings in force (nova.conf, domains) with its identity.");
                fleet.AddCommand<Commands.Fleet.FleetReportCommand>("report").WithDescription("Group hosts by storage, decide per group, show the hosts that disagree, are stale or drift.");
            });
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
                bench.AddCommand<Commands.SelfBench.SelfBenchFleetCommand>("fleet").WithDescription("Generate a synthetic fleet store in PostgreSQL and time fleet report on it.");
                bench.AddCommand<Commands.SelfBench.SelfBenchLintCommand>("lint").WithDescription("Parse and lint 10,000 domains built from the libvirt corpus on one core.");
            });
            config.AddCommand<Commands.TuneCommand>("tune").WithDescription("The main job: probe, measure the quick matrix, decide, and write the HTML report and the policy file.");
            config.AddCommand<Commands.VersionCommand>("version").WithDescription("Print KvmTune's version.");
        });
        return app;
    }

    /// <summary>
    /// Runs the CLI. Every failure ends here as one line on stderr, never a stack trace: exit 2 for bad input (an
    /// unknown option, a value the parser or a command refuses), 3 for a failure of the host, a tool or the results
    /// store after the input was accepted, 130 when interrupted.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CliOutput? output = null)
    {
        output ??= CliOutput.Process();
        try
        {
            // Spectre.Console.Cli reads a lone "-" as a nameless option; "-" means standard input to lint/explain.
            var arguments = args.Select(a => a == "-" ? Host.Domains.FileDomainSource.StandardInputLabel : a).ToArray();
            return await Create(output).RunAsync(arguments).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            var (code, message) = Classify(e);
            await output.Error.WriteLineAsync($"kvmtune: {message}").ConfigureAwait(false);
            return code;
        }
    }

    /// <summary>The exit code and the one line a failure is reported with.</summary>
    internal static (int Code, string Message) Classify(Exception e)
    {
        // The parser wraps what a type converter or Validate() threw.
        if (e is CommandAppException && e.InnerException is InputException or FormatException or ArgumentException)
        {
            return (ExitCodes.BadInput, FirstLine(e.InnerException!.Message));
        }
        return e switch
        {
            InputException or CommandAppException => (ExitCodes.BadInput, FirstLine(e.Message)),
            OperationCanceledException when e.Message == new OperationCanceledException().Message => (ExitCodes.Interrupted, "interrupted"),
            OperationCanceledException => (ExitCodes.Interrupted, FirstLine(e.Message)),
            OutOfMemoryException => (ExitCodes.Failure, "out of memory"),
            _ => (ExitCodes.Failure, FirstLine(e.Message)),
        };
    }

    private static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].TrimEnd('\r');
        return line.Length == 0 ? "failed" : line;
    }
}
