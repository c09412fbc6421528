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
            config.AddCommand<Commands.ExplainCommand>("explain").WithDescription("Explain each disk's cache and io settings: meaning, safety, the QEMU options they imply, findings.");
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
            return await Create(output).RunAsync(args).ConfigureAwait(false);
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
