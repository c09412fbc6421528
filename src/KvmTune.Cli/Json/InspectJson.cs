using KvmTune.Core.Inspect;
using KvmTune.Services.Fleet;

namespace KvmTune.Cli.Json;

/// <summary><c>inspect --format json</c>: <c>{"hosts":[{"host","uri","error","domains"}],"summary"}</c>.</summary>
internal sealed record InspectJson(IReadOnlyList<InspectHostJson> Hosts, InspectSummaryJson Summary)
{
    public static InspectJson From(IReadOnlyList<HostOutcome<IReadOnlyList<InspectedDomain>>> hosts) => new(
        [.. hosts.Select(h => new InspectHostJson(h.Host.Name, h.Host.Uri, h.Error, h.Value?.Select(InspectDomainJson.From).ToList()))],
        new InspectSummaryJson(hosts.Count, hosts.Count(h => h.Failed), hosts.Sum(h => h.Value?.Count ?? 0),
            hosts.Sum(h => h.Value?.Count(d => d.HasDrift) ?? 0)));
}

internal sealed record InspectHostJson(string Host, string Uri, string? Error, IReadOnlyList<InspectDomainJson>? Domains);

internal sealed record InspectSummaryJson(int Hosts, int FailedHosts, int Domains, int DomainsWithDrift);

internal sealed record InspectDomainJson(string Domain, string State, bool Running, int? Pid, string? QemuNote, bool Drift, IReadOnlyList<InspectDiskJson> Disks)
{
    public static InspectDomainJson From(InspectedDomain d) =>
        new(d.Name, d.State, d.State != "shut off", d.Pid, d.QemuNote, d.HasDrift, [.. d.Disks.Select(InspectDiskJson.From)]);
}

internal sealed record InspectDiskJson(
    string Disk, string? Source, DriverJson Persistent, DriverJson? Live, InspectQemuJson? Qemu, bool ColdRestartNeeded,
    IReadOnlyList<string> Drift, IReadOnlyList<FindingJson> Findings)
{
    public static InspectDiskJson From(DiskInspection d) => new(
        d.Disk, d.Source, DriverJson.From(d.Persistent), d.Live is null ? null : DriverJson.From(d.Live),
        d.Qemu is null ? null : new InspectQemuJson(d.Qemu.CacheDirect, d.Qemu.CacheNoFlush, d.Qemu.WriteCache, d.Qemu.Aio, d.Qemu.Options),
        d.NeedsColdRestart, d.Drift, [.. d.Findings.Select(FindingJson.From)]);
}

internal sealed record DriverJson(string? Cache, string? Io, string? Discard, string? DetectZeroes)
{
    public static DriverJson From(DriverSettings s) => new(s.Cache, s.Io, s.Discard, s.DetectZeroes);
}

internal sealed record InspectQemuJson(bool CacheDirect, bool CacheNoFlush, bool WriteCache, string? Aio, string Options);
