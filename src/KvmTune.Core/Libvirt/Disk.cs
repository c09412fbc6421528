using System.Xml.Linq;

namespace KvmTune.Core.Libvirt;

/// <summary>A typed view over one <c>&lt;disk&gt;</c> element. It holds no copy of the data.</summary>
public sealed class Disk
{
    internal Disk(DomainDocument owner, XElement element)
    {
        Owner = owner;
        Element = element;
    }

    /// <summary>The document this disk belongs to.</summary>
    public DomainDocument Owner { get; }

    /// <summary>The <c>&lt;disk&gt;</c> element.</summary>
    public XElement Element { get; }

    /// <summary><c>type</c>: file, block, network, volume, dir, nvme, vhostuser, vhostvdpa.</summary>
    public string? Type => (string?)Element.Attribute("type");

    /// <summary><c>device</c>: disk (default), cdrom, floppy, lun.</summary>
    public string Device => (string?)Element.Attribute("device") ?? "disk";

    /// <summary>The target device name (<c>vda</c>, <c>sdb</c>…), the disk's identity in messages.</summary>
    public string? TargetDev => (string?)Element.Element("target")?.Attribute("dev");

    /// <summary>The target bus (virtio, scsi, sata, ide, usb, fdc, …).</summary>
    public string? TargetBus => (string?)Element.Element("target")?.Attribute("bus");

    /// <summary>The device alias (<c>&lt;alias name='virtio-disk0'/&gt;</c> in live XML, or a user alias <c>ua-…</c>), or null.</summary>
    public string? Alias => (string?)Element.Element("alias")?.Attribute("name");

    /// <summary>True when <c>&lt;shareable/&gt;</c> is present.</summary>
    public bool Shareable => Element.Element("shareable") is not null;

    /// <summary>True when <c>&lt;readonly/&gt;</c> is present.</summary>
    public bool ReadOnly => Element.Element("readonly") is not null;

    /// <summary>The <c>&lt;source&gt;</c> of this disk (empty view when absent).</summary>
    public DiskSource Source => new(Element.Element("source"), Type);

    /// <summary>The <c>&lt;driver&gt;</c> element view; present even when the element is absent.</summary>
    public DiskDriver Driver => new(Element);

    /// <summary>The <c>&lt;iotune&gt;</c> view.</summary>
    public IoTune IoTune => new(Element);

    /// <summary>The backing chain, outermost first (<c>&lt;backingStore&gt;</c> nested elements).</summary>
    public IReadOnlyList<BackingStore> BackingChain
    {
        get
        {
            var list = new List<BackingStore>();
            var current = Element.Element("backingStore");
            while (current is not null && current.HasAttributes)
            {
                list.Add(new BackingStore(current));
                current = current.Element("backingStore");
            }
            return list;
        }
    }

    /// <summary>True for a network disk (QEMU's own client: rbd, iscsi, nbd, …).</summary>
    public bool IsNetwork => Type == "network";

    /// <summary>True for a block-device backed disk.</summary>
    public bool IsBlock => Type == "block";

    /// <summary>True for a file-backed disk.</summary>
    public bool IsFile => Type == "file";

    /// <summary>A label for messages: target dev, else source, else "disk"; one line of at most 120 characters.</summary>
    public string Label => Input.InputText.Quote(TargetDev ?? Source.Describe() ?? "disk", 120);
}

/// <summary>A view over <c>&lt;source&gt;</c>.</summary>
public sealed class DiskSource
{
    internal DiskSource(XElement? element, string? diskType)
    {
        Element = element;
        DiskType = diskType;
    }

    public XElement? Element { get; }

    private string? DiskType { get; }

    public string? File => (string?)Element?.Attribute("file");
    public string? Dev => (string?)Element?.Attribute("dev");
    public string? Dir => (string?)Element?.Attribute("dir");
    public string? Protocol => (string?)Element?.Attribute("protocol");
    public string? NetworkName => (string?)Element?.Attribute("name");
    public string? Pool => (string?)Element?.Attribute("pool");
    public string? Volume => (string?)Element?.Attribute("volume");
    public string? VolumeMode => (string?)Element?.Attribute("mode");

    /// <summary>The network hosts (<c>&lt;host name port transport socket/&gt;</c>).</summary>
    public IReadOnlyList<SourceHost> Hosts =>
        Element?.Elements("host").Select(h => new SourceHost((string?)h.Attribute("name"), (string?)h.Attribute("port"), (string?)h.Attribute("transport"), (string?)h.Attribute("socket"))).ToList() ?? [];

    /// <summary>The host path of a local source (file or dev), if any.</summary>
    public string? Path => File ?? Dev ?? Dir;

    /// <summary>A one-line description: the path, <c>rbd:pool/image</c>, or <c>pool/volume</c>.</summary>
    public string? Describe() =>
        Path ?? (Protocol is not null ? $"{Protocol}:{NetworkName}" : Pool is not null ? $"{Pool}/{Volume}" : null);
}

/// <summary>One <c>&lt;host&gt;</c> of a network source.</summary>
public sealed record SourceHost(string? Name, string? Port, string? Transport, string? Socket);

/// <summary>A <c>&lt;backingStore&gt;</c> layer.</summary>
public sealed class BackingStore
{
    internal BackingStore(XElement element) => Element = element;

    public XElement Element { get; }
    public string? Type => (string?)Element.Attribute("type");

    /// <summary>libvirt's layer index (<c>index='3'</c>), when the XML states it.</summary>
    public string? Index => (string?)Element.Attribute("index");

    public string? Format => (string?)Element.Element("format")?.Attribute("type");
    public DiskSource Source => new(Element.Element("source"), Type);
}
