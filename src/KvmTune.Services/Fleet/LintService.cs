using KvmTune.Core.Rules;
using KvmTune.Host.Domains;

namespace KvmTune.Services.Fleet;

/// <summary>What lint found: per file input, or per host when domains came from libvirt.</summary>
public sealed record LintReport(IReadOnlyList<DomainLintResult> Files, IReadOnlyList<HostOutcome<IReadOnlyList<DomainLintResult>>>? Hosts)
{
    /// <summary>Every domain's findings, whatever their host.</summary>
    public IEnumerable<DomainLintResult> All => Hosts is null ? Files : Hosts.SelectMany(h => h.Value ?? []);
}

/// <summary><c>kvmtune lint</c>: the rule catalog over domain files, or over the domains of one or many hosts.</summary>
public static class LintService
{
    /// <summary>Files (streamed: only conclusions are kept) when <paramref name="files"/> is not empty, else the hosts.</summary>
    public static LintReport Run(IReadOnlyList<string> files, TextReader standardInput, HostQuery query)
    {
        if (files.Count > 0)
        {
            return new LintReport(DomainLinter.Lint(new FileDomainSource(files, standardInput).Stream(), HostFacts.Unknown), null);
        }
        var hosts = FleetDomains.Read<IReadOnlyList<DomainLintResult>>(query, h => DomainLinter.Lint(h.Domains, h.Facts));
        return new LintReport([], hosts);
    }
}
