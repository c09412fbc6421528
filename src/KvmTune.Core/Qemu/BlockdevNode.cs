using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KvmTune.Core.Qemu;

/// <summary>One <c>-blockdev</c> node (or an inline child object of one), read from its JSON or key=value form.</summary>
public sealed class BlockdevNode
{
    private BlockdevNode? _fileChild;
    private bool _fileChildRead;

    internal BlockdevNode(JsonObject json, BlockdevNode? parent)
    {
        Json = json;
        Parent = parent;
    }

    /// <summary>The node's options as QEMU received them.</summary>
    public JsonObject Json { get; }

    /// <summary>The node this one is an inline child of, or null for a top-level <c>-blockdev</c>.</summary>
    public BlockdevNode? Parent { get; }

    public string? NodeName => QemuJson.String(Json["node-name"]);

    /// <summary>The block driver: a protocol (<c>file</c>, <c>host_device</c>, <c>rbd</c>, <c>nbd</c>…), a format (<c>qcow2</c>, <c>raw</c>…) or a filter.</summary>
    public string? Driver => QemuJson.String(Json["driver"]);

    /// <summary><c>cache.direct</c> as set on this node; null when not set.</summary>
    public bool? CacheDirect => QemuJson.Bool(Json["cache"]?["direct"] ?? Json["cache.direct"]);

    /// <summary><c>cache.no-flush</c> as set on this node; null when not set.</summary>
    public bool? CacheNoFlush => QemuJson.Bool(Json["cache"]?["no-flush"] ?? Json["cache.no-flush"]);

    /// <summary><c>cache.direct</c> in effect: set here, else inherited from the parent of an inline child.</summary>
    public bool? EffectiveCacheDirect => CacheDirect ?? Parent?.EffectiveCacheDirect;

    /// <summary><c>cache.no-flush</c> in effect: set here, else inherited from the parent of an inline child.</summary>
    public bool? EffectiveCacheNoFlush => CacheNoFlush ?? Parent?.EffectiveCacheNoFlush;

    /// <summary><c>aio</c> (<c>threads</c>, <c>native</c>, <c>io_uring</c>) of a file-posix node; null when not set.</summary>
    public string? Aio => QemuJson.String(Json["aio"]);

    public string? Discard => QemuJson.String(Json["discard"]);
    public string? DetectZeroes => QemuJson.String(Json["detect-zeroes"]);
    public bool? ReadOnly => QemuJson.Bool(Json["read-only"]);

    /// <summary>The host path of a file-posix node (<c>filename</c>).</summary>
    public string? Filename => QemuJson.String(Json["filename"]);

    /// <summary>The <c>file</c> child when given by node name.</summary>
    public string? FileReference => Json["file"] is JsonValue v ? QemuJson.String(v) : null;

    /// <summary>The <c>file</c> child when given inline as an object.</summary>
    public BlockdevNode? FileChild
    {
        get
        {
            if (!_fileChildRead)
            {
                _fileChildRead = true;
                _fileChild = Json["file"] is JsonObject o ? new BlockdevNode(o, this) : null;
            }
            return _fileChild;
        }
    }

    /// <summary>The <c>backing</c> image by node name (null when none or <c>null</c>).</summary>
    public string? BackingReference => Json["backing"] is JsonValue v ? QemuJson.String(v) : null;

    /// <summary>True for QEMU's image format drivers (the layer that reads qcow2/raw/… metadata).</summary>
    public bool IsFormat => Driver is not null && FormatDrivers.Contains(Driver);

    /// <summary>True for the file-posix drivers that honour <c>aio</c> (<c>file</c>, <c>host_device</c>, <c>host_cdrom</c>).</summary>
    public bool IsFilePosix => Driver is "file" or "host_device" or "host_cdrom";

    internal IEnumerable<BlockdevNode> SelfAndInlineChildren()
    {
        for (var node = this; node is not null; node = node.FileChild)
        {
            yield return node;
        }
    }

    private static readonly HashSet<string> FormatDrivers =
        ["raw", "qcow2", "qcow", "qed", "vmdk", "vdi", "vhdx", "vpc", "luks", "parallels", "dmg", "cloop", "bochs", "vvfat"];

    public override string ToString() => Json.ToJsonString();
}

/// <summary>One <c>-device</c> entry.</summary>
public sealed class QemuDevice
{
    internal QemuDevice(JsonObject json) => Json = json;

    public JsonObject Json { get; }

    /// <summary>The device model (<c>virtio-blk-pci</c>, <c>scsi-hd</c>, <c>ide-hd</c>…).</summary>
    public string? Driver => QemuJson.String(Json["driver"]);

    /// <summary>The device id (libvirt's alias: <c>virtio-disk0</c>, <c>ide0-0-0</c>, <c>ua-…</c>).</summary>
    public string? Id => QemuJson.String(Json["id"]);

    /// <summary>The top block node (or legacy drive id) behind the device.</summary>
    public string? Drive => QemuJson.String(Json["drive"]);

