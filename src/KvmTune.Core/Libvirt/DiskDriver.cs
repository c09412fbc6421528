using System.Xml.Linq;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Libvirt;

/// <summary>
/// A view over a disk's <c>&lt;driver&gt;</c>. Reading never creates the element; setting a value does.
/// Values libvirt does not know are returned verbatim by the string properties and listed by <see cref="UnknownValues"/>.
/// </summary>
public sealed class DiskDriver
{
    private readonly XElement _disk;

    internal DiskDriver(XElement disk) => _disk = disk;

    /// <summary>The driver view of a <c>&lt;disk&gt;</c> element built outside a <see cref="DomainDocument"/> (the micro-VM's).</summary>
    public static DiskDriver Of(XElement disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        return new DiskDriver(disk);
    }

    /// <summary>The <c>&lt;driver&gt;</c> element, or null.</summary>
    public XElement? Element => _disk.Element("driver");

    public string? Name => Get("name");
    /// <summary>The image format (<c>type='qcow2'</c>, <c>raw</c>, …).</summary>
    public string? Format => Get("type");
    public string? Cache => Get("cache");
    public string? Io => Get("io");
    public string? Discard => Get("discard");
    public string? DetectZeroes => Get("detect_zeroes");
    public string? IoThread => Get("iothread");
    public string? Queues => Get("queues");
    public string? QueueSize => Get("queue_size");
    public string? ErrorPolicy => Get("error_policy");
    public string? RerrorPolicy => Get("rerror_policy");
    public string? CopyOnRead => Get("copy_on_read");

    /// <summary>The parsed cache mode; null when unset or unknown (see <see cref="Cache"/>).</summary>
    public CacheMode? CacheMode => CacheModes.Parse(Cache);

    /// <summary>The parsed io mode; null when unset or unknown (see <see cref="Io"/>).</summary>
    public IoMode? IoMode => IoModes.Parse(Io);

    /// <summary>The iothread ids of the libvirt 10.0 <c>&lt;driver&gt;&lt;iothreads&gt;</c> sub-element.</summary>
    public IReadOnlyList<string> IoThreadMapping =>
        Element?.Element("iothreads")?.Elements("iothread").Select(e => (string?)e.Attribute("id") ?? "").ToList() ?? [];

    /// <summary>
    /// The libvirt 10.0 <c>&lt;driver&gt;&lt;iothreads&gt;&lt;iothread id&gt;&lt;queue id/&gt;</c> mapping: each iothread
    /// with the virtqueues pinned to it (empty when the iothread serves all queues round-robin). Raw ids, verbatim.
    /// </summary>
    public IReadOnlyList<(string IoThread, IReadOnlyList<string> Queues)> IoThreadQueues =>
        Element?.Element("iothreads")?.Elements("iothread")
            .Select(e => ((string?)e.Attribute("id") ?? "", (IReadOnlyList<string>)e.Elements("queue").Select(q => (string?)q.Attribute("id") ?? "").ToList()))
            .ToList() ?? [];

    /// <summary>Values libvirt's schema allows for each enumerated attribute (domaincommon.rng).</summary>
    public static IReadOnlyDictionary<string, string[]> KnownValues { get; } = new Dictionary<string, string[]>
    {
        ["cache"] = ["default", "none", "writethrough", "writeback", "directsync", "unsafe"],
        ["io"] = ["default", "native", "threads", "io_uring"],
        ["discard"] = ["default", "unmap", "ignore"],
        ["detect_zeroes"] = ["default", "off", "on", "unmap"],
        ["error_policy"] = ["default", "stop", "report", "ignore", "enospace"],
        ["rerror_policy"] = ["default", "stop", "report", "ignore"],
        ["copy_on_read"] = ["default", "on", "off"],
    };

