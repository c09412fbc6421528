using KvmTune.Core.Measurement;
using Perfolizer.Mathematics.Common;
using Perfolizer.Mathematics.QuantileEstimators;

namespace KvmTune.Host.Measurement;

/// <summary>
/// Summarises repeats: the sample median, a 95% confidence interval of the median and the coefficient of variation.
/// </summary>
/// <remarks>
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

    /// <summary>True when another round is worth it: fewer than the minimum, or the interval still too wide and the cap not reached.</summary>
    public static bool NeedsMore(IReadOnlyList<double> values, int maximumRepeats)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count < MinimumRepeats)
        {
            return true;
        }
        return values.Count < maximumRepeats && Summarise(values).RelativeHalfWidth > TargetRelativeHalfWidth;
    }

    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
