using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary>
/// Where lint and explain read domains: files, directories (every *.xml), <c>-</c> for standard input, or libvirt,
/// read-only: <c>--domain NAME… | --all</c> on the hosts of <see cref="HostSelectionSettings"/>.
/// </summary>
internal abstract class DomainInputSettings : HostSelectionSettings
{
    [CommandArgument(0, "[inputs]")]
    [Description("Domain XML files, directories (every *.xml in them) or - for standard input.")]
    public string[] Inputs { get; init; } = [];

    [CommandOption("--all")]
    [Description("Read every domain of each host (libvirt).")]
    public bool All { get; init; }

    /// <summary>Checks the input options; the command's own options are checked by its override.</summary>
    public override ValidationResult Validate()
    {
        var hosts = base.Validate();
        if (!hosts.Successful)
        {
            return hosts;
        }
        if (Inputs.Length > 0)
        {
            return HostsNamed || All || Domains.Length > 0
                ? ValidationResult.Error("--connect, --hosts, --domain and --all read domains from libvirt: give no files with them")
                : ValidationResult.Success();
        }
        if (All == (Domains.Length > 0))
        {
            return HostsNamed
                ? ValidationResult.Error("--connect and --hosts need --domain NAME (one or more) or --all, not both")
                : ValidationResult.Error(All
                    ? "--domain NAME (one or more) or --all, not both"
                    : "no input: give domain XML files, a directory, or - for standard input; or --domain NAME or --all to read from libvirt");
        }
        return ValidationResult.Success();
    }
}
