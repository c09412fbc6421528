using KvmTune.Core.Measurement;
using KvmTune.Core.Rules;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Decisions;

/// <summary>
/// Turns stored statistics into a decision: pure, no I/O. The qemu engine's results are the ranking basis (QEMU's
/// real block layer with the candidate's format, cache and aio); the host engine is the ceiling each is divided by;
/// guest results are shown but never ranked (under TCG they are functional checks; under KVM the qemu engine still
/// ranks so that every candidate is compared by the same harness); harness-bound results are never ranked.
/// <para>Per profile, candidates are ordered by the median of their basis: IOPS, scaled to the sustained figure when
/// one was measured (a host page cache absorbs writes only until the dirty limit; a recommendation must hold
/// afterwards). The winner is the first candidate in <see cref="TieBreaker"/> order (safest, then simplest) that no
/// other is faster than by more than the margin with 95% confidence (<see cref="Equivalence"/>); the candidates no
/// other beats so are its equivalent set (the "tie"), and the ratio of the fastest to the winner is reported.</para>
/// <para>Overall, each candidate ranked in every weighted profile scores the weighted geometric mean of its ratio to
/// each profile's best median (a geometric mean so that no profile's absolute scale dominates: 4k IOPS and 1M IOPS
/// count alike); its interval combines the profiles' intervals in quadrature on the log scale (they were measured
/// independently), and the same margin rule decides over the overall ratios (<see cref="OverallRatios"/>).</para>
/// </summary>
public static class Advisor
{
    /// <summary>
    /// Decides over a run's results. <paramref name="standing"/>: the recommendation an earlier run on the same host made
    /// for the same plan; under the same constraints (and without <see cref="AdvisorConstraints.Fresh"/>) its winners
    /// stand unless beaten (<see cref="StandingRecommendation"/>).
    /// </summary>
    public static Decision Decide(IReadOnlyList<SubjectResult> results, HostFacts host, AdvisorConstraints constraints, StandingRecommendation? standing = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(constraints);
        var measured = MeasuredProfiles(results);
        var workload = ResolveWorkload(constraints.Workload, measured);
        var resolved = constraints with { Workload = workload };
        var profiles = workload.Select(w => DecideProfile(w, results, host, resolved)).ToList();
        var stands = standing is not null && !constraints.Fresh && standing.Constraints == resolved.Signature ? standing : null;

        var (overall, winner, tie, tieBreak, fastest, ratio, kept) = DecideOverall(profiles, _ => true, resolved.Margin, stands, stands?.Overall);
        var bySource = new Dictionary<string, Candidate>();
        foreach (var (type, filter) in new (string, Func<Candidate, bool>)[] { ("file", c => !c.Backend.IsBlock()), ("block", c => c.Backend.IsBlock()) })
        {
            // The overall winner is its own source type's winner (the equivalence among that type alone could name
            // another: the recommendation must not contradict itself); the other type is decided among its own.
            if ((winner is not null && filter(winner) ? winner : DecideOverall(profiles, filter, resolved.Margin, stands, stands?.BySourceType.GetValueOrDefault(type)).Winner) is { } w)
            {
                bySource[type] = w;
            }
        }
        var decision = new Decision(resolved, profiles, overall, winner, tie, tieBreak, bySource, [])
        {
            Fastest = fastest,
            FastestOverWinner = ratio,
            Standing = stands is null ? null : new StandingOutcome(stands, kept.Kept, kept.BeatenBy),
        };
        return decision with { Rationale = Explain(decision, results, host) };
    }

    /// <summary>The measured profiles: presets in their documented order, then others by first appearance.</summary>
    public static IReadOnlyList<string> MeasuredProfiles(IReadOnlyList<SubjectResult> results)
    {
        var names = results.Select(r => r.Profile).Distinct().ToList();
        var order = WorkloadProfile.Presets.Select(p => p.Name).ToList();
        return [.. names.OrderBy(n => order.IndexOf(n) is var i && i >= 0 ? i : order.Count + names.IndexOf(n))];
    }

