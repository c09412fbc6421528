using KvmTune.Core.Input;
using KvmTune.Core.Rules;

namespace KvmTune.Core.Nova;

/// <summary>
/// nova.conf over a lossless <see cref="IniDocument"/>, with a typed view of the keys that decide a disk's
/// <c>&lt;driver&gt;</c> (DESIGN.md) and a validation that reports, with line numbers, what nova silently ignores
/// or refuses. Defaults are nova's (nova/conf/libvirt.py, nova/conf/compute.py).
/// </summary>
public sealed class NovaConf
{
    /// <summary>Source types nova looks up in <c>disk_cachemodes</c> (<c>LibvirtConfigGuestDisk.source_type</c>).</summary>
    public static IReadOnlyList<string> CacheModeTypes { get; } = ["file", "block", "network", "mount"];

    /// <summary>nova's <c>VALID_DISK_CACHEMODES</c> (nova/virt/libvirt/driver.py).</summary>
    public static IReadOnlyList<string> ValidCacheModes { get; } = ["default", "none", "writethrough", "writeback", "directsync", "unsafe"];

    /// <summary>Source types KvmTune's <c>disk_io_modes</c> accepts.</summary>
    public static IReadOnlyList<string> IoModeTypes { get; } = ["file", "block", "network"];

    /// <summary>Modes KvmTune's <c>disk_io_modes</c> accepts; <c>default</c> leaves <c>io</c> unset (QEMU's threads).</summary>
    public static IReadOnlyList<string> ValidIoModes { get; } = ["native", "threads", "io_uring", "default"];

    /// <summary><c>[libvirt] images_type</c> choices (nova/conf/libvirt.py).</summary>
    public static IReadOnlyList<string> ImageTypes { get; } = ["raw", "flat", "qcow2", "lvm", "rbd", "ploop", "default"];

    /// <summary>oslo.config's <c>types.Boolean</c> spellings (compared case-insensitively).</summary>
    public static IReadOnlyList<string> TrueValues { get; } = ["true", "1", "on", "yes"];

    /// <inheritdoc cref="TrueValues"/>
    public static IReadOnlyList<string> FalseValues { get; } = ["false", "0", "off", "no"];

    // For a merged configuration: the first line of each file in the joined document, and the file's name.
    private readonly IReadOnlyList<(int FirstLine, string Source)> _files;

    private NovaConf(IniDocument document, IReadOnlyList<(int FirstLine, string Source)>? files = null)
    {
        Document = document;
        _files = files ?? [(1, document.SourceName ?? "nova.conf")];
    }

    /// <summary>The files this configuration was read from, in the order oslo.config reads them (later ones win).</summary>
    public IReadOnlyList<string> Files => _files.Select(f => f.Source).ToList();

    /// <summary>True for a configuration merged from several files (<see cref="Merge"/>): it cannot be edited.</summary>
    public bool IsMerged => _files.Count > 1;

