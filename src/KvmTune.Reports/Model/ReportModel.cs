using KvmTune.Core.Apply;
using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;

namespace KvmTune.Reports.Model;

/// <summary>
/// Everything a report shows, in one shape every exporter reads: the run, the host facts, per profile the measured
/// candidates with their status in the decision, the decision and its rationale, and the lines to apply.
/// Built from stored <see cref="RunData"/> and the advisor's <see cref="Decision"/>, so a report of a stored run
/// is the same as the report of the run when it finished.
/// </summary>
public sealed record ReportModel(
    RunSection Run,
    IReadOnlyList<FactRow> HostFacts,
    IReadOnlyList<ProfileSection> Profiles,
    DecisionSection Decision,
    ApplySection Apply)
{
    /// <summary>Builds the model of a run from its data, the decision over it and the recommendation.</summary>
    public static ReportModel Build(RunData run, Decision decision, Recommendation recommendation)
    {
        ArgumentNullException.ThrowIfNull(run);
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(recommendation);
        var info = run.Info;
        var load = HostLoad.From(run.HostFacts);
        var runSection = new RunSection(info.Id, info.StartedAt, info.FinishedAt, info.Command, info.Status,
            info.FinishedAt is { } f ? (f - info.StartedAt).TotalSeconds : null)
        {
            LoadNote = load.Sentence,
            Busy = load.Busy,
        };
        var facts = run.HostFacts.Select(kv => new FactRow(kv.Key, kv.Value)).ToList();
        var profiles = decision.Profiles.Select(p => Profile(p, decision, run)).ToList();
        // Profiles measured but left out of the workload still appear, unranked, so nothing measured is hidden.
        foreach (var name in Advisor.MeasuredProfiles(run.Results).Where(n => decision.Profiles.All(p => p.Profile != n)))
        {
            var empty = new ProfileDecision(name, 0, [], null, [], null, [], [], new Dictionary<Backend, Statistic>());
            profiles.Add(Profile(empty, decision, run));
        }
        var c = decision.Constraints;
        var constraints = new ConstraintsRow(
            AdvisorConstraints.ToName(c.Safety), c.Migration, c.Snapshots,
            [.. c.Workload.Select(w => new WeightRow(w.Profile, w.Weight))])
        {
            Margin = c.Margin,
        };
        var overall = decision.Overall.Select(o => new OverallRow(o.Rank, o.Candidate.Id, o.Score, o.ScoreLow, o.ScoreHigh, o.Tied && decision.Tie.Count > 1)).ToList();
        var imageOptions = recommendation.ImageOptions;
        var decisionSection = new DecisionSection(decision.Winner?.Id, Ids(decision.Tie), decision.TieBreak, constraints, overall,
            new SortedDictionary<string, string>(decision.WinnerBySourceType.ToDictionary(kv => kv.Key, kv => kv.Value.Id), StringComparer.Ordinal),
            decision.Rationale)
        {
            Fastest = Margin(decision.Fastest, decision.FastestOverWinner),
            Margins = MarginRows(decision),
            ImageOptions = imageOptions is null ? null : new ImageOptionsRow(
                imageOptions.Candidate.Id, imageOptions.Candidate.Options.Text, imageOptions.Sentence, imageOptions.Driver.ToXml(), imageOptions.ImageCreation, imageOptions.Lines),
            Standing = decision.Standing is not { } st ? null : new StandingRow(st.Recommendation.RunId, st.Recommendation.Overall.Id, st.Kept,
                st.BeatenBy?.Candidate.Id, st.BeatenBy?.Ratio.Ratio, st.BeatenBy?.Ratio.Low, st.BeatenBy?.Ratio.High),
            AboveCeiling = [.. CeilingCheck.Excesses(run.Results)
                .Select(e => $"{e.Profile}: {e.Candidate} is {Figures.Ratio(e.Ratio)} its storage ceiling ({e.Ceiling.Subject.Backend!.Value.ToName()} by {CeilingCheck.StrategyOf(e.Ceiling).Name}), beyond both intervals: {e.Reason}")],
        };
        var apply = new ApplySection(
            recommendation.NovaConfSnippet(),
            [.. recommendation.Nova.Select(l => new NovaRow(l.Section, l.Key, l.Value, l.KvmTuneOnly))],
            new SortedDictionary<string, string>(recommendation.DriverElements.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal),
            new SortedDictionary<string, string>(recommendation.FlavorExtraSpecs.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal),
            recommendation.Notes,
            recommendation.Policy.ToJson());
        return new ReportModel(runSection, facts, profiles, decisionSection, apply);
    }

    /// <summary>
    /// The speed ratio of each winner over the candidate it was chosen against, with its interval.
    /// </summary>
    // TODO(issue 12 item 0): the lead's practical-equivalence margin adds a ratio-with-interval per profile winner and
    // for the overall winner to Decision; map it here (one row each). The HTML and Markdown exporters already show
    // these rows under the winner, and nothing while the list is empty.
    private static List<MarginRow> MarginRows(Decision decision)
    {
        var margin = decision.Constraints.Margin;
        var rows = decision.Profiles
            .Where(p => p.Winner is not null && p.Fastest is not null && p.FastestOverWinner is not null && p.Fastest != p.Winner)
            .Select(p => new MarginRow(p.Profile, p.Fastest!.Id, p.Winner!.Id, p.FastestOverWinner!.Ratio, p.FastestOverWinner.Low, p.FastestOverWinner.High, margin))
            .ToList();
        if (decision is { Winner: { } w, Fastest: { } f, FastestOverWinner: { } r } && f != w)
        {
            rows.Add(new MarginRow("overall", f.Id, w.Id, r.Ratio, r.Low, r.High, margin));
        }
        return rows;
    }

    private static ProfileSection Profile(ProfileDecision p, Decision decision, RunData run)
    {
        var rows = new List<CandidateRow>();
        var results = run.Results.Where(r => r.Profile == p.Profile).ToList();
        foreach (var r in results.Where(r => r.Engine != Engine.Host && r.Subject is not HarnessCeiling)
                     .OrderBy(r => r.Engine)
                     .ThenBy(r => p.Ranking.FirstOrDefault(k => k.Candidate == r.Candidate && r.Engine == Engine.Qemu)?.Rank ?? int.MaxValue)
                     .ThenByDescending(r => r.Iops.Median)
                     .ThenBy(r => r.Subject.ToString(), StringComparer.Ordinal))
        {
            var ranked = r.Engine == Engine.Qemu ? p.Ranking.FirstOrDefault(k => k.Candidate == r.Candidate) : null;
            var excluded = p.Excluded.FirstOrDefault(e => e.Subject == r.Subject && e.Engine == r.Engine);
            var notRanked = p.NotRanked.FirstOrDefault(e => e.Subject == r.Subject && e.Engine == r.Engine);
            var (status, code, note) = ranked switch
            {
                not null when r.Candidate == p.Winner => (p.Tie.Count > 1 ? "winner (tie)" : "winner", (string?)null, (string?)null),
                { Tied: true } => ("tie", null, null),
                not null => ("ranked", null, null),
                _ when excluded is not null => ("excluded", excluded.Code, excluded.Reason),
                _ when notRanked is not null => ("not ranked", notRanked.Code, notRanked.Reason),
                _ => ("not in workload", null, null),
            };
            if (r.SkippedReason is { } why)
            {
                note = why;
            }
            var basis = r.Iops.N > 0 ? Advisor.Basis(r) : null;
            var ceilingResult = r.Subject.Backend is { } b ? CeilingCheck.Best(results, b, p.Profile) : null;
            rows.Add(new CandidateRow(
                r.Engine.ToName(), r.Subject.ToString(), r.Candidate?.Cache.ToLibvirt(), status, code, note, ranked?.Rank,
                r.Iops.Median, r.Iops.CiLow, r.Iops.CiHigh, r.Iops.CoefficientOfVariation, r.Iops.N,
                r.MBps.Median, r.MBps.CiLow, r.MBps.CiHigh,
                r.LatencyP50Us, r.LatencyP99Us,
                ranked?.RatioToHost ?? r.RatioToHost, ranked?.RatioToBest,
                r.BurstIops, r.SustainedIops,
                ceilingResult?.Iops.Median)
            {
                Backend = r.Subject.Backend?.ToName(),
                RankMedian = basis?.Median,
                RankLow = basis?.CiLow,
                RankHigh = basis?.CiHigh,
                RankedOnSustained = basis is not null && r.Sustained is { N: > 0 } || r.SustainedIops is not null,
                Skipped = r.SkippedCode is not null,
                CeilingStrategy = ceilingResult is null ? null : CeilingCheck.StrategyOf(ceilingResult).Name,
            });
        }
        var best = CeilingCheck.Best(results);
        var ceilings = results.Where(r => r.Engine == Engine.Host && r.Subject is StorageCeiling)
            .OrderBy(r => r.Subject.Backend)
            .ThenByDescending(r => r.Iops.Median)
            .Select(r => new CeilingRow(r.Subject.Backend!.Value.ToName(), r.Iops.Median, r.Iops.CiLow, r.Iops.CiHigh,
                r.MBps.Median, r.MBps.CiLow, r.MBps.CiHigh, r.LatencyP50Us, r.LatencyP99Us)
            {
                Strategy = ((StorageCeiling)r.Subject).Strategy.Name,
                SetsCeiling = best.Contains(r),
            })
            .ToList();
        var harness = results.FirstOrDefault(r => r.Subject is HarnessCeiling && r.Iops.N > 0);
        return new ProfileSection(p.Profile, p.Weight, p.Winner?.Id, Ids(p.Tie), p.TieBreak, rows, ceilings, Series(p, run))
        {
            Fastest = Margin(p.Fastest, p.FastestOverWinner),
            HarnessCeilingIops = harness?.Iops.Median,
            HarnessCeilingMBps = harness?.MBps.Median,
        };
    }

    // Per-second IOPS of the cached modes (the host page cache makes burst and sustained differ) and of the
    // profile's winner for comparison: one sample each, the repeat with the median IOPS.
    private static List<SeriesRow> Series(ProfileDecision p, RunData run)
    {
        return [.. run.Samples
            .Where(s => s.Profile == p.Profile && s.Engine != Engine.Host && s.PerSecondIops.Count > 1 && s.Phase == Phase.Burst && s.Subject.Candidate is not null)
            .Where(s => s.Subject.Candidate == p.Winner || s.Subject.Candidate!.Cache.Semantics().UsesHostPageCache)
            .GroupBy(s => (s.Engine, s.Subject))
            .Select(g =>
            {
                var ordered = g.OrderBy(s => s.Iops).ThenBy(s => s.Repeat).ToList();
                var median = ordered[(ordered.Count - 1) / 2];
                return new SeriesRow(median.Engine.ToName(), median.Subject.ToString()!, median.Repeat, median.PerSecondIops);
            })
            .OrderBy(s => s.Engine, StringComparer.Ordinal)
            .ThenBy(s => s.CandidateId, StringComparer.Ordinal)];
    }

    private static FastestRow? Margin(Candidate? fastest, SpeedRatio? ratio) =>
        fastest is null || ratio is null ? null : new FastestRow(fastest.Id, ratio.Ratio, ratio.Low, ratio.High);

    private static List<string> Ids(IEnumerable<Candidate> candidates) => [.. candidates.Select(c => c.Id)];
}