    /// <summary>The ranking basis of a result: the repeated sustained statistic where one was measured, else IOPS.</summary>
    public static Statistic Basis(SubjectResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Sustained is { N: > 0 } repeated)
        {
            return repeated;
        }
        // Runs stored before the sustained measurement was repeated: the burst interval scaled to the one figure.
        var s = result.Iops;
        if (result.SustainedIops is not { } sustained || s.Median <= 0 || sustained <= 0)
        {
            return s;
        }
        var k = sustained / s.Median;
        return s with { Median = sustained, CiLow = s.CiLow * k, CiHigh = s.CiHigh * k };
    }

    /// <summary>Why the constraints exclude a candidate: (code, sentence), or null when it is allowed.</summary>
    public static (string Code, string Reason)? Exclusion(Candidate candidate, AdvisorConstraints constraints, HostFacts host)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(constraints);
        ArgumentNullException.ThrowIfNull(host);
        var cache = candidate.Cache;
        var semantics = cache.Semantics();
        var name = $"cache='{cache.ToLibvirt()}'";
        if (constraints.Safety == SafetyLevel.Flush && !semantics.FlushSafe)
        {
            return (RuleCatalog.UnsafeCache.Code, $"{name} ignores guest flushes: data loss on host crash (--safety flush)");
        }
        if (constraints.Safety == SafetyLevel.Sync && !semantics.SyncEveryWrite)
        {
            return ("--safety sync", $"{name} gives the guest a volatile write cache: a write is durable only after a guest flush (--safety sync keeps writethrough and directsync)");
        }
        if (constraints.Migration && !semantics.Direct)
        {
            // libvirt refuses to live-migrate a disk that uses the host page cache unless QEMU can drop that cache
            // on the destination (QEMU >= 4.0); none and directsync bypass the cache and always migrate.
            switch (host.MigrationDropsCache)
            {
                case true when !semantics.NoFlush:
                    break;
                case true:
                    return (MigrationRule, $"{name} is never recommended for migration: guest flushes are ignored (--migration)");
                case false:
                    return (MigrationRule, $"{name} is not migration-safe with QEMU {host.QemuVersion} (QEMU < 4.0 cannot drop the host page cache) (--migration)");
                default:
                    return (MigrationRule, $"{name} is migration-safe only with QEMU >= 4.0 and the QEMU version is unknown (--migration)");
            }
        }
        if (constraints.Snapshots && !candidate.Backend.SupportsInternalSnapshots())
        {
            return ("--snapshots", $"{candidate.Backend.ToName()} has no internal snapshots (qcow2 has) (--snapshots)");
        }
        return null;
    }

    private static string MigrationRule => RuleCatalog.MigrationUnsafeCache.Code;

    private static List<ProfileWeight> ResolveWorkload(IReadOnlyList<ProfileWeight> workload, IReadOnlyList<string> measured)
    {
        if (workload.Count == 0)
        {
            return [.. measured.Select(p => new ProfileWeight(p, 1))];
        }
        foreach (var w in workload)
        {
            if (!measured.Contains(w.Profile))
            {
                var known = measured.Count == 0 ? "none" : string.Join(", ", measured);
                throw new InputException($"--workload: profile '{w.Profile}' was not measured in this run (measured: {known})");
            }
        }
        return [.. workload];
    }

    private static ProfileDecision DecideProfile(ProfileWeight weight, IReadOnlyList<SubjectResult> results, HostFacts host, AdvisorConstraints constraints)
    {
        var profile = weight.Profile;
        var ceilings = new Dictionary<Backend, Statistic>();
        foreach (var r in results.Where(r => r.Profile == profile && r.Engine == Engine.Host && r.Iops.N > 0))
        {
            if (r.Subject.Backend is { } backend)
            {
                ceilings[backend] = r.Iops;
            }
        }
        var excluded = new List<SetAside>();
        var notRanked = new List<SetAside>();
        var rankable = new List<(SubjectResult Result, Candidate Candidate)>();
        foreach (var r in results.Where(r => r.Profile == profile && r.Engine != Engine.Host))
        {
            var aside = NotRankedReason(r);
            if (aside is not null || r.Candidate is not { } candidate)
            {
                notRanked.Add(aside!);
                continue;
            }
            var exclusion = Exclusion(candidate, constraints, host);
            if (exclusion is { } e)
            {
                excluded.Add(new SetAside(r.Subject, r.Engine, e.Code, e.Reason));
                continue;
            }
            rankable.Add((r, candidate));
        }

        var ordered = rankable
            .Select(x => (x.Result, x.Candidate, Basis: Basis(x.Result)))
            .OrderByDescending(x => x.Basis.Median)
            .ThenBy(x => x.Candidate.Id, StringComparer.Ordinal)
            .ToList();
        if (ordered.Count == 0)
        {
            return new ProfileDecision(profile, weight.Weight, [], null, [], null, excluded, notRanked, ceilings);
        }
        var best = ordered[0].Basis;
        var bases = ordered.Select(x => x.Basis).ToList();
        var reference = Ranking.Reference(bases);
        var beaten = Equivalence.Beaten(bases.Count, (x, c) => SpeedRatio.Of(bases[x], bases[c]), constraints.Margin);
        var ranking = ordered.Select((x, i) => new RankedCandidate(
            i + 1,
            x.Candidate,
            x.Basis,
            x.Result.Iops,
            x.Result.MBps,
            best.Median > 0 ? x.Basis.Median / best.Median : 0,
            x.Result.RatioToHost ?? RatioTo(ceilings, x.Result),
            x.Result.BurstIops,
            x.Result.SustainedIops,
            !beaten[i])).ToList();
        var tie = ranking.Where(r => r.Tied).Select(r => r.Candidate).ToList();
        var w = Equivalence.Winner(ranking.Count, i => ranking[i].Candidate, i => ranking[i].Basis.Median, beaten);
        var winner = ranking[w].Candidate;
        var tieBreak = TieBreaker.Explain(tie, winner, c => ranking.First(r => r.Candidate == c).Basis.Median, constraints.Margin);
        return new ProfileDecision(profile, weight.Weight, ranking, winner, tie, tieBreak, excluded, notRanked, ceilings)
        {
            Fastest = ranking[reference].Candidate,
            FastestOverWinner = reference == w ? null : SpeedRatio.Of(bases[reference], bases[w]),
        };
    }

    private static double? RatioTo(Dictionary<Backend, Statistic> ceilings, SubjectResult result) =>
        result.Subject.Backend is { } backend && ceilings.TryGetValue(backend, out var c) && c.Median > 0 ? result.Iops.Median / c.Median : null;

    private static SetAside? NotRankedReason(SubjectResult r)
    {
        if (r.Engine == Engine.Guest && r.FunctionalOnly)
        {
            return new(r.Subject, r.Engine, "functional-only", "measured in a guest under TCG (no usable KVM): a functional check, never ranked");
        }
        if (r.Engine == Engine.Guest)
        {
            return new(r.Subject, r.Engine, "guest", "guest engine: shown beside the qemu engine, which ranks every candidate with the same harness");
        }
        if (r.SkippedCode is { } code)
        {
            return new(r.Subject, r.Engine, code, $"cannot start ({code}): skipped");
        }
        if (r.Subject is HarnessCeiling)
        {
            return new(r.Subject, r.Engine, "harness-ceiling", "the harness's own ceiling (qemu-img bench on QEMU's null-co driver), the yardstick for harness-bound");
        }
        if (r.HarnessBound)
        {
            return new(r.Subject, r.Engine, "harness-bound", $"within {Figures.Percent(1 - HarnessBound.Fraction)} of the harness's own null-co ceiling: the harness, not the storage, limits it");
        }
        if (r.FunctionalOnly)
        {
            return new(r.Subject, r.Engine, "functional-only", "a functional check only, never ranked");
        }
        if (r.Iops.N == 0)
        {
            return new(r.Subject, r.Engine, "no-data", "no successful repeat");
        }
        if (r.Subject is not CandidateSubject)
        {
            return new(r.Subject, r.Engine, "unknown", "not a backend/cache/io candidate");
        }
        return null;
    }

    private static (List<OverallScore> Overall, Candidate? Winner, IReadOnlyList<Candidate> Tie, string? TieBreak, Candidate? Fastest, SpeedRatio? Ratio,
        (bool Kept, (Candidate, SpeedRatio)? BeatenBy) Standing) DecideOverall(
        IReadOnlyList<ProfileDecision> profiles, Func<Candidate, bool> filter, double margin, StandingRecommendation? standing, Candidate? incumbent)
    {
        var weighted = profiles
            .Select(p => (p.Weight, (IReadOnlyList<(Candidate, Statistic)>)[.. p.Ranking.Where(r => filter(r.Candidate)).Select(r => (r.Candidate, r.Basis))]))
            .ToList();
        var scores = OverallScores(weighted);
        if (scores.Count == 0)
        {
            return ([], null, [], null, null, null, (false, null));
        }
        var ratios = OverallRatios(weighted, [.. scores.Select(s => s.Candidate)]);
        var beaten = Equivalence.Beaten(scores.Count, ratios, margin);
        var reference = Ranking.Reference([.. scores.Select(s => new Statistic(s.Score, s.Low, s.High, 0, 1))]);
        var overall = scores.Select((s, i) => new OverallScore(i + 1, s.Candidate, s.Score, s.Low, s.High, !beaten[i])).ToList();
        var w = Equivalence.Winner(overall.Count, i => overall[i].Candidate, i => overall[i].Score, beaten);
        var tie = overall.Where(o => o.Tied).Select(o => o.Candidate).ToList();
        // The standing recommendation stays unless a candidate is faster than it by more than the switching margin
        // (twice the margin: changing a configuration in force costs more than choosing one); when one is, say which
        // and by how much.
        var held = incumbent is null ? -1 : overall.FindIndex(o => o.Candidate == incumbent);
        (bool Kept, (Candidate, SpeedRatio)? BeatenBy) outcome = (false, null);
        string? tieBreak;
        var switching = Equivalence.SwitchingMargin(margin);
        var beaters = held < 0 ? [] : Enumerable.Range(0, overall.Count).Where(x => x != held && Equivalence.Beats(ratios(x, held), switching)).ToList();
        if (held >= 0 && beaters.Count == 0)
        {
            w = held;
            outcome = (true, null);
            tieBreak = $"{incumbent} stands: the recommendation of run {standing!.RunId} on this host (same plan, same constraints), and no candidate " +
                       $"is faster than it by more than {Figures.Percent(switching)} with 95% confidence" +
                       (tie.Count > 1 ? $" (equivalent within {Figures.Percent(margin)}: {string.Join(", ", tie)})" : "") + "; --fresh decides without it";
        }
        else if (held >= 0)
        {
            // The replacement is one that beats the standing recommendation: one merely equivalent to it (first in the
            // usual order only because the standing one is out) would change the configuration for no gain.
            var order = TieBreaker.InPreferenceOrder(beaters, x => overall[x].Candidate, x => overall[x].Score).ToList();
            w = order.FirstOrDefault(x => !beaten[x], order[0]);
            outcome = (false, (overall[w].Candidate, ratios(w, held)));
            tieBreak = $"{overall[w].Candidate} replaces {incumbent}, the recommendation of run {standing!.RunId} on this host: faster than it by more than " +
                       $"{Figures.Percent(switching)} with 95% confidence" +
                       (order.Count > 1 ? $" (so are {string.Join(", ", order.Where(x => x != w).Select(x => overall[x].Candidate))}; chosen in the usual order: safety, simplicity, io interface)" : "");
        }
        else
        {
            tieBreak = TieBreaker.Explain(tie, overall[w].Candidate, c => overall.First(o => o.Candidate == c).Score, margin);
        }
        return (overall, overall[w].Candidate, tie, tieBreak, overall[reference].Candidate, reference == w ? null : ratios(reference, w), outcome);
    }

    /// <summary>
    /// The overall speed ratio of any two candidates (indexes into <paramref name="candidates"/>): the weighted
    /// geometric mean over the profiles of their per-profile ratios (each profile's best cancels), its interval the
    /// profiles' ratio intervals combined in quadrature on the log scale.
    /// </summary>
    public static Func<int, int, SpeedRatio> OverallRatios(IReadOnlyList<(double Weight, IReadOnlyList<(Candidate Candidate, Statistic Basis)> Ranking)> profiles, IReadOnlyList<Candidate> candidates)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(candidates);
        var scored = profiles.Where(p => p.Ranking.Count > 0).ToList();
        var totalWeight = scored.Sum(p => p.Weight);
        // Per profile, each candidate's log median and log half-widths below and above.
        var logs = scored.Select(p =>
        {
            var byCandidate = p.Ranking.ToDictionary(r => r.Candidate, r => r.Basis);
            return candidates.Select(c => byCandidate[c]).Select(b => (Center: Math.Log(Math.Max(b.Median, 1e-9)), Below: SpeedRatio.LowSide(b), Above: SpeedRatio.HighSide(b))).ToArray();
        }).ToList();
        return (x, c) =>
        {
            double center = 0, below = 0, above = 0;
            for (var p = 0; p < scored.Count; p++)
            {
                var w = scored[p].Weight;
                var (cx, bx, ax) = logs[p][x];
                var (cc, bc, ac) = logs[p][c];
                center += w * (cx - cc);
                below += w * w * ((bx * bx) + (ac * ac));
                above += w * w * ((ax * ax) + (bc * bc));
            }
            return SpeedRatio.FromLog(center / totalWeight, Math.Sqrt(below) / totalWeight, Math.Sqrt(above) / totalWeight);
        };
    }

    /// <summary>
    /// The overall score of each candidate ranked in every profile given (profiles without candidates are ignored):
    /// the weighted geometric mean of its ratio to each profile's best median, with the profiles' intervals combined in
    /// quadrature on the log scale (they were measured independently: half-width of a weighted mean of logs =
    /// √Σ(wᵢ·hᵢ)² / Σwᵢ, below and above apart). Highest score first.
    /// </summary>
    /// <param name="profiles">Per profile, its weight and each ranked candidate's basis (<see cref="Basis"/>).</param>
    public static IReadOnlyList<(Candidate Candidate, double Score, double Low, double High)> OverallScores(IReadOnlyList<(double Weight, IReadOnlyList<(Candidate Candidate, Statistic Basis)> Ranking)> profiles)
    {
        ArgumentNullException.ThrowIfNull(profiles);
        var scored = profiles.Where(p => p.Ranking.Count > 0).ToList();
        if (scored.Count == 0)
        {
            return [];
        }
        var candidates = scored[0].Ranking.Select(r => r.Candidate)
            .Where(c => scored.All(p => p.Ranking.Any(r => r.Candidate == c)))
            .ToList();
        var totalWeight = scored.Sum(p => p.Weight);
        return [.. candidates.Select(candidate =>
        {
            double mid = 0, low = 0, high = 0;
            foreach (var (w, ranking) in scored)
            {
                var best = ranking.Max(r => r.Basis.Median);
                var basis = ranking.First(r => r.Candidate == candidate).Basis;
                var median = Math.Log(Positive(basis.Median / best));
                mid += w * median;
                low += Math.Pow(w * (median - Math.Log(Positive(basis.CiLow / best))), 2);
                high += Math.Pow(w * (Math.Log(Positive(basis.CiHigh / best)) - median), 2);
            }
            var center = mid / totalWeight;
            return (Candidate: candidate, Score: Math.Exp(center), Low: Math.Exp(center - (Math.Sqrt(low) / totalWeight)), High: Math.Exp(center + (Math.Sqrt(high) / totalWeight)));
        }).OrderByDescending(s => s.Score).ThenBy(s => s.Candidate.Id, StringComparer.Ordinal)];
    }

    private static double Positive(double ratio) => double.IsFinite(ratio) && ratio > 1e-9 ? ratio : 1e-9;

    private static List<string> Explain(Decision d, IReadOnlyList<SubjectResult> results, HostFacts host)
    {
        var lines = new List<string>();
        foreach (var p in d.Profiles)
        {
            if (p.Winner is null)
            {
                lines.Add($"{p.Profile}: nothing rankable ({p.Excluded.Count} excluded by the constraints, {p.NotRanked.Count} not ranked)");
                continue;
            }
            var w = p.WinnerEntry!;
            var ceiling = w.RatioToHost is { } h ? $", {Figures.Ratio(h)} the host ceiling" : "";
            var basis = w.SustainedIops is not null ? " sustained" : "";
            var line = $"{p.Profile}: {w.Candidate} leads with {Figures.Count(w.Basis.Median)} IOPS{basis} " +
                       $"[95% CI {Figures.Count(w.Basis.CiLow)}–{Figures.Count(w.Basis.CiHigh)}]{ceiling}";
            var next = p.Ranking.FirstOrDefault(r => !r.Tied);
            if (next is not null && next.Basis.Median > 0)
            {
                line += $"; {Figures.Ratio(w.Basis.Median / next.Basis.Median)} the first candidate outside the equivalent set, {next.Candidate}";
            }
            lines.Add(line);
            if (p.TieBreak is not null)
            {
                lines.Add($"{p.Profile}: {p.TieBreak}");
            }
            if (MarginLine(p.Fastest, p.Winner, p.FastestOverWinner, d.Constraints.Margin) is { } margin)
            {
                lines.Add($"{p.Profile}: {margin}");
            }
            BurstLines(p, w, lines);
        }

        foreach (var group in d.Profiles.SelectMany(p => p.Excluded).GroupBy(e => (e.Code, e.Reason)))
        {
            var ids = group.Select(e => e.Subject).Distinct().ToList();
            lines.Add($"excluded, {group.Key.Code}: {group.Key.Reason}: {Names(ids)}");
        }
        foreach (var group in d.Profiles.SelectMany(p => p.NotRanked).Where(e => e.Code != "harness-ceiling").GroupBy(e => e.Code))
        {
            var ids = group.Select(e => e.Subject).Distinct().ToList();
            lines.Add($"not ranked, {group.Key}: {group.First().Reason}: {Names(ids)}");
        }

        if (d.Winner is not null)
        {
            var weights = string.Join(", ", d.Constraints.Workload.Select(w => $"{w.Profile}={Figures.Number(w.Weight)}"));
            var o = d.Overall.First(s => s.Candidate == d.Winner);
            lines.Add($"overall ({weights}): {d.Winner} scores {o.Score:0.00} [{o.ScoreLow:0.00}–{o.ScoreHigh:0.00}] " +
                      "(weighted geometric mean of its ratio to each profile's best)");
            if (d.TieBreak is not null)
            {
                lines.Add($"overall: {d.TieBreak}");
            }
            if (d.Standing is { Kept: false, BeatenBy: { } beaten } replaced)
            {
                lines.Add($"overall: the recommendation of run {replaced.Recommendation.RunId}, {replaced.Recommendation.Overall}, is replaced: {beaten.Candidate} is faster by " +
                          $"{beaten.Ratio.Ratio:0.00}× [{beaten.Ratio.Low:0.00}–{beaten.Ratio.High:0.00}] (more than {Figures.Percent(Equivalence.SwitchingMargin(d.Constraints.Margin))} with 95% confidence)");
            }
            else if (d.Standing is { Kept: false } gone)
            {
                lines.Add($"overall: the recommendation of run {gone.Recommendation.RunId}, {gone.Recommendation.Overall}, is not ranked in this run");
            }
            if (MarginLine(d.Fastest, d.Winner, d.FastestOverWinner, d.Constraints.Margin) is { } margin)
            {
                lines.Add($"overall: {margin}");
            }
            WinnerNotes(d.Winner, d.Constraints, host, lines);
        }
        else if (results.Count > 0)
        {
            lines.Add("overall: no candidate was ranked in every weighted profile within the constraints");
        }
        return lines;
    }

    /// <summary>
    /// The fastest candidate against the winner when they differ: how much faster it is, with its interval, and that
    /// this is within the margin (otherwise it would have won).
    /// </summary>
    private static string? MarginLine(Candidate? fastest, Candidate? winner, SpeedRatio? ratio, double margin) =>
        fastest is null || winner is null || ratio is null || fastest == winner
            ? null
            : $"{fastest} is {Figures.Ratio(ratio.Ratio)} [95% CI {Figures.Ratio(ratio.Low)}–{Figures.Ratio(ratio.High)}] {winner}: " +
              $"not faster by more than the {Figures.Percent(margin)} margin with confidence, so {winner} stands";

    /// <summary>
    /// Burst versus sustained, where they differ by 20% or more: the winner's own figures, and the cached candidate
    /// with the highest burst (the one an operator would be tempted by).
    /// </summary>
    private static void BurstLines(ProfileDecision p, RankedCandidate winner, List<string> lines)
    {
        var w = winner.Candidate;
        var reads = WorkloadProfile.Find(p.Profile) is { Writes: false };
        var why = reads
            ? "reads hit the host page cache only while the working set fits in the host's memory"
            : "the host page cache absorbs writes only until the dirty limit";
        var differing = p.Ranking
            .Where(r => r.BurstIops is { } b && r.SustainedIops is { } s && s > 0 && b / s >= 1.2)
            .ToList();
        if (differing.FirstOrDefault(r => r.Candidate == w) is { } own)
        {
            lines.Add($"{p.Profile}: {own.Candidate} runs at {Figures.Count(own.BurstIops!.Value)} IOPS in burst but {Figures.Count(own.SustainedIops!.Value)} sustained " +
                      $"({why}); ranked on the sustained figure");
        }
        var tempting = differing.Where(r => r.Candidate != w).MaxBy(r => r.BurstIops!.Value);
        if (tempting is null || winner.Basis.Median <= 0)
        {
            return;
        }
        var c = tempting.Candidate;
        var burstRatio = tempting.BurstIops!.Value / winner.Basis.Median;
        var sustainedRatio = tempting.SustainedIops!.Value / winner.Basis.Median;
        var sustainedWords = tempting.Tied ? $"equal sustained ({Figures.Ratio(sustainedRatio)}, intervals overlap)" : $"{Figures.Ratio(sustainedRatio)} sustained";
        lines.Add($"{p.Profile}: cache='{c.Cache.ToLibvirt()}' ({c}) is {Figures.Ratio(burstRatio)} {w} in burst " +
                  $"but {sustainedWords} ({why}){KeepsWhat(w, c)}");
    }

    private static string KeepsWhat(Candidate winner, Candidate other)
    {
        var ws = winner.Cache.Semantics();
        var os = other.Cache.Semantics();
        if (ws.Direct && !os.Direct)
        {
            return $"; cache='{winner.Cache.ToLibvirt()}' keeps migration safety on any QEMU and host memory out of the IO path";
        }
        if (ws.SyncEveryWrite && !os.SyncEveryWrite)
        {
            return $"; cache='{winner.Cache.ToLibvirt()}' makes every write durable";
        }
        return "";
    }

    private static void WinnerNotes(Candidate winner, AdvisorConstraints constraints, HostFacts host, List<string> lines)
    {
        var s = winner.Cache.Semantics();
        var cache = $"cache='{winner.Cache.ToLibvirt()}'";
        if (!s.Direct && !constraints.Migration)
        {
            lines.Add(host.MigrationDropsCache switch
            {
                true => $"{cache} uses the host page cache; it live-migrates safely here (QEMU {host.QemuVersion} >= 4.0 drops the cache, {RuleCatalog.MigrationUnsafeCache.Code})",
                false => $"{cache} uses the host page cache and is not migration-safe with QEMU {host.QemuVersion} ({RuleCatalog.MigrationUnsafeCache.Code}); pass --migration to require it",
                _ => $"{cache} uses the host page cache: migration-safe only with QEMU >= 4.0 ({RuleCatalog.MigrationUnsafeCache.Code}); pass --migration to require it",
            });
        }
        if (s.Direct)
        {
            lines.Add($"{cache} bypasses the host page cache and live-migrates on any QEMU ({RuleCatalog.MigrationUnsafeCache.Code} does not apply)");
        }
        if (s.NoFlush)
        {
            lines.Add($"{cache} ignores guest flushes: data loss on host crash ({RuleCatalog.UnsafeCache.Code}); chosen because --safety any");
        }
        if (s.SyncEveryWrite)
        {
            lines.Add($"{cache} syncs every write ({RuleCatalog.SyncEveryWriteCache.Code}): durable without guest flushes");
        }
        if (winner.Io == IoMode.Native && !winner.Backend.IsPreallocated())
        {
            lines.Add($"io='native' on a sparse image can stall QEMU on filesystem metadata updates ({RuleCatalog.NativeIoOnSparseFile.Code}): prefer a preallocated image");
        }
        if (winner.Io == IoMode.IoUring && winner.Backend == Backend.Lvm)
        {
            lines.Add($"io='io_uring' on LVM has reported hangs ({RuleCatalog.IoUringOnLvm.Code})");
        }
    }

    private static string Names(List<Subject> ids) =>
        ids.Count <= 4 ? string.Join(", ", ids) : $"{string.Join(", ", ids.Take(4))} and {ids.Count - 4} more";
}
