using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Decisions;

/// <summary>A candidate measured above its backend's storage ceiling by more than its interval, and why.</summary>
/// <param name="Candidate">The candidate.</param>
/// <param name="Profile">The profile.</param>
/// <param name="Ratio">Its ranking median over the ceiling's median.</param>
/// <param name="Ceiling">The ceiling's result (the best submission strategy of its backend).</param>
/// <param name="Reason">Why a candidate can be faster than the storage measured straight.</param>
public sealed record CeilingExcess(Candidate Candidate, string Profile, double Ratio, SubjectResult Ceiling, string Reason);

/// <summary>
/// The storage ceiling of a backend is the best of the host engine's submission strategies
/// (<see cref="SubmissionStrategy"/>): pure functions that pick it and check candidates against it.
/// </summary>
public static class CeilingCheck
{
    /// <summary>
    /// Per backend and profile, the host result with the highest median IOPS (the strategy that set the ceiling);
    /// host results without a repeat are ignored. Runs stored before strategies have one (legacy) result each.
    /// </summary>
    public static IReadOnlyList<SubjectResult> Best(IEnumerable<SubjectResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return [.. results
            .Where(r => r.Engine == Engine.Host && r.Subject is StorageCeiling && r.Iops.N > 0)
            .GroupBy(r => (r.Subject.Backend, r.Profile))
            .Select(g => g.OrderByDescending(r => r.Iops.Median).ThenBy(r => r.Subject.ToString(), StringComparer.Ordinal).First())];
    }

    /// <summary>The ceiling of one backend under one profile (<see cref="Best(IEnumerable{SubjectResult})"/>), or null.</summary>
    public static SubjectResult? Best(IEnumerable<SubjectResult> results, Backend backend, string profile)
    {
        var best = Best(results.Where(r => r.Profile == profile && r.Subject.Backend == backend));
        return best.Count == 0 ? null : best[0];
    }

    /// <summary>The strategy that set a ceiling result (legacy for a result of an older run).</summary>
    public static SubmissionStrategy StrategyOf(SubjectResult ceiling)
    {
        ArgumentNullException.ThrowIfNull(ceiling);
        return ceiling.Subject is StorageCeiling s ? s.Strategy : SubmissionStrategy.Legacy;
    }

    /// <summary>
    /// The qemu-engine candidates whose ranking statistic (<see cref="Advisor.Basis"/>) lies above their backend's
    /// ceiling by more than both intervals (the candidate's lower bound above the ceiling's upper bound), with the
    /// reason: a cached mode is served by the host page cache; a direct one means QEMU's own submission path does more
    /// per system call than the best host strategy did, so the ceiling measured the submission cost here, not the storage.
    /// </summary>
    public static IReadOnlyList<CeilingExcess> Excesses(IReadOnlyList<SubjectResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var ceilings = Best(results).ToDictionary(r => (r.Subject.Backend, r.Profile));
        var excesses = new List<CeilingExcess>();
        foreach (var r in results.Where(r => r.Engine == Engine.Qemu && r.Rankable && r.Candidate is not null))
        {
            if (!ceilings.TryGetValue((r.Subject.Backend, r.Profile), out var ceiling) || ceiling.Iops.Median <= 0)
            {
                continue;
            }
            var basis = Advisor.Basis(r);
            if (basis.CiLow <= ceiling.Iops.CiHigh)
            {
                continue;
            }
            excesses.Add(new CeilingExcess(r.Candidate!, r.Profile, basis.Median / ceiling.Iops.Median, ceiling, Reason(r.Candidate!, r.Profile, ceiling, r.Sustained is not null)));
        }
        return excesses;
    }

    /// <summary>Why <paramref name="candidate"/> can run faster than the storage measured straight.</summary>
    public static string Reason(Candidate candidate, string profile, SubjectResult ceiling, bool sustained)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(ceiling);
        var semantics = candidate.Cache.Semantics();
        var writes = WorkloadProfile.Find(profile) is { Writes: true };
        var strategy = StrategyOf(ceiling).Name;
        if (semantics.UsesHostPageCache)
        {
            var phase = sustained ? " even in the memory-limited sustained measurement" : "";
            return writes
                ? $"cache='{candidate.Cache.ToLibvirt()}' writes into the host page cache{phase}: the host engine writes with O_DIRECT straight to the storage"
                : $"cache='{candidate.Cache.ToLibvirt()}' reads from the host page cache{phase}: the host engine reads with O_DIRECT from the storage";
        }
        return $"QEMU's {candidate.Io.ToLibvirt()} submission path did more per system call than the host engine's best strategy ({strategy}): " +
               "the ceiling measured the cost of submitting requests on this host, not the storage's limit";
    }
}
