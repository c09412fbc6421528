namespace KvmTune.Host.Probing;

/// <summary>The raw material of a probe, gathered from the host (or from recorded fixtures in tests).</summary>
public sealed record ProbeInputs
{
    public string HostName { get; init; } = "";

    /// <summary><c>uname -r</c> (/proc/sys/kernel/osrelease).</summary>
    public string KernelRelease { get; init; } = "";

    /// <summary>Each tool's <c>--version</c> output by tool name; null = the tool is not installed.</summary>
    public IReadOnlyDictionary<string, string?> ToolOutputs { get; init; } = new Dictionary<string, string?>();

    /// <summary>The real file name of libvirt.so.0 (libvirt.so.0.9000.0), when found.</summary>
    public string? LibvirtLibrary { get; init; }

    public string CpuInfo { get; init; } = "";

    public string MemInfo { get; init; } = "";

    /// <summary>/proc/sys/vm files by name (dirty_ratio, dirty_background_ratio, dirty_bytes, dirty_background_bytes).</summary>
    public IReadOnlyDictionary<string, string?> VmSysctls { get; init; } = new Dictionary<string, string?>();

    public bool KvmDevicePresent { get; init; }

    /// <summary>/dev/kvm could be opened for reading and writing.</summary>
    public bool KvmDeviceAccessible { get; init; }

    /// <summary>/sys/module/kvm_pvm exists: a nested PVM host whose guests die under KVM.</summary>
    public bool KvmPvmModule { get; init; }

    /// <summary>/proc/sys/kernel/io_uring_disabled (0, 1 or 2), when the kernel has it.</summary>
    public string? IoUringDisabled { get; init; }

    /// <summary>Null when io_uring_setup(2) worked, else its error.</summary>
    public string? IoUringSetupError { get; init; }

    /// <summary>
    /// Null when fio ran io_uring with registered buffers and file (<c>fixedbufs</c>, <c>registerfiles</c>) on a scratch
    /// file; otherwise why not (the kernel, the memory-lock limit, or fio missing).
    /// </summary>
    public string? IoUringRegisteredError { get; init; } = "not probed";

    /// <summary>/proc/loadavg.</summary>
    public string? LoadAverage { get; init; }

    /// <summary>Processors this process may run on.</summary>
    public int Cores { get; init; } = 1;

    public bool DeviceMapper { get; init; }

    public string ScratchDirectory { get; init; } = "";

    /// <summary>Null when the O_DIRECT write in the scratch directory worked, else why not.</summary>
    public string? ScratchODirectError { get; init; }

    /// <summary>The device named with --device, if any.</summary>
    public string? Device { get; init; }

    /// <summary>Null when the O_DIRECT read of the named device worked, else why not.</summary>
    public string? DeviceODirectError { get; init; }

    /// <summary>The block device under the scratch directory, when found.</summary>
    public StorageInfo? Storage { get; init; }
}

/// <summary>The block device a directory lives on.</summary>
/// <param name="Device">Kernel name of the whole disk (<c>vda</c>, <c>nvme0n1</c>, <c>dm-0</c>).</param>
/// <param name="MajorMinor">Device number of the file system (may be a partition of <see cref="Device"/>).</param>
/// <param name="Rotational">True for spinning disks (queue/rotational).</param>
/// <param name="Model">device/model, else the driver (virtio_blk).</param>
/// <param name="Scheduler">The selected I/O scheduler.</param>
public sealed record StorageInfo(string Device, string MajorMinor, bool? Rotational, string? Model, string? Scheduler);
