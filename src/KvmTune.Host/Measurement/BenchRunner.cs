using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Host.Engines;
using KvmTune.Host.Native;
using KvmTune.Host.Probing;
using KvmTune.Statistics;

namespace KvmTune.Host.Measurement;

/// <summary>How long, how often and how big a bench run measures.</summary>
/// <param name="Measure">Duration of one repeat and image size.</param>
/// <param name="MinimumRepeats">Repeats every measurement gets (interleaved).</param>
/// <param name="MaximumRepeats">Cap of repeats while the 95% interval is wider than ±5% of the median.</param>
/// <param name="SustainedSlice">Length of one slice of the sustained (memory-limited) measurement.</param>
/// <param name="SustainedSlices">Slices of the sustained measurement (the first is not counted).</param>
/// <param name="SustainedMemoryBytes">memory.max of the cgroup the sustained measurement runs in.</param>
/// <param name="ContenderRepeats">
/// Repeats, at most, of each of the qemu engine's contenders: the candidates a profile's winner depends on, near the
/// border of the tie (<see cref="Race.SelectContenders"/>), so that more repeats tell whether they tie (a race:
/// the repeats go where the decision is open). The race's reference runs in every race round, and the race stops after
/// twice this many rounds (<see cref="Race.Round"/>). 0: no extra repeats.
/// </param>
/// <param name="BurstRepeats">
/// Repeats, at most, of a cached mode's burst measurement when its sustained one is measured too (the sustained one
/// ranks; the burst figure is information).
/// </param>
public sealed record BenchOptions(
    MeasureOptions Measure,
    int MinimumRepeats,
    int MaximumRepeats,
    TimeSpan SustainedSlice,
    int SustainedSlices,
    long SustainedMemoryBytes = 64L << 20,
    int ContenderRepeats = 0,
    int BurstRepeats = int.MaxValue)
{
    /// <summary>
    /// Which candidates may be ranked (the advisor's constraints); contenders are sought among them only. Null: all.
    /// </summary>
    public Func<Candidate, bool>? Rankable { get; init; }

    /// <summary>
    /// The weights the overall decision gives the profiles (the advisor's <c>--workload</c>), for the overall race;
    /// empty: every profile weighs 1, as the advisor takes it.
    /// </summary>
    public IReadOnlyList<ProfileWeight> Workload { get; init; } = [];

    /// <summary>The practical-equivalence margin the advisor will decide with (<see cref="Equivalence"/>), for the race.</summary>
    public double Margin { get; init; } = Equivalence.DefaultMargin;

    /// <summary>The weight of a profile in the overall decision (<see cref="Workload"/>).</summary>
    public double Weight(string profile) =>
        Workload.Count == 0 ? 1 : Workload.FirstOrDefault(w => w.Profile == profile)?.Weight ?? 0;

    /// <summary>Cores the host engine may spread its jobs over (<see cref="SubmissionStrategy.For"/>).</summary>
    public int Cores { get; init; } = Environment.ProcessorCount;

    /// <summary>True when io_uring may register buffers and files here (probed): the host engine's io_uring strategies use them.</summary>
    public bool RegisteredIoUring { get; init; }

    /// <summary>
    /// Run the io probe (<see cref="IoModeProbe"/>) on every image before measuring: io_uring and native per backend and
    /// cache mode of the plan; a combination that hangs, fails or reads back wrong data is excluded with its result.
    /// </summary>
    public bool ProbeIoModes { get; init; } = true;

    /// <summary>How long one io probe cycle may take before it counts as a hang.</summary>
    public TimeSpan IoProbeWatchdog { get; init; } = IoModeProbe.DefaultWatchdog;

    /// <summary>
    /// Write data over every image before measuring (reads then reach the storage). Off for images far larger than the
    /// space they take (the qcow2 preset's metadata-preallocated images of hundreds of GiB).
    /// </summary>
    public bool FillImages { get; init; } = true;

    /// <summary>
    /// The qcow2 preset (<c>bench --qcow2</c>, <see cref="BenchRequest.Qcow2"/>): 512 GiB metadata-preallocated images
    /// (QEMU's default L2 cache covers 256 GiB at 64 KiB clusters, 128 GiB with extended L2: beyond that the cache
    /// setting matters), not filled (reads of unwritten clusters cost the metadata lookups the L2 cache saves and no data
    /// transfer), 0.5 s repeats, three interleaved rounds, up to eight for each contender.
    /// </summary>
    public static BenchOptions Qcow2 { get; } = new(new MeasureOptions(TimeSpan.FromSeconds(0.5), 512L << 30), 3, 3, TimeSpan.FromSeconds(0.25), 2, ContenderRepeats: 8, BurstRepeats: 1)
    {
        FillImages = false,
    };

    /// <summary>
    /// The quick preset: three interleaved rounds of 0.3 s repeats on 512 MiB images, up to eight for each contender (the
    /// standing recommendation, not more repeats, keeps a border case from swinging between runs); a cached mode's
    /// sustained repeat is one 0.25 s slice after a warm-up slice, and its burst is measured once.
    /// </summary>
    public static BenchOptions Quick { get; } = new(new MeasureOptions(TimeSpan.FromSeconds(0.3), 512L << 20), 3, 3, TimeSpan.FromSeconds(0.25), 2, ContenderRepeats: 8, BurstRepeats: 1);

    /// <summary>The thorough default: 2 s repeats, 3 to 10 of them; sustained repeats of two 1 s slices after the warm-up slice.</summary>
    public static BenchOptions Default { get; } = new(new MeasureOptions(TimeSpan.FromSeconds(2), 1L << 30), 3, 10, TimeSpan.FromSeconds(1), 3);
}

