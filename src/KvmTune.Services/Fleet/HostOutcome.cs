using KvmTune.Core.Fleet;

namespace KvmTune.Services.Fleet;

/// <summary>What one host gave: its value, or the one-line reason it could not (unreachable, libvirt failed).</summary>
public sealed record HostOutcome<T>(HostTarget Host, T? Value, string? Error)
    where T : class
{
    public bool Failed => Error is not null;
}

/// <summary>Where lint, explain and inspect read domains from libvirt, and which.</summary>
/// <param name="Connect">URIs given with <c>-c/--connect</c> (each once, in order).</param>
/// <param name="HostsFile">The <c>--hosts</c> file: an Ansible inventory (INI or YAML) or one URI a line.</param>
/// <param name="Limit">With <see cref="HostsFile"/>: only these hosts or groups.</param>
/// <param name="Domains">Domain names, UUIDs or ids; empty with <see cref="All"/>.</param>
/// <param name="All">Every domain (lint, explain) or every running one (inspect, when no domain is named).</param>
public sealed record HostQuery(IReadOnlyList<string> Connect, string? HostsFile, IReadOnlyList<string> Limit, IReadOnlyList<string> Domains, bool All);
