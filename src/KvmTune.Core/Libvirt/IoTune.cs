using System.Globalization;
using System.Xml.Linq;

namespace KvmTune.Core.Libvirt;

/// <summary>A view over a disk's <c>&lt;iotune&gt;</c> throttling keys.</summary>
public sealed class IoTune
{
    private readonly XElement _disk;

    internal IoTune(XElement disk) => _disk = disk;

    /// <summary>The <c>&lt;iotune&gt;</c> element, or null.</summary>
    public XElement? Element => _disk.Element("iotune");

    /// <summary>Every key libvirt knows in <c>&lt;iotune&gt;</c>.</summary>
    public static IReadOnlyList<string> KnownKeys { get; } =
    [
        "total_bytes_sec", "read_bytes_sec", "write_bytes_sec",
        "total_iops_sec", "read_iops_sec", "write_iops_sec",
        "total_bytes_sec_max", "read_bytes_sec_max", "write_bytes_sec_max",
        "total_iops_sec_max", "read_iops_sec_max", "write_iops_sec_max",
        "total_bytes_sec_max_length", "read_bytes_sec_max_length", "write_bytes_sec_max_length",
        "total_iops_sec_max_length", "read_iops_sec_max_length", "write_iops_sec_max_length",
        "size_iops_sec", "group_name",
    ];

    /// <summary>Every key present, with its raw text, in document order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Entries =>
        Element?.Elements().Select(e => new KeyValuePair<string, string>(e.Name.LocalName, e.Value)).ToList() ?? [];

    /// <summary>The raw text of a key, or null.</summary>
    public string? this[string key] => Element?.Element(key)?.Value;

    /// <summary>A numeric key, or null when absent or not a number.</summary>
    public ulong? Number(string key) =>
        ulong.TryParse(this[key], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
