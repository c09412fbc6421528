using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Decisions;

/// <summary>One candidate's place in a profile's ranking (qemu engine results).</summary>
/// <param name="Rank">1 = highest median of <paramref name="Basis"/>.</param>
/// <param name="Candidate">The candidate.</param>
/// <param name="Basis">What the ranking compares: IOPS, scaled to the sustained figure when one was measured.</param>
/// <param name="Iops">The measured IOPS statistic.</param>
/// <param name="MBps">The measured MB/s statistic.</param>
/// <param name="RatioToBest">Median of <paramref name="Basis"/> over the best median of the profile.</param>
/// <param name="RatioToHost">Median IOPS over the host engine's ceiling for the same backend, when measured.</param>
/// <param name="BurstIops">IOPS while the host page cache absorbs writes, when measured.</param>
/// <param name="SustainedIops">IOPS once it no longer does, when measured.</param>
/// <param name="Tied">True when no candidate beats it by more than the margin (<see cref="Equivalence"/>): it is in the equivalent set.</param>
public sealed record RankedCandidate(
    int Rank,
    Candidate Candidate,
    Statistic Basis,
    Statistic Iops,
    Statistic MBps,
    double RatioToBest,
    double? RatioToHost,
    double? BurstIops,
    double? SustainedIops,
    bool Tied);

/// <summary>A result that takes no part in a ranking, and why.</summary>
/// <param name="Subject">What was measured.</param>
/// <param name="Engine">The engine of the result.</param>
/// <param name="Code">A rule code (<c>KT010</c>) or the constraint/marking that set it aside (<c>--snapshots</c>, <c>harness-bound</c>).</param>
/// <param name="Reason">One human sentence.</param>
public sealed record SetAside(Subject Subject, Engine Engine, string Code, string Reason);

/// <summary>The decision for one workload profile.</summary>
/// <param name="Profile">Profile name.</param>
/// <param name="Weight">Its weight in the overall ranking.</param>
/// <param name="Ranking">Rankable qemu results within the constraints, best first.</param>
/// <param name="Winner">The chosen candidate (after tie-breaking), or null when nothing is rankable.</param>
/// <param name="Tie">The candidates no other beats by more than the margin (the winner included); one entry = no tie.</param>
/// <param name="TieBreak">Why the winner was chosen from the tie set, or null when there was no tie.</param>
/// <param name="Excluded">Results excluded by the constraints.</param>
/// <param name="NotRanked">Results that never rank: harness-bound, functional-only (TCG), skipped, host ceilings aside.</param>
/// <param name="HostCeilings">The host engine's IOPS per backend (the storage ceiling).</param>
public sealed record ProfileDecision(
    string Profile,
    double Weight,
    IReadOnlyList<RankedCandidate> Ranking,
    Candidate? Winner,
    IReadOnlyList<Candidate> Tie,
    string? TieBreak,
    IReadOnlyList<SetAside> Excluded,
    IReadOnlyList<SetAside> NotRanked,
    IReadOnlyDictionary<Backend, Statistic> HostCeilings)
{
    /// <summary>The winner's place in the ranking, or null.</summary>
    public RankedCandidate? WinnerEntry => Winner is null ? null : Ranking.FirstOrDefault(r => r.Candidate == Winner);

    /// <summary>The candidate most surely fast (<see cref="Decisions.Ranking.Reference"/>), or null.</summary>
    public Candidate? Fastest { get; init; }

    /// <summary>How much faster <see cref="Fastest"/> is than the winner, with its 95% interval; null when they are one.</summary>
    public SpeedRatio? FastestOverWinner { get; init; }
}

/// <summary>A candidate's overall score: the weighted geometric mean of its ratios to each profile's best.</summary>
/// <param name="Rank">1 = highest score.</param>
/// <param name="Candidate">The candidate.</param>
/// <param name="Score">Weighted geometric mean of median / best median over the weighted profiles.</param>
/// <param name="ScoreLow">The same over the interval lows.</param>
/// <param name="ScoreHigh">The same over the interval highs.</param>
/// <param name="Tied">True when no candidate beats it overall by more than the margin (the equivalent set).</param>
public sealed record OverallScore(int Rank, Candidate Candidate, double Score, double ScoreLow, double ScoreHigh, bool Tied);

/// <summary>What the advisor decided, with the reasons in words.</summary>
/// <param name="Constraints">The constraints applied (workload resolved to the measured profiles).</param>
/// <param name="Profiles">Per profile, in the order of the workload.</param>
/// <param name="Overall">Candidates ranked in every weighted profile, best score first.</param>
/// <param name="Winner">The overall winner after tie-breaking, or null when nothing could be ranked.</param>
/// <param name="Tie">The overall tie set (the winner included).</param>
/// <param name="TieBreak">Why the winner was chosen from the tie set, or null.</param>
/// <param name="WinnerBySourceType">The winner among file backends (<c>file</c>) and among block backends (<c>block</c>).</param>
/// <param name="Rationale">Lines citing measurements and rule codes.</param>
public sealed record Decision(
    AdvisorConstraints Constraints,
    IReadOnlyList<ProfileDecision> Profiles,
    IReadOnlyList<OverallScore> Overall,
    Candidate? Winner,
    IReadOnlyList<Candidate> Tie,
    string? TieBreak,
    IReadOnlyDictionary<string, Candidate> WinnerBySourceType,
    IReadOnlyList<string> Rationale)
{
    /// <summary>The candidate with the highest overall score's lower bound, or null.</summary>
    public Candidate? Fastest { get; init; }

    /// <summary>How much faster <see cref="Fastest"/> is overall than the winner, with its 95% interval; null when they are one.</summary>
    public SpeedRatio? FastestOverWinner { get; init; }

    /// <summary>The standing recommendation of an earlier run that this decision considered, and what became of it; null when none.</summary>
    public StandingOutcome? Standing { get; init; }
}