/// <summary>The run: id, times, command line, status.</summary>
public sealed record RunSection(long Id, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string Command, string Status, double? Seconds)
{
    /// <summary>How busy the host was (load average before and after against the cores), or null when not recorded.</summary>
    public string? LoadNote { get; init; }

    /// <summary>True when the host was busy while measuring (<see cref="HostLoad.Busy"/>).</summary>
    public bool Busy { get; init; }
}

/// <summary>One host fact (<c>qemu.version</c> = <c>7.2.0</c>).</summary>
public sealed record FactRow(string Key, string Value);

/// <summary>One profile's measurements and decision.</summary>
public sealed record ProfileSection(
    string Name,
    double Weight,
    string? Winner,
    IReadOnlyList<string> Tie,
    string? TieBreak,
    IReadOnlyList<CandidateRow> Candidates,
    IReadOnlyList<CeilingRow> HostCeilings,
    IReadOnlyList<SeriesRow> Series)
{
    /// <summary>The profile's fastest candidate against its winner, when they differ.</summary>
    public FastestRow? Fastest { get; init; }

    /// <summary>The qemu engine's own ceiling (<c>qemu-img bench</c> on null-co), when measured.</summary>
    public double? HarnessCeilingIops { get; init; }

    /// <summary>The same in MB/s.</summary>
    public double? HarnessCeilingMBps { get; init; }
}

