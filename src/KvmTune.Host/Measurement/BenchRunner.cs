using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Host.Engines;
using KvmTune.Host.Native;

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
/// border of the tie (<see cref="BenchRunner.SelectContenders"/>), so that more repeats tell whether they tie (a race:
/// the repeats go where the decision is open). The race's reference runs in every race round, and the race stops after
/// twice this many rounds (<see cref="BenchRunner.RaceRound"/>). 0: no extra repeats.
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

    /// <summary>The weight of a profile in the overall decision (<see cref="Workload"/>).</summary>
    public double Weight(string profile) =>
        Workload.Count == 0 ? 1 : Workload.FirstOrDefault(w => w.Profile == profile)?.Weight ?? 0;

    /// <summary>
    /// The quick preset: three interleaved rounds of 0.3 s repeats on 512 MiB images, up to sixteen for each contender; a
    /// cached mode's sustained repeat is one 0.25 s slice after a warm-up slice, and its burst is measured once.
    /// </summary>
    public static BenchOptions Quick { get; } = new(new MeasureOptions(TimeSpan.FromSeconds(0.3), 512L << 20), 3, 3, TimeSpan.FromSeconds(0.25), 2, ContenderRepeats: 16, BurstRepeats: 1);

    /// <summary>The thorough default: 2 s repeats, 3 to 10 of them; sustained repeats of two 1 s slices after the warm-up slice.</summary>
    public static BenchOptions Default { get; } = new(new MeasureOptions(TimeSpan.FromSeconds(2), 1L << 30), 3, 10, TimeSpan.FromSeconds(1), 3);
}

/// <summary>Progress of a bench run: what runs now, measurements done, measurements planned (may grow).</summary>
public sealed record BenchProgress(string Description, int Done, int Total);

/// <summary>What a bench run produced.</summary>
/// <param name="RunId">The stored run id, or null without a store.</param>
/// <param name="Results">One per engine, candidate (or backend, for the host engine) and profile; skipped candidates included.</param>
/// <param name="Samples">Every repeat.</param>
/// <param name="SustainedAvailable">False when no memory cgroup could be created (no sustained figures).</param>
public sealed record BenchOutcome(long? RunId, IReadOnlyList<CandidateResult> Results, IReadOnlyList<Sample> Samples, bool SustainedAvailable);

/// <summary>
/// Runs a <see cref="BenchPlan"/>: creates the scratch images, measures every engine × candidate × profile with
/// repeats interleaved across them (A B C A B C), measures the qemu harness ceiling on null-co with them, adds a
/// sustained measurement for cache modes that use the host page cache, summarises, and stores everything.
/// The <c>bench</c> and <c>tune</c> commands both call it.
/// </summary>
public sealed class BenchRunner(IReadOnlyDictionary<Engine, IMeasurementEngine> engines, IScratchTargets targets, IRunStore? store = null)
{
    /// <summary>A candidate within this fraction of the null-co ceiling is harness-bound.</summary>
    public const double HarnessBoundFraction = 0.8;

    /// <summary>A race's winner and reference are measured at least to this half-width relative to the median.</summary>
    public const double ContenderPrecision = 0.08;

    /// <summary>The suffix of the candidate id the sustained samples are stored under.</summary>
    public const string SustainedSuffix = "#sustained";

