namespace KvmTune.Core.Tuning;

/// <summary>A libvirt disk aio mode (<c>&lt;driver io='…'/&gt;</c>), QEMU's <c>aio=</c>.</summary>
public enum IoMode
{
    Threads,
    Native,
    IoUring,
}

/// <summary>libvirt spelling and parsing of <see cref="IoMode"/>.</summary>
public static class IoModes
{
    /// <summary>Every io mode.</summary>
    public static IReadOnlyList<IoMode> All { get; } = [IoMode.Threads, IoMode.Native, IoMode.IoUring];

    /// <summary>The spelling libvirt and QEMU use (<c>threads</c>, <c>native</c>, <c>io_uring</c>).</summary>
    public static string ToLibvirt(this IoMode mode) => mode switch
    {
        IoMode.Threads => "threads",
        IoMode.Native => "native",
        IoMode.IoUring => "io_uring",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>Parses libvirt's spelling; null for anything libvirt does not know (including <c>default</c>).</summary>
    public static IoMode? Parse(string? text) => text switch
    {
        "threads" => IoMode.Threads,
        "native" => IoMode.Native,
        "io_uring" => IoMode.IoUring,
        _ => null,
    };

    /// <summary>
    /// Whether QEMU can open a disk with this aio and cache mode: aio=native requires cache.direct=on
    /// (QEMU: "aio=native was specified, but it requires cache.direct=on"; libvirt refuses it too).
    /// </summary>
    public static bool CanStartWith(this IoMode io, CacheMode cache) =>
        io != IoMode.Native || cache.Semantics().Direct;
}
