using KvmTune.Core.Libvirt;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Rules.Catalog;

/// <summary>KT005: <c>io='io_uring'</c> on a host whose QEMU or libvirt is too old.</summary>
public sealed class IoUringHostTooOldRule : DiskRule
{
    private static readonly Version MinQemu = new(5, 0);
    private static readonly Version MinLibvirt = new(6, 3);

    public override string Code => "KT005";
    public override Severity Severity => Severity.Error;
    public override string Title => "io='io_uring' where the host's QEMU/libvirt is too old";
    public override string Rationale =>
        "aio=io_uring exists since QEMU 5.0 and libvirt accepts io='io_uring' since 6.3.0; older versions refuse " +
        "the domain. When the host's versions are unknown (linting a file) the rule reports that at info level " +
        "instead of guessing. Sources: libvirt docs/formatdomain.rst (driver io, \"io_uring since 6.3.0 (QEMU 5.0)\"), " +
        "QEMU 5.0 changelog.";
    public override string? Fix => "set io='threads' (or io='native' with cache='none') on this host";

    public override IEnumerable<Finding> Check(Disk disk, HostFacts host)
    {
        if (disk.Driver.IoMode != IoMode.IoUring)
        {
            return [];
        }
        var tooOld = new List<string>();
        if (host.QemuVersion is { } qemu && qemu < MinQemu)
        {
            tooOld.Add($"QEMU {qemu} (needs >= {MinQemu})");
        }
        if (host.LibvirtVersion is { } libvirt && libvirt < MinLibvirt)
        {
            tooOld.Add($"libvirt {libvirt} (needs >= {MinLibvirt})");
        }
        if (tooOld.Count > 0)
        {
            return [Fire(disk, $"io='io_uring' is not supported by this host's {string.Join(" and ", tooOld)}", Fix)];
        }
        if (host.QemuVersion is null || host.LibvirtVersion is null)
        {
            return [Unknown(disk, "io='io_uring' needs QEMU >= 5.0 and libvirt >= 6.3; the host's versions are unknown, so this is not checked")];
        }
        return [];
    }
}
