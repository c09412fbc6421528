using KvmTune.Core.Decisions;
using KvmTune.Core.Fleet;
using KvmTune.Services.Stores;
using KvmTune.Statistics;
using KvmTune.Storage;

namespace KvmTune.Services.Fleet;

/// <summary>What <c>fleet report</c> is asked.</summary>
/// <param name="Db">The results store (null: the environment, config file or default).</param>
/// <param name="StaleAfter">A host whose newest run is older is stale (listed, left out of the group decision).</param>
/// <param name="Constraints">The advisor's constraints for every decision.</param>
/// <param name="Now">The time the report is made at.</param>
public sealed record FleetReportRequest(string? Db, TimeSpan StaleAfter, AdvisorConstraints Constraints, DateTimeOffset Now);

/// <summary>
/// <c>kvmtune fleet report</c>: every host's newest run and collected state from the store, grouped by storage
/// fingerprint; per group the decision from the recent runs with hosts as blocks (<see cref="FleetDecision.Pool"/>
/// then the <see cref="Advisor"/>), each host's own decision against it, stale hosts, and drift of the settings in force.
/// The store gives one summarised row per host, candidate and profile (each run's own statistics): the report reads
/// no samples, so its cost grows with hosts × candidates × profiles, not with repeats.
/// </summary>
public static class FleetReportService
{
    /// <summary>KvmTune.Statistics' block mathematics, the same a run's rounds use.</summary>
    public static BlockStatistics Blocks { get; } = new(RepeatStatistics.RoundEffects, RepeatStatistics.Adjust, RepeatStatistics.SummariseBlock);

    public static FleetReport Report(FleetReportRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var store = RunStores.OpenForReading(request.Db);
        if (store is null)
        {
            return new FleetReport(RunStores.Describe(request.Db), request.Now, request.StaleAfter, []);
        }
        return Build(store.Location, store.LatestRunPerHost(), store.LatestHostStates(), request);
    }

    /// <summary>The report over runs and states already read.</summary>
    public static FleetReport Build(string location, IReadOnlyList<HostRun> runs, IReadOnlyList<StoredHostState> states, FleetReportRequest request)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(request);
        var runByHost = runs.ToDictionary(r => r.Host.Key);
        var stateByHost = states.ToDictionary(s => s.Host.Key);
        // A host's group is its newest run's fingerprint; a host with only a collected state, that state's.
        var keys = runByHost.Keys.Union(stateByHost.Keys).ToList();
        var groups = keys
            .GroupBy(k => runByHost.TryGetValue(k, out var run) ? run.Host.Storage : stateByHost[k].Host.Storage)
            .Select(g => Group(g.Key, [.. g], runByHost, stateByHost, request))
            .OrderByDescending(g => g.Hosts.Count).ThenBy(g => g.Fingerprint.Hash, StringComparer.Ordinal)
            .ToList();
        return new FleetReport(location, request.Now, request.StaleAfter, groups);
    }

    private static FleetGroup Group(
        StorageFingerprint fingerprint,
        IReadOnlyList<string> keys,
        Dictionary<string, HostRun> runByHost,
        Dictionary<string, StoredHostState> stateByHost,
        FleetReportRequest request)
    {
        var recent = keys
            .Select(k => runByHost.GetValueOrDefault(k))
            .OfType<HostRun>()
            .Where(r => !FleetDecision.IsStale(r.Started, request.Now, request.StaleAfter) && r.Results.Count > 0)
            .OrderBy(r => r.Host.HostName, StringComparer.Ordinal)
            .ToList();
        Decision? decision = null;
        if (recent.Count > 0)
        {
            var pooled = FleetDecision.Pool([.. recent.Select(r => r.Results)], Blocks);
            decision = Advisor.Decide(pooled, RunHostFacts.From(recent[0].Facts), request.Constraints);
        }
        // Each host's own decision is independent of the others': decided in parallel, the order kept.
        var hosts = keys.AsParallel().AsOrdered().Select(key =>
        {
            var run = runByHost.GetValueOrDefault(key);
            var state = stateByHost.GetValueOrDefault(key);
            var identity = run?.Host ?? state!.Host;
            var comparison = run is null || run.Results.Count == 0
                ? null
                : FleetDecision.Compare(Advisor.Decide(run.Results, RunHostFacts.From(run.Facts), request.Constraints), decision?.Winner, request.Constraints.Margin);
            return new FleetHost(
                identity.HostName,
                identity.MachineId,
                run?.RunId,
                run?.Started,
                FleetDecision.IsStale(run?.Started, request.Now, request.StaleAfter),
                comparison,
                state?.Collected,
                state?.State.Settings ?? [],
                state is null || decision?.Winner is null ? [] : FleetDecision.Drift(state.State, decision.Winner),
                state?.State.LintErrors ?? 0,
                state?.State.LintWarnings ?? 0);
        }).ToList();
        return new FleetGroup(fingerprint, [.. hosts.OrderBy(h => h.Host, StringComparer.Ordinal)], decision, recent.Count);
    }
}
