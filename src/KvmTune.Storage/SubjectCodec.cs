using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;

namespace KvmTune.Storage;

/// <summary>
/// The one place a <see cref="Subject"/> and its <see cref="Phase"/> become text and text becomes them again: the
/// <c>candidate_id</c> column of samples and results. The forms, unchanged since the first schema:
/// a candidate is <c>BACKEND/CACHE/IO</c> (<c>raw-prealloc/none/native</c>), its sustained phase adds
/// <c>#sustained</c>; a storage ceiling (host engine) is the backend's name (<c>raw-prealloc</c>); the harness
/// ceiling is <c>null-co</c>.
/// </summary>
public static class SubjectCodec
{
    /// <summary>The text of the harness ceiling.</summary>
    public const string HarnessText = "null-co";

    /// <summary>The suffix of a sustained-phase subject.</summary>
    public const string SustainedSuffix = "#sustained";

    /// <summary>The stored text of a subject in a phase.</summary>
    public static string Format(Subject subject, Phase phase = Phase.Burst)
    {
        ArgumentNullException.ThrowIfNull(subject);
        var text = subject switch
        {
            CandidateSubject c => CandidateText(c.Value),
            StorageCeiling s => s.Strategy == SubmissionStrategy.Legacy ? s.Storage.ToName() : $"{s.Storage.ToName()}@{s.Strategy.Name}",
            HarnessCeiling => HarnessText,
            _ => throw new ArgumentOutOfRangeException(nameof(subject), subject, "unknown subject"),
        };
        return phase == Phase.Sustained ? text + SustainedSuffix : text;
    }

    /// <summary>
    /// The stored text of a candidate (<c>raw-prealloc/none/native</c>); image options, when set, follow a colon in
    /// their canonical text (<c>qcow2-metadata/none/native:cluster_size=2M,l2_cache=whole</c>).
    /// </summary>
    public static string CandidateText(Candidate candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var text = $"{candidate.Backend.ToName()}/{candidate.Cache.ToLibvirt()}/{candidate.Io.ToLibvirt()}";
        return candidate.Options.IsDefault ? text : $"{text}:{candidate.Options.Text}";
    }

    /// <summary>Parses a stored subject; null when the text is none of the forms.</summary>
    public static (Subject Subject, Phase Phase)? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var phase = Phase.Burst;
        if (text.EndsWith(SustainedSuffix, StringComparison.Ordinal))
        {
            phase = Phase.Sustained;
            text = text[..^SustainedSuffix.Length];
        }
        if (text == HarnessText)
        {
            return (Subject.Harness, phase);
        }
        if (ParseCandidate(text) is { } candidate)
        {
            return (Subject.Of(candidate), phase);
        }
        if (phase != Phase.Burst)
        {
            return null;
        }
        var at = text.IndexOf('@', StringComparison.Ordinal);
        if (at < 0)
        {
            return Backends.Parse(text) is { } legacy ? (Subject.CeilingOf(legacy), phase) : null;
        }
        return Backends.Parse(text[..at]) is { } backend && SubmissionStrategy.Parse(text[(at + 1)..]) is { } strategy && strategy != SubmissionStrategy.Legacy
            ? (Subject.CeilingOf(backend, strategy), phase)
            : null;
    }

    /// <summary>Parses a stored candidate (<c>raw-prealloc/none/native</c>); null when malformed.</summary>
    public static Candidate? ParseCandidate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var options = ImageOptions.Default;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0)
        {
            if (colon == text.Length - 1 || ImageOptions.Parse(text[(colon + 1)..]) is not { } parsed)
            {
                return null;
            }
            options = parsed;
            text = text[..colon];
        }
        var parts = text.Split('/');
        if (parts.Length != 3)
        {
            return null;
        }
        var backend = Backends.Parse(parts[0]);
        var cache = CacheModes.Parse(parts[1]);
        var io = IoModes.Parse(parts[2]);
        if (backend is null || cache is null || io is null || !options.AppliesTo(backend.Value))
        {
            return null;
        }
        return new Candidate(backend.Value, cache.Value, io.Value) { Options = options };
    }
}
