using KvmTune.Core.Libvirt;

namespace KvmTune.Core.Rules.Catalog;

/// <summary>KT002: a <c>&lt;driver&gt;</c> attribute holds a value libvirt does not know.</summary>
public sealed class UnknownDriverValueRule : DiskRule
{
    public override string Code => "KT002";
    public override Severity Severity => Severity.Error;
    public override string Title => "value not known to libvirt for cache/io/discard/detect_zeroes/error_policy";
    public override string Rationale =>
        "libvirt's schema (domaincommon.rng) enumerates the values of cache, io, discard, detect_zeroes, " +
        "error_policy, rerror_policy and copy_on_read; an unknown value makes virsh define fail " +
        "(\"unknown disk cache mode\", \"unknown disk io mode\", …), and nova ignores an invalid disk_cachemodes " +
        "entry with only a warning. KvmTune keeps the value verbatim and reports it. Source: libvirt " +
        "docs/formatdomain.rst (Hard drives, floppy disks, CDROMs: driver), src/conf/schemas/domaincommon.rng.";

    public override IEnumerable<Finding> Check(Disk disk, HostFacts host)
    {
        foreach (var (attribute, value) in disk.Driver.UnknownValues)
        {
            var known = string.Join(", ", DiskDriver.KnownValues[attribute].Select(v => $"'{v}'"));
            yield return Fire(disk, $"{attribute}='{value}' is not a value libvirt knows (known: {known})");
        }
    }
}
