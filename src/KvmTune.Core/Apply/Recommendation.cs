using System.Globalization;
using System.Text;
using KvmTune.Core.Decisions;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Apply;

/// <summary>
/// One nova.conf key to set. <see cref="KvmTuneOnly"/> marks <c>disk_io_modes</c>, which only a nova patched by
/// KvmTune reads (stock nova ignores it).
/// </summary>
public sealed record NovaLine(string Section, string Key, string Value, bool KvmTuneOnly = false)
{
    public override string ToString() => $"{Key} = {Value}";
}

/// <summary>Options of <see cref="Recommendation.From"/>.</summary>
/// <param name="RunId">The stored run the decision came from.</param>
/// <param name="VmsPerHost">Share the measured sustained capacity among this many VMs (flavor QoS), or null.</param>
/// <param name="VolumeGroup">The volume group for <c>images_type = lvm</c>, when known.</param>
/// <param name="ImageSize">The virtual size of the images measured, to size a metadata cache that covers a whole image.</param>
public sealed record RecommendationOptions(long? RunId = null, int? VmsPerHost = null, string? VolumeGroup = null, long? ImageSize = null);

/// <summary>
/// What to do with a decision: nova.conf lines, KvmTune's <c>disk_io_modes</c> line, libvirt <c>&lt;driver/&gt;</c>
/// elements per source type, flavor QoS extra specs, and the <see cref="TuningPolicy"/> <c>apply</c> consumes.
/// </summary>
public sealed record Recommendation(
    Candidate? Winner,
    IReadOnlyList<NovaLine> Nova,
    IReadOnlyDictionary<string, string> DriverElements,
    IReadOnlyDictionary<string, string> FlavorExtraSpecs,
    IReadOnlyList<string> Notes,
    TuningPolicy Policy)
{
    /// <summary>
    /// Image options (qcow2 cluster size, extended L2, metadata cache; discard, detect_zeroes) that beat the defaults of
    /// the winner outside the intervals (<see cref="ImageOptionsAdvice"/>), with what carries each; null when none does.
    /// </summary>
    public ImageOptionsRecommendation? ImageOptions { get; init; }

    /// <summary>The nova.conf lines as a snippet, grouped by section (<c>[DEFAULT]</c> first).</summary>
    public string NovaConfSnippet()
    {
        var text = new StringBuilder();
        foreach (var section in Nova.GroupBy(l => l.Section).OrderBy(g => g.Key == "DEFAULT" ? 0 : 1).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            if (text.Length > 0)
            {
                text.Append('\n');
            }
            text.Append('[').Append(section.Key).Append("]\n");
            foreach (var line in section)
            {
                if (line.KvmTuneOnly)
                {
                    text.Append("# read by nova once patched (kvmtune nova patch); stock nova ignores it. kvmtune apply reads the policy file, not nova.conf\n");
                }
                text.Append(line).Append('\n');
            }
        }
        return text.ToString();
    }

    /// <summary>Builds the recommendation for a decision.</summary>
    public static Recommendation From(Decision decision, RecommendationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(decision);
        options ??= new RecommendationOptions();
        if (options.VmsPerHost is < 1)
        {
            throw new InputException($"--vms-per-host: {options.VmsPerHost} is not a positive number of VMs");
        }
        var notes = new List<string>();
        var winners = decision.WinnerBySourceType;
        var nova = new List<NovaLine>();
        var drivers = new Dictionary<string, string>();
        var policy = new TuningPolicy { FromRun = options.RunId, Rationale = [.. decision.Rationale] };
        if (decision.Winner is null || winners.Count == 0)
        {
            notes.Add("nothing to apply: no candidate was ranked within the constraints");
            return new Recommendation(null, nova, drivers, new Dictionary<string, string>(), notes, policy);
        }

        foreach (var (type, c) in winners.OrderBy(kv => kv.Key == "file" ? 0 : 1))
        {
            drivers[type] = DriverSettings.For(c, options.ImageSize).ToXml();
            policy.Disks[type] = DriverPolicy.For(c.Driver);
        }
        var imageOptions = ImageOptionsAdvice.Recommend(decision, options.ImageSize);
        if (imageOptions is not null)
        {
            notes.Add(imageOptions.Sentence);
            notes.AddRange(imageOptions.Lines);
        }
        var sourceOrder = winners.OrderBy(kv => kv.Key == "file" ? 0 : 1).ToList();
        nova.Add(new NovaLine("libvirt", "disk_cachemodes", string.Join(",", sourceOrder.Select(kv => $"{kv.Key}={kv.Value.Cache.ToLibvirt()}"))));
        nova.Add(new NovaLine("libvirt", "disk_io_modes", string.Join(",", sourceOrder.Select(kv => $"{kv.Key}={kv.Value.Io.ToLibvirt()}")), KvmTuneOnly: true));

        // images_type follows the overall winner; a block winner other than LVM has no nova image backend of its own,
        // so the image type then follows the best file backend and the block winner only sets block=… above.
        var overall = decision.Winner;
        var imageSource = overall.Backend switch
        {
            Backend.Lvm => overall,
            Backend.Loop or Backend.Device => winners.GetValueOrDefault("file"),
            _ => overall,
        };
        if (overall.Backend is Backend.Loop or Backend.Device)
        {
            notes.Add($"the overall winner is a block device ({overall.Id}): nova puts instance disks on block devices with images_type = lvm " +
                      "(and images_volume_group), and Cinder volumes take disk_cachemodes block=…" +
                      (imageSource is null ? "" : $"; images_type below follows the best file backend, {imageSource.Id}"));
        }
        if (imageSource is not null)
        {
            switch (imageSource.Backend)
            {
                case Backend.Lvm:
                    nova.Add(new NovaLine("libvirt", "images_type", "lvm"));
                    if (options.VolumeGroup is { Length: > 0 } vg)
                    {
                        nova.Add(new NovaLine("libvirt", "images_volume_group", vg));
                    }
                    else
                    {
                        notes.Add("images_type = lvm needs images_volume_group: set it to the volume group that was measured");
                    }
                    nova.Add(new NovaLine("DEFAULT", "preallocate_images", "none"));
                    break;
                default:
                    nova.Add(new NovaLine("libvirt", "images_type", imageSource.Backend.Format()));
                    nova.Add(new NovaLine("DEFAULT", "preallocate_images", imageSource.Backend.IsPreallocated() ? "space" : "none"));
                    if (imageSource.Backend == Backend.Qcow2Metadata)
                    {
                        notes.Add("preallocate_images stays none: nova's only preallocation, space, fallocates the whole image, while qcow2-metadata preallocated only the qcow2 metadata (nova has no setting for that)");
                    }
                    break;
            }
        }
        // disk_cachemodes and disk_io_modes travel in the policy as Disks (per source type), so that applying it
        // merges them with the entries nova.conf has for other types instead of replacing the whole list.
        foreach (var line in nova.Where(l => l.Key is not ("disk_cachemodes" or "disk_io_modes")))
        {
            if (!policy.Nova.TryGetValue(line.Section, out var keys))
            {
                policy.Nova[line.Section] = keys = [];
            }
            keys[line.Key] = line.Value;
        }

        var specs = new Dictionary<string, string>();
        if (options.VmsPerHost is { } n)
        {
            Qos(decision, decision.Winner, n, specs, notes);
        }
        if (imageOptions?.Candidate.Options.Discard is { } discard && winners.ContainsKey("file"))
        {
            // nova's own key for the discard of its image disks.
            nova.Add(new NovaLine("libvirt", "hw_disk_discard", Tuning.ImageOptions.Name(discard)));
            if (!policy.Nova.TryGetValue("libvirt", out var keys))
            {
                policy.Nova["libvirt"] = keys = [];
            }
            keys["hw_disk_discard"] = Tuning.ImageOptions.Name(discard);
        }
        policy = policy with { FlavorExtraSpecs = specs.Count == 0 ? null : new Dictionary<string, string>(specs) };
        return new Recommendation(decision.Winner, nova, drivers, specs, notes, policy) { ImageOptions = imageOptions };
    }

    // Shares the winner's measured capacity among n VMs: IOPS from the small-block profiles, bytes from the large-block
    // ones; the smallest figure over the profiles, so that every VM can get its share under each measured pattern.
    private static void Qos(Decision decision, Candidate winner, int n, Dictionary<string, string> specs, List<string> notes)
    {
        var entries = decision.Profiles
            .Select(p => (Profile: WorkloadProfile.Find(p.Profile), Entry: p.Ranking.FirstOrDefault(r => r.Candidate == winner)))
            .Where(x => x.Profile is not null && x.Entry is not null)
            .ToList();
        var small = entries.Where(x => x.Profile!.BlockSize < 65536).ToList();
        var large = entries.Where(x => x.Profile!.BlockSize >= 65536).ToList();
        if (small.Count > 0)
        {
            var least = small.MinBy(x => x.Entry!.Basis.Median);
            var capacity = least.Entry!.Basis.Median;
            specs["quota:disk_total_iops_sec"] = Math.Floor(capacity / n).ToString(CultureInfo.InvariantCulture);
            notes.Add($"quota:disk_total_iops_sec: {Figures.Count(capacity)} IOPS measured for {winner} under {least.Profile!.Name} (the smallest small-block figure) shared among {n} VMs");
        }
        else
        {
            notes.Add("quota:disk_total_iops_sec: no small-block profile was measured; not set");
        }
        if (large.Count > 0)
        {
            var least = large.MinBy(x => BytesPerSecond(x.Entry!));
            var capacity = BytesPerSecond(least.Entry!);
            specs["quota:disk_total_bytes_sec"] = Math.Floor(capacity / n).ToString(CultureInfo.InvariantCulture);
            notes.Add($"quota:disk_total_bytes_sec: {Figures.Count(capacity / 1e6)} MB/s measured for {winner} under {least.Profile!.Name} shared among {n} VMs");
        }
        else
        {
            notes.Add("quota:disk_total_bytes_sec: no large-block profile (>= 64 KiB) was measured; not set");
        }
    }

    // MB/s scaled like the ranking basis (to the sustained figure when one was measured); MB = 10^6 bytes.
    private static double BytesPerSecond(RankedCandidate entry) =>
        entry.MBps.Median * 1e6 * (entry.Iops.Median > 0 ? entry.Basis.Median / entry.Iops.Median : 1);
}
