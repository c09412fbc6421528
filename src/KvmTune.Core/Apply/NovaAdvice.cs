using KvmTune.Core.Libvirt;

namespace KvmTune.Core.Apply;

/// <summary>
/// What an operator must do so that a policy applied to a nova-managed domain lasts: nova regenerates the domain XML
/// on hard reboot, resize and migration, so only nova.conf keys survive. Lists the nova.conf lines and the settings
/// nova cannot express.
/// </summary>
/// <param name="ConfLines">nova.conf lines (<c>[libvirt]</c>, <c>disk_cachemodes = file=none,block=none</c>).</param>
/// <param name="NotExpressible">Settings nova cannot carry, each one line.</param>
public sealed record NovaAdvice(IReadOnlyList<string> ConfLines, IReadOnlyList<string> NotExpressible)
{
    /// <summary>The advice for a policy applied to one domain.</summary>
    public static NovaAdvice For(TuningPolicy policy, DomainDocument domain)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(domain);
        var sections = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var (section, keys) in policy.Nova)
        {
            var target = Section(sections, section);
            foreach (var (key, value) in keys)
            {
                target[key] = value;
            }
        }
        var types = policy.Disks.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var libvirt = Section(sections, "libvirt");
        var cachemodes = string.Join(",", types.Where(t => t.Value.Cache is not null).Select(t => $"{t.Key}={t.Value.Cache}"));
        if (cachemodes.Length > 0)
        {
            libvirt.TryAdd("disk_cachemodes", cachemodes);
        }
        var iomodes = string.Join(",", types.Where(t => t.Value.Io is not null).Select(t => $"{t.Key}={t.Value.Io}"));
        if (iomodes.Length > 0)
        {
            libvirt.TryAdd("disk_io_modes", iomodes);
        }
        var discards = types.Select(t => t.Value.Discard).Where(d => d is not null).Distinct().ToList();
        if (discards.Count == 1 && discards[0] is "unmap" or "ignore")
        {
            libvirt.TryAdd("hw_disk_discard", discards[0]!);
        }
        if (libvirt.Count == 0)
        {
            sections.Remove("libvirt");
        }

        var lines = new List<string>();
        foreach (var (section, keys) in sections)
        {
            lines.Add($"[{section}]");
            lines.AddRange(keys.Select(kv => $"{kv.Key} = {kv.Value}"));
        }

        var missing = new List<string>();
        if (iomodes.Length > 0)
        {
            missing.Add("io per source type: stock nova chooses io itself (native for LVM and preallocated images, threads otherwise); " +
                        "disk_io_modes needs KvmTune's nova patch (kvmtune nova patch --yes)");
        }
        if (discards.Count > 1)
        {
            missing.Add("discard per source type: nova's hw_disk_discard is one value for every disk");
        }
        if (types.Any(t => t.Value.DetectZeroes is not null))
        {
            missing.Add("detect_zeroes: nova has no option for it");
        }
        if (domain.IoThreads > 0 || domain.Disks.Any(d => d.Driver.IoThread is not null || d.Driver.IoThreadMapping.Count > 0))
        {
            missing.Add("iothread binding (<iothreads>, driver iothread=…): nova cannot express it");
        }
        return new NovaAdvice(lines, missing);
    }

    private static SortedDictionary<string, string> Section(SortedDictionary<string, SortedDictionary<string, string>> sections, string name)
    {
        if (!sections.TryGetValue(name, out var keys))
        {
            keys = new SortedDictionary<string, string>(StringComparer.Ordinal);
            sections[name] = keys;
        }
        return keys;
    }
}
