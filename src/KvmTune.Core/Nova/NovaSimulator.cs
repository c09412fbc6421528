using System.Xml.Linq;
using KvmTune.Core.Input;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Nova;

/// <summary>What KvmTune knows about the compute host when simulating nova.</summary>
/// <param name="InstancesPathSupportsDirectIo">O_DIRECT support of instances_path (nova.privsep.utils.supports_direct_io); null = unknown, assumed supported.</param>
/// <param name="Facts">Versions and other facts the rule catalog uses.</param>
/// <param name="ProbedPath">The directory that was probed, when it is not nova.conf's instances_path.</param>
/// <param name="Nova">The nova release to follow (null: master).</param>
public sealed record NovaHost(bool? InstancesPathSupportsDirectIo, HostFacts Facts, string? ProbedPath = null, NovaVersion? Nova = null)
{
    /// <summary>The nova release followed: <see cref="Nova"/>, or master.</summary>
    public NovaVersion Release => Nova ?? NovaVersion.Master;

    /// <summary>Nothing known.</summary>
    public static NovaHost Unknown { get; } = new(null, HostFacts.Unknown);
}

/// <summary>The attributes of a <c>&lt;driver/&gt;</c> nova writes, in libvirt's spelling; null for an attribute nova leaves out.</summary>
public sealed record NovaDriverAttributes(string? Name, string? Type, string? Cache, string? Io, string? Discard);

/// <summary>One disk nova would generate: the <c>&lt;disk&gt;</c> element, how each attribute was decided, and findings.</summary>
/// <param name="Case">The case: <c>image:qcow2</c>, <c>volume:iscsi</c>, …</param>
/// <param name="Backend">The image backend class nova uses (<c>flat</c>, <c>qcow2</c>, <c>lvm</c>, …) or the volume driver.</param>
/// <param name="Configured">True for the image backend nova.conf selects (images_type).</param>
/// <param name="SourceType">The disk's source type (<c>file</c>, <c>block</c>, <c>network</c>): the key of disk_cachemodes and disk_io_modes.</param>
/// <param name="NovaDriver">The <c>&lt;driver/&gt;</c> stock nova writes.</param>
/// <param name="Driver">
/// The <c>&lt;driver/&gt;</c> nova writes when it honours <c>disk_io_modes</c> (with KvmTune's nova patch; the same as
/// <paramref name="NovaDriver"/> without the key).
/// </param>
/// <param name="DiskXml">The whole <c>&lt;disk&gt;</c> element (with <paramref name="Driver"/>).</param>
/// <param name="Steps">How each value was decided, citing nova's functions.</param>
/// <param name="Error">Why nova cannot build this disk with this nova.conf, or null.</param>
/// <param name="ConfigFindings">nova.conf findings specific to this disk (KT001 for a disk_io_modes native on a cached type).</param>
/// <param name="Findings">The rule catalog's findings on the generated disk.</param>
/// <param name="NovaAttributes">The attributes of <paramref name="NovaDriver"/>.</param>
/// <param name="Attributes">The attributes of <paramref name="Driver"/>.</param>
/// <param name="NovaDiskXml">The whole <c>&lt;disk&gt;</c> element stock nova writes.</param>
public sealed record SimulatedDisk(
    string Case,
    string Backend,
    bool Configured,
    string SourceType,
    string NovaDriver,
    string Driver,
    string DiskXml,
    IReadOnlyList<string> Steps,
    string? Error,
    IReadOnlyList<NovaConfFinding> ConfigFindings,
    IReadOnlyList<Finding> Findings,
    NovaDriverAttributes NovaAttributes,
    NovaDriverAttributes Attributes,
    string NovaDiskXml);

/// <summary>The result of <see cref="NovaSimulator.Explain"/>: nova.conf findings and one simulated disk per case.</summary>
public sealed record NovaExplanation(string InstancesPath, bool? DirectIo, IReadOnlyList<NovaConfFinding> ConfigFindings, IReadOnlyList<SimulatedDisk> Disks)
{
    /// <summary>True when any config or disk finding is an error.</summary>
    public bool HasErrors => ConfigFindings.Any(f => f.Severity == Severity.Error) || Disks.Any(d => d.Findings.Any(f => f.Severity == Severity.Error));
}

