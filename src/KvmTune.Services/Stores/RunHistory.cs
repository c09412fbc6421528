using KvmTune.Core.Decisions;
using KvmTune.Core.Tuning;
using KvmTune.Storage;

namespace KvmTune.Services.Stores;

/// <summary>One run as history lists it.</summary>
/// <param name="Summary">The run, its candidate count.</param>
/// <param name="Winner">The decision's overall winner, or null when nothing could be ranked.</param>
/// <param name="DecidedNow">
/// True when the run was stored before winners were (schema 3): its winner is decided now, over its stored results with
/// the default constraints.
/// </param>
public sealed record RunHistoryEntry(RunSummary Summary, Candidate? Winner, bool DecidedNow);

/// <summary>
/// The runs <c>history</c> lists, newest first, each with the decision's winner: stored with the run when it finished,
/// or, for a run stored before winners were, decided at list time from its results (so that a page-cache burst is never
/// shown as a run's best result).
/// </summary>
public static class RunHistory
{
    public static IReadOnlyList<RunHistoryEntry> List(string? db, int limit)
    {
        using var store = RunStores.OpenForReading(db);
        if (store is null)
        {
            return [];
        }
        var entries = new List<RunHistoryEntry>();
        foreach (var summary in store.ListSummaries(limit))
        {
            if (summary.Winner is not null || summary.Info.Status != "completed")
            {
                entries.Add(new RunHistoryEntry(summary, summary.Winner, DecidedNow: false));
                continue;
            }
            var loaded = store.LoadResults(summary.Info.Id);
            var winner = loaded is { } l && l.Results.Count > 0
                ? Advisor.Decide(l.Results, RunHostFacts.From(l.Facts), AdvisorConstraints.Default).Winner
                : null;
            entries.Add(new RunHistoryEntry(summary, winner, DecidedNow: winner is not null));
        }
        return entries;
    }
}
