using KvmTune.Host.Probing;

namespace KvmTune.Host.Tests.Probing;

/// <summary>Probe inputs built from the outputs recorded on a Debian 12 host (nested PVM, QEMU 7.2, libvirt 9.0, fio 3.33).</summary>
internal static class ProbeFixtures
{
    public static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "probe", name));

    public static ProbeInputs RecordedHost(bool withFio = true) => new()
    {
        HostName = "vm",
        KernelRelease = Read("uname-r.txt").Trim(),
        ToolOutputs = new Dictionary<string, string?>
        {
            ["qemu-system-x86_64"] = Read("qemu-system-x86_64--version.txt"),
            ["qemu-img"] = Read("qemu-img--version.txt"),
            ["qemu-storage-daemon"] = Read("qemu-storage-daemon--version.txt"),
            ["virsh"] = Read("virsh--version.txt"),
            ["libvirtd"] = Read("libvirtd--version.txt"),
            ["fio"] = withFio ? Read("fio--version.txt") : null,
        },
        LibvirtLibrary = "libvirt.so.0.9000.0",
        CpuInfo = Read("cpuinfo.txt"),
        MemInfo = Read("meminfo.txt"),
        VmSysctls = new Dictionary<string, string?> { ["dirty_ratio"] = "20\n", ["dirty_background_ratio"] = "10\n", ["dirty_bytes"] = "0\n", ["dirty_background_bytes"] = "0\n" },
        KvmDevicePresent = true,
        KvmDeviceAccessible = true,
        KvmPvmModule = true,
        IoUringDisabled = "0",
        IoUringSetupError = null,
        DeviceMapper = false,
        ScratchDirectory = "/root/.local/share/kvmtune/scratch",
        Storage = new StorageInfo("vda", "254:0", true, "virtio_blk", ProbeParsers.SelectedScheduler(Read("sys-vda-queue-scheduler.txt"))),
    };
}
