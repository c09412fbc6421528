using KvmTune.Core.Measurement;
using Perfolizer.Mathematics.Common;
using Perfolizer.Mathematics.Distributions.ContinuousDistributions;
using Perfolizer.Mathematics.QuantileEstimators;

namespace KvmTune.Host.Measurement;

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
