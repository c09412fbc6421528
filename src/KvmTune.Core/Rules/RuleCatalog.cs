using KvmTune.Core.Libvirt;

namespace KvmTune.Core.Rules;

/// <summary>The KT rule catalog that lint, explain, the advisor and apply share.</summary>
public static class RuleCatalog
{
    /// <summary>Every rule, ordered by code.</summary>
    public static IReadOnlyList<IRule> All { get; } = [];

    /// <summary>A rule by code, or null.</summary>
    public static IRule? Find(string code) => All.FirstOrDefault(r => r.Code == code);

    /// <summary>Every finding for every disk of a domain, in disk order then code order.</summary>
    public static IReadOnlyList<Finding> Check(DomainDocument domain, HostFacts host)
    {
        var findings = new List<Finding>();
        foreach (var disk in domain.Disks)
        {
            foreach (var rule in All)
            {
                findings.AddRange(rule.Check(disk, host));
            }
        }
        return findings;
    }
}
