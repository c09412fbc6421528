using KvmTune.Core.Fleet;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Decisions;

/// <summary>
/// The statistics of blocks that <see cref="FleetDecision.Pool"/> needs, from KvmTune.Statistics'
/// <c>RepeatStatistics</c> (Core references no package: the caller passes them in).
/// </summary>
/// <param name="RoundEffects">Each round's log factor from units' values by round.</param>
/// <param name="Adjust">A unit's values with the rounds' effects divided out.</param>
/// <param name="SummariseBlock">One statistic per unit of a block, with a shared noise estimate.</param>
public sealed record BlockStatistics(
    Func<IReadOnlyList<IReadOnlyList<(int Round, double Value)>>, IReadOnlyDictionary<int, double>> RoundEffects,
    Func<IReadOnlyList<(int Round, double Value)>, IReadOnlyDictionary<int, double>, IReadOnlyList<double>> Adjust,
    Func<IReadOnlyList<IReadOnlyList<double>>, IReadOnlyList<Statistic>> SummariseBlock);

/// <summary>How a host's own decision compares with its group's.</summary>
/// <param name="HostWinner">The host's own winner, or null when nothing could be ranked there.</param>
/// <param name="HostOverGroup">
/// How much faster the host's winner was than the group's winner on that host (overall, over the profiles both were
/// ranked in), with its 95% interval; null when they are one or the group's winner was not ranked there.
/// </param>
/// <param name="Significant">True when the host's winner beats the group's on that host by more than the margin with confidence.</param>
public sealed record HostComparison(Candidate? HostWinner, SpeedRatio? HostOverGroup, bool Significant)
{
    public bool Disagrees => HostWinner is not null && HostOverGroup is not null;
}

/// <summary>
/// The decisions of <c>fleet report</c>, as pure functions: one decision for a group of hosts with the same storage
/// fingerprint from all their results, with the hosts as blocks — the way one run treats its interleaved rounds: each
/// host's speed is a factor common to all it measured (one host is simply faster), divided out before the hosts'
/// figures for a candidate are summarised together (<see cref="BlockStatistics"/>); the pooled results then go through
/// the one <see cref="Advisor"/> (ranking, equivalence, tie-breaking) as a run's own do.
/// </summary>
public static class FleetDecision
{
    /// <summary>
    /// One result per engine, profile and subject from several hosts' results: per host the ranking basis
    /// (<see cref="Advisor.Basis"/>) median is one value, the host its round. A result skipped on every host stays
    /// skipped; one host's results come back as they are.
    /// </summary>
    public static IReadOnlyList<SubjectResult> Pool(IReadOnlyList<IReadOnlyList<SubjectResult>> hosts, BlockStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(hosts);
        ArgumentNullException.ThrowIfNull(statistics);
        if (hosts.Count == 1)
        {
            return hosts[0];
        }
        var pooled = new List<SubjectResult>();
        var keys = hosts.SelectMany(h => h).Select(r => (r.Engine, r.Profile)).Distinct().ToList();
        foreach (var (engine, profile) in keys)
        {
            // Units in the order they first appear, each with its measured value per host.
            var subjects = new List<Subject>();
            var representative = new Dictionary<Subject, SubjectResult>();
            var values = new Dictionary<Subject, List<(int Round, double Value)>>();
            var harnessBound = new Dictionary<Subject, int>();
            for (var h = 0; h < hosts.Count; h++)
            {
                foreach (var r in hosts[h].Where(r => r.Engine == engine && r.Profile == profile))
                {
                    if (!representative.TryGetValue(r.Subject, out var first))
                    {
                        subjects.Add(r.Subject);
                        representative[r.Subject] = first = r;
                        values[r.Subject] = [];
                        harnessBound[r.Subject] = 0;
                    }
                    if (r.SkippedCode is not null || r.FunctionalOnly)
                    {
                        continue;
                    }
                    if (first.SkippedCode is not null || first.FunctionalOnly)
                    {
                        representative[r.Subject] = r;
                    }
                    var basis = Advisor.Basis(r);
                    if (basis.Median > 0 && double.IsFinite(basis.Median))
                    {
                        values[r.Subject].Add((h, basis.Median));
                        harnessBound[r.Subject] += r.HarnessBound ? 1 : 0;
                    }
                }
            }
            var measured = subjects.Where(s => values[s].Count > 0).ToList();
            var effects = statistics.RoundEffects([.. measured.Select(s => (IReadOnlyList<(int, double)>)values[s])]);
            var summaries = statistics.SummariseBlock([.. measured.Select(s => statistics.Adjust(values[s], effects))]);
            var byUnit = measured.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => summaries[x.i]);
            foreach (var subject in subjects)
            {
                var r = representative[subject];
                if (!byUnit.TryGetValue(subject, out var statistic))
                {
                    pooled.Add(r);
                    continue;
                }
                var basis = Advisor.Basis(r).Median;
                var k = basis > 0 ? statistic.Median / basis : 1;
                pooled.Add(r with
                {
                    Iops = statistic,
                    MBps = r.MBps with { Median = r.MBps.Median * k, CiLow = r.MBps.CiLow * k, CiHigh = r.MBps.CiHigh * k, N = statistic.N },
                    Sustained = null,
                    SustainedIops = null,
                    BurstIops = null,
                    RatioToHost = null,
                    HarnessBound = 2 * harnessBound[subject] > values[subject].Count,
                });
            }
        }
        return pooled;
    }

    /// <summary>
    /// How a host's own decision (<paramref name="host"/>) compares with the group's winner: the host's winner over the
    /// group's, overall, on the host's own figures.
    /// </summary>
    public static HostComparison Compare(Decision host, Candidate? groupWinner, double margin = Equivalence.DefaultMargin)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.Winner is not { } own || groupWinner is null || own == groupWinner)
        {
            return new HostComparison(host.Winner, null, false);
        }
        var profiles = host.Profiles
            .Where(p => p.Weight > 0 && p.Ranking.Any(r => r.Candidate == own) && p.Ranking.Any(r => r.Candidate == groupWinner))
            .Select(p => (p.Weight, (IReadOnlyList<(Candidate, Statistic)>)[.. p.Ranking.Select(r => (r.Candidate, r.Basis))]))
            .ToList();
        if (profiles.Count == 0)
        {
            return new HostComparison(own, null, false);
        }
        var ratio = Advisor.OverallRatios(profiles, [own, groupWinner])(0, 1);
        return new HostComparison(own, ratio, Equivalence.Beats(ratio, margin));
    }

    /// <summary>True when a host's newest run is older than <paramref name="staleAfter"/> at <paramref name="now"/>, or it has none.</summary>
    public static bool IsStale(DateTimeOffset? lastRun, DateTimeOffset now, TimeSpan staleAfter) =>
        lastRun is not { } last || now - last > staleAfter;

    /// <summary>
    /// The settings in force that differ from a decision: a cache or io mode other than the winner's (libvirt's
    /// spelling). A setting whose mode is unknown is not counted as drift.
    /// </summary>
    public static IReadOnlyList<SettingInForce> Drift(HostState state, Candidate winner)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(winner);
        var cache = winner.Cache.ToLibvirt();
        var io = winner.Io.ToLibvirt();
        return [.. state.Settings.Where(s => (s.Cache is not null && s.Cache != cache) || (s.Io is not null && s.Io != io))];
    }
}
