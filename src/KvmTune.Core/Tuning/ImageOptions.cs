using System.Globalization;

namespace KvmTune.Core.Tuning;

/// <summary>How much qcow2 L2 table cache QEMU gets.</summary>
public enum L2CacheSetting
{
    /// <summary>QEMU's default: enough for the whole image up to 32 MiB on Linux (QEMU >= 3.1), 64 KiB clusters: 256 GiB.</summary>
    Default,

    /// <summary>Enough to hold every L2 table of the image (<see cref="Qcow2Layout.MetadataCacheBytes"/>).</summary>
    WholeImage,
}

/// <summary>libvirt's <c>discard</c> (QEMU's <c>discard</c> on the block nodes): whether guest discards reach the image.</summary>
public enum DiscardSetting
{
    Ignore,
    Unmap,
}

/// <summary>libvirt's <c>detect_zeroes</c> (QEMU's <c>detect-zeroes</c>): whether QEMU looks for zero-filled writes.</summary>
public enum DetectZeroesSetting
{
    Off,
    On,
    Unmap,
}

/// <summary>
/// What a candidate sets beyond backend × cache × aio: the qcow2 knobs (cluster size and extended L2 entries, fixed
/// when the image is created; the L2 table cache, set when it is opened) and libvirt's <c>discard</c> and
/// <c>detect_zeroes</c>. A frozen value object; <see cref="Default"/> sets nothing (QEMU's and libvirt's defaults), and
/// a candidate with the default options keeps the text form it always had.
/// </summary>
public sealed record ImageOptions
{
    /// <summary>Nothing set.</summary>
    public static ImageOptions Default { get; } = new();

    /// <summary>qcow2 cluster size in bytes (<c>qemu-img create -o cluster_size=</c>, 512 B … 2 MiB); null = 64 KiB.</summary>
    public long? ClusterSize { get; init; }

    /// <summary>qcow2 extended L2 entries: 32 subclusters per cluster (<c>-o extended_l2=on</c>, QEMU >= 5.2).</summary>
    public bool ExtendedL2 { get; init; }

    /// <summary>The qcow2 L2 table cache.</summary>
    public L2CacheSetting L2Cache { get; init; }

    /// <summary>libvirt's <c>discard</c>; null = not set (libvirt passes none to QEMU for the disk).</summary>
    public DiscardSetting? Discard { get; init; }

    /// <summary>libvirt's <c>detect_zeroes</c>; null = not set.</summary>
    public DetectZeroesSetting? DetectZeroes { get; init; }

    /// <summary>True when nothing is set.</summary>
    public bool IsDefault => this == Default;

    /// <summary>True when an option needs the qcow2 format (cluster size, extended L2, L2 cache).</summary>
    public bool NeedsQcow2 => ClusterSize is not null || ExtendedL2 || L2Cache != L2CacheSetting.Default;

    /// <summary>The options fixed when the image is created (cluster size, extended L2): images differ by these.</summary>
    public ImageOptions Creation => new() { ClusterSize = ClusterSize, ExtendedL2 = ExtendedL2 };

    /// <summary>The cluster size in effect (64 KiB when unset).</summary>
    public long EffectiveClusterSize => ClusterSize ?? Qcow2Layout.DefaultClusterSize;

    /// <summary>True when the options can apply to <paramref name="backend"/> (the qcow2 knobs only to qcow2).</summary>
    public bool AppliesTo(Backend backend) => !NeedsQcow2 || backend.Format() == "qcow2";

    /// <summary>
    /// The canonical text, set options only, in a fixed order:
    /// <c>cluster_size=2M,extended_l2=on,l2_cache=whole,discard=unmap,detect_zeroes=unmap</c>; empty for the default.
    /// </summary>
    public string Text
    {
        get
        {
            var parts = new List<string>();
            if (ClusterSize is { } c)
            {
                parts.Add("cluster_size=" + Qcow2Layout.FormatSize(c));
            }
            if (ExtendedL2)
            {
                parts.Add("extended_l2=on");
            }
            if (L2Cache == L2CacheSetting.WholeImage)
            {
                parts.Add("l2_cache=whole");
            }
            if (Discard is { } d)
            {
                parts.Add("discard=" + Name(d));
            }
            if (DetectZeroes is { } z)
            {
                parts.Add("detect_zeroes=" + Name(z));
            }
            return string.Join(',', parts);
        }
    }