    public async Task<BenchOutcome> RunAsync(BenchPlan plan, BenchOptions options, string command, IReadOnlyList<KeyValuePair<string, string>> hostFacts, IProgress<BenchProgress>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        var runId = store?.BeginRun(command, hostFacts, System.Text.Json.JsonSerializer.Serialize(new
        {
            engines = plan.Request.Engines.Select(e => e.ToName()),
            backends = plan.Request.Backends.Select(b => b.ToName()),
            candidates = plan.Candidates.Select(c => c.Id),
            skipped = plan.Skipped.Select(c => c.Id),
            profiles = plan.Request.Profiles.Select(p => p.Name),
            seconds = options.Measure.Duration.TotalSeconds,
            size = options.Measure.SizeBytes,
            repeats = new[] { options.MinimumRepeats, options.MaximumRepeats },
        }));
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
        var targetsByBackend = new Dictionary<Backend, MeasureTarget>();
        foreach (var backend in request.Backends)
        {
            progress?.Report(new BenchProgress($"creating {backend.ToName()}", 0, 1));
            targetsByBackend[backend] = await targets.CreateAsync(backend, options.Measure.SizeBytes, cancellationToken).ConfigureAwait(false);
        }

        var qemu = engines.GetValueOrDefault(Engine.Qemu) as QemuImgBenchEngine;
        var units = new List<Unit>();
        foreach (var profile in request.Profiles)
        {
            foreach (var engine in request.Engines)
            {
                if (engine == Engine.Host)
                {
                    units.AddRange(request.Backends.Select(b => new Unit(Engine.Host, b, null, profile)));
                    continue;
                }
                if (engine == Engine.Qemu && profile.FioJobFile is not null)
                {
                    // A fio job file cannot run on qemu-img bench.
                    continue;
                }
                units.AddRange(plan.Candidates.Select(c => new Unit(engine, c.Backend, c, profile)));
            }
            if (request.Engines.Contains(Engine.Qemu) && profile.FioJobFile is null)
            {
                units.Add(new Unit(Engine.Qemu, null, null, profile));
            }
        }

        // Sustained: cache modes that go through the host page cache get a second, repeated measurement in a
        // memory-limited cgroup with the image's pages evicted first: writes once the cache no longer absorbs them,
        // reads once the working set no longer fits (a host whose memory goes to its guests).
        var sustainedAvailable = true;
        var cached = units.Where(u => u.Engine == Engine.Qemu && u.Candidate is { } c && c.Cache.Semantics().UsesHostPageCache).ToList();
        if (cached.Count > 0 && qemu is not null)
        {
            using var probe = MemoryCgroup.TryCreate(options.SustainedMemoryBytes);
            sustainedAvailable = probe is not null;
            if (sustainedAvailable)
            {
                foreach (var unit in cached)
                {
                    unit.SustainedTwin = new Unit(Engine.Qemu, unit.Backend, unit.Candidate, unit.Profile, sustained: true);
                    units.Add(unit.SustainedTwin);
                }
            }
        }

        var samples = new List<Sample>();
        var evicted = new HashSet<Backend>(request.Backends);
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
                .OrderBy(u => u.IsSustained)
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
                progress?.Report(new BenchProgress($"{unit.Engine.ToName()} {unit.Label} {unit.Profile.Name} #{round + 1}", done, total));
                Sample sample;
                if (unit.Backend is null)
                {
                    sample = await qemu!.RunNullCoAsync(unit.Profile, options.Measure, round, cancellationToken).ConfigureAwait(false);
                }
                else if (unit.IsSustained)
                {
                    using var cgroup = MemoryCgroup.TryCreate(options.SustainedMemoryBytes)
                        ?? throw new InvalidOperationException("the memory cgroup for the sustained measurement could not be created");
                    evicted.Add(unit.Backend.Value);
                    sample = await qemu!.RunSustainedAsync(targetsByBackend[unit.Backend.Value], unit.Candidate!, unit.Profile, options.Measure, cgroup, options.SustainedSlice, options.SustainedSlices, cancellationToken).ConfigureAwait(false);
                    sample = sample with { CandidateId = unit.Label, Repeat = round };
                }
                else
                {
                    var target = targetsByBackend[unit.Backend.Value];
                    if (unit.Engine == Engine.Qemu && unit.Candidate!.Cache.Semantics().UsesHostPageCache && unit.Profile.Reads && evicted.Remove(unit.Backend.Value))
                    {
                        // Burst reads of a cached mode are page-cache hits: warm the cache the sustained runs emptied.
                        progress?.Report(new BenchProgress($"warming the page cache of {unit.Backend.Value.ToName()}", done, total));
                        await Task.Run(() => LinuxFile.WarmPageCache(target.Path, options.Measure.SizeBytes), cancellationToken).ConfigureAwait(false);
                    }
                    var engine = engines[unit.Engine];
                    sample = await engine.RunAsync(target, unit.Candidate, unit.Profile, options.Measure, round, cancellationToken).ConfigureAwait(false);
                    sample = sample with { CandidateId = unit.Label, Repeat = round };
                }
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
        return new BenchOutcome(runId, Summarise(plan, units), samples, sustainedAvailable);
    }

