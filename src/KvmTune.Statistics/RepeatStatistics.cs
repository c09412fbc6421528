using KvmTune.Core.Measurement;
using Perfolizer.Mathematics.Common;
using Perfolizer.Mathematics.Distributions.ContinuousDistributions;
using Perfolizer.Mathematics.QuantileEstimators;

namespace KvmTune.Statistics;

/// <summary>
/// Summarises repeats: the sample median, a 95% confidence interval of the median and the coefficient of variation.
/// </summary>
/// <remarks>
/// <para><see cref="SummariseBlock"/> is what a bench run uses: the units of one engine and one profile are measured
/// in the same interleaved rounds on the same host, so their noise is alike and is estimated from all of them
/// together (see there). <see cref="Summarise"/> is for a unit on its own.</para>
/// The interval is of the median, not the mean: IO rates on a shared host have outliers (a neighbour's burst, a
/// writeback storm) that drag a mean and widen a Student-t interval, while the median is robust. Perfolizer's
/// Harrell-Davis quantile estimator with the Maritz-Jarrett standard error gives a distribution-free interval that
/// works from three values on (an order-statistic interval needs six values for 95%). The interval is widened to
/// contain the sample median when Harrell-Davis' estimate sits beside it. CV is the standard deviation over the mean.
/// </remarks>
public static class RepeatStatistics
{
    /// <summary>At least this many repeats before stopping.</summary>
    public const int MinimumRepeats = 3;

    /// <summary>Stop repeating once the interval's half-width is within this fraction of the median.</summary>
    public const double TargetRelativeHalfWidth = 0.05;

