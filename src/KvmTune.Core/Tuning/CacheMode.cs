namespace KvmTune.Core.Tuning;

/// <summary>A libvirt disk cache mode (<c>&lt;driver cache='…'/&gt;</c>).</summary>
public enum CacheMode
{
    None,
    Writeback,
    Writethrough,
    Directsync,
    Unsafe,
}

/// <summary>libvirt spelling and parsing of <see cref="CacheMode"/>.</summary>
public static class CacheModes
{
    /// <summary>Every cache mode, in the order libvirt documents them.</summary>
    public static IReadOnlyList<CacheMode> All { get; } =
        [CacheMode.None, CacheMode.Writeback, CacheMode.Writethrough, CacheMode.Directsync, CacheMode.Unsafe];

    /// <summary>The spelling libvirt uses in XML (<c>none</c>, <c>writeback</c>, …).</summary>
    public static string ToLibvirt(this CacheMode mode) => mode switch
    {
        CacheMode.None => "none",
        CacheMode.Writeback => "writeback",
        CacheMode.Writethrough => "writethrough",
        CacheMode.Directsync => "directsync",
        CacheMode.Unsafe => "unsafe",
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>Parses libvirt's spelling; null for anything libvirt does not know (including <c>default</c>).</summary>
    public static CacheMode? Parse(string? text) => text switch
    {
        "none" => CacheMode.None,
        "writeback" => CacheMode.Writeback,
        "writethrough" => CacheMode.Writethrough,
        "directsync" => CacheMode.Directsync,
        "unsafe" => CacheMode.Unsafe,
        _ => null,
    };

    /// <summary>QEMU's translation of the mode (libvirt's qemuDomainDiskCacheModeToQEMU / QEMU block docs).</summary>
    public static CacheSemantics Semantics(this CacheMode mode) => CacheSemantics.For(mode);
}

/// <summary>
/// What a cache mode means to QEMU: <c>cache.writeback</c> (guest sees a volatile write cache),
/// <c>cache.direct</c> (O_DIRECT, bypass the host page cache) and <c>cache.no-flush</c> (guest flushes ignored).
/// </summary>
public sealed record CacheSemantics(CacheMode Mode, bool Writeback, bool Direct, bool NoFlush)
{
    /// <summary>The DESIGN.md table: none=(wb,direct) writeback=(wb) writethrough=() directsync=(direct) unsafe=(wb,no-flush).</summary>
    public static CacheSemantics For(CacheMode mode) => mode switch
    {
        CacheMode.None => new(mode, Writeback: true, Direct: true, NoFlush: false),
        CacheMode.Writeback => new(mode, Writeback: true, Direct: false, NoFlush: false),
        CacheMode.Writethrough => new(mode, Writeback: false, Direct: false, NoFlush: false),
        CacheMode.Directsync => new(mode, Writeback: false, Direct: true, NoFlush: false),
        CacheMode.Unsafe => new(mode, Writeback: true, Direct: false, NoFlush: true),
        _ => throw new ArgumentOutOfRangeException(nameof(mode)),
    };

    /// <summary>True when the host page cache holds guest data (writeback, writethrough, unsafe).</summary>
    public bool UsesHostPageCache => !Direct;

    /// <summary>True when a host crash loses nothing the guest flushed.</summary>
    public bool FlushSafe => !NoFlush;

    /// <summary>True when every write is durable without a guest flush.</summary>
    public bool SyncEveryWrite => !Writeback;
}
