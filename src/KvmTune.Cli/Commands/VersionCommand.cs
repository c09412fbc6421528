using System.ComponentModel;
using KvmTune.Host;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary><c>kvmtune version</c>: the version (as <c>--version</c>), and with <c>--paths</c> where KvmTune reads and writes.</summary>
internal sealed class VersionCommand(CliOutput output) : Command<VersionCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--paths")]
        [Description("Also print the program's data files directory (share) and the user's data directory.")]
        public bool Paths { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        output.Out.WriteLine($"kvmtune {KvmTuneVersion.Text}");
        if (settings.Paths)
        {
            output.Out.WriteLine($"share: {ShareDirectory.Locate(AppContext.BaseDirectory) ?? "(missing)"}");
            output.Out.WriteLine($"data: {DataDirectory.Path}");
        }
        return ExitCodes.Ok;
    }
}
