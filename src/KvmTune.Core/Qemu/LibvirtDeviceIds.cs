using System.Globalization;
using KvmTune.Core.Libvirt;

namespace KvmTune.Core.Qemu;

/// <summary>
/// The QEMU <c>-device</c> id libvirt gives a disk: its <c>&lt;alias name&gt;</c> when present (live XML, or a
/// user alias <c>ua-…</c>), else the alias libvirt would assign (qemu_alias.c qemuAssignDeviceDiskAlias, with
/// the default drive address of virDomainDiskDefAssignAddress when the XML has none).
/// </summary>
public static class LibvirtDeviceIds
{
    /// <summary>The expected device id, or null when the target is missing or unparsable.</summary>
    public static string? For(Disk disk)
    {
        ArgumentNullException.ThrowIfNull(disk);
        if (disk.Alias is { Length: > 0 } alias)
        {
            return alias;
        }
        var bus = disk.TargetBus;
        var index = DiskNameToIndex(disk.TargetDev);
        if (bus is null || index is null)
        {
            return null;
        }
        var address = disk.Element.Element("address");
        if (bus is "ide" or "scsi" or "sata" or "fdc")
        {
            int controller, busNo, target, unit;
            if (address is not null && (string?)address.Attribute("type") == "drive")
            {
                controller = Int(address, "controller");
                busNo = Int(address, "bus");
                target = Int(address, "target");
                unit = Int(address, "unit");
            }
            else
            {
                var idx = index.Value;
                target = 0;
                (controller, busNo, unit) = bus switch
                {
                    "ide" => (idx / 4, idx % 4 / 2, idx % 2),
                    "sata" => (idx / 6, 0, idx % 6),
                    "fdc" => (idx / 2, 0, idx % 2),
                    // QEMU domains use the wide-SCSI mapping: 15 units per controller, unit 7 is the controller.
                    _ => (idx / 15, 0, idx % 15 >= 7 ? idx % 15 + 1 : idx % 15),
                };
            }
            if (bus == "scsi" && !IsLsiController(disk.Owner, controller))
            {
                return string.Create(CultureInfo.InvariantCulture, $"scsi{controller}-{busNo}-{target}-{unit}");
            }
            return string.Create(CultureInfo.InvariantCulture, $"{bus}{controller}-{busNo}-{unit}");
        }
        return string.Create(CultureInfo.InvariantCulture, $"{bus}-disk{index}");
    }

    /// <summary>libvirt's virDiskNameToIndex: <c>vda</c>=0, <c>sdz</c>=25, <c>hdaa</c>=26 (partition digits ignored).</summary>
    public static int? DiskNameToIndex(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }
        string[] prefixes = ["fd", "hd", "vd", "sd", "xvd", "ubd"];
        var prefix = prefixes.FirstOrDefault(p => name.StartsWith(p, StringComparison.Ordinal));
        if (prefix is null)
        {
            return null;
        }
        var idx = 0;
        var any = false;
        foreach (var c in name.AsSpan(prefix.Length))
        {
            if (c is < 'a' or > 'z')
            {
                break;
            }
            idx = (idx * 26) + (c - 'a' + 1);
            any = true;
        }
        return any ? idx - 1 : null;
    }

    private static int Int(System.Xml.Linq.XElement address, string name) =>
        int.TryParse((string?)address.Attribute(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;

    private static bool IsLsiController(DomainDocument domain, int index)
    {
        var controller = domain.Root.Element("devices")?.Elements("controller")
            .FirstOrDefault(c => (string?)c.Attribute("type") == "scsi" && (string?)c.Attribute("index") == index.ToString(CultureInfo.InvariantCulture));
        var model = (string?)controller?.Attribute("model");
        // An x86 QEMU domain without a model gets libvirt's default lsilogic controller.
        return model is null or "lsilogic";
    }
}