    /// <summary>
    /// The configuration oslo.config builds from several files (<c>--config-file</c> given more than once, then the
    /// <c>*.conf</c> files of <c>--config-dir</c> in sorted order): each file is parsed on its own (a parse error names
    /// its file and line), and a later file's value wins over an earlier one's, as a later line wins within one file.
    /// </summary>
    public static NovaConf Merge(IReadOnlyList<(string Text, string Source)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 1)
        {
            return Parse(files[0].Text, files[0].Source);
        }
        var joined = new System.Text.StringBuilder();
        var starts = new List<(int FirstLine, string Source)>();
        var line = 1;
        foreach (var (text, source) in files)
        {
            var document = IniDocument.Parse(text, source);
            starts.Add((line, source));
            joined.Append(text);
            if (text.Length > 0 && text[^1] is not ('\n' or '\r'))
            {
                joined.Append('\n');
            }
            // A blank line between files ends the last assignment of one file before the next begins ("\r" after a
            // CR-only file: "\r\n" would be read as the end of its last line, not as a blank line).
            joined.Append(text.Length > 0 && text[^1] == '\r' ? '\r' : '\n');
            line += document.LineCount + 1;
        }
        return new NovaConf(IniDocument.Parse(joined.ToString(), string.Join(", ", starts.Select(s => s.Source))), starts);
    }

    /// <summary><c>file:line</c> for a line of this configuration (a line of the joined text when merged); the file alone for null.</summary>
    public string Locate(int? line)
    {
        if (line is not { } n)
        {
            return _files[^1].Source;
        }
        var file = _files[0];
        foreach (var f in _files)
        {
            if (f.FirstLine <= n)
            {
                file = f;
            }
        }
        return $"{file.Source}:{n - file.FirstLine + 1}";
    }

    /// <summary>The lossless document underneath.</summary>
    public IniDocument Document { get; }

    /// <summary>Where the file came from, for messages.</summary>
    public string Source => Document.SourceName ?? "nova.conf";

    /// <summary>Parses nova.conf text; throws <see cref="InputException"/> with the line for what oslo.config rejects.</summary>
    public static NovaConf Parse(string text, string? sourceName = null) => new(IniDocument.Parse(text, sourceName));

    /// <summary>The text; unedited, the parsed input byte for byte.</summary>
    public string ToText() => Document.ToText();

    /// <summary>Sets a key (see <see cref="IniDocument.Set"/>); false when nothing changed.</summary>
    public bool Set(string section, string key, string value) =>
        IsMerged ? throw new InvalidOperationException("a configuration merged from several files cannot be edited") : Document.Set(section, key, value);

    /// <summary>The effective (last) assignment of a key, or null when unset.</summary>
    public IniEntry? Option(string section, string key) => Document.Last(section, key);

    /// <summary><c>[libvirt] disk_cachemodes</c> entries as written, each with its line.</summary>
    public IReadOnlyList<NovaModeEntry> DiskCacheModes => ModeList("disk_cachemodes");

    /// <summary>KvmTune's <c>[libvirt] disk_io_modes</c> entries as written, each with its line.</summary>
    public IReadOnlyList<NovaModeEntry> DiskIoModes => ModeList("disk_io_modes");

    /// <summary>
    /// The cache mode per source type as nova uses it (LibvirtDriver.__init__): an entry whose mode is not valid is
    /// skipped, the type is never checked, a later entry for the same type wins.
    /// </summary>
    public IReadOnlyDictionary<string, string> EffectiveCacheModes => Effective(DiskCacheModes, ValidCacheModes);

    /// <summary>The io mode per source type from <c>disk_io_modes</c>, valid entries only, a later one winning.</summary>
    public IReadOnlyDictionary<string, string> EffectiveIoModes => Effective(DiskIoModes, ValidIoModes);

    /// <summary><c>[libvirt] images_type</c> (default <c>default</c>).</summary>
    public string ImagesType => Option("libvirt", "images_type")?.Value ?? "default";

    /// <summary><c>[libvirt] images_volume_group</c>, or null when unset or empty.</summary>
    public string? ImagesVolumeGroup => Option("libvirt", "images_volume_group")?.Value is { Length: > 0 } vg ? vg : null;

    /// <summary><c>[libvirt] images_rbd_pool</c> (default <c>rbd</c>; an explicitly empty value stays empty: nova's Rbd backend refuses it).</summary>
    public string ImagesRbdPool => Option("libvirt", "images_rbd_pool")?.Value ?? "rbd";

    /// <summary><c>[libvirt] virt_type</c> (default <c>kvm</c>).</summary>
    public string VirtType => Option("libvirt", "virt_type")?.Value ?? "kvm";

    /// <summary><c>[libvirt] sparse_logical_volumes</c> (default false).</summary>
    public bool SparseLogicalVolumes => Bool("libvirt", "sparse_logical_volumes") ?? false;

    /// <summary><c>[libvirt] use_default_aio_mode_for_volumes</c> (default false: iSCSI, FC and NFS volumes get io='native').</summary>
    public bool UseDefaultAioModeForVolumes => Bool("libvirt", "use_default_aio_mode_for_volumes") ?? false;

    /// <summary><c>[libvirt] hw_disk_discard</c> as written (null when unset; an empty value is refused by oslo.config).</summary>
    public string? HwDiskDiscard => Option("libvirt", "hw_disk_discard")?.Value;

    /// <summary><c>[DEFAULT] preallocate_images</c> (default <c>none</c>).</summary>
    public string PreallocateImages => Option("DEFAULT", "preallocate_images")?.Value ?? "none";

    /// <summary><c>[DEFAULT] use_cow_images</c> (default true).</summary>
    public bool UseCowImages => Bool("DEFAULT", "use_cow_images") ?? true;

    /// <summary>The <c>state_path</c> the distributions' packages set in their nova.conf (Debian, Ubuntu, RDO, kolla).</summary>
    public const string PackagedStatePath = "/var/lib/nova";

    /// <summary>
    /// The <c>state_path</c> assumed when nova.conf does not set it: <see cref="PackagedStatePath"/> unless changed
    /// (<c>nova explain --state-path</c>). nova's own code default is <c>$pybasedir</c>, the directory that holds the
    /// nova package (<c>/usr/lib/python3/dist-packages</c>); packaged nova.conf files set <c>/var/lib/nova</c>.
    /// </summary>
    public string DefaultStatePath { get; set; } = PackagedStatePath;

    /// <summary><c>[DEFAULT] state_path</c>, or <see cref="DefaultStatePath"/> when unset.</summary>
    public string StatePath => Option("DEFAULT", "state_path")?.Value is { Length: > 0 } s ? s : DefaultStatePath;

    /// <summary>True when nova.conf sets <c>state_path</c> itself.</summary>
    public bool SetsStatePath => Option("DEFAULT", "state_path")?.Value is { Length: > 0 };

    /// <summary><c>[DEFAULT] instances_path</c> with <c>$state_path</c> substituted (default <c>$state_path/instances</c>).</summary>
    public string InstancesPath => Interpolate(Option("DEFAULT", "instances_path")?.Value is { Length: > 0 } p ? p : "$state_path/instances");

    /// <summary><c>[libvirt] nfs_mount_point_base</c> with <c>$state_path</c> substituted (default <c>$state_path/mnt</c>).</summary>
    public string NfsMountPointBase => Interpolate(Option("libvirt", "nfs_mount_point_base")?.Value is { Length: > 0 } p ? p : "$state_path/mnt");

    /// <summary>The image backend class nova picks for <paramref name="imagesType"/> (imagebackend.Backend): default is Qcow2 with use_cow_images, else Flat.</summary>
    public string ResolveBackend(string imagesType) => imagesType switch
    {
        "raw" or "flat" => "flat",
        "default" => UseCowImages ? "qcow2" : "flat",
        _ => imagesType,
    };

    /// <summary>Parses an oslo.config boolean; null when unset or not a boolean (see <see cref="Validate()"/>).</summary>
    public bool? Bool(string section, string key)
    {
        var value = Option(section, key)?.Value.ToLowerInvariant();
        return value is null ? null : TrueValues.Contains(value) ? true : FalseValues.Contains(value) ? false : null;
    }

    /// <summary>
    /// What nova silently ignores or refuses, each with its line: unknown type or mode in <c>disk_cachemodes</c> and
    /// <c>disk_io_modes</c>, <c>images_type = lvm</c> without <c>images_volume_group</c>, unknown <c>images_type</c>,
    /// bad booleans, unknown <c>preallocate_images</c> or <c>hw_disk_discard</c>, repeated single-valued keys.
    /// </summary>
    public IReadOnlyList<NovaConfFinding> Validate() => Validate(NovaVersion.Master);

    /// <summary>The same for a given nova release (keys it does not have are reported as such).</summary>
    public IReadOnlyList<NovaConfFinding> Validate(NovaVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var findings = new List<NovaConfFinding>();
        CheckModes(findings, "disk_cachemodes", DiskCacheModes, CacheModeTypes, ValidCacheModes,
            "nova logs a warning and ignores the entry");
        CheckModes(findings, "disk_io_modes", DiskIoModes, IoModeTypes, ValidIoModes,
            "KvmTune ignores the entry");

        var imagesType = Option("libvirt", "images_type");
        if (imagesType is not null && !ImageTypes.Contains(imagesType.Value))
        {
            findings.Add(new(NovaConfCodes.UnknownImagesType, Severity.Error, "libvirt", "images_type", imagesType.FirstLine,
                $"images_type = {InputText.Quote(imagesType.Value)}: not one of {string.Join('|', ImageTypes)}; oslo.config refuses the value and nova-compute fails"));
        }
        if (imagesType?.Value == "lvm" && ImagesVolumeGroup is null)
        {
            findings.Add(new(NovaConfCodes.LvmWithoutVolumeGroup, Severity.Error, "libvirt", "images_type", imagesType.FirstLine,
                "images_type = lvm without images_volume_group: nova fails every instance build ('You should specify images_volume_group flag to use LVM images.')"));
        }
        var defaultAio = Option("libvirt", "use_default_aio_mode_for_volumes");
        if (defaultAio is not null && !version.HasDefaultAioModeForVolumes)
        {
            findings.Add(new(NovaConfCodes.NotInThisNova, Severity.Warning, "libvirt", "use_default_aio_mode_for_volumes", defaultAio.FirstLine,
                $"use_default_aio_mode_for_volumes is not an option of nova {version} (added in {NovaVersion.DefaultAioModeForVolumesSince}.0.0): nova ignores it and iSCSI, FC and NFS volumes keep io='native'"));
        }
        foreach (var (section, key) in BooleanKeys.Where(k => k.Key != "use_default_aio_mode_for_volumes" || version.HasDefaultAioModeForVolumes))
        {
            var entry = Option(section, key);
            if (entry is not null && Bool(section, key) is null)
            {
                findings.Add(new(NovaConfCodes.BadBoolean, Severity.Error, section, key, entry.FirstLine,
                    $"{key} = {InputText.Quote(entry.Value)}: not a boolean (true/false, yes/no, on/off, 1/0); oslo.config refuses the value"));
            }
        }
        var preallocate = Option("DEFAULT", "preallocate_images");
        if (preallocate is not null && preallocate.Value is not ("none" or "space"))
        {
            findings.Add(new(NovaConfCodes.UnknownPreallocate, Severity.Error, "DEFAULT", "preallocate_images", preallocate.FirstLine,
                $"preallocate_images = {InputText.Quote(preallocate.Value)}: not none|space; oslo.config refuses the value"));
        }
        var discard = Option("libvirt", "hw_disk_discard");
        // An empty value is not "unset": oslo.config checks it against the choices and refuses it.
        if (discard is not null && discard.Value is not ("ignore" or "unmap"))
        {
            findings.Add(new(NovaConfCodes.UnknownDiscard, Severity.Error, "libvirt", "hw_disk_discard", discard.FirstLine,
                $"hw_disk_discard = {InputText.Quote(discard.Value)}: not ignore|unmap; oslo.config refuses the value"));
        }
        foreach (var (section, key) in KnownKeys)
        {
            var all = Document.All(section, key);
            foreach (var shadowed in all.Take(all.Count - 1))
            {
                findings.Add(new(NovaConfCodes.RepeatedKey, Severity.Warning, section, key, shadowed.FirstLine,
                    $"{key} is set again on line {all[^1].FirstLine}; nova uses only the last value"));
            }
        }
        return findings.OrderBy(f => f.Line ?? 0).ThenBy(f => f.Code, StringComparer.Ordinal).ToList();
    }

    /// <summary>The boolean keys of the typed view: section, key.</summary>
    public static IReadOnlyList<(string Section, string Key)> BooleanKeys { get; } =
    [
        ("libvirt", "sparse_logical_volumes"), ("libvirt", "use_default_aio_mode_for_volumes"), ("DEFAULT", "use_cow_images"), ("DEFAULT", "force_raw_images"),
    ];

    /// <summary>The keys of the typed view: section, key.</summary>
    public static IReadOnlyList<(string Section, string Key)> KnownKeys { get; } =
    [
        ("libvirt", "disk_cachemodes"), ("libvirt", "disk_io_modes"), ("libvirt", "images_type"),
        ("libvirt", "images_volume_group"), ("libvirt", "sparse_logical_volumes"), ("libvirt", "hw_disk_discard"),
        ("libvirt", "use_default_aio_mode_for_volumes"), ("DEFAULT", "preallocate_images"),
        ("DEFAULT", "use_cow_images"), ("DEFAULT", "instances_path"),
    ];

    private static void CheckModes(List<NovaConfFinding> findings, string key, IReadOnlyList<NovaModeEntry> entries,
        IReadOnlyList<string> types, IReadOnlyList<string> modes, string consequence)
    {
        var seen = new Dictionary<string, NovaModeEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry.Text.Length == 0)
            {
                findings.Add(new(NovaConfCodes.EmptyItem, Severity.Warning, "libvirt", key, entry.Line,
                    $"{key}: an empty item (two commas in a row, or a comma first); nova logs 'Invalid {(key == "disk_cachemodes" ? "cachemode" : "io mode")}  specified for disk type .' at every start and ignores it"));
                continue;
            }
            if (!entry.HasEquals)
            {
                findings.Add(new(NovaConfCodes.UnknownMode, Severity.Error, "libvirt", key, entry.Line,
                    $"{key}: '{InputText.Quote(entry.Text)}' is not TYPE=MODE; {consequence}"));
                continue;
            }
            if (!modes.Contains(entry.Mode))
            {
                findings.Add(new(NovaConfCodes.UnknownMode, Severity.Error, "libvirt", key, entry.Line,
                    $"{key}: unknown mode '{InputText.Quote(entry.Mode)}' for type '{InputText.Quote(entry.Type)}' (expected {string.Join('|', modes)}); {consequence}"));
                continue;
            }
            if (!types.Contains(entry.Type))
            {
                findings.Add(new(NovaConfCodes.UnknownType, Severity.Warning, "libvirt", key, entry.Line,
                    $"{key}: unknown source type '{InputText.Quote(entry.Type)}' (expected {string.Join('|', types)}); no disk has it, so '{InputText.Quote(entry.Text)}' has no effect"));
            }
            if (seen.TryGetValue(entry.Type, out var earlier))
            {
                findings.Add(new(NovaConfCodes.RepeatedKey, Severity.Warning, "libvirt", key, earlier.Line,
                    $"{key}: type '{InputText.Quote(entry.Type)}' is given again ('{InputText.Quote(entry.Text)}'); the later entry wins and '{InputText.Quote(earlier.Text)}' is ignored"));
            }
            seen[entry.Type] = entry;
        }
    }

    private static Dictionary<string, string> Effective(IReadOnlyList<NovaModeEntry> entries, IReadOnlyList<string> modes)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (modes.Contains(entry.Mode))
            {
                map[entry.Type] = entry.Mode;
            }
        }
        return map;
    }

    // oslo.config ListOpt (oslo_config.types.List): the value stripped and its trailing commas dropped, then split at
    // commas, each item stripped; an empty item between two commas (or before the first) is kept, and nova warns
    // about it. An item keeps the line it is written on (continuation lines are joined with '\n', so the line is the
    // entry's first line plus the newlines before it).
    private List<NovaModeEntry> ModeList(string key)
    {
        var entry = Option("libvirt", key);
        var list = new List<NovaModeEntry>();
        if (entry is null)
        {
            return list;
        }
        var value = entry.Value.Trim().TrimEnd(',');
        var lead = entry.Value.Length - entry.Value.TrimStart().Length;
        if (value.Length == 0)
        {
            return list;
        }
        value = entry.Value[..(lead + value.Length)];
        var start = lead;
        while (start <= value.Length)
        {
            var comma = value.IndexOf(',', start);
            var end = comma < 0 ? value.Length : comma;
            var raw = value[start..end];
            var text = raw.Trim();
            var offset = text.Length == 0 ? start : start + raw.IndexOf(text, StringComparison.Ordinal);
            var line = entry.FirstLine + value[..offset].Count(c => c == '\n');
            // nova: disk_type, sep, cache_mode = mode_str.partition('=') — neither part is stripped.
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            list.Add(eq < 0
                ? new NovaModeEntry(text, "", text, line, HasEquals: false)
                : new NovaModeEntry(text[..eq], text[(eq + 1)..], text, line, HasEquals: true));
            if (comma < 0)
            {
                break;
            }
            start = comma + 1;
        }
        return list;
    }

    private string Interpolate(string value) =>
        value.Replace("${state_path}", StatePath, StringComparison.Ordinal).Replace("$state_path", StatePath, StringComparison.Ordinal);
}

