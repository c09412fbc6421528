using System.Text.Json;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Services.Stores;

namespace KvmTune.Cli.Rendering;

/// <summary><c>show --format json</c>: a stored run whole.</summary>
internal sealed record RunJson(
    long Id,
    DateTimeOffset Started,
    DateTimeOffset? Finished,
    string Command,
    string Status,
    SettingsJson Settings,
    IReadOnlyDictionary<string, string> HostFacts,
    IReadOnlyList<ResultJson> Results,
    IReadOnlyList<SampleJson> Samples);

/// <summary>What the run measured and how.</summary>
internal sealed record SettingsJson(
    IReadOnlyList<string> Engines,
    IReadOnlyList<string> Backends,
    IReadOnlyList<string> Candidates,
    IReadOnlyList<string> Skipped,
    IReadOnlyList<string> Profiles,
    double Seconds,
    long SizeBytes,
    IReadOnlyList<int> Repeats,
    string? VolumeGroup,
    string? Device);

/// <summary>One summarised result.</summary>
internal sealed record ResultJson(
    string Engine,
    string Subject,
    string Profile,
    Statistic Iops,
    Statistic Mbps,
    double? LatencyP50Us,
    double? LatencyP99Us,
    double? RatioToHost,
    bool HarnessBound,
    bool FunctionalOnly,
    double? BurstIops,
    double? SustainedIops,
    Statistic? Sustained,
    string? SkippedCode,
    bool Rankable);

/// <summary>One repeat.</summary>
internal sealed record SampleJson(
    string Engine,
    string Subject,
    string Phase,
    string Profile,
    int Repeat,
    double Iops,
    double Mbps,
    double? LatencyP50Us,
    double? LatencyP99Us,
    DateTimeOffset Started,
    double Seconds,
    IReadOnlyList<double> PerSecondIops,
    JsonElement? RawOutput,
    string? RawText);

/// <summary><c>history --format json</c>: one stored run and the decision's winner.</summary>
internal sealed record RunSummaryJson(long Id, DateTimeOffset Started, DateTimeOffset? Finished, string Command, string Status, int Candidates, WinnerJson? Winner);

/// <summary>The decision's overall winner of a run; <c>decided_now</c> when the run predates stored winners.</summary>
internal sealed record WinnerJson(string Candidate, string Backend, string Cache, string Aio, bool DecidedNow);

/// <summary>How stored runs appear in JSON.</summary>
internal static class StoreJson
{
    public static RunJson Run(RunData run, bool raw)
    {
        var s = run.Info.Settings;
        return new RunJson(
            run.Info.Id,
            run.Info.StartedAt,
            run.Info.FinishedAt,
            run.Info.Command,
            run.Info.Status,
            new SettingsJson(
                [.. s.Engines.Select(e => e.ToName())],
                [.. s.Backends.Select(b => b.ToName())],
                [.. s.Candidates.Select(c => c.Id)],
                [.. s.Skipped.Select(c => c.Id)],
                s.Profiles,
                s.Seconds,
                s.SizeBytes,
                s.Repeats,
                s.VolumeGroup,
                s.Device),
            run.HostFacts.GroupBy(f => f.Key).ToDictionary(g => g.Key, g => g.Last().Value),
            [.. run.Results.Select(r => new ResultJson(
                r.Engine.ToName(), r.Subject.ToString()!, r.Profile, r.Iops, r.MBps, r.LatencyP50Us, r.LatencyP99Us, r.RatioToHost,
                r.HarnessBound, r.FunctionalOnly, r.BurstIops, r.SustainedIops, r.Sustained, r.SkippedCode, r.Rankable))],
            [.. run.Samples.Select(x => new SampleJson(
                x.Engine.ToName(), x.Subject.ToString()!, x.Phase == Phase.Sustained ? "sustained" : "burst", x.Profile, x.Repeat, x.Iops, x.MBps,
                x.LatencyP50Us, x.LatencyP99Us, x.StartedAt, x.Seconds, x.PerSecondIops,
                raw ? AsJson(x.RawOutput) : null, raw && AsJson(x.RawOutput) is null ? x.RawOutput : null))]);
    }

    /// <summary>A tool's output that is JSON (fio's) as a JSON value; null for text (qemu-img bench's), kept as raw_text.</summary>
    private static JsonElement? AsJson(string? output)
    {
        if (output is null || !output.TrimStart().StartsWith('{'))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(output);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static RunSummaryJson Summary(RunHistoryEntry entry)
    {
        var r = entry.Summary;
        return new(
            r.Info.Id, r.Info.StartedAt, r.Info.FinishedAt, r.Info.Command, r.Info.Status, r.CandidateCount,
            entry.Winner is not { } w ? null : new WinnerJson(w.Id, w.Backend.ToName(), w.Cache.ToLibvirt(), w.Io.ToLibvirt(), entry.DecidedNow));
    }
}
