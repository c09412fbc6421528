namespace KvmTune.Core.Measurement;

/// <summary>
/// One repeat of one candidate under one profile on one engine. <see cref="RawOutput"/> keeps the tool's output whole.
/// </summary>
public sealed record Sample(
    Engine Engine,
    string CandidateId,
    string Profile,
    int Repeat,
    double Iops,
    double MBps,
    double? LatencyP50Us,
    double? LatencyP99Us,
    DateTimeOffset StartedAt,
    double Seconds,
    string RawOutput)
{
    /// <summary>Per-second IOPS while running, when recorded (burst vs sustained).</summary>
    public IReadOnlyList<double> PerSecondIops { get; init; } = [];

    /// <summary>Measured in a micro-VM under TCG (no usable KVM): proves the configuration works, never ranked.</summary>
    public bool FunctionalOnly { get; init; }
}

/// <summary>Median, 95% confidence interval and coefficient of variation of a set of repeats.</summary>
public sealed record Statistic(double Median, double CiLow, double CiHigh, double CoefficientOfVariation, int N)
{
    /// <summary>Half-width of the interval relative to the median.</summary>
    public double RelativeHalfWidth => Median == 0 ? double.PositiveInfinity : (CiHigh - CiLow) / 2 / Median;

    /// <summary>True when the two intervals overlap (a tie).</summary>
    public bool Overlaps(Statistic other) => CiLow <= other.CiHigh && other.CiLow <= CiHigh;
}

/// <summary>The summary of one candidate under one profile on one engine: what decide and report consume.</summary>
public sealed record CandidateResult(
    Engine Engine,
    string CandidateId,
    string Profile,
    Statistic Iops,
    Statistic MBps,
    double? LatencyP50Us,
    double? LatencyP99Us)
{
    /// <summary>Median IOPS divided by the host ceiling's median for the same backend and profile.</summary>
    public double? RatioToHost { get; init; }

    /// <summary>Within 20% of the harness's own null-co ceiling: not ranked.</summary>
    public bool HarnessBound { get; init; }

    /// <summary>Measured under TCG: a functional check only, never ranked.</summary>
    public bool FunctionalOnly { get; init; }

    /// <summary>For modes using the host page cache: median IOPS while the cache absorbs writes or holds the reads (<see cref="Iops"/>).</summary>
    public double? BurstIops { get; init; }

    /// <summary>For modes using the host page cache: median IOPS once the cache no longer absorbs writes or holds the working set.</summary>
    public double? SustainedIops { get; init; }

    /// <summary>
    /// For modes using the host page cache: the repeated sustained measurement (memory-limited, page cache evicted
    /// first) with its interval; what the candidate is ranked on. Null in runs stored before it was repeated, which
    /// have only <see cref="SustainedIops"/>.
    /// </summary>
    public Statistic? Sustained { get; init; }

    /// <summary>Set when the candidate was skipped; the rule code that stops it (<c>KT001</c>).</summary>
    public string? SkippedCode { get; init; }

    /// <summary>True when the result may take part in a ranking.</summary>
    public bool Rankable => !HarnessBound && !FunctionalOnly && SkippedCode is null && Iops.N > 0;
}
