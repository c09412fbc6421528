using System.Globalization;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Decisions;

/// <summary>A candidate with image options against the same backend, cache and aio mode with the defaults, in one profile.</summary>
/// <param name="Profile">The profile.</param>
/// <param name="Candidate">The candidate with options.</param>
/// <param name="Reference">The same candidate with the default options.</param>
/// <param name="Ratio">Its ranking median over the reference's.</param>
/// <param name="Basis">Its ranking statistic (<see cref="Advisor.Basis"/>).</param>
/// <param name="ReferenceBasis">The reference's.</param>
public sealed record OptionGain(string Profile, Candidate Candidate, Candidate Reference, double Ratio, Statistic Basis, Statistic ReferenceBasis)
{
    /// <summary>Faster than the default outside both intervals (its lower bound above the default's upper bound).</summary>
    public bool Beats => Basis.CiLow > ReferenceBasis.CiHigh;

    /// <summary>Slower than the default outside both intervals.</summary>
    public bool Loses => Basis.CiHigh < ReferenceBasis.CiLow;
}

/// <summary>How an operator carries winning image options, and what carries none of them.</summary>
/// <param name="Candidate">The candidate whose options won.</param>
/// <param name="Gains">Its comparison with the default in every profile measured.</param>
/// <param name="Driver">The libvirt <c>&lt;driver&gt;</c> with the options libvirt can carry (discard, detect_zeroes, metadata_cache).</param>
/// <param name="ImageCreation">The <c>qemu-img create</c> options an image needs (cluster size, extended L2), or null.</param>
/// <param name="Lines">What carries each option, one sentence each (libvirt, image creation, nova).</param>
public sealed record ImageOptionsRecommendation(
    Candidate Candidate,
    IReadOnlyList<OptionGain> Gains,
    DriverSettings Driver,
    string? ImageCreation,
    IReadOnlyList<string> Lines)
{
    /// <summary>One rationale line: which options beat the default, by how much, in which profiles.</summary>
    public string Sentence
    {
        get
        {
            var beats = Gains.Where(g => g.Beats).Select(g => $"{g.Profile} {Figures.Ratio(g.Ratio)} [{Figures.Count(g.Basis.CiLow)}–{Figures.Count(g.Basis.CiHigh)} vs {Figures.Count(g.ReferenceBasis.CiLow)}–{Figures.Count(g.ReferenceBasis.CiHigh)} IOPS]");
            return $"image options {Candidate.Options.Text} beat the defaults of {Candidate.Base} outside the intervals: {string.Join(", ", beats)}";
        }
    }
}

/// <summary>
/// Whether image options (qcow2 cluster size, extended L2, L2 cache; discard, detect_zeroes) beat QEMU's and libvirt's
/// defaults on this host: pure functions over the qemu engine's rankable results, for the advisor and the report.
/// Options win only outside the intervals (faster in at least one profile, slower in none), so that a recommendation to
/// change an image's layout or a domain's cache rests on a difference the noise cannot explain.
/// </summary>
public static class ImageOptionsAdvice
{
    /// <summary>Every candidate with options against its default, per profile (both measured and rankable).</summary>
    public static IReadOnlyList<OptionGain> Compare(IReadOnlyList<SubjectResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        return Compare([.. results
            .Where(r => r.Engine == Engine.Qemu && r.Rankable && r.Candidate is not null)
            .Select(r => (r.Profile, r.Candidate!, Advisor.Basis(r)))]);
    }

    /// <summary>Every candidate with options against its default, per profile, among a decision's rankings (within its constraints).</summary>
    public static IReadOnlyList<OptionGain> Compare(Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return Compare([.. decision.Profiles.SelectMany(p => p.Ranking.Select(r => (p.Profile, r.Candidate, r.Basis)))]);
    }

    /// <summary>Every candidate with options against the same candidate with the defaults, per profile, from ranking statistics.</summary>
    public static IReadOnlyList<OptionGain> Compare(IReadOnlyList<(string Profile, Candidate Candidate, Statistic Basis)> ranked)
    {
        ArgumentNullException.ThrowIfNull(ranked);
        var gains = new List<OptionGain>();
        foreach (var (profile, candidate, basis) in ranked.Where(r => !r.Candidate.Options.IsDefault))
        {
            var reference = ranked.FirstOrDefault(b => b.Profile == profile && b.Candidate == candidate.Base);
            if (reference.Candidate is null || basis.Median <= 0 || reference.Basis.Median <= 0)
            {
                continue;
            }
            gains.Add(new OptionGain(profile, candidate, reference.Candidate, basis.Median / reference.Basis.Median, basis, reference.Basis));
        }
        return gains;
    }

