using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Decisions;

/// <summary>How much faster one candidate is than another: the ratio of their medians with its 95% interval.</summary>
/// <param name="Ratio">Median over median.</param>
/// <param name="Low">The interval's lower bound.</param>
/// <param name="High">The interval's upper bound.</param>
public sealed record SpeedRatio(double Ratio, double Low, double High)
{
    /// <summary>The ratio of two ranking statistics measured independently: on the log scale the centres subtract and
    /// the facing half-widths add in quadrature (the faster one's lower side with the slower one's upper side).</summary>
    public static SpeedRatio Of(Statistic faster, Statistic slower)
    {
        ArgumentNullException.ThrowIfNull(faster);
        ArgumentNullException.ThrowIfNull(slower);
        var center = Math.Log(Positive(faster.Median)) - Math.Log(Positive(slower.Median));
        var below = Math.Sqrt(Square(LowSide(faster)) + Square(HighSide(slower)));
        var above = Math.Sqrt(Square(HighSide(faster)) + Square(LowSide(slower)));
        return new SpeedRatio(Math.Exp(center), Math.Exp(center - below), Math.Exp(center + above));
    }

    /// <summary>From a ratio's log centre and its half-widths below and above.</summary>
    public static SpeedRatio FromLog(double center, double below, double above) =>
        new(Math.Exp(center), Math.Exp(center - below), Math.Exp(center + above));

    internal static double LowSide(Statistic s) => s.CiLow > 0 && s.Median > 0 ? Math.Log(s.Median / s.CiLow) : 0;

    internal static double HighSide(Statistic s) => s.Median > 0 && s.CiHigh > 0 ? Math.Log(s.CiHigh / s.Median) : 0;

    private static double Square(double x) => x * x;

    private static double Positive(double x) => double.IsFinite(x) && x > 1e-9 ? x : 1e-9;
}

/// <summary>
/// Practical equivalence: a candidate is <em>beaten</em> when another is faster than it by more than the margin with
/// 95% confidence (the lower bound of their <see cref="SpeedRatio"/> above 1 + margin). The winner is the first
/// candidate in <see cref="TieBreaker"/> order (safest, then simplest) that no other candidate beats: a less safe or
/// less simple candidate wins only when it is faster by a margin that matters, with confidence — not whenever an
/// interval happens to miss another's. The candidates no one beats are equivalent to the fastest; the one most surely
/// fast (<see cref="Ranking.Reference"/>) is always among them.
/// </summary>
public static class Equivalence
{
    /// <summary>The default margin: a candidate must be more than 10% faster, with confidence, to displace a safer or simpler one.</summary>
    public const double DefaultMargin = 0.10;

    /// <summary>
    /// The margin a candidate must beat a standing recommendation by (<see cref="StandingRecommendation"/>) to replace it:
    /// twice the margin. Changing a configuration in force (nova.conf, domains, a restart of nova-compute and cold
    /// restarts of VMs) costs more than choosing one, and a single threshold would let a candidate just past it swing
    /// the recommendation from run to run.
    /// </summary>
    public static double SwitchingMargin(double margin) => 2 * margin;

    /// <summary>True when a speed ratio (x over c) says x beats c: faster by more than <paramref name="margin"/> with 95% confidence.</summary>
    public static bool Beats(SpeedRatio ratio, double margin)
    {
        ArgumentNullException.ThrowIfNull(ratio);
        return ratio.Low > 1 + margin;
    }

    /// <summary>
    /// For each of <paramref name="count"/> candidates, whether another beats it, given the ratio of any two
    /// (<paramref name="ratio"/>(x, c) = x over c).
    /// </summary>
    public static bool[] Beaten(int count, Func<int, int, SpeedRatio> ratio, double margin)
    {
        ArgumentNullException.ThrowIfNull(ratio);
        var beaten = new bool[count];
        for (var c = 0; c < count; c++)
        {
            for (var x = 0; x < count && !beaten[c]; x++)
            {
                beaten[c] = x != c && Beats(ratio(x, c), margin);
            }
        }
        return beaten;
    }

    /// <summary>
    /// The winner among candidates (each with its place given by <paramref name="candidate"/> and its median by
    /// <paramref name="median"/>): the first in <see cref="TieBreaker"/> order that is not <paramref name="beaten"/>.
    /// </summary>
    public static int Winner(int count, Func<int, Candidate> candidate, Func<int, double> median, bool[] beaten)
    {
        ArgumentNullException.ThrowIfNull(beaten);
        var order = TieBreaker.InPreferenceOrder(Enumerable.Range(0, count), candidate, median).ToList();
        return order.FirstOrDefault(i => !beaten[i], order.Count == 0 ? -1 : order[0]);
    }
}
