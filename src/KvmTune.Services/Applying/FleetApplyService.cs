using KvmTune.Core;
using KvmTune.Core.Apply;
using KvmTune.Core.Fleet;
using KvmTune.Host.Libvirt;
using KvmTune.Services.Fleet;

namespace KvmTune.Services.Applying;

/// <summary>What <c>apply</c> is asked to do over one or many hosts.</summary>
/// <param name="Policy">The policy to apply.</param>
/// <param name="Hosts">The hosts (<c>-c</c>, <c>--hosts</c>, <c>--limit</c>) and domains (<c>--domain</c>, <c>--all</c>).</param>
/// <param name="Write">Write the changes (<c>--yes</c>); otherwise a dry run on every host.</param>
/// <param name="Restart">Cold-restart running domains after the change.</param>
/// <param name="ShutdownTimeout">How long a restart waits for a graceful shutdown before destroying the domain.</param>
/// <param name="Parallel">Hosts written at a time (default 1: one host after the other).</param>
public sealed record FleetApplyRequest(TuningPolicy Policy, HostQuery Hosts, bool Write, bool Restart, TimeSpan ShutdownTimeout, int Parallel = 1);

/// <summary>Where one host stands after <see cref="FleetApplyService.Run"/>.</summary>
public enum HostApplyStatus
{
    /// <summary>Changes planned, not written (dry run).</summary>
    Planned,
    /// <summary>Nothing to change on this host.</summary>
    Unchanged,
    /// <summary>Every planned change was written and verified.</summary>
    Changed,
    /// <summary>The host could not be read (unreachable, libvirt failed) or a write on it did not succeed.</summary>
    Failed,
    /// <summary>Not written: the apply stopped at an earlier host whose write did not succeed.</summary>
    NotAttempted,
}

/// <summary>One host's plan and outcome.</summary>
/// <param name="Host">The host.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Result">Its domains' plans and outcomes (the plan only, for a host not attempted; null when it could not be read).</param>
/// <param name="Error">Why it failed, one line.</param>
public sealed record HostApply(HostTarget Host, HostApplyStatus Status, ApplyResult? Result, string? Error)
{
    /// <summary>True when at least one of its domains was written.</summary>
    public bool Changed => Result?.WrittenDomains.Any() == true;
}

/// <summary>Every host in the order given, and where the apply stopped.</summary>
/// <param name="Hosts">Every host in the order given.</param>
/// <param name="Write">Whether changes were written (<c>--yes</c>).</param>
/// <param name="StoppedAt">The host whose write did not succeed, after which no host was written; null when none.</param>
public sealed record FleetApplyResult(IReadOnlyList<HostApply> Hosts, bool Write, HostTarget? StoppedAt = null)
{
    /// <summary>The hosts where at least one domain was written (including one whose later domain failed).</summary>
    public IEnumerable<HostApply> ChangedHosts => Hosts.Where(h => h.Changed);

    /// <summary>The hosts that ended in <paramref name="status"/>, in the order given.</summary>
    public IEnumerable<HostApply> In(HostApplyStatus status) => Hosts.Where(h => h.Status == status);
}

/// <summary>
/// <c>kvmtune apply</c> over one or many hosts. One host: <see cref="ApplyService.Run"/> as it is. Many: every host is
/// planned first (read-only, several at a time): a policy refused on any host is bad input and nothing is written
/// anywhere; an unreachable host is reported and the others go on. With <see cref="FleetApplyRequest.Write"/> the hosts
/// with changes are then written in order, <see cref="FleetApplyRequest.Parallel"/> at a time (default one), each
/// re-planned under its domains' locks; the first host whose write or verify fails stops the apply, and the hosts after
/// it are not attempted.
/// </summary>
public static class FleetApplyService
{
    /// <param name="request">What to apply where.</param>
    /// <param name="writerFor">Replaces each host's definitions (default: backups in the data directory).</param>
    public static FleetApplyResult Run(FleetApplyRequest request, Func<HostTarget, DomainDefinitionWriter>? writerFor = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Parallel < 1)
        {
            throw new InputException("--parallel: give 1 or more hosts at a time");
        }
        var query = request.Hosts;
        var hosts = FleetTargets.Resolve(query);
        ApplyRequest For(HostTarget host, bool write) =>
            new(request.Policy, host.Uri, query.Domains, query.All, write, request.Restart, request.ShutdownTimeout, RequireAll: hosts.Count == 1);