    /// <summary>
    /// The options to recommend from a decision (<see cref="Recommend(IReadOnlyList{OptionGain}, Candidate?, long?)"/>
    /// over its rankings, for its winner): what the advisor's output carries.
    /// </summary>
    public static ImageOptionsRecommendation? Recommend(Decision decision, long? imageSize)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return Recommend(Compare(decision), decision.Winner, imageSize);
    }

    /// <summary>
    /// The options to recommend, or null when none beats the defaults: among the candidates with options of
    /// <paramref name="winner"/>'s backend, cache and aio mode (any, when <paramref name="winner"/> is null), those that
    /// beat their default in at least one profile and lose in none; the highest geometric mean ratio wins.
    /// </summary>
    /// <param name="results">A run's results.</param>
    /// <param name="winner">The decision's winner, or null.</param>
    /// <param name="imageSize">The virtual size measured, to size a metadata cache covering the whole image.</param>
    public static ImageOptionsRecommendation? Recommend(IReadOnlyList<SubjectResult> results, Candidate? winner, long? imageSize) =>
        Recommend(Compare(results), winner, imageSize);

    /// <summary>The options to recommend among <paramref name="gains"/> (see <see cref="Recommend(IReadOnlyList{SubjectResult}, Candidate?, long?)"/>).</summary>
    public static ImageOptionsRecommendation? Recommend(IReadOnlyList<OptionGain> gains, Candidate? winner, long? imageSize)
    {
        ArgumentNullException.ThrowIfNull(gains);
        var best = gains
            .Where(g => winner is null || g.Reference == winner.Base || g.Candidate == winner)
            .GroupBy(g => g.Candidate)
            .Where(g => g.Any(x => x.Beats) && !g.Any(x => x.Loses))
            .Select(g => (Candidate: g.Key, Gains: g.ToList(), Score: Math.Exp(g.Average(x => Math.Log(x.Ratio)))))
            .OrderByDescending(x => x.Score)
            .ThenBy(x => x.Candidate.Id, StringComparer.Ordinal)
            .FirstOrDefault();
        if (best.Candidate is null)
        {
            return null;
        }
        var candidate = best.Candidate;
        return new ImageOptionsRecommendation(candidate, best.Gains, DriverSettings.For(candidate, imageSize), ImageCreation(candidate.Options), Carriers(candidate, imageSize));
    }

    /// <summary>The <c>-o</c> options of <c>qemu-img create -f qcow2</c> that options need (cluster size, extended L2), or null.</summary>
    public static string? ImageCreation(ImageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var parts = new List<string>();
        if (options.ClusterSize is { } c)
        {
            parts.Add("cluster_size=" + Qcow2Layout.FormatSize(c));
        }
        if (options.ExtendedL2)
        {
            parts.Add("extended_l2=on");
        }
        return parts.Count == 0 ? null : string.Join(',', parts);
    }

    /// <summary>
    /// What carries each option of <paramref name="candidate"/>: libvirt's <c>&lt;driver&gt;</c> (discard 1.0.6,
    /// detect_zeroes 2.0.0, <c>&lt;metadata_cache&gt;&lt;max_size&gt;</c> 7.0.0 = QEMU's <c>cache-size</c>), the image's
    /// creation (<c>qemu-img create -o</c>: fixed for the image's life, <c>qemu-img convert</c> to change), and nova:
    /// <c>[libvirt] hw_disk_discard</c> carries discard; nova has no setting for detect_zeroes or the metadata cache; its
    /// qcow2 instance disks inherit the cluster size of their base image (nova/virt/libvirt/utils.py create_cow_image),
    /// which stays qcow2 only with <c>[DEFAULT] force_raw_images = False</c>; extended L2 it never sets.
    /// </summary>
    public static IReadOnlyList<string> Carriers(Candidate candidate, long? imageSize)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var o = candidate.Options;
        var lines = new List<string>();
        if (o.L2Cache == L2CacheSetting.WholeImage)
        {
            var cluster = o.EffectiveClusterSize;
            var sized = imageSize is { } size
                ? $"{Qcow2Layout.MetadataCacheBytes(size, cluster, o.ExtendedL2).ToString(CultureInfo.InvariantCulture)} bytes for the {FormatBytes(size)} image measured"
                : "the L2 tables of the image plus four clusters";
            lines.Add($"metadata cache: libvirt >= 7.0.0 <driver><metadata_cache><max_size unit='bytes'>…</max_size></metadata_cache></driver> (QEMU's cache-size), " +
                      $"sized per image as (virtual size / cluster size × {(o.ExtendedL2 ? 16 : 8)} bytes, rounded up to whole clusters) + 4 clusters: {sized}; " +
                      $"QEMU's default already covers images up to {FormatBytes(Qcow2Layout.DefaultL2CacheMaxBytes / (o.ExtendedL2 ? 16 : 8) * cluster)} at this cluster size; " +
                      "nova has no setting for it: apply it to the domains (kvmtune apply) and again after nova regenerates their XML (hard reboot, migration)");
        }
        if (ImageCreation(o) is { } create)
        {
            lines.Add($"image layout: qemu-img create -f qcow2 -o {create} IMAGE SIZE (fixed when the image is created; qemu-img convert -O qcow2 -o {create} to change an image)");
            lines.Add(o.ExtendedL2
                ? "nova: its qcow2 instance disks inherit the base image's cluster size only with [DEFAULT] force_raw_images = False and a qcow2 Glance image created with it; nova never sets extended_l2"
                : "nova: its qcow2 instance disks inherit the base image's cluster size (create_cow_image) when [DEFAULT] force_raw_images = False and the Glance image is a qcow2 created with it");
        }
        if (o.Discard is { } d)
        {
            lines.Add($"discard: libvirt >= 1.0.6 <driver discard='{ImageOptions.Name(d)}'/>; nova: [libvirt] hw_disk_discard = {ImageOptions.Name(d)}");
        }
        if (o.DetectZeroes is { } z)
        {
            lines.Add($"detect_zeroes: libvirt >= 2.0.0 <driver detect_zeroes='{ImageOptions.Name(z)}'/> (QEMU detect-zeroes={ImageOptions.Name(ImageOptions.QemuDetectZeroes(z, o.Discard)!.Value)}); nova has no setting for it");
        }
        return lines;
    }

    private static string FormatBytes(long bytes) =>
        bytes >= 1L << 30 ? (bytes >> 30).ToString(CultureInfo.InvariantCulture) + " GiB" : (bytes >> 20).ToString(CultureInfo.InvariantCulture) + " MiB";
}
