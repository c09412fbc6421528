using System.ComponentModel;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;
using KvmTune.Host.Domains;
using KvmTune.Services.Stores;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary>
/// Where lint and explain read domains: files, directories (every *.xml), <c>-</c> for standard input, or a libvirt
/// connection opened read-only (<c>--connect URI --domain NAME… | --all</c>).
/// </summary>
internal abstract class DomainInputSettings : CommandSettings
{
    [CommandArgument(0, "[inputs]")]
    [Description("Domain XML files, directories (every *.xml in them) or - for standard input.")]
    public string[] Inputs { get; init; } = [];

    [CommandOption("--connect <URI>")]
    [Description("Read domains from a libvirt connection (read-only), e.g. qemu:///system or qemu+ssh://host/system.")]
    public string? Connect { get; init; }

    [CommandOption("--domain <NAME>")]
    [Description("With --connect: a domain to read (repeatable).")]
    public string[] Domains { get; init; } = [];

    [CommandOption("--all")]
    [Description("With --connect: every domain.")]
    public bool All { get; init; }

    /// <summary>Checks the input options; the command's own options are checked by its override.</summary>
    public override ValidationResult Validate()
    {
        if (Connect is not null)
        {
            if (Inputs.Length > 0)
            {
                return ValidationResult.Error("--connect reads domains from libvirt: give no files with it");
            }
            if (All == (Domains.Length > 0))
            {
                return ValidationResult.Error("--connect needs --domain NAME (one or more) or --all, not both");
            }
            return ValidationResult.Success();
        }
        if (All || Domains.Length > 0)
        {
            return ValidationResult.Error("--domain and --all need --connect URI");
        }
        if (Inputs.Length == 0)
        {
            return ValidationResult.Error("no input: give domain XML files, a directory, or - for standard input");
        }
        return ValidationResult.Success();
    }

    /// <summary>The source of domains these options name.</summary>
    public IDomainSource CreateSource(TextReader standardInput) =>
        Connect is not null
            ? new LibvirtDomainSource(Connect, Domains, All)
            : new FileDomainSource(Inputs, standardInput);

    /// <summary>
    /// Files may come from another machine: no host fact is known, and the rules say so instead of guessing.
    /// A connection knows its host's QEMU and libvirt versions (after the source was read); a local one also the io
    /// probe's latest results on this host from the results store (KT022 cites them).
    /// </summary>
    public static HostFacts HostFactsFor(IDomainSource source)
    {
        if (source is not LibvirtDomainSource libvirt)
        {
            return HostFacts.Unknown;
        }
        var local = libvirt.Uri.StartsWith("qemu:///", StringComparison.Ordinal);
        return local ? libvirt.HostFacts with { IoProbe = IoProbeHistory.Latest(null, Environment.MachineName) } : libvirt.HostFacts;
    }
}