/// <summary>
/// One result of the qemu or guest engine with its status in the decision (<c>Status</c>: winner, winner (tie), tie,
/// ranked, excluded, not ranked, not in workload; <c>Code</c>: the rule code or marking behind an exclusion or a
/// not-ranked status; <c>HostCeilingIops</c>: the host engine's median IOPS for the candidate's backend).
/// </summary>
public sealed record CandidateRow(
    string Engine,
    string CandidateId,
    string? Cache,
    string Status,
    string? Code,
    string? Note,
    int? Rank,
    double IopsMedian,
    double IopsLow,
    double IopsHigh,
    double IopsCv,
    int Repeats,
    double MBpsMedian,
    double MBpsLow,
    double MBpsHigh,
    double? LatencyP50Us,
    double? LatencyP99Us,
    double? RatioToHost,
    double? RatioToBest,
    double? BurstIops,
    double? SustainedIops,
    double? HostCeilingIops)
{
    /// <summary>The backend the candidate runs on (<c>raw-prealloc</c>): the key of its host ceiling.</summary>
    public string? Backend { get; init; }

    /// <summary>The median of what the candidate is ranked on: the sustained statistic for a cached mode, else IOPS.</summary>
    public double? RankMedian { get; init; }

    /// <summary>The lower bound of the ranking statistic's 95% interval.</summary>
    public double? RankLow { get; init; }

    /// <summary>The upper bound of the ranking statistic's 95% interval.</summary>
    public double? RankHigh { get; init; }

    /// <summary>True when the ranking statistic is the sustained one (a cached mode): the burst is then secondary.</summary>
    public bool RankedOnSustained { get; init; }

    /// <summary>True when the candidate was never measured (it cannot start, or the io probe excluded it).</summary>
    public bool Skipped { get; init; }

    /// <summary>The submission strategy that set the ceiling <see cref="HostCeilingIops"/>.</summary>
    public string? CeilingStrategy { get; init; }
}

