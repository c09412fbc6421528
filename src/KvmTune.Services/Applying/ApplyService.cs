using KvmTune.Core;
using KvmTune.Core.Apply;
using KvmTune.Core.Decisions;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;
using KvmTune.Host.Libvirt;
using KvmTune.Services.Deciding;

namespace KvmTune.Services.Applying;

/// <summary>What <c>apply</c> is asked to do.</summary>
/// <param name="Policy">The policy to apply.</param>
/// <param name="Connect">The libvirt URI (<c>--connect</c>), or null for the default.</param>
/// <param name="Domains">The domains named (<c>--domain</c>); empty with <paramref name="All"/>.</param>
/// <param name="All">Every persistent domain of the connection.</param>
/// <param name="Write">Write the changes (<c>--yes</c>); otherwise a dry run.</param>
/// <param name="Restart">Cold-restart running domains after the change.</param>
/// <param name="ShutdownTimeout">How long a restart waits for a graceful shutdown before destroying the domain.</param>
/// <param name="RequireAll">A named domain the host lacks is bad input (one host); false when many hosts are read and a
/// domain lives on one of them.</param>
public sealed record ApplyRequest(TuningPolicy Policy, string? Connect, IReadOnlyList<string> Domains, bool All, bool Write, bool Restart, TimeSpan ShutdownTimeout,
    bool RequireAll = true);

/// <summary>Where one domain stands after <see cref="ApplyService.Run"/>.</summary>
public enum DomainApplyStatus
{
    /// <summary>Changes planned; not written (dry run, or another domain's refusal stopped everything).</summary>
    Planned,
    /// <summary>The domain already has the policy's settings.</summary>
    Unchanged,
    /// <summary>The policy is refused for this domain (a rule error such as KT001).</summary>
    Refused,
    /// <summary>A transient domain (no persistent definition): not changed.</summary>
    Transient,
    /// <summary>The new definition was written and verified.</summary>
    Written,
    /// <summary>libvirt refused the new definition; the definition is unchanged.</summary>
    RefusedByLibvirt,
    /// <summary>Something failed before anything was written.</summary>
    NotWritten,
    /// <summary>The write did not verify and the previous definition was restored.</summary>
    Restored,
    /// <summary>The write did not verify and restoring failed: roll back by hand.</summary>
    RestoreFailed,
}

/// <summary>One domain's plan and outcome.</summary>
/// <param name="Domain">The domain's name.</param>
/// <param name="Running">Whether it ran when planned.</param>
/// <param name="Plan">The edit plan (null for a transient domain).</param>
/// <param name="Nova">For a nova-managed domain: what nova.conf needs so the change lasts.</param>
/// <param name="Status">Where it stands.</param>
public sealed record DomainApply(string Domain, bool Running, DomainEditPlan? Plan, NovaAdvice? Nova, DomainApplyStatus Status)
{
    /// <summary>The backup taken before the write, when one was.</summary>
    public DomainBackup? Backup { get; init; }

    /// <summary>What went wrong, one line each.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    /// <summary>Set when the domain was cold-restarted: how it went down (<c>shut down</c> or destroyed after the timeout).</summary>
    public string? Restarted { get; init; }

    /// <summary>True while the running domain keeps its old settings (changed, not restarted).</summary>
    public bool ColdRestartNeeded => Running && Plan is { HasChanges: true } && Restarted is null && Status is DomainApplyStatus.Planned or DomainApplyStatus.Written;
}

/// <summary>The whole apply: every domain in the order planned; <see cref="Failed"/> when a write did not succeed.</summary>
public sealed record ApplyResult(IReadOnlyList<DomainApply> Domains, bool Written)
{
    /// <summary>The names, UUIDs and ids of the domains selected (to tell which requested names no host has).</summary>
    public IReadOnlySet<string> Found { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The domains written and verified.</summary>
    public IEnumerable<DomainApply> WrittenDomains => Domains.Where(d => d.Status == DomainApplyStatus.Written);

    /// <summary>The first domain whose write failed, or null.</summary>
    public DomainApply? Failed => Domains.FirstOrDefault(d => d.Status is DomainApplyStatus.RefusedByLibvirt or DomainApplyStatus.NotWritten
        or DomainApplyStatus.Restored or DomainApplyStatus.RestoreFailed || d.Problems.Count > 0);

    /// <summary>The domains the policy would change.</summary>
    public IEnumerable<DomainApply> Changing => Domains.Where(d => d.Plan is { HasChanges: true, IsRefused: false });
}

/// <summary>
/// The apply transaction: for each selected domain, plan the policy over its persistent XML; refuse the whole policy
/// when any plan is refused (nothing written); otherwise, with <see cref="ApplyRequest.Write"/>, back up, define,
/// read back and verify each changed domain, restoring the backup on failure and stopping at the first failure;
/// optionally cold-restart running domains and verify the live definition.
/// </summary>
public static class ApplyService
{
    /// <summary>Loads the policy a stored run decides with the default constraints (what <c>tune</c> decided).</summary>
    /// <exception cref="InputException">No such run, or nothing to apply.</exception>
    public static TuningPolicy PolicyFromRun(string? db, long runId)
    {
        var report = RunDecider.Decide(db, runId, AdvisorConstraints.Default, vmsPerHost: null, option: "--from-run");
        if (report.Recommendation.Policy.Disks.Count == 0)
        {
            throw new InputException($"--from-run {runId}: the run ranks no candidate, so there is nothing to apply");
        }
        return report.Recommendation.Policy;
    }

    private static bool StillPersistent(LibvirtDomain domain, bool all)
    {
        try
        {
            return domain.IsPersistent;
        }
        catch (LibvirtNoDomainException) when (all)
        {
            return false; // gone since the listing; the plan below leaves it out
        }
    }

