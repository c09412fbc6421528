using KvmTune.Core;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli;

/// <summary>The composition root: every command is registered here.</summary>
internal static class KvmTuneApp
{
    public static CommandApp Create(IAnsiConsole? console = null)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("kvmtune");
            config.PropagateExceptions();
            if (console is not null)
            {
                config.ConfigureConsole(console);
            }
            // One line per command; keep them sorted.
            config.AddCommand<Commands.VersionCommand>("version").WithDescription("Print KvmTune's version.");
        });
        return app;
    }

    public static async Task<int> RunAsync(string[] args, IAnsiConsole? console = null)
    {
        try
        {
            return await Create(console).RunAsync(args).ConfigureAwait(false);
        }
        catch (InputException e)
        {
            await Console.Error.WriteLineAsync($"kvmtune: {e.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
        catch (CommandAppException e)
        {
            await Console.Error.WriteLineAsync($"kvmtune: {e.Message}").ConfigureAwait(false);
            return ExitCodes.BadInput;
        }
    }
}