/// <summary>The host engine's result for one backend and submission strategy.</summary>
public sealed record CeilingRow(string Backend, double IopsMedian, double IopsLow, double IopsHigh, double MBpsMedian, double MBpsLow, double MBpsHigh, double? LatencyP50Us, double? LatencyP99Us)
{
    /// <summary>The submission strategy (<c>io_uring+batch+fixed</c>; <c>libaio</c> in runs stored before strategies).</summary>
    public string Strategy { get; init; } = "libaio";

    /// <summary>True for the backend's best strategy: the storage ceiling.</summary>
    public bool SetsCeiling { get; init; }
}

/// <summary>Per-second IOPS of one repeat (burst vs sustained).</summary>
public sealed record SeriesRow(string Engine, string CandidateId, int Repeat, IReadOnlyList<double> PerSecondIops);

/// <summary>The constraints the decision applied.</summary>
public sealed record ConstraintsRow(string Safety, bool Migration, bool Snapshots, IReadOnlyList<WeightRow> Workload)
{
    /// <summary>The practical-equivalence margin (0.1 = 10%).</summary>
    public double Margin { get; init; }
}

/// <summary>
/// The candidate most surely fast when it is not the winner, and how much faster than the winner it is (ratio with its
/// 95% interval): within the margin, or it would have won.
/// </summary>
public sealed record FastestRow(string Candidate, double RatioToWinner, double RatioLow, double RatioHigh);

