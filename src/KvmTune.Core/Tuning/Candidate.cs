namespace KvmTune.Core.Tuning;

/// <summary>One configuration to measure: a backend with a cache and an aio mode. A frozen value object.</summary>
public sealed record Candidate(Backend Backend, CacheMode Cache, IoMode Io)
{
    /// <summary>A stable id, <c>raw-prealloc/none/native</c>.</summary>
    public string Id => $"{Backend.ToName()}/{Cache.ToLibvirt()}/{Io.ToLibvirt()}";

    /// <summary>The rule code that stops this candidate from starting, or null when it can start.</summary>
    public string? CannotStartCode => Io.CanStartWith(Cache) ? null : "KT001";

    /// <summary>Parses <see cref="Id"/>; null when malformed.</summary>
    public static Candidate? Parse(string id)
    {
        var parts = id.Split('/');
        if (parts.Length != 3)
        {
            return null;
        }
        var backend = Backends.Parse(parts[0]);
        var cache = CacheModes.Parse(parts[1]);
        var io = IoModes.Parse(parts[2]);
        return backend is null || cache is null || io is null ? null : new Candidate(backend.Value, cache.Value, io.Value);
    }

    public override string ToString() => Id;
}
