using System.Text.Json;
using System.Text.Json.Serialization;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;

namespace KvmTune.Storage;

/// <summary>
/// The JSON columns of the store (<c>candidates.result_json</c>, <c>runs.settings_json</c>) in the shape every stored
/// run has had since the first schema: what a <see cref="SubjectResult"/> and a <see cref="RunSettings"/> look like on
/// disk, with subjects as text (<see cref="SubjectCodec"/>). Old runs load through the same records.
/// </summary>
internal static class StoredRecords
{
    /// <summary>The store's own JSON convention (camelCase, enums kebab-case, as written since schema 1).</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static string ResultJson(SubjectResult r) => JsonSerializer.Serialize(new StoredResult(
        r.Engine, SubjectCodec.Format(r.Subject), r.Profile, r.Iops, r.MBps, r.LatencyP50Us, r.LatencyP99Us)
    {
        RatioToHost = r.RatioToHost,
        HarnessBound = r.HarnessBound,
        FunctionalOnly = r.FunctionalOnly,
        BurstIops = r.BurstIops,
        SustainedIops = r.SustainedIops,
        Sustained = r.Sustained,
        SkippedCode = r.SkippedCode,
        SkippedReason = r.SkippedReason,
    }, Json);

    public static SubjectResult Result(string json, string where)
    {
        var stored = JsonSerializer.Deserialize<StoredResult>(json, Json) ?? throw new InvalidDataException($"{where}: empty result");
        var subject = SubjectCodec.Parse(stored.CandidateId)?.Subject
            ?? throw new InvalidDataException($"{where}: unknown subject '{stored.CandidateId}'");
        return new SubjectResult(stored.Engine, subject, stored.Profile, stored.Iops, stored.MBps, stored.LatencyP50Us, stored.LatencyP99Us)
        {
            RatioToHost = stored.RatioToHost,
            HarnessBound = stored.HarnessBound,
            FunctionalOnly = stored.FunctionalOnly,
            BurstIops = stored.BurstIops,
            SustainedIops = stored.SustainedIops,
            Sustained = stored.Sustained,
            SkippedCode = stored.SkippedCode,
            SkippedReason = stored.SkippedReason,
        };
    }

    public static string SettingsJson(RunSettings s) => JsonSerializer.Serialize(new StoredSettings
    {
        Engines = [.. s.Engines.Select(e => e.ToName())],
        Backends = [.. s.Backends.Select(b => b.ToName())],
        Candidates = [.. s.Candidates.Select(SubjectCodec.CandidateText)],
        Skipped = [.. s.Skipped.Select(SubjectCodec.CandidateText)],
        Profiles = [.. s.Profiles],
        Seconds = s.Seconds,
        Size = s.SizeBytes,
        Repeats = [.. s.Repeats],
        Vg = s.VolumeGroup,
        Device = s.Device,
    }, Json);

    /// <summary>The settings of a run; text a run stored that this KvmTune cannot read gives empty settings.</summary>
    public static RunSettings Settings(string json)
    {
        StoredSettings? stored;
        try
        {
            stored = string.IsNullOrWhiteSpace(json) ? null : JsonSerializer.Deserialize<StoredSettings>(json, Json);
        }
        catch (JsonException)
        {
            return RunSettings.Empty;
        }
        if (stored is null)
        {
            return RunSettings.Empty;
        }
        return new RunSettings
        {
            Engines = [.. (stored.Engines ?? []).Select(Engines.Parse).OfType<Engine>()],
            Backends = [.. (stored.Backends ?? []).Select(Backends.Parse).OfType<Backend>()],
            Candidates = [.. (stored.Candidates ?? []).Select(SubjectCodec.ParseCandidate).OfType<Candidate>()],
            Skipped = [.. (stored.Skipped ?? []).Select(SubjectCodec.ParseCandidate).OfType<Candidate>()],
            Profiles = [.. stored.Profiles ?? []],
            Seconds = stored.Seconds,
            SizeBytes = stored.Size,
            Repeats = [.. stored.Repeats ?? []],
            VolumeGroup = stored.Vg,
            Device = stored.Device,
        };
    }

    private sealed record StoredResult(
        Engine Engine,
        string CandidateId,
        string Profile,
        Statistic Iops,
        Statistic MBps,
        double? LatencyP50Us,
        double? LatencyP99Us)
    {
        public double? RatioToHost { get; init; }
        public bool HarnessBound { get; init; }
        public bool FunctionalOnly { get; init; }
        public double? BurstIops { get; init; }
        public double? SustainedIops { get; init; }
        public Statistic? Sustained { get; init; }
        public string? SkippedCode { get; init; }
        public string? SkippedReason { get; init; }
    }

    private sealed record StoredSettings
    {
        public List<string>? Engines { get; init; }
        public List<string>? Backends { get; init; }
        public List<string>? Candidates { get; init; }
        public List<string>? Skipped { get; init; }
        public List<string>? Profiles { get; init; }
        public double Seconds { get; init; }
        public long Size { get; init; }
        public List<int>? Repeats { get; init; }
        public string? Vg { get; init; }
        public string? Device { get; init; }
    }
}
