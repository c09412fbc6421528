namespace KvmTune.Core.Measurement;

/// <summary>
/// One repeat of one subject under one profile on one engine, in one <see cref="Phase"/>. <see cref="RawOutput"/>
/// keeps the tool's output whole.
/// </summary>
public sealed record Sample(
    Engine Engine,
    Subject Subject,
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
    /// <summary>Burst (the default) or the sustained, memory-limited measurement of a cached mode.</summary>
    public Phase Phase { get; init; } = Phase.Burst;

    /// <summary>Per-second IOPS while running, when recorded (burst vs sustained).</summary>
    public IReadOnlyList<double> PerSecondIops { get; init; } = [];

    /// <summary>Measured in a micro-VM under TCG (no usable KVM): proves the configuration works, never ranked.</summary>
    public bool FunctionalOnly { get; init; }
}

/// <summary>Median, 95% confidence interval and coefficient of variation of a set of repeats.</summary>
public sealed record Statistic(double Median, double CiLow, double CiHigh, double CoefficientOfVariation, int N)
{
    /// <summary>Nothing measured.</summary>
    public static Statistic Empty { get; } = new(0, 0, 0, 0, 0);

    /// <summary>Half-width of the interval relative to the median.</summary>
    public double RelativeHalfWidth => Median == 0 ? double.PositiveInfinity : (CiHigh - CiLow) / 2 / Median;

    /// <summary>True when the two intervals overlap (a tie).</summary>
    public bool Overlaps(Statistic other) => CiLow <= other.CiHigh && other.CiLow <= CiHigh;
}

/// <summary>
/// The summary of one subject under one profile on one engine: what decide and report consume. For a cached mode
/// measured in both phases, <see cref="Iops"/> is the burst and <see cref="Sustained"/> the sustained statistic.
/// </summary>
public sealed record SubjectResult(
    Engine Engine,
    Subject Subject,
    string Profile,
    Statistic Iops,
    Statistic MBps,
    double? LatencyP50Us,
    double? LatencyP99Us)
{
    /// <summary>The candidate measured, or null for a storage or harness ceiling.</summary>
    public Tuning.Candidate? Candidate => Subject.Candidate;

    /// <summary>Median IOPS divided by the host ceiling's median for the same backend and profile.</summary>
    public double? RatioToHost { get; init; }

    /// <summary>Within 20% of the harness's own null-co ceiling: not ranked (<see cref="Decisions.HarnessBound"/>).</summary>
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

    /// <summary>
    /// Set when the candidate was skipped; the rule code that stops it (<c>KT001</c>) or the measurement that excluded
    /// it on this host (<c>io-probe</c>, <see cref="Tuning.IoModeCheck"/>).
    /// </summary>
    public string? SkippedCode { get; init; }

    /// <summary>Why the candidate was skipped, when there is more to say than the code (the io probe's result).</summary>
    public string? SkippedReason { get; init; }

    /// <summary>True when the result may take part in a ranking: a candidate, measured, not marked aside.</summary>
    public bool Rankable => Subject is CandidateSubject && !HarnessBound && !FunctionalOnly && SkippedCode is null && Iops.N > 0;
}