/// <summary>
/// Builds the <c>&lt;disk&gt;</c> nova's libvirt driver generates for each image backend and volume type, following
/// nova's code (openstack/nova master, nova/virt/libvirt): <c>LibvirtDriver.disk_cachemode</c>,
/// <c>LibvirtDriver._set_cache_mode</c>, <c>imagebackend.Image.libvirt_info</c> and the backends' constructors,
/// <c>volume.LibvirtBaseVolumeDriver.get_config</c> and the iSCSI/FC/NFS/net volume drivers. Then applies KvmTune's
/// <c>[libvirt] disk_io_modes</c> override per source type.
/// </summary>
public static class NovaSimulator
{
    /// <summary>Image backends (images_type values), in nova's order.</summary>
    public static IReadOnlyList<string> ImageCases { get; } = ["raw", "flat", "qcow2", "lvm", "rbd", "ploop", "default"];

    /// <summary>Cinder volume types simulated (iscsi-multiattach: a shareable volume, whose cache nova forces to none).</summary>
    public static IReadOnlyList<string> VolumeCases { get; } = ["iscsi", "fc", "nfs", "rbd", "iscsi-multiattach"];

    private const string InstanceUuid = "INSTANCE_UUID";
    private const string VolumeId = "VOLUME_ID";

    /// <summary>Simulates every case and validates nova.conf; rule findings from <see cref="RuleCatalog"/>.</summary>
    public static NovaExplanation Explain(NovaConf conf, NovaHost host)
    {
        var disks = ImageCases.Select(t => SimulateImage(conf, host, t))
            .Concat(VolumeCases.Select(v => SimulateVolume(conf, host, v)))
            .ToList();
        return new NovaExplanation(host.ProbedPath ?? conf.InstancesPath, host.InstancesPathSupportsDirectIo, Validate(conf, host, disks), disks);
    }

    /// <summary>
    /// nova.conf validation plus the checks that need the simulation: a <c>disk_io_modes</c> native on a source type
    /// whose cache is not none/directsync (KT001: libvirt refuses "native I/O needs either no disk cache or directsync
    /// cache mode").
    /// </summary>
    public static IReadOnlyList<NovaConfFinding> Validate(NovaConf conf, NovaHost host) =>
        Validate(conf, host, ImageCases.Select(t => SimulateImage(conf, host, t)).Concat(VolumeCases.Select(v => SimulateVolume(conf, host, v))).ToList());

