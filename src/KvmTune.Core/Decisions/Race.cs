using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Decisions;

/// <summary>
/// Where extra repeats go while a run measures: to the candidates the decision depends on (a race). After the minimum
/// rounds, the runner asks, per profile and overall, which candidates' next repeat could change the winner the
/// <see cref="Advisor"/> would name (<see cref="SelectContenders"/>, <see cref="SelectOverallContenders"/>), and runs
/// those (<see cref="Round"/>), capped per candidate. The definitions are the advisor's: the same
/// <see cref="Equivalence"/> margin, <see cref="Ranking.Reference"/>, <see cref="Ranking.Rankable"/> and
/// <see cref="TieBreaker"/> order.
/// </summary>
public static class Race
{
    /// <summary>A race's winner and reference are measured at least to this half-width relative to the median.</summary>
    public const double Precision = 0.08;

    /// <summary>
    /// Of candidates' ranking statistics (one profile), the indexes that deserve another repeat because the winner may
    /// depend on them. The winner is the first candidate in <see cref="TieBreaker"/> order that no other beats by
    /// more than the margin with confidence (<see cref="Equivalence"/>); every candidate before it is beaten, so the
    /// pair with its beater is already decided (its interval lies above the threshold). The winner changes when it
    /// starts being beaten: it races with every candidate whose pair with it is undecided (<see cref="Undecided"/>),
    /// and until it and the reference (<see cref="Ranking.Reference"/>) are measured to
    /// ±<see cref="Precision"/>. The reference comes first. Harness-bound candidates (<see cref="HarnessBound"/>) are
    /// never ranked and never contend.
    /// </summary>
    /// <param name="candidates">Each candidate with its ranking statistic.</param>
    /// <param name="harnessCeilingMedian">The profile's null-co ceiling (0 when none was measured).</param>
    /// <param name="margin">The practical-equivalence margin the advisor decides with.</param>
    public static IReadOnlyList<int> SelectContenders(IReadOnlyList<(Candidate Candidate, Statistic Basis)> candidates, double harnessCeilingMedian, double margin = Equivalence.DefaultMargin)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var ranked = Enumerable.Range(0, candidates.Count)
            .Where(i => Ranking.Rankable(candidates[i].Basis, harnessCeilingMedian))
            .ToList();
        if (ranked.Count < 2)
        {
            return [];
        }
        var chosen = Select(
            ranked.Count,
            (x, c) => SpeedRatio.Of(candidates[ranked[x]].Basis, candidates[ranked[c]].Basis),
            i => candidates[ranked[i]].Candidate,
            i => candidates[ranked[i]].Basis,
            margin);
        return [.. chosen.Select(i => ranked[i])];
    }

    /// <summary>
    /// For the overall decision across weighted profiles (each with its candidates' ranking statistics), per profile
    /// the indexes whose next repeat could change the overall winner: the candidates ranked in every profile are
    /// decided as the advisor decides them overall (<see cref="Advisor.OverallRatios"/>), and the contenders among
    /// them (<see cref="SelectContenders"/>'s rule, the overall reference first) race in every profile, since each
    /// profile's interval is part of the overall ratio's. Empty lists when fewer than two profiles weigh in (the
    /// profile's own race decides then) or nothing is open.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<int>> SelectOverallContenders(IReadOnlyList<(double Weight, IReadOnlyList<(Candidate Candidate, Statistic Basis)> Ranking)> profiles, double margin = Equivalence.DefaultMargin)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var none = profiles.Select(_ => (IReadOnlyList<int>)[]).ToList();
        if (profiles.Count(p => p.Ranking.Count > 0) < 2)
        {
            return none;
        }
        var scores = Advisor.OverallScores(profiles);
        if (scores.Count < 2)
        {
            return none;
        }
        var candidates = scores.Select(s => s.Candidate).ToList();
        var chosen = Select(
            candidates.Count,
            Advisor.OverallRatios(profiles, candidates),
            i => candidates[i],
            i => new Statistic(scores[i].Score, scores[i].Low, scores[i].High, 0, 1),
            margin);
        return [.. profiles.Select(p =>
        {
            var index = p.Ranking.Select((r, i) => (r.Candidate, i)).ToDictionary(x => x.Candidate, x => x.i);
            return (IReadOnlyList<int>)[.. chosen.Select(i => index[candidates[i]])];
        })];
    }

    /// <summary>The contenders among <paramref name="count"/> ranked candidates (see <see cref="SelectContenders"/>).</summary>
    private static List<int> Select(int count, Func<int, int, SpeedRatio> ratio, Func<int, Candidate> candidate, Func<int, Statistic> basis, double margin)
    {
        var beaten = Equivalence.Beaten(count, ratio, margin);
        var winner = Equivalence.Winner(count, candidate, i => basis(i).Median, beaten);
        var reference = Ranking.Reference([.. Enumerable.Range(0, count).Select(basis)]);
        // A candidate before the winner in preference order is beaten, and a pair one beats is decided (its lower bound
        // is above the threshold): the winner changes only through a pair with the winner itself.
        var open = new List<int>();
        for (var x = 0; x < count; x++)
        {
            if (x != winner && Undecided(ratio(x, winner), margin))
            {
                open.Add(x);
                open.Add(winner);
            }
        }
        // A winner measured loosely is not decided either: it races until it and the reference are measured to ±Precision.
        if (winner != reference && (basis(winner).RelativeHalfWidth > Precision || basis(reference).RelativeHalfWidth > Precision))
        {
            open.Add(winner);
        }
        var contenders = open.Distinct().Where(i => i != reference).ToList();
        return contenders.Count == 0 ? [] : [reference, .. contenders];
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
    /// True when it is not yet known whether one candidate beats another (x over c): the margin's threshold 1 + margin
    /// lies within the ratio's 95% interval, so the true ratio may be on either side of it and more repeats can still
    /// decide either way.
    /// </summary>
    public static bool Undecided(SpeedRatio ratio, double margin)
    {
        ArgumentNullException.ThrowIfNull(ratio);
        if (ratio.Ratio <= 0 || ratio.Low <= 0)
        {
            return false;
        }
        var center = Math.Log(ratio.Ratio);
        var threshold = Math.Log(1 + margin);
        // The half of the interval that faces the threshold.
        var reach = center >= threshold ? Math.Log(ratio.Ratio / ratio.Low) : Math.Log(ratio.High / ratio.Ratio);
        return reach > 0 && Math.Abs(center - threshold) <= reach;
    }
}
