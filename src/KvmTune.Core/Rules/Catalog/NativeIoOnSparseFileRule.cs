using KvmTune.Core.Libvirt;
using KvmTune.Core.Tuning;

namespace KvmTune.Core.Rules.Catalog;

/// <summary>KT020: <c>io='native'</c> on a sparse file.</summary>
public sealed class NativeIoOnSparseFileRule : DiskRule
{
    public override string Code => "KT020";
    public override Severity Severity => Severity.Warning;
    public override string Title => "io='native' on a sparse file (can stall QEMU)";
    public override string Rationale =>
        "With native AIO, io_submit() runs in QEMU's thread; writing to an unallocated region of a sparse file makes " +
        "the filesystem allocate blocks and update metadata synchronously inside that call, which blocks the " +
        "vCPU or iothread. nova, KubeVirt and oVirt therefore use io='native' only for block devices and fully " +
        "preallocated files. Whether a file is sparse is a host fact: when it is unknown the rule says so at info " +
        "level. Sources: nova virt/libvirt/imagebackend.py (preallocate_images and driver_io), KubeVirt " +
        "pkg/virt-launcher (IO mode selection), QEMU docs (aio=native).";
    public override string? Fix => "set io='threads', or preallocate the file (qemu-img preallocation=falloc/full)";

    public override IEnumerable<Finding> Check(Disk disk, HostFacts host)
    {
        if (disk.Driver.IoMode != IoMode.Native || !disk.IsFile || disk.Source.File is not { } path)
        {
            return [];
        }
        return host.IsSparseFile(path) switch
        {
            true => [Fire(disk, $"io='native' on sparse file {path}: block allocation during writes can stall QEMU", Fix)],
            null => [Unknown(disk, $"io='native' on file {path}: unknown whether it is preallocated (native on a sparse file can stall QEMU)")],
            false => [],
        };
    }
}
