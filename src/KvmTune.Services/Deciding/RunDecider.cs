using KvmTune.Core;
using KvmTune.Core.Apply;
using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Reports.Model;
using KvmTune.Services.Stores;

namespace KvmTune.Services.Deciding;

/// <summary>A decision over a stored run with everything derived from it.</summary>
/// <param name="Run">The run as stored.</param>
/// <param name="Decision">The advisor's decision.</param>
/// <param name="Recommendation">What to apply.</param>
/// <param name="Model">What a report shows.</param>
public sealed record RunReport(RunData Run, Decision Decision, Recommendation Recommendation, ReportModel Model);

/// <summary>
/// Decides over a stored run, without measuring: the same decision <c>tune</c> made when the run finished, or another
/// one under other constraints (<c>report</c>, <c>apply --from-run</c>).
/// </summary>
public static class RunDecider
{
    /// <summary>
    /// Decides over <paramref name="run"/> (with <paramref name="standing"/>, the recommendation of the previous run of
    /// its plan on its host); builds the recommendation (with the run's volume group) and the report model.
    /// </summary>
    public static RunReport Decide(RunData run, AdvisorConstraints constraints, int? vmsPerHost, StandingRecommendation? standing = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(constraints);
        var decision = Advisor.Decide(run.Results, RunHostFacts.From(run.HostFacts), constraints, standing);
        var recommendation = Recommendation.From(decision, new RecommendationOptions(run.Info.Id, vmsPerHost, run.Info.Settings.VolumeGroup, run.Info.Settings.SizeBytes > 0 ? run.Info.Settings.SizeBytes : null));
        return new RunReport(run, decision, recommendation, ReportModel.Build(run, decision, recommendation));
    }

    /// <summary>Loads run <paramref name="runId"/> from the store and decides over it.</summary>
    /// <param name="db">The store (<c>--db</c>), or null for the default one.</param>
    /// <param name="runId">The run.</param>
    /// <param name="constraints">The advisor's constraints.</param>
    /// <param name="vmsPerHost">Flavor QoS sharing, or null.</param>
    /// <param name="option">How the run was named on the command line, for messages (<c>RUN</c>, <c>--from-run</c>).</param>
    /// <exception cref="InputException">No store, no such run, or a run without results.</exception>
    public static RunReport Decide(string? db, long runId, AdvisorConstraints constraints, int? vmsPerHost, string option = "run")
    {
        using var store = RunStores.OpenForReading(db)
            ?? throw new InputException($"{option} {runId}: no results store at {RunStores.DefaultPath} (run kvmtune tune first)");
        var run = store.LoadRun(runId) ?? throw new InputException($"{option} {runId}: no such run in {store.Location}");
        if (run.Results.Count == 0)
        {
            throw new InputException($"{option} {runId}: has no results (status {run.Info.Status})");
        }
        return Decide(run, constraints, vmsPerHost, store.StandingFor(runId));
    }
}