    private static List<NovaConfFinding> Validate(NovaConf conf, NovaHost host, List<SimulatedDisk> disks)
    {
        var findings = conf.Validate(host.Release).ToList();
        foreach (var f in disks.SelectMany(d => d.ConfigFindings))
        {
            if (!findings.Any(x => x.Code == f.Code && x.Line == f.Line && x.Message == f.Message))
            {
                findings.Add(f);
            }
        }
        return findings.OrderBy(f => f.Line ?? 0).ThenBy(f => f.Code, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The <c>TYPE=MODE</c> items of <paramref name="ios"/> that stock nova does not give every disk of that source type
    /// it builds with <paramref name="conf"/> (the configured image backend and the volumes): those need nova to read
    /// <c>disk_io_modes</c>, i.e. KvmTune's nova patch. No io, <c>default</c> and <c>threads</c> count as the same.
    /// </summary>
    public static IReadOnlyList<string> StockCannotSet(NovaConf conf, NovaHost host, IReadOnlyDictionary<string, string> ios)
    {
        ArgumentNullException.ThrowIfNull(ios);
        var disks = Explain(conf, host).Disks.Where(d => d.Error is null && (d.Configured || d.Case.StartsWith("volume:", StringComparison.Ordinal))).ToList();
        static string Aio(string? io) => io is "native" or "io_uring" ? io : "threads";
        return ios.Where(kv => disks.Where(d => d.SourceType == kv.Key).Any(d => Aio(d.NovaAttributes.Io) != Aio(kv.Value)))
            .Select(kv => $"{kv.Key}={kv.Value}").ToList();
    }

    /// <summary>The disk nova builds for an instance's root disk with <c>images_type = <paramref name="imagesType"/></c>.</summary>
    public static SimulatedDisk SimulateImage(NovaConf conf, NovaHost host, string imagesType)
    {
        var steps = new List<string>();
        var backend = conf.ResolveBackend(imagesType);
        if (imagesType == "default")
        {
            steps.Add($"imagebackend.Backend: images_type=default → {(backend == "qcow2" ? "Qcow2" : "Flat")} (use_cow_images={(conf.UseCowImages ? "True" : "False")})");
        }
        var preallocate = conf.PreallocateImages == "space";
        var instanceDir = $"{conf.InstancesPath.TrimEnd('/')}/{InstanceUuid}";
        string? error = null;
        var spec = new DiskSpec { Name = "qemu", Format = "raw" };
        bool? sparse = null;
        switch (backend)
        {
            case "flat":
                spec = spec with { SourceType = "file", Path = $"{instanceDir}/disk", Io = preallocate ? "native" : null };
                sparse = !preallocate;
                steps.Add(preallocate
                    ? "imagebackend.Flat.__init__: preallocate_images=space → io='native'"
                    : "imagebackend.Flat.__init__: preallocate_images=none → no io (QEMU default: threads)");
                steps.Add("imagebackend.Flat: type='raw' (qcow2 only when the image is qcow2 and force_raw_images=False)");
                break;
            case "qcow2":
                spec = spec with { SourceType = "file", Format = "qcow2", Path = $"{instanceDir}/disk", Io = preallocate ? "native" : null };
                sparse = !preallocate;
                steps.Add(preallocate
                    ? "imagebackend.Qcow2.__init__: preallocate_images=space → io='native'"
                    : "imagebackend.Qcow2.__init__: preallocate_images=none → no io (QEMU default: threads)");
                break;
            case "lvm":
                var vg = conf.ImagesVolumeGroup;
                if (vg is null)
                {
                    error = "imagebackend.Lvm.__init__ raises 'You should specify images_volume_group flag to use LVM images.'";
                }
                spec = spec with { SourceType = "block", Path = $"/dev/{vg ?? "IMAGES_VOLUME_GROUP"}/{InstanceUuid}_disk", Io = conf.SparseLogicalVolumes ? null : "native" };
                sparse = conf.SparseLogicalVolumes;
                steps.Add(conf.SparseLogicalVolumes
                    ? "imagebackend.Lvm.__init__: sparse_logical_volumes=True → no io (QEMU default: threads)"
                    : "imagebackend.Lvm.__init__: sparse_logical_volumes=False (preallocated LV) → io='native'");
                break;
            case "rbd":
                if (conf.ImagesRbdPool.Length == 0)
                {
                    error = "imagebackend.Rbd.__init__ raises 'You should specify images_rbd_pool flag to use rbd images.'";
                }
                // Rbd.libvirt_info builds its own LibvirtConfigGuestDisk and, unlike Image.libvirt_info, sets no
                // driver_name: nova writes <driver type='raw' …/> without name='qemu' (libvirt defaults it to qemu).
                spec = spec with { SourceType = "network", Protocol = "rbd", Path = $"{conf.ImagesRbdPool}/{InstanceUuid}_disk", Name = null };
                steps.Add("imagebackend.Rbd.libvirt_info: type='network' protocol='rbd', type='raw', no driver name, never an io mode");
                break;
            case "ploop":
                spec = spec with { SourceType = "file", Format = "ploop", Path = $"{instanceDir}/disk" };
                steps.Add("imagebackend.Ploop: type='ploop', no io (Virtuozzo/parallels only)");
                break;
            default:
                error = $"imagebackend.Backend.backend raises 'Unknown image_type={imagesType}'";
                spec = spec with { SourceType = "file", Path = $"{instanceDir}/disk" };
                break;
        }
        if (conf.VirtType is not ("qemu" or "kvm"))
        {
            spec = spec with { Name = null };
        }
        error = Refused(conf, host, backend, volume: null) ?? error;
        if (conf.HwDiskDiscard is "ignore" or "unmap")
        {
            spec = spec with { Discard = conf.HwDiskDiscard };
            steps.Add($"imagebackend.Image: hw_disk_discard={conf.HwDiskDiscard} → discard='{conf.HwDiskDiscard}'");
        }

        // LibvirtDriver.disk_cachemode: 'none', or 'writeback' when instances_path has no O_DIRECT.
        var baseCache = host.InstancesPathSupportsDirectIo == false ? "writeback" : "none";
        var probed = host.ProbedPath ?? conf.InstancesPath;
        steps.Add(host.InstancesPathSupportsDirectIo switch
        {
            true => $"LibvirtDriver.disk_cachemode: {probed} supports O_DIRECT → cache='none'",
            false => $"LibvirtDriver.disk_cachemode: {probed} has no O_DIRECT → nova falls back to cache='writeback'",
            _ => $"LibvirtDriver.disk_cachemode: O_DIRECT support of {conf.InstancesPath} not probed (pass --instances-path), assumed → cache='none'",
        });
        var isSparse = sparse;
        var path = spec.Path;
        var facts = host.Facts with
        {
            IsSparseFile = p => p == path && spec.SourceType == "file" ? isSparse : host.Facts.IsSparseFile(p),
            IsLvmVolume = p => p == path ? backend == "lvm" : host.Facts.IsLvmVolume(p),
            IsThinVolume = p => p == path && backend == "lvm" ? isSparse : host.Facts.IsThinVolume(p),
        };
        return Finish(conf, host with { Facts = facts }, $"image:{imagesType}", backend, conf.ImagesType == imagesType, spec, baseCache, steps, error);
    }

    /// <summary>The disk nova builds for a Cinder volume of type iscsi, fc, nfs or rbd.</summary>
    public static SimulatedDisk SimulateVolume(NovaConf conf, NovaHost host, string volumeType)
    {
        var steps = new List<string> { "volume.LibvirtBaseVolumeDriver.get_config: type='raw', cache='none'" };
        var useDefault = host.Release.HasDefaultAioModeForVolumes && conf.UseDefaultAioModeForVolumes;
        var nativeUnlessDefault = useDefault ? null : "native";
        var aioStep = !host.Release.HasDefaultAioModeForVolumes
            ? $"io='native' (nova {host.Release} has no use_default_aio_mode_for_volumes; added in {NovaVersion.DefaultAioModeForVolumesSince}.0.0)"
            : useDefault
                ? "use_default_aio_mode_for_volumes=True → no io (QEMU default: threads)"
                : "use_default_aio_mode_for_volumes=False → io='native'";
        var spec = new DiskSpec { Name = conf.VirtType is "qemu" or "kvm" ? "qemu" : null, Format = "raw" };
        string backend;
        switch (volumeType)
        {
            case "iscsi" or "iscsi-multiattach":
                backend = "LibvirtISCSIVolumeDriver";
                spec = spec with { SourceType = "block", Path = $"/dev/disk/by-path/ip-192.0.2.10:3260-iscsi-iqn.2010-10.org.openstack:volume-{VolumeId}-lun-1", Io = nativeUnlessDefault };
                steps.Add($"iscsi.LibvirtISCSIVolumeDriver.get_config: type='block', {aioStep}");
                if (volumeType == "iscsi-multiattach")
                {
                    spec = spec with { Shareable = true };
                    steps.Add("volume.LibvirtBaseVolumeDriver.get_config: connection_info multiattach → <shareable/>");
                }
                break;
            case "fc":
                backend = "LibvirtFibreChannelVolumeDriver";
                spec = spec with { SourceType = "block", Path = "/dev/disk/by-path/pci-0000:05:00.0-fc-0x5006016090203181-lun-1", Io = nativeUnlessDefault };
                steps.Add($"fibrechannel.LibvirtFibreChannelVolumeDriver.get_config: type='block', {aioStep}");
                break;
            case "nfs":
                backend = "LibvirtNFSVolumeDriver";
                spec = spec with { SourceType = "file", Path = $"{conf.NfsMountPointBase.TrimEnd('/')}/MOUNT_HASH/volume-{VolumeId}", Io = nativeUnlessDefault };
                steps.Add($"nfs.LibvirtNFSVolumeDriver.get_config: type='file', {aioStep}");
                break;
            case "rbd":
                backend = "LibvirtNetVolumeDriver";
                spec = spec with { SourceType = "network", Protocol = "rbd", Path = $"volumes/volume-{VolumeId}" };
                steps.Add("net.LibvirtNetVolumeDriver._get_net_config: type='network' protocol='rbd', never an io mode");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(volumeType), volumeType, "unknown volume type");
        }
        steps.Add("discard comes from Cinder's connection_info (discard → 'unmap'), not from nova.conf");
        return Finish(conf, host, $"volume:{volumeType}", backend, false, spec, "none", steps, Refused(conf, host, null, volumeType));
    }

    /// <summary>
    /// Why nova cannot build the disk because oslo.config refuses a value it reads on the way (an option with choices
    /// or a boolean raises ConfigFileValueError when it is read, not when nova.conf is loaded), or null. The options
    /// each code path reads: LibvirtDriver.__init__ (every disk: nova-compute does not start) reads images_type,
    /// virt_type and use_cow_images, and force_raw_images when images_type is lvm or rbd; Image.__init__ (every image
    /// disk) hw_disk_discard; Flat and Qcow2 preallocate_images; Lvm sparse_logical_volumes; the iSCSI, FC and NFS
    /// volume drivers use_default_aio_mode_for_volumes (nova 33 and later).
    /// </summary>
    private static string? Refused(NovaConf conf, NovaHost host, string? backend, string? volume)
    {
        string Refusal(string key, string value, string expected, string where) =>
            $"oslo.config refuses {key} = {value} ({expected}) when {where} reads it: nova cannot build this disk";
        var imagesType = conf.Option("libvirt", "images_type");
        if (imagesType is not null && !NovaConf.ImageTypes.Contains(imagesType.Value))
        {
            return Refusal("images_type", imagesType.Value, string.Join('|', NovaConf.ImageTypes), "LibvirtDriver.__init__") + " (nova-compute does not start)";
        }
        var virtType = conf.Option("libvirt", "virt_type");
        if (virtType is not null && virtType.Value is not ("kvm" or "lxc" or "qemu" or "parallels"))
        {
            return Refusal("virt_type", virtType.Value, "kvm|lxc|qemu|parallels", "LibvirtDriver.__init__") + " (nova-compute does not start)";
        }
        if (conf.ImagesType is "lvm" or "rbd" && BadBool(conf, "DEFAULT", "force_raw_images") is { } forceRaw)
        {
            return Refusal("force_raw_images", forceRaw, "a boolean", "LibvirtDriver.__init__") + " (nova-compute does not start)";
        }
        if (BadBool(conf, "DEFAULT", "use_cow_images") is { } cow)
        {
            return Refusal("use_cow_images", cow, "a boolean", "LibvirtDriver.__init__") + " (nova-compute does not start)";
        }
        if (volume is not null)
        {
            if (volume is "iscsi" or "iscsi-multiattach" or "fc" or "nfs" && host.Release.HasDefaultAioModeForVolumes &&
                BadBool(conf, "libvirt", "use_default_aio_mode_for_volumes") is { } aio)
            {
                return Refusal("use_default_aio_mode_for_volumes", aio, "a boolean", "the volume driver's get_config");
            }
            return null;
        }
        var discard = conf.Option("libvirt", "hw_disk_discard");
        if (discard is not null && discard.Value is not ("ignore" or "unmap"))
        {
            return Refusal("hw_disk_discard", discard.Value, "ignore|unmap", "imagebackend.Image.__init__");
        }
        var preallocate = conf.Option("DEFAULT", "preallocate_images");
        if (backend is "flat" or "qcow2" && preallocate is not null && preallocate.Value is not ("none" or "space"))
        {
            return Refusal("preallocate_images", preallocate.Value, "none|space", $"imagebackend.{(backend == "flat" ? "Flat" : "Qcow2")}.__init__");
        }
        if (backend == "lvm" && BadBool(conf, "libvirt", "sparse_logical_volumes") is { } sparse)
        {
            return Refusal("sparse_logical_volumes", sparse, "a boolean", "imagebackend.Lvm.__init__");
        }
        return null;
    }

    private static string? BadBool(NovaConf conf, string section, string key) =>
        conf.Option(section, key) is { } entry && conf.Bool(section, key) is null ? entry.Value : null;

    private static SimulatedDisk Finish(NovaConf conf, NovaHost host, string name, string backend, bool configured, DiskSpec spec,
        string baseCache, List<string> steps, string? error)
    {
        // LibvirtDriver._set_cache_mode: disk_cachemodes[source_type] replaces the default cache.
        var cache = baseCache;
        if (spec.Shareable)
        {
            steps.Add("LibvirtDriver._set_cache_mode: shareable disk → cache='none' whatever disk_cachemodes says");
        }
        else if (conf.EffectiveCacheModes.TryGetValue(spec.SourceType, out var configuredCache))
        {
            cache = configuredCache;
            steps.Add($"LibvirtDriver._set_cache_mode: disk_cachemodes {spec.SourceType}={configuredCache} → cache='{configuredCache}'");
        }
        spec = spec with { Cache = cache };

        // LibvirtDriver._set_cache_mode: io='native' silently becomes 'threads' when the cache is not none/directsync
        // (https://launchpad.net/bugs/1841363).
        var configFindings = new List<NovaConfFinding>();
        var beforeDowngrade = spec;
        if (spec.Io == "native" && cache is not ("none" or "directsync"))
        {
            spec = spec with { Io = "threads" };
            steps.Add($"LibvirtDriver._set_cache_mode: io='native' with cache='{cache}' (no O_DIRECT) → nova silently downgrades to io='threads'");
            var cacheEntry = conf.DiskCacheModes.LastOrDefault(e => e.Type == spec.SourceType && e.Mode == cache);
            configFindings.Add(cacheEntry is not null
                ? new(NovaConfCodes.NativeDowngraded, Severity.Warning, "libvirt", "disk_cachemodes", cacheEntry.Line,
                    $"disk_cachemodes: {InputText.Quote(cacheEntry.Text)} makes nova silently downgrade io='native' to 'threads' on {spec.SourceType} disks that would get it")
                : new(NovaConfCodes.NativeDowngraded, Severity.Warning, "DEFAULT", "instances_path", conf.Option("DEFAULT", "instances_path")?.FirstLine,
                    $"instances_path has no O_DIRECT: nova uses cache='{cache}' and silently downgrades io='native' to 'threads' on {spec.SourceType} image disks"));
        }
        if (spec.WithXmlCharacters() is { } clean)
        {
            // lxml, which nova builds the domain XML with, refuses such a string ("All strings must be XML compatible").
            error ??= "nova's XML builder (lxml) refuses a value with a NUL or control character (from the paths or names in nova.conf); shown here with U+FFFD";
            spec = clean;
            beforeDowngrade = beforeDowngrade.WithXmlCharacters() ?? beforeDowngrade;
        }
        var stock = spec;

        // With KvmTune's nova patch, _set_cache_mode sets driver_io from disk_io_modes[source_type] after the cache and
        // before the native→threads fallback ('default' removes it); stock nova ignores the key.
        if (conf.EffectiveIoModes.TryGetValue(spec.SourceType, out var io))
        {
            var entry = conf.DiskIoModes.Last(e => e.Type == spec.SourceType && e.Mode == io);
            var newIo = io == "default" ? null : io;
            steps.Add($"disk_io_modes {spec.SourceType}={io} → {(newIo is null ? "no io" : $"io='{newIo}'")} (read by nova once patched: kvmtune nova patch; stock nova ignores the key)");
            spec = beforeDowngrade with { Io = newIo };
            // cache='default' is libvirt's default, writeback: not direct either.
            if (newIo == "native" && !(CacheModes.Parse(cache) is { } parsed && IoMode.Native.CanStartWith(parsed)))
            {
                spec = spec with { Io = "threads" };
                steps.Add($"LibvirtDriver._set_cache_mode: io='native' with cache='{cache}' → the patched nova still falls back to io='threads'");
                configFindings.Add(new("KT001", Severity.Error, "libvirt", "disk_io_modes", entry.Line,
                    $"disk_io_modes: {InputText.Quote(entry.Text)} but {spec.SourceType} disks get cache='{cache}': libvirt refuses io='native' without cache='none' or 'directsync' (a patched nova falls back to 'threads')"));
            }
        }
        var novaDriver = stock.DriverXml();
        var driver = spec.DriverXml();
        var diskXml = spec.DiskXml();
        IReadOnlyList<Finding> findings;
        try
        {
            var domain = DomainDocument.Parse($"<domain type='kvm'>\n  <name>nova-simulated</name>\n  <devices>\n    {diskXml}\n  </devices>\n</domain>\n", name);
            findings = RuleCatalog.Check(domain, host.Facts);
        }
        catch (DomainXmlException e)
        {
            throw new InvalidOperationException($"simulated disk XML does not parse: {e.Message}", e);
        }
        return new SimulatedDisk(name, backend, configured, spec.SourceType, novaDriver, driver, diskXml, steps, error, configFindings, findings,
            stock.Attributes(), spec.Attributes(), stock.DiskXml());
    }

    private sealed record DiskSpec
    {
        public string SourceType { get; init; } = "file";
        public string? Name { get; init; }
        public string? Format { get; init; }
        public string? Cache { get; init; }
        public string? Discard { get; init; }
        public string? Io { get; init; }
        public string Path { get; init; } = "";
        public string? Protocol { get; init; }
        public bool Shareable { get; init; }

        // nova/virt/libvirt/config.py LibvirtConfigGuestDisk.format_dom: driver attributes name, type, cache, discard, io.
        public XElement Driver()
        {
            var driver = new XElement("driver");
            driver.SetAttributeValue("name", Name);
            driver.SetAttributeValue("type", Format);
            driver.SetAttributeValue("cache", Cache);
            driver.SetAttributeValue("discard", Discard);
            driver.SetAttributeValue("io", Io);
            return driver;
        }

        public string DriverXml() => Driver().ToString(SaveOptions.DisableFormatting);

        public NovaDriverAttributes Attributes() => new(Name, Format, Cache, Io, Discard);

        /// <summary>A copy with every character XML cannot hold replaced by U+FFFD, or null when there is none.</summary>
        public DiskSpec? WithXmlCharacters()
        {
            static string? Clean(string? v) => v is null ? null : InputText.ToXmlText(v);
            var clean = this with { Name = Clean(Name), Format = Clean(Format), Cache = Clean(Cache), Discard = Clean(Discard), Io = Clean(Io), Path = Clean(Path)!, Protocol = Clean(Protocol) };
            return clean == this ? null : clean;
        }

        public string DiskXml()
        {
            var source = new XElement("source");
            switch (SourceType)
            {
                case "file":
                    source.SetAttributeValue("file", Path);
                    break;
                case "block":
                    source.SetAttributeValue("dev", Path);
                    break;
                default:
                    source.SetAttributeValue("protocol", Protocol);
                    source.SetAttributeValue("name", Path);
                    break;
            }
            var disk = new XElement("disk",
                new XAttribute("type", SourceType),
                new XAttribute("device", "disk"),
                Driver(),
                source,
                new XElement("target", new XAttribute("dev", "vda"), new XAttribute("bus", "virtio")),
                Shareable ? new XElement("shareable") : null);
            return disk.ToString(SaveOptions.DisableFormatting);
        }
    }
}