    public string? Bus => QemuJson.String(Json["bus"]);

    /// <summary><c>write-cache</c> (<c>on</c>/<c>off</c>); null when absent (QEMU's <c>auto</c>: the node's cache.writeback, on for -blockdev).</summary>
    public string? WriteCache => QemuJson.Bool(Json["write-cache"]) is { } b ? (b ? "on" : "off") : null;

    public string? IoThread => QemuJson.String(Json["iothread"]);

    public override string ToString() => Json.ToJsonString();
}

/// <summary>One legacy <c>-drive</c> entry.</summary>
public sealed class QemuDrive
{
    internal QemuDrive(JsonObject json) => Json = json;

    public JsonObject Json { get; }

    public string? Id => QemuJson.String(Json["id"]);
    public string? File => QemuJson.String(Json["file"]);
    public string? Format => QemuJson.String(Json["format"]);

    /// <summary>The <c>if=</c> interface (<c>none</c>, <c>virtio</c>, <c>ide</c>, <c>sd</c>…).</summary>
    public string? Interface => QemuJson.String(Json["if"]);

    /// <summary>The <c>cache=</c> shorthand (<c>none</c>, <c>writeback</c>, …).</summary>
    public string? Cache => QemuJson.String(Json["cache"] is JsonValue ? Json["cache"] : null);

    public bool? CacheDirect => QemuJson.Bool(Json["cache"] is JsonObject o ? o["direct"] : null);
    public bool? CacheNoFlush => QemuJson.Bool(Json["cache"] is JsonObject o ? o["no-flush"] : null);
    public string? Aio => QemuJson.String(Json["aio"]);
    public string? Discard => QemuJson.String(Json["discard"]);
    public string? DetectZeroes => QemuJson.String(Json["detect-zeroes"]);

    public override string ToString() => Json.ToJsonString();
}

/// <summary>
/// What QEMU does for one disk: the node chain from the device's top node down to the protocol node, and the
/// effective <c>cache.direct</c>, <c>cache.no-flush</c>, device <c>write-cache</c> and <c>aio</c>.
/// </summary>
/// <param name="Device">The <c>-device</c>, when there is one.</param>
/// <param name="Drive">The legacy <c>-drive</c>, when the disk uses one.</param>
/// <param name="Chain">Top node first (filters, format), protocol node last; empty for a legacy drive.</param>
/// <param name="CacheDirect">O_DIRECT on the host file (QEMU default off).</param>
/// <param name="CacheNoFlush">Guest flushes ignored somewhere in the chain (QEMU default off).</param>
/// <param name="WriteCache">Device <c>write-cache</c>: <c>on</c>, <c>off</c>, or null for QEMU's default (on).</param>
/// <param name="Aio">The protocol node's aio, or null for QEMU's default (threads).</param>
public sealed record QemuDiskSummary(QemuDevice? Device, QemuDrive? Drive, IReadOnlyList<BlockdevNode> Chain, bool CacheDirect, bool CacheNoFlush, string? WriteCache, string? Aio)
{
    /// <summary>The format node (qcow2, raw, …) of the chain, if any.</summary>
    public BlockdevNode? FormatNode => Chain.FirstOrDefault(n => n.IsFormat);

    /// <summary>The protocol node (the chain's last), if any.</summary>
    public BlockdevNode? ProtocolNode => Chain.Count > 0 ? Chain[^1] : null;

    /// <summary>
    /// <c>discard</c> where the disk's own setting is: on the format node, else the protocol node (a format-less disk),
    /// else the legacy drive.
    /// </summary>
    public string? Discard => (FormatNode ?? ProtocolNode)?.Discard ?? Drive?.Discard;

    /// <summary><c>detect-zeroes</c> where the disk's own setting is (see <see cref="Discard"/>).</summary>
    public string? DetectZeroes => (FormatNode ?? ProtocolNode)?.DetectZeroes ?? Drive?.DetectZeroes;

    /// <summary>The options in QEMU's spelling: <c>cache.direct=on cache.no-flush=off aio=native write-cache=on</c>.</summary>
    public string Describe() =>
        $"cache.direct={OnOff(CacheDirect)} cache.no-flush={OnOff(CacheNoFlush)}" +
        (Aio is null ? "" : $" aio={Aio}") + (WriteCache is null ? "" : $" write-cache={WriteCache}");

    private static string OnOff(bool b) => b ? "on" : "off";
}

internal static class QemuJson
{
    public static string? String(JsonNode? node) => node is JsonValue v
        ? v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Number => v.ToJsonString(),
            _ => null,
        }
        : null;

    /// <summary>A JSON boolean or QEMU's spellings of one (<c>on</c>/<c>off</c>, <c>true</c>/<c>false</c>, <c>yes</c>/<c>no</c>).</summary>
    public static bool? Bool(JsonNode? node) => String(node)?.ToLower(CultureInfo.InvariantCulture) switch
    {
        "on" or "true" or "yes" => true,
        "off" or "false" or "no" => false,
        _ => null,
    };
}
