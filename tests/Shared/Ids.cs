using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;

namespace KvmTune.Tests.Shared;

/// <summary>
/// Candidates and subjects written as people read them (<c>raw-prealloc/none/native</c>, <c>raw-prealloc</c>,
/// <c>null-co</c>), so that decision tests stay readable.
/// </summary>
internal static class Ids
{
    /// <summary>The candidate <c>BACKEND/CACHE/IO</c>.</summary>
    public static Candidate C(string id)
    {
        var parts = id.Split('/');
        if (parts.Length != 3)
        {
            throw new ArgumentException($"not a candidate: {id}", nameof(id));
        }
        return new Candidate(
            Backends.Parse(parts[0]) ?? throw new ArgumentException($"backend in {id}", nameof(id)),
            CacheModes.Parse(parts[1]) ?? throw new ArgumentException($"cache in {id}", nameof(id)),
            IoModes.Parse(parts[2]) ?? throw new ArgumentException($"io in {id}", nameof(id)));
    }

    /// <summary>A candidate's subject, a backend's storage ceiling, or the harness ceiling (<c>null-co</c>).</summary>
    public static Subject S(string text) =>
        text == "null-co" ? Subject.Harness
        : text.Contains('/', StringComparison.Ordinal) ? Subject.Of(C(text))
        : Subject.CeilingOf(Backends.Parse(text) ?? throw new ArgumentException($"not a backend: {text}", nameof(text)));

    /// <summary>Candidates by id.</summary>
    public static IReadOnlyList<Candidate> Cs(params string[] ids) => [.. ids.Select(C)];
}
