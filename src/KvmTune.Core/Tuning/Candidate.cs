using KvmTune.Core.Rules;

namespace KvmTune.Core.Tuning;

/// <summary>One configuration to measure: a backend with a cache and an aio mode. A frozen value object.</summary>
public sealed record Candidate(Backend Backend, CacheMode Cache, IoMode Io)
{
    /// <summary>The name people read, <c>raw-prealloc/none/native</c>.</summary>
    public string Id => $"{Backend.ToName()}/{Cache.ToLibvirt()}/{Io.ToLibvirt()}";

    /// <summary>The rule code that stops this candidate from starting (<c>KT001</c>), or null when it can start.</summary>
    public string? CannotStartCode => Io.CanStartWith(Cache) ? null : RuleCatalog.NativeIoNeedsDirectCache.Code;

    /// <summary>The libvirt <c>&lt;driver/&gt;</c> settings that carry this candidate.</summary>
    public DriverSettings Driver => DriverSettings.For(this);

    public override string ToString() => Id;
}
