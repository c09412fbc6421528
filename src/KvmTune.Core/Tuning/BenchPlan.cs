using KvmTune.Core.Measurement;

namespace KvmTune.Core.Tuning;

/// <summary>
/// What the user asked <c>bench</c> to measure. A list left null means "the preset's default"; a list given
/// explicitly makes the combinations it produces an explicit request (see <see cref="BenchPlanner.Plan"/>).
/// </summary>
/// <param name="Engines">host, qemu, guest.</param>
/// <param name="Backends">Image backends.</param>
/// <param name="Caches">Cache modes, or null for every mode.</param>
/// <param name="Ios">aio modes, or null for every mode.</param>
/// <param name="Profiles">Workload profiles.</param>
public sealed record BenchRequest(
    IReadOnlyList<Engine> Engines,
    IReadOnlyList<Backend> Backends,
    IReadOnlyList<CacheMode>? Caches,
    IReadOnlyList<IoMode>? Ios,
    IReadOnlyList<WorkloadProfile> Profiles)
{
    /// <summary>
    /// The default quick matrix: qcow2 sparse, qcow2 metadata, raw preallocated and a loop block device × every
    /// cache/aio mode × randread-4k-qd32 and randwrite-4k-qd32, on the host and qemu engines.
    /// </summary>
    public static BenchRequest Quick { get; } = new(
        [Engine.Host, Engine.Qemu],
        [Backend.Qcow2Sparse, Backend.Qcow2Metadata, Backend.RawPrealloc, Backend.Loop],
        null,
        null,
        [WorkloadProfile.RandRead4kQd32, WorkloadProfile.RandWrite4kQd32]);
}

/// <summary>The candidates a bench run measures and the ones it skips, with the rule code that stops each.</summary>
/// <param name="Request">The request the plan was made from.</param>
/// <param name="Candidates">Backend × cache × aio combinations that can start, in a stable order.</param>
/// <param name="Skipped">Combinations that cannot start, each with its rule code (<see cref="Candidate.CannotStartCode"/>).</param>
public sealed record BenchPlan(BenchRequest Request, IReadOnlyList<Candidate> Candidates, IReadOnlyList<Candidate> Skipped)
{
    /// <summary>The backends that need a scratch image (every planned backend, in request order).</summary>
    public IReadOnlyList<Backend> Backends => Request.Backends;

    /// <summary>Number of single measurements per round of repeats (host: one per backend and profile).</summary>
    public int MeasurementsPerRound =>
        Request.Profiles.Count * Request.Engines.Sum(e => e == Engine.Host ? Request.Backends.Count : Candidates.Count);
}

/// <summary>Pure planning: candidates = backends × cache × aio, minus those that cannot start.</summary>
public static class BenchPlanner
{
    /// <summary>
    /// Builds the plan. When the user named both the cache and the aio modes and not one combination of them can
    /// start (for example <c>--cache writeback --aio native</c>), that is bad input and names the rule
    /// (<c>KT001</c>); otherwise combinations that cannot start are kept as skipped.
    /// </summary>
    /// <exception cref="InputException">The explicit request cannot start at all, or a list is empty.</exception>
    public static BenchPlan Plan(BenchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Engines.Count == 0 || request.Backends.Count == 0 || request.Profiles.Count == 0)
        {
            throw new InputException("bench needs at least one engine, one backend and one profile");
        }
        var caches = request.Caches ?? CacheModes.All;
        var ios = request.Ios ?? IoModes.All;
        var all = (from backend in request.Backends.Distinct()
                   from cache in caches.Distinct()
                   from io in ios.Distinct()
                   select new Candidate(backend, cache, io)).ToList();
        var runnable = all.Where(c => c.CannotStartCode is null).ToList();
        var skipped = all.Where(c => c.CannotStartCode is not null).ToList();
        var explicitPairs = request.Caches is not null && request.Ios is not null;
        var needsCandidates = request.Engines.Any(e => e != Engine.Host);
        if (explicitPairs && needsCandidates && runnable.Count == 0)
        {
            var first = skipped[0];
            throw new InputException(
                $"{first.CannotStartCode}: io='{first.Io.ToLibvirt()}' cannot start with cache='{first.Cache.ToLibvirt()}' " +
                "(aio=native requires cache.direct=on: use cache none or directsync)");
        }
        return new BenchPlan(request with { Backends = request.Backends.Distinct().ToList() }, runnable, skipped);
    }
}
