using System.ComponentModel;
using KvmTune.Services.Fleet;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary>
/// Which libvirt hosts and domains a command reads: <c>-c/--connect URI</c> (repeatable), <c>--hosts FILE</c> (an Ansible
/// inventory or a list of URIs) with <c>--limit</c>, and <c>--domain</c> (a name, UUID or id; repeatable). With no
/// host given, <c>$LIBVIRT_DEFAULT_URI</c> or <c>qemu:///system</c>, as virsh does.
/// </summary>
internal abstract class HostSelectionSettings : CommandSettings
{
    [CommandOption("-c|--connect <URI>")]
    [Description("A libvirt URI to read (repeatable for many hosts), e.g. qemu:///system or qemu+ssh://root@host/system. Default: $LIBVIRT_DEFAULT_URI, else qemu:///system.")]
    public string[] Connect { get; init; } = [];

    [CommandOption("--hosts <FILE>")]
    [Description("Read every host of an Ansible inventory (INI or YAML: ansible_host, ansible_user, ansible_port) or of a file with one libvirt URI a line.")]
    public string? Hosts { get; init; }

    [CommandOption("--limit <HOSTS>")]
    [Description("With --hosts: only these hosts or groups (comma-separated).")]
    public string? Limit { get; init; }

    [CommandOption("--domain <DOMAIN>")]
    [Description("A domain to read, by name, UUID or id (repeatable).")]
    public string[] Domains { get; init; } = [];

    /// <summary>True when a host was named (not the default URI).</summary>
    protected bool HostsNamed => Connect.Length > 0 || Hosts is not null;

    public override ValidationResult Validate() =>
        Limit is not null && Hosts is null ? ValidationResult.Error("--limit selects hosts of --hosts FILE: give --hosts")
        : Connect.Any(string.IsNullOrWhiteSpace) ? ValidationResult.Error("--connect: empty URI")
        : ValidationResult.Success();

    /// <summary>The query these options make (<paramref name="all"/>: every domain).</summary>
    public HostQuery Query(bool all) => new(
        Connect, Hosts,
        Limit?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [],
        Domains, all);
}