    /// <summary>
    /// Every unit's IOPS statistic. The units of one engine and profile (burst and sustained alike; the null-co ceiling
    /// apart) ran in the same rounds: their values are first divided by each round's host speed
    /// (<see cref="RepeatStatistics.RoundEffects"/>), so that a drift of the host between rounds does not read as a
    /// difference between the units a round measured. They are then summarised by blocks of units measured alike
    /// (engine, profile, burst or sustained) so that they share one noise estimate
    /// (<see cref="RepeatStatistics.SummariseBlock"/>).
    /// </summary>
    private static Dictionary<Unit, Statistic> BlockStatistics(List<Unit> units)
    {
        var statistics = new Dictionary<Unit, Statistic>();
        foreach (var group in units.GroupBy(u => (u.Engine, u.Profile.Name, Ceiling: u.Backend is null)))
        {
            var effects = RepeatStatistics.RoundEffects([.. group.Select(u => u.ByRound)]);
            foreach (var block in group.GroupBy(u => u.IsSustained))
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
    /// The qemu units whose next repeat could change a profile's winner or the overall one: per profile, the ranking
    /// basis of each rankable candidate (its sustained unit when it has one), chosen by <see cref="SelectContenders"/>
    /// for each profile and by <see cref="SelectOverallContenders"/> across them, each set run by
    /// <see cref="RaceRound"/> (capped per unit, paired with its reference).
    /// </summary>
    private static HashSet<Unit> Contenders(List<Unit> units, Dictionary<Unit, Statistic> statistics, BenchOptions options)
    {
        var cap = options.ContenderRepeats;
        var contenders = new HashSet<Unit>();
        var profiles = new List<(double Weight, List<Unit> Basis)>();
        foreach (var profile in units.Where(u => u.Engine == Engine.Qemu).GroupBy(u => u.Profile.Name))
        {
            var ceiling = profile.FirstOrDefault(u => u.Backend is null);
            var basis = profile
                .Where(u => u.Candidate is { } c && !u.IsSustained && (options.Rankable?.Invoke(c) ?? true))
                .Select(u => u.SustainedTwin is { Samples.Count: > 0 } twin ? twin : u)
                .ToList();
            var ceilingMedian = ceiling is null ? 0 : statistics[ceiling].Median;
            var chosen = SelectContenders([.. basis.Select(u => (u.Candidate!, statistics[u]))], ceilingMedian);
            contenders.UnionWith(RaceRound(chosen, i => basis[i].Samples.Count, cap).Select(i => basis[i]));
            profiles.Add((options.Weight(profile.Key), [.. basis.Where(u => Ranked(statistics[u], ceilingMedian))]));
        }
        var weighted = profiles.Where(p => p.Weight > 0).ToList();
        var overall = SelectOverallContenders([.. weighted.Select(p => (p.Weight, (IReadOnlyList<(Candidate, Statistic)>)[.. p.Basis.Select(u => (u.Candidate!, statistics[u]))]))]);
        for (var p = 0; p < weighted.Count; p++)
        {
            var basis = weighted[p].Basis;
            contenders.UnionWith(RaceRound(overall[p], i => basis[i].Samples.Count, cap).Select(i => basis[i]));
        }
        return contenders;
    }

    /// <summary>
    /// For the overall decision across weighted profiles (each with its candidates' ranking statistics), per profile
    /// the indexes whose next repeat could change the overall winner: the overall scores
    /// (<see cref="Advisor.OverallScores"/>) are decided as the advisor decides them, and the candidates that
    /// <see cref="SelectContenders"/> picks among them (the overall reference first) race in every profile, since each
    /// profile's interval is part of the score's. Empty lists when fewer than two profiles weigh in (the profile's own
    /// race decides then) or nothing is open.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<int>> SelectOverallContenders(IReadOnlyList<(double Weight, IReadOnlyList<(Candidate Candidate, Statistic Basis)> Ranking)> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var none = profiles.Select(_ => (IReadOnlyList<int>)[]).ToList();
        if (profiles.Count(p => p.Ranking.Count > 0) < 2)
        {
            return none;
        }
        var scores = Advisor.OverallScores([.. profiles.Select(p => (p.Weight, (IReadOnlyList<(string, Statistic)>)[.. p.Ranking.Select(r => (r.Candidate.Id, r.Basis))]))]);
        var chosen = SelectContenders([.. scores.Select(s => (Candidate.Parse(s.Id)!, new Statistic(s.Score, s.Low, s.High, 0, 1)))], 0);
        return [.. profiles.Select(p =>
        {
            var index = p.Ranking.Select((r, i) => (r.Candidate.Id, i)).ToDictionary(x => x.Id, x => x.i);
            return (IReadOnlyList<int>)[.. chosen.Select(i => index[scores[i].Id])];
        })];
    }

    /// <summary>True for a statistic the advisor ranks: measured, and below the harness-bound share of the ceiling.</summary>
    private static bool Ranked(Statistic s, double ceilingMedian) =>
        s is { N: > 0, Median: > 0 } && (ceilingMedian <= 0 || s.Median < HarnessBoundFraction * ceilingMedian);

    /// <summary>
    /// Of candidates' ranking statistics (one profile), the indexes that deserve another repeat because the winner
    /// may depend on them. The winner is the first of the tie (intervals overlapping the reference's: the candidate
    /// most surely fast, with the highest lower bound, as the advisor takes it) in
    /// <see cref="TieBreaker"/> order; it changes when a candidate it beats in that order leaves the tie, or one that
    /// beats it enters. So the undecided candidates (in the tie only by their own interval's width, or out of it by
    /// little: <see cref="Undecided"/>) that the winner does not beat in tie-break order, the winner when it is
    /// undecided or it or the reference is not yet measured to ±<see cref="ContenderPrecision"/>, and the reference
    /// itself race on. Candidates surely in, far out, or that would lose the tie-break
    /// anyway, do not.
    /// Harness-bound candidates (median at or above <see cref="HarnessBoundFraction"/> of the null-co ceiling) are
    /// never ranked and never contend.
    /// </summary>
    public static IReadOnlyList<int> SelectContenders(IReadOnlyList<(Candidate Candidate, Statistic Basis)> candidates, double ceilingMedian)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        var ranked = Enumerable.Range(0, candidates.Count)
            .Where(i => Ranked(candidates[i].Basis, ceilingMedian))
            .ToList();
        if (ranked.Count < 2)
        {
            return [];
        }
        // The tie's reference, as the advisor takes it: the candidate most surely fast (the highest lower bound).
        var best = ranked.MaxBy(i => candidates[i].Basis.CiLow);
        var top = candidates[best].Basis;
        var order = TieBreaker.InPreferenceOrder(ranked, i => candidates[i].Candidate, i => candidates[i].Basis.Median, i => candidates[i].Candidate.Id).ToList();
        var winner = order.First(i => candidates[i].Basis.Overlaps(top));
        var open = order
            .TakeWhile(i => i != winner)
            .Append(winner)
            .Where(i => i != best && Undecided(candidates[i].Basis, top))
            .ToList();
        // A winner that ties only within wide intervals is not decided either: as the intervals narrow it may leave
        // the tie. It races until both it and the reference are measured to ±ContenderPrecision.
        if (winner != best && !open.Contains(winner)
            && (candidates[winner].Basis.RelativeHalfWidth > ContenderPrecision || top.RelativeHalfWidth > ContenderPrecision))
        {
            open.Add(winner);
        }
        return open.Count == 0 ? [] : [best, .. open];
    }