/// <summary>One <c>TYPE=MODE</c> item of <c>disk_cachemodes</c> or <c>disk_io_modes</c>.</summary>
/// <param name="Type">The source type as written (<c>file</c>).</param>
/// <param name="Mode">The mode as written (<c>none</c>); empty when there is no <c>=</c>.</param>
/// <param name="Text">The whole item as written.</param>
/// <param name="Line">1-based line the item is on.</param>
/// <param name="HasEquals">False for an item without <c>=</c>.</param>
public sealed record NovaModeEntry(string Type, string Mode, string Text, int Line, bool HasEquals);

/// <summary>A nova.conf problem: a code, a severity, the key and its line, and one line of explanation.</summary>
/// <param name="Code">Stable code (<c>KN001</c>, or a rule code such as <c>KT001</c>).</param>
/// <param name="Severity">Error (nova refuses or ignores it) or warning.</param>
/// <param name="Section">The section (<c>libvirt</c>).</param>
/// <param name="Key">The key.</param>
/// <param name="Line">1-based line, or null when the key is not in the file.</param>
/// <param name="Message">One line, in nova.conf's own spelling.</param>
public sealed record NovaConfFinding(string Code, Severity Severity, string Section, string Key, int? Line, string Message)
{
    /// <summary>Lower-case severity (<c>error</c>, <c>warning</c>, <c>info</c>).</summary>
    public string SeverityText => Severity switch
    {
        Severity.Error => "error",
        Severity.Warning => "warning",
        _ => "info",
    };
}