    /// <summary>Enumerated attributes whose value libvirt does not know, kept verbatim.</summary>
    public IReadOnlyList<(string Attribute, string Value)> UnknownValues =>
        KnownValues
            .Select(kv => (Attribute: kv.Key, Value: Get(kv.Key)))
            .Where(p => p.Value is not null && !KnownValues[p.Attribute].Contains(p.Value))
            .Select(p => (p.Attribute, p.Value!))
            .ToList();

    /// <summary>Sets (or with null removes) an attribute, creating <c>&lt;driver&gt;</c> when needed.</summary>
    public void Set(string attribute, string? value)
    {
        var driver = Element;
        if (driver is null)
        {
            if (value is null)
            {
                return;
            }
            driver = new XElement("driver");
            DiskElementOrder.InsertDriver(_disk, driver);
        }
        driver.SetAttributeValue(attribute, value);
    }

    /// <summary>
    /// Sets every attribute of <paramref name="settings"/> (name, type, cache, io; discard and detect_zeroes when set),
    /// creating <c>&lt;driver&gt;</c> when needed, and its <c>&lt;metadata_cache&gt;</c> when the settings size one.
    /// </summary>
    public void Apply(DriverSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        foreach (var (attribute, value) in settings.Attributes)
        {
            Set(attribute, value);
        }
        if (settings.MetadataCacheBytes is { } bytes)
        {
            var driver = Element!;
            driver.Element("metadata_cache")?.Remove();
            driver.Add(new XElement("metadata_cache",
                new XElement("max_size", new XAttribute("unit", "bytes"), bytes.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        }
    }

    /// <summary>The qcow2 metadata cache's maximum size in bytes (<c>&lt;metadata_cache&gt;&lt;max_size unit='…'&gt;</c>), or null.</summary>
    public long? MetadataCacheBytes
    {
        get
        {
            var max = Element?.Element("metadata_cache")?.Element("max_size");
            if (max is null || !long.TryParse(max.Value.Trim(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
            {
                return null;
            }
            // libvirt's scaled integers: bytes by default, b/bytes, KB (10^3), k/KiB (2^10), MB, M/MiB, GB, G/GiB.
            long? multiplier = ((string?)max.Attribute("unit"))?.ToLowerInvariant() switch
            {
                null or "b" or "bytes" => 1,
                "kb" => 1000,
                "k" or "kib" => 1024,
                "mb" => 1000 * 1000,
                "m" or "mib" => 1 << 20,
                "gb" => 1000L * 1000 * 1000,
                "g" or "gib" => 1L << 30,
                _ => null,
            };
            return multiplier is { } m ? n * m : null;
        }
    }

    /// <summary>A <c>&lt;driver/&gt;</c> element carrying <paramref name="settings"/>, as libvirt writes it (single quotes).</summary>
    public static string Render(DriverSettings settings)
    {
        var disk = new XElement("disk");
        Of(disk).Apply(settings);
        var attributes = disk.Element("driver")!.Attributes()
            .Select(a => $" {a.Name.LocalName}='{LosslessXmlWriter.EscapeAttribute(a.Value, '\'')}'");
        return settings.MetadataCacheBytes is { } bytes
            ? $"<driver{string.Concat(attributes)}><metadata_cache><max_size unit='bytes'>{bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)}</max_size></metadata_cache></driver>"
            : $"<driver{string.Concat(attributes)}/>";
    }

    /// <summary>Removes the whole <c>&lt;driver&gt;</c> element (and its line), if present.</summary>
    public void Remove()
    {
        if (Element is { } driver)
        {
            XmlLayout.Remove(driver);
        }
    }

    /// <summary>The raw value of any <c>&lt;driver&gt;</c> attribute, or null.</summary>
    public string? Get(string attribute) => (string?)Element?.Attribute(attribute);
}

/// <summary>Where a new <c>&lt;driver&gt;</c> goes: libvirt writes it first among a disk's children.</summary>
internal static class DiskElementOrder
{
    public static void InsertDriver(XElement disk, XElement driver)
    {
        XmlLayout.InsertFirst(disk, driver);
    }
}
