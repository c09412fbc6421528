using KvmTune.Core.Rules;
using KvmTune.Host.Domains;

namespace KvmTune.Services.Fleet;

/// <summary>One explained domain and where it came from (a path, <c>&lt;stdin&gt;</c> or <c>URI/NAME</c>).</summary>
public sealed record ExplainedDomain(string Origin, DomainExplanation Explanation);

/// <summary>What explain says: per file input, or per host when domains came from libvirt.</summary>
public sealed record ExplainReport(IReadOnlyList<ExplainedDomain> Files, IReadOnlyList<HostOutcome<IReadOnlyList<ExplainedDomain>>>? Hosts);

/// <summary><c>kvmtune explain</c>: each disk's settings explained, for files or for the domains of one or many hosts.</summary>
public static class ExplainService
{
    public static ExplainReport Run(IReadOnlyList<string> files, TextReader standardInput, HostQuery query)
    {
        if (files.Count > 0)
        {
            var domains = new FileDomainSource(files, standardInput).Read();
            return new ExplainReport([.. domains.Select(d => new ExplainedDomain(d.Label, DiskExplainer.Explain(d.Document, HostFacts.Unknown)))], null);
        }
        var hosts = FleetDomains.Read<IReadOnlyList<ExplainedDomain>>(query,
            h => [.. h.Domains.Select(d => new ExplainedDomain(d.Label, DiskExplainer.Explain(d.Document, h.Facts)))]);
        return new ExplainReport([], hosts);
    }
}