    private static DomainApply Plan(LibvirtDomain domain, ApplyRequest request, HostFacts facts)
    {
        if (!domain.IsPersistent)
        {
            return new DomainApply(domain.Name, domain.IsActive, null, null, DomainApplyStatus.Transient);
        }
        DomainEditPlan plan;
        try
        {
            plan = DomainEditPlan.Create(domain.PersistentXml, domain.Name, request.Policy, facts);
        }
        catch (DomainXmlException e)
        {
            throw new InputException($"{domain.Name}: libvirt's definition does not parse: {e.Message}", e);
        }
        var status = plan.IsRefused ? DomainApplyStatus.Refused : plan.HasChanges ? DomainApplyStatus.Planned : DomainApplyStatus.Unchanged;
        var nova = plan.Document.IsNovaManaged ? NovaAdvice.For(request.Policy, plan.Document) : null;
        return new DomainApply(domain.Name, domain.IsActive, plan, nova, status);
    }

    /// <summary>Plans, and with <see cref="ApplyRequest.Write"/> writes; see the class. <paramref name="writer"/> replaces
    /// the definitions (default: backups in the data directory).</summary>
    /// <exception cref="InputException">A plan is refused (nothing written), a domain is unknown, or its XML does not parse.</exception>
    public static ApplyResult Run(ApplyRequest request, DomainDefinitionWriter? writer = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var connection = LibvirtInput.Open(request.Connect, readWrite: request.Write);
        var domains = LibvirtInput.Select(connection, request.Domains, request.All, request.RequireAll);
        var found = domains.SelectMany(LibvirtInput.Identifiers).ToHashSet(StringComparer.Ordinal);
        var locks = new List<DomainLock>();
        try
        {
            if (request.Write)
            {
                // One writer per domain (URI + UUID) from the plan to the verify: another apply or rollback of the same
                // domain waits, so neither works from a definition the other is replacing. Taken in key order, so two
                // applies over overlapping domains cannot wait on each other.
                foreach (var key in domains.Where(d => StillPersistent(d, request.All)).Select(DomainKey.Of).Distinct().OrderBy(k => k.ToString(), StringComparer.Ordinal))
                {
                    locks.Add(DomainLock.Acquire(key, DomainDefinitionWriter.DefaultLockWait));
                }
            }
            var facts = connection.HostFacts();
            var planned = new List<(LibvirtDomain Domain, DomainApply Apply)>();
            foreach (var domain in domains)
            {
                try
                {
                    planned.Add((domain, Plan(domain, request, facts)));
                }
                catch (LibvirtNoDomainException) when (request.All)
                {
                    // Undefined (or, transient, stopped) since the listing: nothing left to apply to.
                }
            }

            var refused = planned.Where(p => p.Apply.Status == DomainApplyStatus.Refused).ToList();
            if (refused.Count > 0)
            {
                var first = refused[0].Apply;
                var f = first.Plan!.Refusals[0];
                var more = refused.Sum(r => r.Apply.Plan!.Refusals.Count) - 1;
                throw new InputException($"{first.Domain}: {f.Disk}: {f.Code} {f.Message}: the policy is refused{(more > 0 ? $" ({more} more)" : "")}; nothing written");
            }
            if (!request.Write || planned.All(p => p.Apply.Status != DomainApplyStatus.Planned))
            {
                return new ApplyResult([.. planned.Select(p => p.Apply)], Written: false) { Found = found };
            }

            writer ??= new DomainDefinitionWriter(DomainBackupStore.Default);
            var results = planned.Select(p => p.Apply).ToList();
            for (var i = 0; i < planned.Count; i++)
            {
                var (domain, apply) = planned[i];
                if (apply.Status != DomainApplyStatus.Planned)
                {
                    continue;
                }
                var plan = apply.Plan!;
                var key = DomainKey.Of(domain);
                var outcome = writer.Replace(connection, domain.Name, plan.OriginalXml, plan.EditedXml, "before-apply",
                    readBack => plan.Verify(DomainDocument.Parse(readBack, domain.Name)), locks.Single(l => l.Key == key));
                if (!outcome.Succeeded)
                {
                    results[i] = apply with { Status = Failure(outcome.Status), Backup = outcome.Backup, Problems = outcome.Problems };
                    return new ApplyResult(results, Written: true) { Found = found };
                }
                results[i] = apply with { Status = DomainApplyStatus.Written, Backup = outcome.Backup };
                if (apply.Running && request.Restart)
                {
                    var graceful = domain.ShutdownOrDestroy(request.ShutdownTimeout);
                    domain.Start();
                    var how = graceful ? "shut down" : $"destroyed after {request.ShutdownTimeout.TotalSeconds:0}s without shutting down";
                    var notLive = plan.Verify(DomainDocument.Parse(domain.LiveXml, $"{domain.Name} (live)"));
                    results[i] = results[i] with { Restarted = how, Problems = notLive };
                    if (notLive.Count > 0)
                    {
                        return new ApplyResult(results, Written: true) { Found = found };
                    }
                }
            }
            return new ApplyResult(results, Written: true) { Found = found };
        }
        finally
        {
            foreach (var l in locks)
            {
                l.Dispose();
            }
            foreach (var d in domains)
            {
                d.Dispose();
            }
        }
    }

    private static DomainApplyStatus Failure(ReplaceStatus status) => status switch
    {
        ReplaceStatus.Refused => DomainApplyStatus.RefusedByLibvirt,
        ReplaceStatus.NotStarted => DomainApplyStatus.NotWritten,
        ReplaceStatus.Restored => DomainApplyStatus.Restored,
        _ => DomainApplyStatus.RestoreFailed,
    };
}
