using KvmTune.Core;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;
using KvmTune.Host.Domains;
using KvmTune.Services.Stores;

namespace KvmTune.Services.Fleet;

/// <summary>The domains one host gave, and what its connection told about it (QEMU and libvirt versions).</summary>
public sealed record HostDomains(IReadOnlyList<DomainInput> Domains, HostFacts Facts);

/// <summary>Reads domains from every host of a query through libvirt, read-only (lint and explain).</summary>
public static class FleetDomains
{
    public static IReadOnlyList<HostOutcome<T>> Read<T>(HostQuery query, Func<HostDomains, T> conclude)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(conclude);
        var hosts = FleetTargets.Resolve(query);
        // One host: a domain it lacks is bad input, as with virsh. Many: a domain lives on one of them.
        var single = hosts.Count == 1;
        var found = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var outcomes = HostSweep.RunOrThrowInput(hosts, host =>
        {
            var source = new LibvirtDomainSource(host.Uri, query.Domains, query.All, requireAll: single);
            var domains = source.Read();
            lock (found)
            {
                found.UnionWith(source.Found);
            }
            return conclude(new HostDomains(domains, FactsOf(host.Uri, source.HostFacts)));
        });
        if (!single && !outcomes.Any(o => o.Failed) && query.Domains.FirstOrDefault(d => !found.Contains(d)) is { } missing)
        {
            throw new InputException($"no domain named '{missing}' (nor with that UUID or id) on any of the {hosts.Count} hosts");
        }
        return outcomes;
    }

    /// <summary>
    /// A connection knows its host's QEMU and libvirt versions (after the source was read); a local one also the io
    /// probe's latest results on this host from the results store (KT022 cites them).
    /// </summary>
    private static HostFacts FactsOf(string uri, HostFacts facts) =>
        uri.StartsWith("qemu:///", StringComparison.Ordinal)
            ? facts with { IoProbe = IoProbeHistory.Latest(null, Environment.MachineName) }
            : facts;
}