    /// <summary>Parses <see cref="Text"/>; null for anything but the canonical text of valid options.</summary>
    public static ImageOptions? Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return Default;
        }
        var options = Default;
        foreach (var part in text.Split(','))
        {
            var kv = part.Split('=', 2);
            if (kv.Length != 2)
            {
                return null;
            }
            switch (kv[0])
            {
                case "cluster_size" when Qcow2Layout.ParseSize(kv[1]) is { } size && Qcow2Layout.ValidClusterSize(size):
                    options = options with { ClusterSize = size };
                    break;
                case "extended_l2" when kv[1] == "on":
                    options = options with { ExtendedL2 = true };
                    break;
                case "l2_cache" when kv[1] == "whole":
                    options = options with { L2Cache = L2CacheSetting.WholeImage };
                    break;
                case "discard" when ParseDiscard(kv[1]) is { } d:
                    options = options with { Discard = d };
                    break;
                case "detect_zeroes" when ParseDetectZeroes(kv[1]) is { } z:
                    options = options with { DetectZeroes = z };
                    break;
                default:
                    return null;
            }
        }
        return options.Text == text ? options : null;
    }

    /// <summary>libvirt's spelling of a discard setting.</summary>
    public static string Name(DiscardSetting discard) => discard == DiscardSetting.Unmap ? "unmap" : "ignore";

    /// <summary>libvirt's spelling of a detect_zeroes setting (also QEMU's <c>detect-zeroes</c> values).</summary>
    public static string Name(DetectZeroesSetting detect) => detect switch
    {
        DetectZeroesSetting.On => "on",
        DetectZeroesSetting.Unmap => "unmap",
        _ => "off",
    };

    /// <summary>Parses libvirt's <c>discard</c> values (not <c>default</c>).</summary>
    public static DiscardSetting? ParseDiscard(string? text) => text switch
    {
        "unmap" => DiscardSetting.Unmap,
        "ignore" => DiscardSetting.Ignore,
        _ => null,
    };

    /// <summary>Parses libvirt's <c>detect_zeroes</c> values (not <c>default</c>).</summary>
    public static DetectZeroesSetting? ParseDetectZeroes(string? text) => text switch
    {
        "off" => DetectZeroesSetting.Off,
        "on" => DetectZeroesSetting.On,
        "unmap" => DetectZeroesSetting.Unmap,
        _ => null,
    };

    /// <summary>
    /// The <c>detect-zeroes</c> QEMU gets for a libvirt <c>detect_zeroes</c> and <c>discard</c>: libvirt passes
    /// <c>unmap</c> only with <c>discard='unmap'</c> and <c>on</c> otherwise (QEMU refuses detect-zeroes=unmap without
    /// discard=unmap; libvirt's virDomainDiskGetDetectZeroesMode).
    /// </summary>
    public static DetectZeroesSetting? QemuDetectZeroes(DetectZeroesSetting? detect, DiscardSetting? discard) =>
        detect == DetectZeroesSetting.Unmap && discard != DiscardSetting.Unmap ? DetectZeroesSetting.On : detect;

    public override string ToString() => Text;
}

/// <summary>The arithmetic of qcow2's metadata (QEMU's block/qcow2.c and docs/qcow2-cache.txt).</summary>
public static class Qcow2Layout
{
    /// <summary>qemu-img's default cluster size.</summary>
    public const long DefaultClusterSize = 64 << 10;

    /// <summary>QEMU's default upper bound of the L2 cache on Linux since 3.1 (DEFAULT_L2_CACHE_MAX_SIZE).</summary>
    public const long DefaultL2CacheMaxBytes = 32L << 20;

    /// <summary>The refcount cache QEMU keeps at least, in clusters (MIN_REFCOUNT_CACHE_SIZE).</summary>
    public const int MinRefcountCacheClusters = 4;

    /// <summary>A power of two from 512 B to 2 MiB.</summary>
    public static bool ValidClusterSize(long bytes) => bytes is >= 512 and <= 2L << 20 && (bytes & (bytes - 1)) == 0;

    /// <summary>
    /// Bytes of L2 tables that map a whole image: one 8-byte entry per cluster (16 bytes with extended L2), in tables of
    /// one cluster each (QEMU rounds up to whole tables).
    /// </summary>
    public static long L2TableBytes(long virtualSize, long clusterSize, bool extendedL2)
    {
        if (virtualSize <= 0 || !ValidClusterSize(clusterSize))
        {
            throw new ArgumentOutOfRangeException(nameof(clusterSize), "a positive image size and a valid cluster size");
        }
        var entries = (virtualSize + clusterSize - 1) / clusterSize;
        var bytes = entries * (extendedL2 ? 16 : 8);
        return (bytes + clusterSize - 1) / clusterSize * clusterSize;
    }

    /// <summary>The L2 cache QEMU gives an image by default: all of its tables, at most 32 MiB.</summary>
    public static long DefaultL2CacheBytes(long virtualSize, long clusterSize, bool extendedL2) =>
        Math.Min(L2TableBytes(virtualSize, clusterSize, extendedL2), DefaultL2CacheMaxBytes);

    /// <summary>True when QEMU's default L2 cache already holds every L2 table of the image.</summary>
    public static bool DefaultCoversWholeImage(long virtualSize, long clusterSize, bool extendedL2) =>
        L2TableBytes(virtualSize, clusterSize, extendedL2) <= DefaultL2CacheMaxBytes;

    /// <summary>
    /// The combined metadata cache (QEMU's <c>cache-size</c>, libvirt's <c>&lt;metadata_cache&gt;&lt;max_size&gt;</c>)
    /// whose L2 part covers the whole image: QEMU gives the L2 cache all it can use and the refcount cache the rest,
    /// at least four clusters, so the size is the L2 tables plus four clusters.
    /// </summary>
    public static long MetadataCacheBytes(long virtualSize, long clusterSize, bool extendedL2) =>
        L2TableBytes(virtualSize, clusterSize, extendedL2) + (MinRefcountCacheClusters * clusterSize);

    /// <summary>2M, 64k, 512 (qemu-img's suffixes; exact multiples only).</summary>
    public static string FormatSize(long bytes) =>
        bytes % (1L << 20) == 0 ? (bytes >> 20).ToString(CultureInfo.InvariantCulture) + "M"
        : bytes % 1024 == 0 ? (bytes >> 10).ToString(CultureInfo.InvariantCulture) + "k"
        : bytes.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses 2M, 64k, 512; null otherwise.</summary>
    public static long? ParseSize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var multiplier = text.EndsWith('M') ? 1L << 20 : text.EndsWith('k') ? 1L << 10 : 1L;
        var digits = multiplier == 1 ? text : text[..^1];
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n * multiplier : null;
    }
}
