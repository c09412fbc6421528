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
    private static readonly bool[] OffOn = [false, true];

    private static readonly L2CacheSetting[] L2Caches = [L2CacheSetting.Default, L2CacheSetting.WholeImage];

    /// <summary>The cluster sizes of the qcow2 preset: qemu-img's default and the largest qcow2 allows.</summary>
    public static IReadOnlyList<long> Qcow2ClusterSizes { get; } = [64 << 10, 2 << 20];

    /// <summary>
    /// The image options each backend × cache × aio combination is measured with (a dimension like the others): the
    /// default alone unless a preset or the command line adds more. Options that cannot apply to a backend (the qcow2
    /// knobs on raw) are left out for it.
    /// </summary>
    public IReadOnlyList<ImageOptions> Options { get; init; } = [ImageOptions.Default];

    /// <summary>
    /// The qcow2 preset (<c>bench --qcow2</c>): metadata-preallocated qcow2 with cache none and aio native (the
    /// production setting for qcow2 on a file system) × cluster size 64 KiB and 2 MiB × QEMU's default L2 cache or one
    /// covering the whole image × extended L2 entries off and on, under randread-4k-qd32 and randwrite-4k-qd32, on the
    /// qemu engine only (no raw file of the image's virtual size for the host engine).
    /// </summary>
    public static BenchRequest Qcow2 { get; } = new(
        [Engine.Qemu],
        [Backend.Qcow2Metadata],
        [CacheMode.None],
        [IoMode.Native],
        [WorkloadProfile.RandRead4kQd32, WorkloadProfile.RandWrite4kQd32])
    {
        Options = Qcow2Grid(Qcow2ClusterSizes),
    };

    /// <summary>Cluster sizes × L2 cache (default, whole image) × extended L2 (off, on); the default cluster size stays unset.</summary>
    public static IReadOnlyList<ImageOptions> Qcow2Grid(IReadOnlyList<long> clusterSizes)
    {
        ArgumentNullException.ThrowIfNull(clusterSizes);
        return [.. from cluster in clusterSizes
                   from extended in OffOn
                   from cache in L2Caches
                   select new ImageOptions
                   {
                       ClusterSize = cluster == Qcow2Layout.DefaultClusterSize ? null : cluster,
                       ExtendedL2 = extended,
                       L2Cache = cache,
                   }];
    }

    /// <summary>
    /// The discard dimension (<c>bench --discard … --detect-zeroes …</c>): the default, then every discard × detect_zeroes
    /// pair given (either list may be empty: then only the other varies).
    /// </summary>
    public static IReadOnlyList<ImageOptions> DiscardGrid(IReadOnlyList<DiscardSetting> discards, IReadOnlyList<DetectZeroesSetting> detects)
    {
        ArgumentNullException.ThrowIfNull(discards);
        ArgumentNullException.ThrowIfNull(detects);
        var list = new List<ImageOptions> { ImageOptions.Default };
        foreach (var d in discards.Count == 0 ? [null] : discards.Select(x => (DiscardSetting?)x))
        {
            foreach (var z in detects.Count == 0 ? [null] : detects.Select(x => (DetectZeroesSetting?)x))
            {
                var options = new ImageOptions { Discard = d, DetectZeroes = z };
                if (!list.Contains(options))
                {
                    list.Add(options);
                }
            }
        }
        return list;
    }

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
    /// <summary>
    /// Candidates taken out of the plan after it was made, by a measurement on this host (the io probe,
    /// <see cref="BenchPlanner.Exclude"/>), each with the check that failed.
    /// </summary>
    public IReadOnlyList<(Candidate Candidate, IoModeCheck Check)> Excluded { get; init; } = [];

    /// <summary>
    /// Candidates not measured because the advisor's constraints could never recommend them (<c>unsafe</c> under
    /// <c>--safety flush</c>, …; <see cref="BenchPlanner.WithinConstraints"/>), each with the code and sentence why.
    /// </summary>
    public IReadOnlyList<(Candidate Candidate, string Code, string Reason)> OutsideConstraints { get; init; } = [];

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
                   from options in request.Options.Distinct()
                   where options.AppliesTo(backend)
                   from cache in caches.Distinct()
                   from io in ios.Distinct()
                   select new Candidate(backend, cache, io) { Options = options }).ToList();
        if (all.Count == 0)
        {
            throw new InputException("bench: the image options asked for apply to none of the backends (the qcow2 options need a qcow2 backend)");
        }
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

    /// <summary>
    /// Takes out of <paramref name="plan"/> the candidates the advisor's constraints exclude (<paramref name="exclusion"/>
    /// gives the code and sentence, or null), so that time goes to what can be recommended; they are kept in
    /// <see cref="BenchPlan.OutsideConstraints"/>. Cache modes the user named (<c>--cache</c>) are measured whatever
    /// the constraints: asked for, they are information.
    /// </summary>
    public static BenchPlan WithinConstraints(BenchPlan plan, Func<Candidate, (string Code, string Reason)?> exclusion)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(exclusion);
        if (plan.Request.Caches is not null)
        {
            return plan;
        }
        var outside = plan.Candidates
            .Select(c => (Candidate: c, Why: exclusion(c)))
            .Where(x => x.Why is not null)
            .Select(x => (x.Candidate, x.Why!.Value.Code, x.Why!.Value.Reason))
            .ToList();
        return outside.Count == 0 ? plan : plan with
        {
            Candidates = [.. plan.Candidates.Where(c => outside.All(o => o.Candidate != c))],
            OutsideConstraints = [.. plan.OutsideConstraints, .. outside],
        };
    }

    /// <summary>
    /// Takes the candidates out of <paramref name="plan"/> whose backend, cache and aio mode the io probe measured
    /// failing on this host (a hang, an error or wrong data: <see cref="IoModeCheck"/>); they are kept in
    /// <see cref="BenchPlan.Excluded"/> with the check. Checks that passed change nothing.
    /// </summary>
    public static BenchPlan Exclude(BenchPlan plan, IReadOnlyList<IoModeCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(checks);
        var failed = checks.Where(c => !c.Passed).ToList();
        var excluded = plan.Candidates
            .Select(c => (Candidate: c, Check: failed.FirstOrDefault(f => f.Covers(c))))
            .Where(x => x.Check is not null)
            .Select(x => (x.Candidate, x.Check!))
            .ToList();
        if (excluded.Count == 0)
        {
            return plan;
        }
        return plan with
        {
            Candidates = [.. plan.Candidates.Where(c => excluded.All(e => e.Candidate != c))],
            Excluded = [.. plan.Excluded, .. excluded],
        };
    }
}