/// <summary>Progress of a bench run: what runs now, measurements done, measurements planned (may grow).</summary>
public sealed record BenchProgress(string Description, int Done, int Total);

/// <summary>What a bench run produced.</summary>
/// <param name="RunId">The stored run id, or null without a store.</param>
/// <param name="Results">One per engine, subject and profile; skipped candidates included.</param>
/// <param name="Samples">Every repeat.</param>
/// <param name="SustainedAvailable">False when no memory cgroup could be created (no sustained figures).</param>
public sealed record BenchOutcome(long? RunId, IReadOnlyList<SubjectResult> Results, IReadOnlyList<Sample> Samples, bool SustainedAvailable)
{
    /// <summary>The plan as measured: the one given, less the candidates the io probe excluded.</summary>
    public BenchPlan? Plan { get; init; }

    /// <summary>The io probe's results on this run's images (also stored as host facts).</summary>
    public IReadOnlyList<IoModeCheck> IoChecks { get; init; } = [];
}

/// <summary>
/// Runs a <see cref="BenchPlan"/>: creates the scratch images, measures every engine × subject × profile with
/// repeats interleaved across them (A B C A B C), measures the qemu harness ceiling on null-co with them, adds a
/// sustained measurement for cache modes that use the host page cache, summarises, and stores everything. Where the
/// extra repeats go is decided in Core (<see cref="Race"/>); this class only runs what it is told.
/// The measurement session of <c>bench</c> and <c>tune</c> calls it.
/// </summary>
public sealed class BenchRunner(IReadOnlyDictionary<Engine, IMeasurementEngine> engines, IScratchTargets targets, IRunStore? store = null)
{
    /// <summary>The settings a run of <paramref name="plan"/> with <paramref name="options"/> is stored with.</summary>
    public static RunSettings SettingsOf(BenchPlan plan, BenchOptions options)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        return new RunSettings
        {
            Engines = plan.Request.Engines,
            Backends = plan.Request.Backends,
            Candidates = plan.Candidates,
            Skipped = plan.Skipped,
            Profiles = [.. plan.Request.Profiles.Select(p => p.Name)],
            Seconds = options.Measure.Duration.TotalSeconds,
            SizeBytes = options.Measure.SizeBytes,
            Repeats = [options.MinimumRepeats, options.MaximumRepeats],
        };
    }

    /// <summary>
    /// Measures the plan; stores the run (with <paramref name="hostFacts"/> and <paramref name="settings"/>) when a
    /// store was given.
    /// </summary>
    public async Task<BenchOutcome> RunAsync(BenchPlan plan, BenchOptions options, string command, IReadOnlyList<KeyValuePair<string, string>> hostFacts, RunSettings settings, IProgress<BenchProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        var runId = store?.BeginRun(command, hostFacts, settings);
        try
        {
            var outcome = await MeasureAsync(plan, options, runId, progress, cancellationToken).ConfigureAwait(false);
            if (runId is { } id)
            {
                foreach (var result in outcome.Results)
                {
                    store!.AddResult(id, result);
                }
                store!.FinishRun(id, "completed");
            }
            return outcome;
        }
        catch (OperationCanceledException)
        {
            if (runId is { } id)
            {
                store!.FinishRun(id, "interrupted");
            }
            throw;
        }
        catch
        {
            if (runId is { } id)
            {
                store!.FinishRun(id, "failed");
            }
            throw;
        }
    }

    private async Task<BenchOutcome> MeasureAsync(BenchPlan plan, BenchOptions options, long? runId, IProgress<BenchProgress>? progress, CancellationToken cancellationToken)
    {
        var request = plan.Request;
        var hostEngine = request.Engines.Contains(Engine.Host);
        var targetsByKey = new Dictionary<(Backend, ImageOptions), MeasureTarget>();
        var keys = (hostEngine ? request.Backends.Select(b => (b, ImageOptions.Default)) : [])
            .Concat(plan.Candidates.Select(c => (c.Backend, c.Options.Creation)))
            .Distinct()
            .OrderBy(k => request.Backends.ToList().IndexOf(k.Item1))
            .ToList();
        foreach (var (backend, creation) in keys)
        {
            progress?.Report(new BenchProgress(creation.IsDefault ? $"creating {backend.ToName()}" : $"creating {backend.ToName()} ({creation.Text})", 0, 1));
            targetsByKey[(backend, creation)] = await targets.CreateAsync(backend, creation, options.Measure.SizeBytes, options.FillImages, hostEngine, cancellationToken).ConfigureAwait(false);
        }

        // io_uring and native on each image, with each cache mode the plan pairs them with: a combination that hangs,
        // fails or reads back wrong data here is excluded, with the measured reason.
        var checks = new List<IoModeCheck>();
        if (options.ProbeIoModes && request.Engines.Any(e => e != Engine.Host))
        {
            foreach (var group in plan.Candidates.Where(c => c.Io is IoMode.IoUring or IoMode.Native).GroupBy(c => c.Backend))
            {
                var candidate = group.First();
                var target = targetsByKey[(group.Key, candidate.Options.Creation)];
                var pairs = group.Select(c => (c.Cache, c.Io)).Distinct().ToHashSet();
                progress?.Report(new BenchProgress($"probing io_uring and native on {group.Key.ToName()}", 0, 1));
                foreach (var (cache, io) in IoModeProbe.Combinations(group.Select(c => c.Cache)).Where(pairs.Contains))
                {
                    checks.Add(await IoModeProbe.CheckAsync(group.Key, target, cache, io, options.IoProbeWatchdog, cancellationToken).ConfigureAwait(false));
                }
            }
            if (runId is { } run && checks.Count > 0)
            {
                store!.AddHostFacts(run, [.. checks.Select(c => c.ToFact())]);
            }
            plan = BenchPlanner.Exclude(plan, checks);
        }

        var qemu = engines.GetValueOrDefault(Engine.Qemu) as QemuImgBenchEngine;
        var units = new List<Unit>();
        foreach (var profile in request.Profiles)
        {
            foreach (var engine in request.Engines)
            {
                if (engine == Engine.Host)
                {
                    // Every submission strategy of the host engine is a subject of its own; the best sets the ceiling.
                    var strategies = profile.FioJobFile is null
                        ? SubmissionStrategy.For(profile.IoDepth, options.Cores, options.RegisteredIoUring)
                        : [SubmissionStrategy.Legacy];
                    // Backends whose host engine runs on the same file (the qcow2 backends share one raw file) are
                    // measured once; the others' ceilings are that measurement (Summarise copies it).
                    var measured = request.Backends
                        .GroupBy(b => targetsByKey[(b, ImageOptions.Default)].BackingPath)
                        .Select(g => g.First());
                    units.AddRange(from b in measured from strategy in strategies select new Unit(Engine.Host, Subject.CeilingOf(b, strategy), profile));
                    continue;
                }
                if (engine == Engine.Qemu && profile.FioJobFile is not null)
                {
                    // A fio job file cannot run on qemu-img bench.
                    continue;
                }
                units.AddRange(plan.Candidates.Select(c => new Unit(engine, Subject.Of(c), profile)));
            }
            if (request.Engines.Contains(Engine.Qemu) && profile.FioJobFile is null)
            {
                units.Add(new Unit(Engine.Qemu, Subject.Harness, profile));
            }
        }

        // Sustained: cache modes that go through the host page cache get a second, repeated measurement in a
        // memory-limited cgroup with the image's pages evicted first: writes once the cache no longer absorbs them,
        // reads once the working set no longer fits (a host whose memory goes to its guests).
        var sustainedAvailable = true;
        var cached = units.Where(u => u.Engine == Engine.Qemu && u.Subject.Candidate is { } c && c.Cache.Semantics().UsesHostPageCache).ToList();
        if (cached.Count > 0 && qemu is not null)
        {
            using var probe = MemoryCgroup.TryCreate(options.SustainedMemoryBytes);
            sustainedAvailable = probe is not null;
            if (sustainedAvailable)
            {
                foreach (var unit in cached)
                {
                    unit.SustainedTwin = new Unit(Engine.Qemu, unit.Subject, unit.Profile, Phase.Sustained);
                    units.Add(unit.SustainedTwin);
                }
            }
        }

        var samples = new List<Sample>();
        var evicted = new HashSet<(Backend, ImageOptions)>(targetsByKey.Keys);
        var done = 0;
        var total = units.Sum(u => Math.Min(options.MinimumRepeats, u.SustainedTwin is null ? int.MaxValue : options.BurstRepeats));
        var maximum = Math.Max(options.MinimumRepeats, options.MaximumRepeats);
        for (var round = 0; round < Math.Max(maximum, 2 * options.ContenderRepeats); round++)
        {
            var statistics = BlockStatistics(units);
            var contenders = round >= options.MinimumRepeats && options.ContenderRepeats > 0
                ? Contenders(units, statistics, options)
                : [];
            var pending = units
                .Where(u => u.SustainedTwin is null || u.Samples.Count < options.BurstRepeats)
                .Where(u => round < options.MinimumRepeats
                            || (round < maximum && RepeatStatistics.NeedsMore(statistics[u], options.MinimumRepeats, maximum))
                            || contenders.Contains(u))
                // Every unit's repeat, then the sustained ones (they evict the page cache the burst reads rely on).
                .OrderBy(u => u.Phase)
                .ToList();
            if (pending.Count == 0)
            {
                break;
            }
            if (round >= options.MinimumRepeats)
            {
                total += pending.Count;
            }
            foreach (var unit in pending)
            {
                progress?.Report(new BenchProgress($"{unit.Engine.ToName()} {unit} {unit.Profile.Name} #{round + 1}", done, total));
                Sample sample;
                if (unit.Subject is HarnessCeiling)
                {
                    sample = await qemu!.RunNullCoAsync(unit.Profile, options.Measure, round, cancellationToken).ConfigureAwait(false);
                }
                else if (unit.Phase == Phase.Sustained)
                {
                    using var cgroup = MemoryCgroup.TryCreate(options.SustainedMemoryBytes)
                        ?? throw new InvalidOperationException("the memory cgroup for the sustained measurement could not be created");
                    evicted.Add(unit.TargetKey);
                    sample = await qemu!.RunSustainedAsync(targetsByKey[unit.TargetKey], unit.Subject.Candidate!, unit.Profile, options.Measure, cgroup, options.SustainedSlice, options.SustainedSlices, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    var target = targetsByKey[unit.TargetKey];
                    if (unit.Engine == Engine.Qemu && unit.Subject.Candidate!.Cache.Semantics().UsesHostPageCache && unit.Profile.Reads && evicted.Remove(unit.TargetKey))
                    {
                        // Burst reads of a cached mode are page-cache hits: warm the cache the sustained runs emptied.
                        progress?.Report(new BenchProgress($"warming the page cache of {unit.Backend.ToName()}", done, total));
                        await Task.Run(() => LinuxFile.WarmPageCache(target.Path, options.Measure.SizeBytes), cancellationToken).ConfigureAwait(false);
                    }
                    sample = await engines[unit.Engine].RunAsync(target, unit.Subject, unit.Profile, options.Measure, round, cancellationToken).ConfigureAwait(false);
                }
                sample = sample with { Subject = unit.Subject, Phase = unit.Phase, Repeat = round };
                unit.Samples.Add(sample);
                samples.Add(sample);
                if (runId is { } id)
                {
                    store!.AddSample(id, sample);
                }
                done++;
            }
        }
        progress?.Report(new BenchProgress("done", total, total));
        var sharing = hostEngine
            ? request.Backends.ToDictionary(b => b, b => request.Backends.First(o => targetsByKey[(o, ImageOptions.Default)].BackingPath == targetsByKey[(b, ImageOptions.Default)].BackingPath))
            : [];
        return new BenchOutcome(runId, Summarise(plan, units, sharing), samples, sustainedAvailable) { Plan = plan, IoChecks = checks };
    }

    /// <summary>
    /// Every unit's IOPS statistic. The units of one engine and profile (burst and sustained alike; the null-co ceiling
    /// apart) ran in the same rounds: their values are first divided by each round's host speed
    /// (<see cref="RepeatStatistics.RoundEffects"/>), so that a drift of the host between rounds does not read as a
    /// difference between the units a round measured. They are then summarised by blocks of units measured alike
    /// (engine, profile, phase) so that they share one noise estimate (<see cref="RepeatStatistics.SummariseBlock"/>).
    /// </summary>
    private static Dictionary<Unit, Statistic> BlockStatistics(List<Unit> units)
    {
        var statistics = new Dictionary<Unit, Statistic>();
        foreach (var group in units.GroupBy(u => (u.Engine, u.Profile.Name, Ceiling: u.Subject is HarnessCeiling)))
        {
            var effects = RepeatStatistics.RoundEffects([.. group.Select(u => u.ByRound)]);
            foreach (var block in group.GroupBy(u => u.Phase))
            {
                var members = block.ToList();
                var summaries = RepeatStatistics.SummariseBlock([.. members.Select(u => RepeatStatistics.Adjust(u.ByRound, effects))]);
                for (var i = 0; i < members.Count; i++)
                {
                    statistics[members[i]] = summaries[i];
                }
            }
        }
        return statistics;
    }

    /// <summary>
    /// The qemu units whose next repeat could change a profile's winner or the overall one, as Core decides
    /// (<see cref="Race"/>): per profile, the ranking basis of each rankable candidate (its sustained unit when it has
    /// one) goes to <see cref="Race.SelectContenders"/>, and the profiles together to
    /// <see cref="Race.SelectOverallContenders"/>; each set runs by <see cref="Race.Round"/>.
    /// </summary>
    private static HashSet<Unit> Contenders(List<Unit> units, Dictionary<Unit, Statistic> statistics, BenchOptions options)
    {
        var cap = options.ContenderRepeats;
        var contenders = new HashSet<Unit>();
        var profiles = new List<(double Weight, List<Unit> Basis)>();
        foreach (var profile in units.Where(u => u.Engine == Engine.Qemu).GroupBy(u => u.Profile.Name))
        {
            var ceiling = profile.FirstOrDefault(u => u.Subject is HarnessCeiling);
            var basis = profile
                .Where(u => u.Subject.Candidate is { } c && u.Phase == Phase.Burst && (options.Rankable?.Invoke(c) ?? true))
                .Select(u => u.SustainedTwin is { Samples.Count: > 0 } twin ? twin : u)
                .ToList();
            var ceilingMedian = ceiling is null ? 0 : statistics[ceiling].Median;
            var chosen = Race.SelectContenders([.. basis.Select(u => (u.Subject.Candidate!, statistics[u]))], ceilingMedian, options.Margin);
            contenders.UnionWith(Race.Round(chosen, i => basis[i].Samples.Count, cap).Select(i => basis[i]));
            profiles.Add((options.Weight(profile.Key), [.. basis.Where(u => Ranking.Rankable(statistics[u], ceilingMedian))]));
        }
        var weighted = profiles.Where(p => p.Weight > 0).ToList();
        var overall = Race.SelectOverallContenders([.. weighted.Select(p => (p.Weight, (IReadOnlyList<(Candidate, Statistic)>)[.. p.Basis.Select(u => (u.Subject.Candidate!, statistics[u]))]))], options.Margin);
        for (var p = 0; p < weighted.Count; p++)
        {
            var basis = weighted[p].Basis;
            contenders.UnionWith(Race.Round(overall[p], i => basis[i].Samples.Count, cap).Select(i => basis[i]));
        }
        return contenders;
    }

    /// <param name="plan">The plan measured.</param>
    /// <param name="units">Every unit with its samples.</param>
    /// <param name="sharing">Per backend, the backend whose host-engine measurement it shares (the same file).</param>
    private static List<SubjectResult> Summarise(BenchPlan plan, List<Unit> units, Dictionary<Backend, Backend> sharing)
    {
        var results = new List<SubjectResult>();
        var statistics = BlockStatistics(units);
        foreach (var unit in units.Where(u => u.Phase == Phase.Burst))
        {
            var iops = statistics[unit];
            var mbps = RepeatStatistics.Summarise(unit.Samples.Select(s => s.MBps).ToList());
            var rawIops = RepeatStatistics.Median(unit.Iops);
            if (iops.Median > 0 && rawIops > 0 && iops.N > 1)
            {
                // MB/s is IOPS times the block size: the same statistic (round-adjusted), scaled.
                var k = mbps.Median / rawIops;
                mbps = mbps with { Median = iops.Median * k, CiLow = iops.CiLow * k, CiHigh = iops.CiHigh * k };
            }
            var p50 = MedianOrNull(unit.Samples.Select(s => s.LatencyP50Us));
            var p99 = MedianOrNull(unit.Samples.Select(s => s.LatencyP99Us));
            // The backend's ceiling: the host engine's best submission strategy.
            var hostBackend = unit.Subject.Backend is { } b && sharing.TryGetValue(b, out var shared) ? shared : unit.Subject.Backend;
            var host = unit.Subject is HarnessCeiling || unit.Engine == Engine.Host ? null : units
                .Where(u => u.Engine == Engine.Host && u.Subject.Backend == hostBackend && u.Profile == unit.Profile && u.Samples.Count > 0)
                .MaxBy(u => statistics[u].Median);
            var ceiling = units.FirstOrDefault(u => u.Engine == Engine.Qemu && u.Subject is HarnessCeiling && u.Profile == unit.Profile);
            var sustained = unit.SustainedTwin is { Samples.Count: > 0 } twin ? statistics[twin] : null;
            var hostMedian = host is null ? 0 : statistics[host].Median;
            var ceilingMedian = ceiling is null ? 0 : statistics[ceiling].Median;
            // What the candidate holds over time: the sustained figure where one was measured.
            var basis = sustained?.Median ?? iops.Median;
            results.Add(new SubjectResult(unit.Engine, unit.Subject, unit.Profile.Name, iops, mbps, p50, p99)
            {
                RatioToHost = unit.Engine != Engine.Host && hostMedian > 0 ? basis / hostMedian : null,
                // The ceiling itself is the harness, never a candidate.
                HarnessBound = unit.Subject is HarnessCeiling || (unit.Engine == Engine.Qemu && HarnessBound.Applies(basis, ceilingMedian)),
                // Guest numbers under TCG prove the configuration works, never how fast it is.
                FunctionalOnly = unit.Samples.Any(s => s.FunctionalOnly),
                BurstIops = sustained is null ? null : iops.Median,
                SustainedIops = sustained?.Median,
                Sustained = sustained,
            });
        }
        // The ceilings of backends that share another's host-engine file are that backend's.
        foreach (var (backend, shared) in sharing.Where(kv => kv.Key != kv.Value))
        {
            results.AddRange(results
                .Where(r => r.Engine == Engine.Host && r.Subject is StorageCeiling c && c.Storage == shared)
                .ToList()
                .Select(r => r with { Subject = Subject.CeilingOf(backend, ((StorageCeiling)r.Subject).Strategy) }));
        }
        foreach (var profile in plan.Request.Profiles)
        {
            foreach (var engine in plan.Request.Engines.Where(e => e != Engine.Host))
            {
                foreach (var skipped in plan.Skipped)
                {
                    results.Add(new SubjectResult(engine, Subject.Of(skipped), profile.Name, Statistic.Empty, Statistic.Empty, null, null) { SkippedCode = skipped.CannotStartCode });
                }
                foreach (var (excluded, check) in plan.Excluded)
                {
                    results.Add(new SubjectResult(engine, Subject.Of(excluded), profile.Name, Statistic.Empty, Statistic.Empty, null, null)
                    {
                        SkippedCode = IoModeCheck.Code,
                        SkippedReason = check.Sentence,
                    });
                }
                foreach (var (outside, code, reason) in plan.OutsideConstraints)
                {
                    results.Add(new SubjectResult(engine, Subject.Of(outside), profile.Name, Statistic.Empty, Statistic.Empty, null, null)
                    {
                        SkippedCode = code,
                        SkippedReason = $"not measured: {reason}",
                    });
                }
            }
        }
        return results;
    }

    private static double? MedianOrNull(IEnumerable<double?> values)
    {
        var present = values.Where(v => v.HasValue).Select(v => v!.Value).ToList();
        return present.Count == 0 ? null : RepeatStatistics.Median(present);
    }

    /// <summary>One engine × subject × profile × phase: what one repeat of a round measures.</summary>
    private sealed class Unit(Engine engine, Subject subject, WorkloadProfile profile, Phase phase = Phase.Burst)
    {
        public Engine Engine { get; } = engine;

        public Subject Subject { get; } = subject;

        public WorkloadProfile Profile { get; } = profile;

        public Phase Phase { get; } = phase;

        public List<Sample> Samples { get; } = [];

        /// <summary>For a cached mode's burst unit: its sustained twin, measured too (and what ranks).</summary>
        public Unit? SustainedTwin { get; set; }

        /// <summary>The backend whose image the unit measures (not for the harness ceiling).</summary>
        public Backend Backend => Subject.Backend ?? throw new InvalidOperationException("the harness ceiling has no backend");

        /// <summary>The image the unit measures: its backend created with the candidate's creation options.</summary>
        public (Backend, ImageOptions) TargetKey => (Backend, Subject.Candidate?.Options.Creation ?? ImageOptions.Default);

        public List<double> Iops => Samples.Select(s => s.Iops).ToList();

        /// <summary>IOPS by the round each repeat ran in.</summary>
        public List<(int Round, double Value)> ByRound => [.. Samples.Select(s => (s.Repeat, s.Iops))];

        public override string ToString() => Phase == Phase.Sustained ? $"{Subject} (sustained)" : Subject.ToString()!;
    }
}
