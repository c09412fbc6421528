using KvmTune.Core;
using KvmTune.Core.Fleet;
using KvmTune.Core.Inspect;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;
using KvmTune.Host.Libvirt;

namespace KvmTune.Services.Fleet;

/// <summary>One inspected domain.</summary>
/// <param name="Name">The domain's name.</param>
/// <param name="State">libvirt's state in its own words: running, paused, shut off, …</param>
/// <param name="Pid">The QEMU process, when it was read (local URIs only).</param>
/// <param name="QemuNote">Why the QEMU process was not compared, when it was not.</param>
/// <param name="Disks">Each disk's persistent, live and QEMU settings and drift.</param>
public sealed record InspectedDomain(string Name, string State, int? Pid, string? QemuNote, IReadOnlyList<DiskInspection> Disks)
{
    /// <summary>True when a disk's next cold start will differ from what runs.</summary>
    public bool HasDrift => Disks.Any(d => d.Drift.Count > 0);
}

/// <summary>
/// <c>kvmtune inspect</c>: for each running domain of each host and disk, the settings in the persistent XML, the live
/// XML and the running QEMU process (its command line from /proc, via the pid libvirt records; local URIs only).
/// </summary>
public static class InspectService
{
    public static IReadOnlyList<HostOutcome<IReadOnlyList<InspectedDomain>>> Run(HostQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var hosts = FleetTargets.Resolve(query);
        var single = hosts.Count == 1;
        return HostSweep.RunOrThrowInput<IReadOnlyList<InspectedDomain>>(hosts, host => InspectHost(host, query.Domains, single));
    }

    private static List<InspectedDomain> InspectHost(HostTarget host, IReadOnlyList<string> names, bool requireAll)
    {
        using var connection = LibvirtInput.Open(host.Uri, readWrite: false);
        var selected = names.Count > 0 ? LibvirtInput.Lookup(connection, names, requireAll) : connection.ListAllDomains();
        try
        {
            var facts = connection.HostFacts();
            var local = QemuProcess.IsLocal(connection.RequestedUri);
            var reports = new List<InspectedDomain>();
            foreach (var domain in selected)
            {
                try
                {
                    var state = StateName(domain.State);
                    if (!domain.IsActive)
                    {
                        if (names.Count > 0)
                        {
                            reports.Add(new InspectedDomain(domain.Name, state, null, "not running: nothing runs to compare with", []));
                        }
                        continue;
                    }
                    reports.Add(Inspect(domain, state, facts, local));
                }
                catch (LibvirtNoDomainException) when (names.Count == 0)
                {
                    // Listed, then undefined or (transient) stopped before it was read: gone, not an error. A domain the
                    // user named is.
                }
            }
            return reports;
        }
        catch (LibvirtException e)
        {
            throw new HostFailureException($"{connection.RequestedUri}: {e.Message}", e);
        }
        finally
        {
            foreach (var d in selected)
            {
                d.Dispose();
            }
        }
    }

    /// <summary>virsh's words for libvirt's states.</summary>
    public static string StateName(DomainState state) => state switch
    {
        DomainState.Running => "running",
        DomainState.Blocked => "idle",
        DomainState.Paused => "paused",
        DomainState.Shutdown => "in shutdown",
        DomainState.Shutoff => "shut off",
        DomainState.Crashed => "crashed",
        DomainState.PmSuspended => "pmsuspended",
        _ => "no state",
    };

    private static InspectedDomain Inspect(LibvirtDomain domain, string state, HostFacts facts, bool local)
    {
        var live = DomainDocument.Parse(domain.LiveXml, $"{domain.Name} (live)");
        var persistent = domain.IsPersistent ? DomainDocument.Parse(domain.PersistentXml, $"{domain.Name} (persistent)") : live;
        var qemu = QemuProcess.Read(domain.Name, local);
        var (pid, note, commandLine) = (qemu.Pid, qemu.Note, qemu.CommandLine);
        var disks = DiskInspector.Inspect(persistent, live, disk => commandLine is null ? null : QemuDiskSettings.From(commandLine, disk), facts);
        return new InspectedDomain(domain.Name, state, pid, note, disks);
    }
}