        if (hosts.Count == 1)
        {
            var only = hosts[0];
            return new FleetApplyResult([Outcome(only, ApplyService.Run(For(only, request.Write), writerFor?.Invoke(only)))], request.Write);
        }

        // Plan every host (read-only): refusals anywhere stop everything before a write.
        var plans = HostSweep.RunOrThrowInput(hosts, host =>
        {
            try
            {
                return ApplyService.Run(For(host, write: false));
            }
            catch (InputException e)
            {
                throw new InputException($"host {host.Name}: {e.Message}", e);
            }
        });
        if (!plans.Any(p => p.Failed) && query.Domains.FirstOrDefault(d => !plans.Any(p => p.Value!.Found.Contains(d))) is { } missing)
        {
            throw new InputException($"no domain named '{missing}' (nor with that UUID or id) on any of the {hosts.Count} hosts; nothing written");
        }
        var outcomes = plans.Select(p => p.Failed
            ? new HostApply(p.Host, HostApplyStatus.Failed, null, p.Error)
            : Outcome(p.Host, p.Value!)).ToArray();
        if (!request.Write)
        {
            return new FleetApplyResult(outcomes, Write: false);
        }

        var toWrite = Enumerable.Range(0, outcomes.Length).Where(i => outcomes[i].Status == HostApplyStatus.Planned).ToList();
        HostTarget? stoppedAt = null;
        foreach (var batch in toWrite.Chunk(request.Parallel))
        {
            if (stoppedAt is not null)
            {
                foreach (var i in batch)
                {
                    outcomes[i] = outcomes[i] with { Status = HostApplyStatus.NotAttempted, Error = $"not attempted: the apply stopped at host {stoppedAt.Name}" };
                }
                continue;
            }
            Parallel.ForEach(batch, new ParallelOptions { MaxDegreeOfParallelism = request.Parallel }, i =>
                outcomes[i] = Write(outcomes[i], For(outcomes[i].Host, write: true), writerFor));
            stoppedAt = batch.Select(i => outcomes[i]).FirstOrDefault(o => o.Status == HostApplyStatus.Failed)?.Host;
        }
        return new FleetApplyResult(outcomes, Write: true, stoppedAt);
    }

    private static HostApply Write(HostApply planned, ApplyRequest request, Func<HostTarget, DomainDefinitionWriter>? writerFor)
    {
        var host = planned.Host;
        try
        {
            return Outcome(host, ApplyService.Run(request, writerFor?.Invoke(host)));
        }
        catch (Exception e) when (e is InputException or HostFailureException or LibvirtException)
        {
            // Between the plan and the write the host went away or its definitions changed: what was planned no
            // longer holds, so the apply stops here as after a failed write.
            return planned with { Status = HostApplyStatus.Failed, Error = e is LibvirtException ? $"{host.Uri}: {e.Message}" : e.Message };
        }
    }

    private static HostApply Outcome(HostTarget host, ApplyResult result)
    {
        if (result.Failed is { } failed)
        {
            var why = failed.Problems.Count > 0 ? failed.Problems[0] : failed.Status.ToString();
            return new HostApply(host, HostApplyStatus.Failed, result, $"{failed.Domain}: {why}");
        }
        var status = result.Written ? (result.WrittenDomains.Any() ? HostApplyStatus.Changed : HostApplyStatus.Unchanged)
            : result.Changing.Any() ? HostApplyStatus.Planned : HostApplyStatus.Unchanged;
        return new HostApply(host, status, result, null);
    }
}