/// <summary>Stable codes of nova.conf findings (never reused).</summary>
public static class NovaConfCodes
{
    /// <summary>disk_cachemodes / disk_io_modes item with an unknown mode or without <c>=</c>.</summary>
    public const string UnknownMode = "KN001";

    /// <summary>disk_cachemodes / disk_io_modes item with a source type no disk has.</summary>
    public const string UnknownType = "KN002";

    /// <summary>images_type = lvm without images_volume_group.</summary>
    public const string LvmWithoutVolumeGroup = "KN003";

    /// <summary>images_type not one of nova's choices.</summary>
    public const string UnknownImagesType = "KN004";

    /// <summary>A boolean option with a value oslo.config does not accept.</summary>
    public const string BadBoolean = "KN005";

    /// <summary>preallocate_images not none|space.</summary>
    public const string UnknownPreallocate = "KN006";

    /// <summary>hw_disk_discard not ignore|unmap.</summary>
    public const string UnknownDiscard = "KN007";

    /// <summary>A single-valued key (or a disk_cachemodes type) given more than once: only the last counts.</summary>
    public const string RepeatedKey = "KN008";

    /// <summary>A cache mode (from disk_cachemodes or the O_DIRECT fallback) that makes nova downgrade io='native' to 'threads'.</summary>
    public const string NativeDowngraded = "KN009";

    /// <summary>A key the given nova release does not have (use_default_aio_mode_for_volumes before 33.0.0).</summary>
    public const string NotInThisNova = "KN010";

    /// <summary>An empty item in disk_cachemodes / disk_io_modes (two commas in a row): nova warns at every start.</summary>
    public const string EmptyItem = "KN011";
}
