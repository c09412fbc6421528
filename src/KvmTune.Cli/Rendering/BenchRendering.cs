using System.Globalization;
using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Host.Measurement;
using Spectre.Console;

namespace KvmTune.Cli.Rendering;

/// <summary>
/// <c>bench --format json</c>: the run and one entry per engine, subject and profile; the storage ceiling of each
/// backend and profile with the submission strategy that set it; the io probe's results; the candidates above their
/// ceiling by more than their interval, and why.
/// </summary>
internal sealed record BenchJson(
    long? RunId,
    int Candidates,
    int SkippedCandidates,
    bool SustainedMeasured,
    IReadOnlyList<BenchResultJson> Results,
    IReadOnlyList<CeilingJson> Ceilings,
    IReadOnlyList<IoProbeJson> IoProbe,
    IReadOnlyList<ExcessJson> AboveCeiling);

/// <summary>A backend's storage ceiling under a profile: the best of the host engine's submission strategies.</summary>
internal sealed record CeilingJson(string Backend, string Profile, string Strategy, double IopsMedian, double IopsCi95Low, double IopsCi95High, int Repeats);

/// <summary>One io probe cycle (write, flush, read back) with a backend, cache and aio mode.</summary>
internal sealed record IoProbeJson(string Backend, string Cache, string Aio, string Outcome, double Seconds, string? Detail);

/// <summary>A candidate above its ceiling by more than both intervals.</summary>
internal sealed record ExcessJson(string Candidate, string Profile, double Ratio, string CeilingStrategy, string Reason);

/// <summary>One result of <c>bench --format json</c>.</summary>
internal sealed record BenchResultJson(
    string Engine,
    string Candidate,
    string? Backend,
    string? Cache,
    string? Aio,
    string Profile,
    int Repeats,
    double IopsMedian,
    double IopsCi95Low,
    double IopsCi95High,
    double IopsCv,
    double MbpsMedian,
    double MbpsCi95Low,
    double MbpsCi95High,
    double? LatencyP50Us,
    double? LatencyP99Us,
    double? RatioToHost,
    bool HarnessBound,
    bool FunctionalOnly,
    double? BurstIops,
    double? SustainedIops,
    string? Skipped)
{
    /// <summary>Host rows: the submission strategy measured (<c>io_uring+batch+fixed</c>).</summary>
    public string? Strategy { get; init; }

    /// <summary>Host rows: true for the strategy that set the backend's ceiling.</summary>
    public bool? SetsCeiling { get; init; }

    /// <summary>Candidate rows: the strategy of the ceiling <c>ratio_to_host</c> divides by.</summary>
    public string? CeilingStrategy { get; init; }

    /// <summary>Skipped rows: why, when there is more to say than the code (the io probe's result).</summary>
    public string? SkippedReason { get; init; }
}

