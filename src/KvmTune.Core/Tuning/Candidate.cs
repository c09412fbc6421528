using KvmTune.Core.Rules;

namespace KvmTune.Core.Tuning;

/// <summary>
/// One configuration to measure: a backend with a cache and an aio mode, and the image options beyond them
/// (<see cref="Options"/>: qcow2 cluster size, extended L2 and L2 cache; discard and detect_zeroes). A frozen value object.
/// </summary>
public sealed record Candidate(Backend Backend, CacheMode Cache, IoMode Io)
{
    /// <summary>The image options; <see cref="ImageOptions.Default"/> sets none.</summary>
    public ImageOptions Options { get; init; } = ImageOptions.Default;

    /// <summary>
    /// The name people read, <c>raw-prealloc/none/native</c>; with options set, they follow a colon
    /// (<c>qcow2-metadata/none/native:cluster_size=2M,l2_cache=whole</c>).
    /// </summary>
    public string Id => Options.IsDefault
        ? $"{Backend.ToName()}/{Cache.ToLibvirt()}/{Io.ToLibvirt()}"
        : $"{Backend.ToName()}/{Cache.ToLibvirt()}/{Io.ToLibvirt()}:{Options.Text}";

    /// <summary>The same backend, cache and aio mode with the default options.</summary>
    public Candidate Base => Options.IsDefault ? this : this with { Options = ImageOptions.Default };

    /// <summary>The rule code that stops this candidate from starting (<c>KT001</c>), or null when it can start.</summary>
    public string? CannotStartCode => Io.CanStartWith(Cache) ? null : RuleCatalog.NativeIoNeedsDirectCache.Code;

    /// <summary>The libvirt <c>&lt;driver/&gt;</c> settings that carry this candidate.</summary>
    public DriverSettings Driver => DriverSettings.For(this);

    public override string ToString() => Id;
}
