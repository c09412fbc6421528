using KvmTune.Core.Measurement;

namespace KvmTune.Core.Decisions;

/// <summary>
/// The definitions the advisor and the race share: which statistic may be ranked, and the reference (the
/// candidate most surely fast).
/// </summary>
public static class Ranking
{
    /// <summary>
    /// True for a ranking statistic that may take part in a ranking: measured (a repeat and a positive median) and not
    /// harness-bound against the profile's null-co ceiling (<see cref="HarnessBound"/>; 0 when none was measured).
    /// </summary>
    public static bool Rankable(Statistic basis, double harnessCeilingMedian)
    {
        ArgumentNullException.ThrowIfNull(basis);
        return basis is { N: > 0, Median: > 0 } && !HarnessBound.Applies(basis.Median, harnessCeilingMedian);
    }

    /// <summary>
    /// The index of the tie's reference among ranking statistics: the one most surely fast, with the highest lower
    /// bound. Not the highest median: the highest of many close medians is often a lucky one with few repeats and a
    /// wide interval, and measuring the tie against it would let its width decide who ties. -1 when empty.
    /// </summary>
    public static int Reference(IReadOnlyList<Statistic> bases)
    {
        ArgumentNullException.ThrowIfNull(bases);
        var best = -1;
        for (var i = 0; i < bases.Count; i++)
        {
            if (best < 0 || bases[i].CiLow > bases[best].CiLow)
            {
                best = i;
            }
        }
        return best;
    }
}