/// <summary>How a bench outcome is shown: a table for people, <see cref="BenchJson"/> for automation.</summary>
internal static class BenchRendering
{
    public static BenchJson Json(BenchOutcome outcome, BenchPlan plan)
    {
        var ceilings = CeilingCheck.Best(outcome.Results);
        string? CeilingStrategy(SubjectResult r) => r.Engine == Engine.Host || r.Subject.Backend is not { } b ? null
            : ceilings.FirstOrDefault(c => c.Subject.Backend == b && c.Profile == r.Profile) is { } c ? CeilingCheck.StrategyOf(c).Name : null;
        var measured = outcome.Plan ?? plan;
        return new(
        outcome.RunId,
        measured.Candidates.Count,
        measured.Skipped.Count + measured.Excluded.Count + measured.OutsideConstraints.Count,
        outcome.SustainedAvailable,
        [.. outcome.Results.Select(r => new BenchResultJson(
            r.Engine.ToName(),
            r.Subject.ToString()!,
            r.Subject.Backend?.ToName(),
            r.Candidate?.Cache.ToLibvirt(),
            r.Candidate?.Io.ToLibvirt(),
            r.Profile,
            r.Iops.N,
            Math.Round(r.Iops.Median, 0),
            Math.Round(r.Iops.CiLow, 0),
            Math.Round(r.Iops.CiHigh, 0),
            Math.Round(r.Iops.CoefficientOfVariation, 4),
            Math.Round(r.MBps.Median, 2),
            Math.Round(r.MBps.CiLow, 2),
            Math.Round(r.MBps.CiHigh, 2),
            r.LatencyP50Us is { } p50 ? Math.Round(p50, 1) : null,
            r.LatencyP99Us is { } p99 ? Math.Round(p99, 1) : null,
            r.RatioToHost is { } ratio ? Math.Round(ratio, 4) : null,
            r.HarnessBound,
            r.FunctionalOnly,
            r.BurstIops is { } burst ? Math.Round(burst, 0) : null,
            r.SustainedIops is { } sustained ? Math.Round(sustained, 0) : null,
            r.SkippedCode)
        {
            Strategy = (r.Subject as StorageCeiling)?.Strategy.Name,
            SetsCeiling = r.Engine == Engine.Host ? ceilings.Contains(r) : null,
            CeilingStrategy = CeilingStrategy(r),
            SkippedReason = r.SkippedReason,
        })],
        [.. ceilings.Select(c => new CeilingJson(c.Subject.Backend!.Value.ToName(), c.Profile, CeilingCheck.StrategyOf(c).Name,
            Math.Round(c.Iops.Median, 0), Math.Round(c.Iops.CiLow, 0), Math.Round(c.Iops.CiHigh, 0), c.Iops.N))],
        [.. outcome.IoChecks.Select(c => new IoProbeJson(c.Backend.ToName(), c.Cache.ToLibvirt(), c.Io.ToLibvirt(), IoModeCheck.Name(c.Outcome), Math.Round(c.Seconds, 3), c.Detail.Length == 0 ? null : c.Detail))],
        [.. CeilingCheck.Excesses(outcome.Results).Select(e => new ExcessJson(e.Candidate.Id, e.Profile, Math.Round(e.Ratio, 3), CeilingCheck.StrategyOf(e.Ceiling).Name, e.Reason))]);
    }

    public static void Table(IAnsiConsole console, BenchOutcome outcome)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("engine", "candidate", "profile", "IOPS (median)", "95% CI", "CV", "MB/s", "p50 µs", "p99 µs", "÷ host", "notes");
        foreach (var r in outcome.Results.OrderBy(r => r.Profile, StringComparer.Ordinal).ThenBy(r => r.Engine).ThenByDescending(r => r.Iops.Median))
        {
            var notes = new List<string>();
            if (r.SkippedCode is { } code)
            {
                notes.Add(r.SkippedReason is { } why ? $"skipped {code}: {why}" : $"skipped {code}");
            }
            if (r.Subject is StorageCeiling ceiling)
            {
                notes.Add(CeilingCheck.Best(outcome.Results).Contains(r) ? $"{ceiling.Strategy.Name}: sets the ceiling" : ceiling.Strategy.Name);
            }
            if (r.HarnessBound)
            {
                notes.Add(r.Subject is HarnessCeiling ? "harness ceiling" : "harness-bound");
            }
            if (r.SustainedIops is { } sustained)
            {
                notes.Add($"sustained {N(sustained, "N0")}");
            }
            var skipped = r.SkippedCode is not null;
            table.AddRow(
                r.Engine.ToName(),
                Markup.Escape(r.Subject.ToString()!),
                Markup.Escape(r.Profile),
                skipped ? "-" : N(r.Iops.Median, "N0"),
                skipped ? "-" : $"{N(r.Iops.CiLow, "N0")}–{N(r.Iops.CiHigh, "N0")}",
                skipped ? "-" : N(r.Iops.CoefficientOfVariation, "P1"),
                skipped ? "-" : N(r.MBps.Median, "N1"),
                r.LatencyP50Us is { } p50 ? N(p50, "N0") : "-",
                r.LatencyP99Us is { } p99 ? N(p99, "N0") : "-",
                r.RatioToHost is { } ratio ? N(ratio, "P0") : "-",
                Markup.Escape(string.Join(", ", notes)));
        }
        console.Write(table);
        if (!outcome.SustainedAvailable)
        {
            console.MarkupLine("[yellow]no memory cgroup available: sustained figures not measured[/]");
        }
    }

    private static string N(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
