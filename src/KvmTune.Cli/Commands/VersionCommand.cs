using System.Reflection;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

internal sealed class VersionCommand(CliOutput output) : Command
{
    public override int Execute(CommandContext context, CancellationToken cancellationToken)
    {
        var version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        output.Out.WriteLine($"kvmtune {version}");
        return ExitCodes.Ok;
    }
}
