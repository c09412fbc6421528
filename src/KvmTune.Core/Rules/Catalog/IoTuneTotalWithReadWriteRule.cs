using KvmTune.Core.Libvirt;

namespace KvmTune.Core.Rules.Catalog;

/// <summary>KT003: an <c>&lt;iotune&gt;</c> total_* limit together with read_*/write_* of the same unit.</summary>
public sealed class IoTuneTotalWithReadWriteRule : DiskRule
{
    // Each unit exists as total_/read_/write_ + unit.
    private static readonly string[] Units =
    [
        "bytes_sec", "iops_sec",
        "bytes_sec_max", "iops_sec_max",
        "bytes_sec_max_length", "iops_sec_max_length",
    ];

    public override string Code => "KT003";
    public override Severity Severity => Severity.Error;
    public override string Title => "iotune total_* set together with read_*/write_* of the same unit";
    public override string Rationale =>
        "A total limit and a per-direction limit of the same unit are mutually exclusive: libvirt's " +
        "formatdomain documentation says total_bytes_sec \"cannot appear with read_bytes_sec or write_bytes_sec\" " +
        "(likewise iops and the _max burst variants, whose _max_length durations belong to them), libvirt rejects " +
        "the definition, and QEMU's throttle_is_valid() refuses \"bps/iops/max total values and read/write values " +
        "cannot be used at the same time\". A value of 0 means no limit. Sources: libvirt docs/formatdomain.rst " +
        "(iotune), QEMU util/throttle.c.";

    public override IEnumerable<Finding> Check(Disk disk, HostFacts host)
    {
        var iotune = disk.IoTune;
        if (iotune.Element is null)
        {
            yield break;
        }
        foreach (var unit in Units)
        {
            if (!IsSet(iotune, "total_" + unit))
            {
                continue;
            }
            var conflicting = new[] { "read_" + unit, "write_" + unit }.Where(k => IsSet(iotune, k)).ToList();
            if (conflicting.Count > 0)
            {
                yield return Fire(disk,
                    $"<iotune> sets total_{unit} together with {string.Join(" and ", conflicting)}: libvirt and QEMU reject total and per-direction limits of the same unit",
                    $"keep either total_{unit} or {string.Join("/", conflicting)}");
            }
        }
    }

    // libvirt treats 0 as "no limit"; anything else (including text it cannot parse) counts as set.
    private static bool IsSet(IoTune iotune, string key) => iotune[key] is { } text && text.Trim() != "0";
}