    public static Statistic Summarise(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return new Statistic(0, 0, 0, 0, 0);
        }
        var median = Median(values);
        if (values.Count == 1 || values.All(v => v == values[0]))
        {
            return new Statistic(median, median, median, 0, values.Count);
        }
        var sample = new Pragmastat.Sample([.. values]);
        var interval = HarrellDavisQuantileEstimator.Instance
            .QuantileConfidenceIntervalEstimator(sample, Pragmastat.Probability.Median)
            .ConfidenceInterval(ConfidenceLevel.L95);
        var moments = Moments.Create(values);
        var cv = moments.Mean == 0 ? 0 : moments.StandardDeviation / moments.Mean;
        var low = Math.Max(0, Math.Min(interval.Lower, median));
        var high = Math.Max(interval.Upper, median);
        return new Statistic(median, low, high, cv, values.Count);
    }

    /// <summary>
    /// Prior degrees of freedom of the pooled noise estimate in <see cref="SummariseBlock"/>: the block's common
    /// variance counts as much as five repeats of the unit's own.
    /// </summary>
    public const double PriorDegreesOfFreedom = 4;

    /// <summary>
    /// Summarises the units of one block (one engine, one profile, measured in the same interleaved rounds), one
    /// statistic per unit in the given order.
    /// <para>IO rates vary multiplicatively (a busy neighbour slows every request by a factor), so the spread is
    /// estimated on log(IOPS). Three repeats say little about a unit's own spread, so each unit's variance is moderated
    /// toward the block's (an empirical-Bayes variance, as in limma): <c>s² = (d0·s0² + d·sᵢ²) / (d0 + d)</c> with
    /// <c>d = n − 1</c>, <c>d0 = </c><see cref="PriorDegreesOfFreedom"/> and <c>s0²</c> the median of the units'
    /// variances scaled by the median of χ²(d)/d (Wilson–Hilferty), robust to a few noisy units. A unit that was noisy
    /// keeps a wide interval; a quiet unit is not trusted beyond what the block shows. Before the variances are taken,
    /// each unit's logs are winsorized at its median ± <see cref="WinsorLimit"/> block standard deviations: one
    /// stalled repeat does not blow its unit's interval up (its median already ignores it).
    /// The interval is the sample median times <c>exp(±t · f(n) · s / √n)</c>: Student's t at d0 + d degrees of
    /// freedom, and f(n) the median's standard error relative to the mean's (1.163 at n = 3, → √(π/2)).</para>
    /// <para>With fewer than three units of at least two repeats, each unit is summarised alone
    /// (<see cref="Summarise"/>).</para>
    /// </summary>
    public static IReadOnlyList<Statistic> SummariseBlock(IReadOnlyList<IReadOnlyList<double>> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        var logs = units.Select(u => u.Count >= 2 && u.All(v => v > 0 && double.IsFinite(v)) ? u.Select(v => Math.Log(v)).ToArray() : null).ToList();
        var measured = logs.Where(l => l is not null).Select(l => l!).ToList();
        if (measured.Count < 3)
        {
            return [.. units.Select(Summarise)];
        }
        // A stall (a neighbour's burst, a writeback storm) can drop one repeat to a quarter: the median ignores it, and
        // the spread should not take it at face value either. Each unit's logs are winsorized at its median ± 4 s0
        // (s0 from the raw variances, robust across units) before the variances are taken again.
        var rawS0 = Math.Sqrt(PooledVariance(measured));
        for (var i = 0; i < logs.Count; i++)
        {
            if (logs[i] is { } l)
            {
                var center = Median(l);
                logs[i] = [.. l.Select(v => Math.Clamp(v, center - (WinsorLimit * rawS0), center + (WinsorLimit * rawS0)))];
            }
        }
        var s0Squared = PooledVariance([.. logs.Where(l => l is not null).Select(l => l!)]);
        var result = new List<Statistic>(units.Count);
        for (var i = 0; i < units.Count; i++)
        {
            var values = units[i];
            if (logs[i] is not { } l)
            {
                result.Add(Summarise(values));
                continue;
            }
            var n = l.Length;
            var d = n - 1;
            var moderated = ((PriorDegreesOfFreedom * s0Squared) + (d * Variance(l))) / (PriorDegreesOfFreedom + d);
            var t = new StudentDistribution(PriorDegreesOfFreedom + d).Quantile(0.975);
            var half = t * MedianStandardErrorFactor(n) * Math.Sqrt(moderated / n);
            var median = Median(values);
            var moments = Moments.Create(values);
            var cv = moments.Mean == 0 ? 0 : moments.StandardDeviation / moments.Mean;
            result.Add(new Statistic(median, median * Math.Exp(-half), median * Math.Exp(half), cv, n));
        }
        return result;
    }

    /// <summary>
    /// The host's speed in each round of a group of units measured in the same interleaved rounds (one engine, one
    /// profile), as a log factor per round; a unit's values divided by <c>exp(effect)</c> are what it would have
    /// measured at the group's usual speed.
    /// <para>A shared host drifts: a neighbour's job starts, the disk's cache fills, and everything measured in a round
    /// runs 10–30% slower or faster than in the round before. Interleaving spreads that over the units, but the rounds
    /// a race adds run only a few contenders late in a run, and a drift then reads as a difference between them and
    /// the candidates measured earlier. The effects are fitted with the units' levels in one additive model on
    /// log(IOPS), <c>log vᵤᵣ = μᵤ + eᵣ + ε</c>, by alternating least squares (the design is unbalanced: race rounds
    /// hold a few units). Values more than <see cref="WinsorLimit"/> robust standard deviations off the fit are pulled
    /// back and the model is fitted again (three times), so that one stalled repeat does not move its round. A round measured by
    /// one unit alone says nothing about the host apart from that unit: its effect is 0. The effects are centred on
    /// their mean over the rounds that measured at least half as many units as the fullest one, so adjusted values
    /// stay on the scale of the rounds that measured everything.</para>
    /// </summary>
    /// <param name="units">Each unit's values by round (non-positive values take no part).</param>
    /// <returns>The log factor of each round that appears in <paramref name="units"/>.</returns>
    public static IReadOnlyDictionary<int, double> RoundEffects(IReadOnlyList<IReadOnlyList<(int Round, double Value)>> units)
    {
        ArgumentNullException.ThrowIfNull(units);
        var rounds = units.SelectMany(u => u.Select(x => x.Round)).Distinct().Order().ToList();
        var roundIndex = rounds.Select((r, i) => (r, i)).ToDictionary(x => x.r, x => x.i);
        // One observation per unit and round: (unit, round index, log value).
        var observations = units
            .SelectMany((u, unit) => u.Where(x => x.Value > 0 && double.IsFinite(x.Value))
                .DistinctBy(x => x.Round)
                .Select(x => (Unit: unit, Round: roundIndex[x.Round], Log: Math.Log(x.Value))))
            .ToArray();
        var counts = new int[rounds.Count];
        foreach (var o in observations)
        {
            counts[o.Round]++;
        }
        var fit = new RoundFit(units.Count, counts);
        fit.Run(observations);
        // Winsorize at the fit ± WinsorLimit robust standard deviations (1.4826 × the residuals' median absolute value)
        // and fit again; twice more, as a stall also pulls its unit's level and so the first fit's residuals.
        for (var pass = 0; pass < 3; pass++)
        {
            var shared = observations.Where(o => counts[o.Round] >= 2).Select(o => Math.Abs(o.Log - fit.Fitted(o))).ToList();
            var limit = shared.Count == 0 ? 0 : WinsorLimit * 1.4826 * Median(shared);
            if (limit <= 0)
            {
                break;
            }
            fit.Run([.. observations.Select(o => counts[o.Round] < 2 ? o : o with { Log = Math.Clamp(o.Log, fit.Fitted(o) - limit, fit.Fitted(o) + limit) })]);
        }
        return rounds.Select((r, i) => (r, i)).ToDictionary(x => x.r, x => fit.Effects[x.i]);
    }

    /// <summary>The values of a unit divided by its rounds' factors (<see cref="RoundEffects"/>).</summary>
    public static IReadOnlyList<double> Adjust(IReadOnlyList<(int Round, double Value)> values, IReadOnlyDictionary<int, double> effects)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(effects);
        return [.. values.Select(x => x.Value * Math.Exp(-effects.GetValueOrDefault(x.Round)))];
    }

    /// <summary>
    /// The additive model of <see cref="RoundEffects"/> fitted by alternating means: each unit's level given the rounds'
    /// effects, then each shared round's effect given the levels, centred on the full rounds; until nothing moves.
    /// </summary>
    private sealed class RoundFit(int unitCount, int[] counts)
    {
        private readonly double[] _levels = new double[unitCount];

        public double[] Effects { get; } = new double[counts.Length];

        /// <summary>Rounds that measured at least half as many units as the fullest one: the scale.</summary>
        private readonly bool[] _full = Full(counts);

        public double Fitted((int Unit, int Round, double Log) o) => _levels[o.Unit] + Effects[o.Round];

        public void Run(IReadOnlyList<(int Unit, int Round, double Log)> data)
        {
            Array.Clear(Effects);
            if (!_full.Any(f => f))
            {
                Levels(data);
                return;
            }
            var sums = new double[Effects.Length];
            for (var iteration = 0; iteration < 500; iteration++)
            {
                Levels(data);
                Array.Clear(sums);
                foreach (var o in data)
                {
                    sums[o.Round] += o.Log - _levels[o.Unit];
                }
                double center = 0;
                var fullCount = 0;
                for (var r = 0; r < sums.Length; r++)
                {
                    sums[r] = counts[r] >= 2 ? sums[r] / counts[r] : 0;
                    if (_full[r])
                    {
                        center += sums[r];
                        fullCount++;
                    }
                }
                center /= fullCount;
                var change = 0.0;
                for (var r = 0; r < sums.Length; r++)
                {
                    var next = counts[r] >= 2 ? sums[r] - center : 0;
                    change = Math.Max(change, Math.Abs(next - Effects[r]));
                    Effects[r] = next;
                }
                if (change < 1e-7)
                {
                    break;
                }
            }
            Levels(data);
        }

        private void Levels(IReadOnlyList<(int Unit, int Round, double Log)> data)
        {
            var n = new int[_levels.Length];
            Array.Clear(_levels);
            foreach (var o in data)
            {
                _levels[o.Unit] += o.Log - Effects[o.Round];
                n[o.Unit]++;
            }
            for (var u = 0; u < _levels.Length; u++)
            {
                _levels[u] = n[u] == 0 ? 0 : _levels[u] / n[u];
            }
        }

        private static bool[] Full(int[] counts)
        {
            var most = counts.Where(c => c >= 2).DefaultIfEmpty(0).Max();
            return [.. counts.Select(c => c >= 2 && 2 * c >= most)];
        }
    }

    /// <summary>
    /// The standard error of the median of n normal values over the mean's (σ/√n): 1 at n = 2, 1.163 at 3, 1.196 at 5,
    /// → √(π/2) = 1.2533 (simulated, 200 000 draws each).
    /// </summary>
    private static double MedianStandardErrorFactor(int n) => n switch
    {
        <= 2 => 1.0,
        3 => 1.163,
        4 => 1.090,
        5 => 1.196,
        6 => 1.137,
        7 => 1.215,
        8 => 1.163,
        9 => 1.225,
        10 => 1.179,
        11 => 1.229,
        12 => 1.187,
        _ => Math.Sqrt(Math.PI / 2),
    };

    /// <summary>Repeats beyond this many pooled standard deviations from their unit's median are pulled back to it.</summary>
    public const double WinsorLimit = 4;

    /// <summary>The block's variance: the median of the units' variances over the median of χ²(d)/d.</summary>
    private static double PooledVariance(List<double[]> logs) =>
        Median([.. logs.Select(l => Variance(l) / ChiSquareMedianOverDf(l.Length - 1))]);

    private static double Variance(double[] values)
    {
        var mean = values.Average();
        return values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1);
    }

    /// <summary>Median of χ²(d)/d by the Wilson–Hilferty approximation (0.70 at d = 2, 0.83 at d = 4, → 1).</summary>
    private static double ChiSquareMedianOverDf(int d) => Math.Pow(1 - (2.0 / (9 * d)), 3);

    /// <summary>
    /// True when another round is worth it: fewer repeats than the minimum, or the interval still wider than
    /// ±<see cref="TargetRelativeHalfWidth"/> of the median and the cap not reached.
    /// </summary>
    public static bool NeedsMore(Statistic statistic, int minimumRepeats, int maximumRepeats)
    {
        ArgumentNullException.ThrowIfNull(statistic);
        return statistic.N < Math.Max(MinimumRepeats, minimumRepeats)
               || (statistic.N < maximumRepeats && statistic.RelativeHalfWidth > TargetRelativeHalfWidth);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
