using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Decisions;

/// <summary>
/// Where extra repeats go while a run measures: to the candidates the decision depends on (a race). After the minimum
/// rounds, the runner asks, per profile and overall, which candidates' next repeat could change the winner the
/// <see cref="Advisor"/> would name (<see cref="SelectContenders"/>, <see cref="SelectOverallContenders"/>), and runs
/// those (<see cref="Round"/>), capped per candidate. The definitions are the advisor's: the same
/// <see cref="Ranking.Reference"/>, tie, <see cref="Ranking.Rankable"/> and <see cref="TieBreaker"/> order.
/// </summary>
public static class Race
{
    /// <summary>A race's winner and reference are measured at least to this half-width relative to the median.</summary>
    public const double Precision = 0.08;

    /// <summary>
    /// Of candidates' ranking statistics (one profile), the indexes that deserve another repeat because the winner
    /// may depend on them. The winner is the first of the tie (intervals overlapping the reference's) in
    /// <see cref="TieBreaker"/> order; it changes when a candidate it beats in that order leaves the tie, or one that
    /// beats it enters. So the undecided candidates (in the tie only by their own interval's width, or out of it by
    /// little: <see cref="Undecided"/>) that the winner does not beat in tie-break order, the winner when it is
    /// undecided or it or the reference is not yet measured to ±<see cref="Precision"/>, and the reference itself race
    /// on; the reference comes first. Candidates surely in, far out, or that would lose the tie-break anyway, do not.
    /// Harness-bound candidates (<see cref="HarnessBound"/>) are never ranked and never contend.
    /// </summary>
    /// <param name="candidates">Each candidate with its ranking statistic.</param>
    /// <param name="harnessCeilingMedian">The profile's null-co ceiling (0 when none was measured).</param>
    public static IReadOnlyList<int> SelectContenders(IReadOnlyList<(Candidate Candidate, Statistic Basis)> candidates, double harnessCeilingMedian)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var ranked = Enumerable.Range(0, candidates.Count)
            .Where(i => Ranking.Rankable(candidates[i].Basis, harnessCeilingMedian))
            .ToList();
        if (ranked.Count < 2)
        {
            return [];
        }
        var best = ranked[Ranking.Reference([.. ranked.Select(i => candidates[i].Basis)])];
        var top = candidates[best].Basis;
        var order = TieBreaker.InPreferenceOrder(ranked, i => candidates[i].Candidate, i => candidates[i].Basis.Median).ToList();
        var winner = order.First(i => Ranking.Ties(candidates[i].Basis, top));
        var open = order
            .TakeWhile(i => i != winner)
            .Append(winner)
            .Where(i => i != best && Undecided(candidates[i].Basis, top))
            .ToList();
        // A winner that ties only within wide intervals is not decided either: as the intervals narrow it may leave
        // the tie. It races until both it and the reference are measured to ±Precision.
        if (winner != best && !open.Contains(winner)
            && (candidates[winner].Basis.RelativeHalfWidth > Precision || top.RelativeHalfWidth > Precision))
        {
            open.Add(winner);
        }
        return open.Count == 0 ? [] : [best, .. open];
    }

    /// <summary>
    /// For the overall decision across weighted profiles (each with its candidates' ranking statistics), per profile
    /// the indexes whose next repeat could change the overall winner: the overall scores
    /// (<see cref="Advisor.OverallScores"/>) are decided as the advisor decides them, and the candidates that
    /// <see cref="SelectContenders"/> picks among them (the overall reference first) race in every profile, since each
    /// profile's interval is part of the score's. Empty lists when fewer than two profiles weigh in (the profile's own
    /// race decides then) or nothing is open.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<int>> SelectOverallContenders(IReadOnlyList<(double Weight, IReadOnlyList<(Candidate Candidate, Statistic Basis)> Ranking)> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var none = profiles.Select(_ => (IReadOnlyList<int>)[]).ToList();
        if (profiles.Count(p => p.Ranking.Count > 0) < 2)
        {
            return none;
        }
        var scores = Advisor.OverallScores(profiles);
        var chosen = SelectContenders([.. scores.Select(s => (s.Candidate, new Statistic(s.Score, s.Low, s.High, 0, 1)))], 0);
        return [.. profiles.Select(p =>
        {
            var index = p.Ranking.Select((r, i) => (r.Candidate, i)).ToDictionary(x => x.Candidate, x => x.i);
            return (IReadOnlyList<int>)[.. chosen.Select(i => index[scores[i].Candidate])];
        })];
    }

    /// <summary>
    /// Of a profile's contenders (<see cref="SelectContenders"/>: the reference first), those that run in the next race
    /// round: every contender with fewer than <paramref name="cap"/> repeats, and the reference with them, whatever its
    /// count, so that each race round pairs the contenders with it (the round's drift then cancels in the round
    /// adjustment of the statistics). Nothing once every contender but the reference reached the cap.
    /// </summary>
    public static IReadOnlyList<int> Round(IReadOnlyList<int> contenders, Func<int, int> repeats, int cap)
    {
        ArgumentNullException.ThrowIfNull(contenders);
        ArgumentNullException.ThrowIfNull(repeats);
        var racing = contenders.Skip(1).Where(i => repeats(i) < cap).ToList();
        return racing.Count == 0 ? [] : [contenders[0], .. racing];
    }

    /// <summary>
    /// True when more repeats may move the candidate into or out of the tie with the reference: it is in the tie only
    /// by its own interval's width (its median lies outside the reference's interval, so a narrower interval would
    /// leave the tie), or it is out by less than half the two facing half-widths again (log scale).
    /// </summary>
    public static bool Undecided(Statistic candidate, Statistic reference)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(reference);
        if (candidate.CiLow <= 0 || reference.CiLow <= 0)
        {
            return false;
        }
        if (Ranking.Ties(candidate, reference))
        {
            return candidate.Median < reference.CiLow || candidate.Median > reference.CiHigh;
        }
        var (low, high) = candidate.Median <= reference.Median ? (candidate, reference) : (reference, candidate);
        var gap = Math.Log(high.Median / low.Median);
        var reach = Math.Log(low.CiHigh / low.Median) + Math.Log(high.Median / high.CiLow);
        return reach > 0 && gap / reach <= 1.5;
    }
}
