using KvmTune.Core.Libvirt;
using KvmTune.Core.Rules;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Apply;

/// <summary>One driver attribute change on one disk, in libvirt's spelling.</summary>
/// <param name="Disk">The disk's target dev (<c>vda</c>).</param>
/// <param name="SourceType">The disk's source type (<c>file</c>, <c>block</c>, <c>network</c>) that chose the policy.</param>
/// <param name="Attribute">The <c>&lt;driver&gt;</c> attribute (<c>cache</c>, <c>io</c>, <c>discard</c>, <c>detect_zeroes</c>).</param>
/// <param name="OldValue">The value before, or null when unset.</param>
/// <param name="NewValue">The value after.</param>
public sealed record DriverEdit(string Disk, string SourceType, string Attribute, string? OldValue, string NewValue)
{
    /// <summary><c>vda: cache='writeback' → cache='none'</c>.</summary>
    public override string ToString() =>
        $"{Disk}: {(OldValue is null ? $"{Attribute} unset" : $"{Attribute}='{OldValue}'")} → {Attribute}='{NewValue}'";
}

/// <summary>A disk the policy does not touch, and why.</summary>
public sealed record SkippedDisk(string Disk, string Reason);

/// <summary>
/// What applying a <see cref="TuningPolicy"/> to one domain changes: the driver edits per disk (applied to the
/// document in place), the disks left alone, and the refusals: combinations that cannot start or that the rule
/// catalog rates as errors and that the edit would introduce. Pure: no libvirt, no file system.
/// </summary>
public sealed class DomainEditPlan
{
    private DomainEditPlan(DomainDocument document, string originalXml, List<DriverEdit> edits, List<SkippedDisk> skipped, List<Finding> refusals, IReadOnlyList<Finding> findings)
    {
        Document = document;
        OriginalXml = originalXml;
        Edits = edits;
        Skipped = skipped;
        Refusals = refusals;
        Findings = findings;
    }

    /// <summary>The domain document with the edits applied.</summary>
    public DomainDocument Document { get; }

    /// <summary>The persistent XML the plan started from.</summary>
    public string OriginalXml { get; }

    /// <summary>The driver changes, disk by disk.</summary>
    public IReadOnlyList<DriverEdit> Edits { get; }

    /// <summary>Disks the policy does not apply to.</summary>
    public IReadOnlyList<SkippedDisk> Skipped { get; }

    /// <summary>Error findings the edit would introduce; a plan with any is refused and never written.</summary>
    public IReadOnlyList<Finding> Refusals { get; }

    /// <summary>Every rule finding on the edited domain.</summary>
    public IReadOnlyList<Finding> Findings { get; }

    /// <summary>True when the plan changes anything.</summary>
    public bool HasChanges => Edits.Count > 0;

    /// <summary>True when the edited domain could not start (or breaks an error rule): nothing may be written.</summary>
    public bool IsRefused => Refusals.Count > 0;

    /// <summary>The edited persistent XML: the original with only the edited attributes changed.</summary>
    public string EditedXml => HasChanges ? Document.ToXml() : OriginalXml;

    /// <summary>The attributes a policy sets, in the order they are applied.</summary>
    public static IReadOnlyList<string> Attributes { get; } = ["cache", "io", "discard", "detect_zeroes"];

    /// <summary>Plans the policy over a domain's persistent XML.</summary>
    public static DomainEditPlan Create(string persistentXml, string sourceName, TuningPolicy policy, HostFacts host)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var before = RuleCatalog.Check(DomainDocument.Parse(persistentXml, sourceName), host);
        var document = DomainDocument.Parse(persistentXml, sourceName);
        var edits = new List<DriverEdit>();
        var skipped = new List<SkippedDisk>();
        foreach (var disk in document.Disks)
        {
            var label = disk.Label;
            if (disk.Device is not ("disk" or "lun"))
            {
                skipped.Add(new SkippedDisk(label, $"device='{disk.Device}' (removable media) is not tuned"));
                continue;
            }
            if (disk.Type is not ("file" or "block" or "network"))
            {
                skipped.Add(new SkippedDisk(label, $"type='{disk.Type}': the policy covers file, block and network sources"));
                continue;
            }
            if (!policy.Disks.TryGetValue(disk.Type, out var driver))
            {
                skipped.Add(new SkippedDisk(label, $"the policy has no settings for type='{disk.Type}'"));
                continue;
            }
            foreach (var attribute in Attributes)
            {
                var wanted = Wanted(driver, attribute);
                var current = CurrentValue(disk.Driver, attribute);
                if (wanted is null || wanted == current)
                {
                    continue;
                }
                edits.Add(new DriverEdit(label, disk.Type, attribute, current, wanted));
                disk.Driver.Set(attribute, wanted);
            }
        }