/// <summary>A profile's weight.</summary>
public sealed record WeightRow(string Profile, double Weight);

/// <summary>One candidate's overall score.</summary>
public sealed record OverallRow(int Rank, string CandidateId, double Score, double ScoreLow, double ScoreHigh, bool Tied);

/// <summary>The decision and its reasons.</summary>
public sealed record DecisionSection(
    string? Winner,
    IReadOnlyList<string> Tie,
    string? TieBreak,
    ConstraintsRow Constraints,
    IReadOnlyList<OverallRow> Overall,
    IReadOnlyDictionary<string, string> WinnerBySourceType,
    IReadOnlyList<string> Rationale)
{
    /// <summary>The fastest candidate overall against the winner, when they differ.</summary>
    public FastestRow? Fastest { get; init; }

    /// <summary>Where the fastest candidate is not the winner: how much faster, with its 95% interval (per profile, then overall).</summary>
    public IReadOnlyList<MarginRow> Margins { get; init; } = [];

    /// <summary>Image options that beat the winner's defaults outside the intervals, or null.</summary>
    public ImageOptionsRow? ImageOptions { get; init; }

    /// <summary>Candidates above their storage ceiling by more than both intervals, and why (one sentence each).</summary>
    public IReadOnlyList<string> AboveCeiling { get; init; } = [];

    /// <summary>The standing recommendation of the previous run of this plan on this host, and whether it stayed; null when none.</summary>
    public StandingRow? Standing { get; init; }
}

/// <summary>The fastest candidate's speed ratio over the winner with its 95% interval (<c>Scope</c>: a profile or <c>overall</c>);
/// the winner stands because the ratio is not surely above 1 + <c>Margin</c>.</summary>
public sealed record MarginRow(string Scope, string Fastest, string Winner, double Ratio, double Low, double High, double Margin);

/// <summary>Winning image options: which, why, and what carries them.</summary>
public sealed record ImageOptionsRow(string Candidate, string Options, string Sentence, string Driver, string? ImageCreation, IReadOnlyList<string> Carriers);

/// <summary>What to apply: nova.conf, libvirt driver elements, flavor QoS, the policy file.</summary>
public sealed record ApplySection(
    string NovaConf,
    IReadOnlyList<NovaRow> NovaLines,
    IReadOnlyDictionary<string, string> DriverElements,
    IReadOnlyDictionary<string, string> FlavorExtraSpecs,
    IReadOnlyList<string> Notes,
    [property: System.Text.Json.Serialization.JsonIgnore] string PolicyJson)
{
    /// <summary>The policy file's content as a JSON value (the report's JSON carries the document, not its text).</summary>
    public System.Text.Json.JsonElement Policy
    {
        get
        {
            using var document = System.Text.Json.JsonDocument.Parse(PolicyJson);
            return document.RootElement.Clone();
        }
    }
}

/// <summary>One nova.conf key.</summary>
public sealed record NovaRow(string Section, string Key, string Value, bool KvmTuneOnly);

/// <summary>
/// The recommendation of an earlier run of the same plan on the same host under the same constraints: its overall winner,
/// whether it stays, and when not, the candidate that beats it and by how much (ratio with its 95% interval).
/// </summary>
public sealed record StandingRow(long RunId, string Candidate, bool Kept, string? BeatenBy, double? Ratio, double? RatioLow, double? RatioHigh);