    /// <summary>
    /// Of a profile's contenders (<see cref="SelectContenders"/>: the reference first), those that run in the next race
    /// round: every contender with fewer than <paramref name="cap"/> repeats, and the reference with them, whatever its
    /// count, so that each race round pairs the contenders with it (the round's drift then cancels,
    /// <see cref="RepeatStatistics.RoundEffects"/>). Nothing once every contender but the reference reached the cap.
    /// </summary>
    public static IReadOnlyList<int> RaceRound(IReadOnlyList<int> contenders, Func<int, int> repeats, int cap)
    {
        ArgumentNullException.ThrowIfNull(contenders);
        ArgumentNullException.ThrowIfNull(repeats);
        var racing = contenders.Skip(1).Where(i => repeats(i) < cap).ToList();
        return racing.Count == 0 ? [] : [contenders[0], .. racing];
    }

    /// <summary>
    /// True when more repeats may move the candidate into or out of the tie with the reference: it is in the tie only
    /// by its own interval's width (its median lies outside the reference's interval, so a narrower interval would
    /// leave the tie), or it is out by less than half the two facing half-widths again (log scale).
    /// </summary>
    private static bool Undecided(Statistic candidate, Statistic reference)
    {
        if (candidate.CiLow <= 0 || reference.CiLow <= 0)
        {
            return false;
        }
        if (candidate.Overlaps(reference))
        {
            return candidate.Median < reference.CiLow || candidate.Median > reference.CiHigh;
        }
        var (low, high) = candidate.Median <= reference.Median ? (candidate, reference) : (reference, candidate);
        var gap = Math.Log(high.Median / low.Median);
        var reach = Math.Log(low.CiHigh / low.Median) + Math.Log(high.Median / high.CiLow);
        return reach > 0 && gap / reach <= 1.5;
    }