        var after = RuleCatalog.Check(document, host);
        var edited = edits.Select(e => e.Disk).ToHashSet(StringComparer.Ordinal);
        var refusals = new List<Finding>();
        foreach (var disk in document.Disks.Where(d => edited.Contains(d.Label)))
        {
            refusals.AddRange(CannotStart(disk));
        }
        var known = before.Where(f => f.Severity == Severity.Error).Select(f => (f.Code, f.Disk)).ToHashSet();
        foreach (var f in after.Where(f => f.Severity == Severity.Error && !known.Contains((f.Code, f.Disk))))
        {
            if (!refusals.Any(r => r.Code == f.Code && r.Disk == f.Disk))
            {
                refusals.Add(f);
            }
        }
        return new DomainEditPlan(document, persistentXml, edits, skipped, refusals, after);
    }

    /// <summary>
    /// The checks apply makes itself, whatever the catalog holds: io='native' needs cache.direct=on (KT001) and every
    /// enumerated value must be one libvirt knows (KT002).
    /// </summary>
    private static IEnumerable<Finding> CannotStart(Disk disk)
    {
        var driver = disk.Driver;
        // An unset cache is QEMU's default, writeback: not direct.
        var cache = driver.CacheMode ?? CacheMode.Writeback;
        if (driver.IoMode == IoMode.Native && !IoModes.CanStartWith(IoMode.Native, cache))
        {
            var shown = driver.Cache is null ? "no cache attribute (QEMU default writeback)" : $"cache='{driver.Cache}'";
            yield return new Finding("KT001", Severity.Error, disk.Label,
                $"io='native' with {shown}: libvirt and QEMU refuse to start it (native AIO requires cache='none' or 'directsync')",
                "set cache='none' for this source type in the policy, or io='threads'");
        }
        foreach (var (attribute, value) in driver.UnknownValues)
        {
            yield return new Finding("KT002", Severity.Error, disk.Label,
                $"{attribute}='{value}' is not a value libvirt knows (expected one of {string.Join(", ", DiskDriver.KnownValues[attribute])})");
        }
    }

    private static string? Wanted(DriverPolicy driver, string attribute) => attribute switch
    {
        "cache" => driver.Cache,
        "io" => driver.Io,
        "discard" => driver.Discard,
        "detect_zeroes" => driver.DetectZeroes,
        _ => null,
    };

    private static string? CurrentValue(DiskDriver driver, string attribute) => attribute switch
    {
        "cache" => driver.Cache,
        "io" => driver.Io,
        "discard" => driver.Discard,
        "detect_zeroes" => driver.DetectZeroes,
        _ => null,
    };

    /// <summary>
    /// Checks a domain read back after defineXML: every edit's attribute has the asked value. Returns the mismatches
    /// (empty when the definition is what was asked).
    /// </summary>
    public IReadOnlyList<string> Verify(DomainDocument readBack)
    {
        ArgumentNullException.ThrowIfNull(readBack);
        var problems = new List<string>();
        var disks = new Dictionary<string, Disk>(StringComparer.Ordinal);
        foreach (var disk in readBack.Disks)
        {
            disks.TryAdd(disk.Label, disk);
        }
        foreach (var edit in Edits)
        {
            if (!disks.TryGetValue(edit.Disk, out var disk))
            {
                problems.Add($"{edit.Disk}: disk missing after defineXML");
                continue;
            }
            var actual = CurrentValue(disk.Driver, edit.Attribute);
            if (actual != edit.NewValue)
            {
                var shown = actual is null ? $"{edit.Attribute} unset" : $"{edit.Attribute}='{actual}'";
                problems.Add($"{edit.Disk}: {shown} after defineXML, {edit.Attribute}='{edit.NewValue}' asked");
            }
        }
        return problems;
    }
}