    private static List<CandidateResult> Summarise(BenchPlan plan, List<Unit> units)
    {
        var results = new List<CandidateResult>();
        var statistics = BlockStatistics(units);
        foreach (var unit in units.Where(u => !u.IsSustained))
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
            var host = unit.Backend is null ? null : units.FirstOrDefault(u => u.Engine == Engine.Host && u.Backend == unit.Backend && u.Profile == unit.Profile);
            var ceiling = units.FirstOrDefault(u => u.Engine == Engine.Qemu && u.Backend is null && u.Profile == unit.Profile);
            var sustained = unit.SustainedTwin is { Samples.Count: > 0 } twin ? statistics[twin] : null;
            var hostMedian = host is null ? 0 : statistics[host].Median;
            var ceilingMedian = ceiling is null ? 0 : statistics[ceiling].Median;
            // What the candidate holds over time: the sustained figure where one was measured.
            var basis = sustained?.Median ?? iops.Median;
            results.Add(new CandidateResult(unit.Engine, unit.Label, unit.Profile.Name, iops, mbps, p50, p99)
            {
                RatioToHost = unit.Engine != Engine.Host && hostMedian > 0 ? basis / hostMedian : null,
                // The ceiling itself is the harness, never a candidate.
                HarnessBound = unit.Backend is null || (unit.Engine == Engine.Qemu && ceilingMedian > 0 && basis >= HarnessBoundFraction * ceilingMedian),
                // Guest numbers under TCG prove the configuration works, never how fast it is.
                FunctionalOnly = unit.Samples.Any(s => s.FunctionalOnly),
                BurstIops = sustained is null ? null : iops.Median,
                SustainedIops = sustained?.Median,
                Sustained = sustained,
            });
        }
        foreach (var profile in plan.Request.Profiles)
        {
            foreach (var engine in plan.Request.Engines.Where(e => e != Engine.Host))
            {
                foreach (var skipped in plan.Skipped)
                {
                    results.Add(new CandidateResult(engine, skipped.Id, profile.Name, Empty, Empty, null, null) { SkippedCode = skipped.CannotStartCode });
                }
            }
        }
        return results;
    }

    private static readonly Statistic Empty = new(0, 0, 0, 0, 0);

    private static double? MedianOrNull(IEnumerable<double?> values)
    {
        var present = values.Where(v => v.HasValue).Select(v => v!.Value).ToList();
        return present.Count == 0 ? null : RepeatStatistics.Median(present);
    }

    private sealed class Unit(Engine engine, Backend? backend, Candidate? candidate, WorkloadProfile profile, bool sustained = false)
    {
        public Engine Engine { get; } = engine;

        /// <summary>Null for the null-co harness ceiling.</summary>
        public Backend? Backend { get; } = backend;

        public Candidate? Candidate { get; } = candidate;

        public WorkloadProfile Profile { get; } = profile;

        public List<Sample> Samples { get; } = [];

        /// <summary>The repeated memory-limited measurement of a cached mode (stored as <c>ID#sustained</c>).</summary>
        public bool IsSustained { get; } = sustained;

        /// <summary>For a cached mode's burst unit: its sustained twin, measured too (and what ranks).</summary>
        public Unit? SustainedTwin { get; set; }

        public List<double> Iops => Samples.Select(s => s.Iops).ToList();

        /// <summary>IOPS by the round each repeat ran in.</summary>
        public List<(int Round, double Value)> ByRound => [.. Samples.Select(s => (s.Repeat, s.Iops))];

        /// <summary>The candidate id; the backend name for the host engine; null-co for the ceiling.</summary>
        public string Label => IsSustained ? Candidate!.Id + SustainedSuffix : Candidate?.Id ?? Backend?.ToName() ?? QemuImgBenchEngine.NullCoId;
    }
}
