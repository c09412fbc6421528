using System.Globalization;
using KvmTune.Core.Measurement;
using KvmTune.Core.Rules;
using KvmTune.Core.Tuning;
using KvmTune.Host.Devices;
using KvmTune.Host.Native;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Probing;

/// <summary>A tool's version, or why it is not known.</summary>
/// <param name="Tool">qemu-system-x86_64, qemu-img, qemu-storage-daemon, libvirt, fio.</param>
/// <param name="Version">Parsed version, or null.</param>
/// <param name="Status">The version, or "missing (Debian package X)".</param>
public sealed record ToolVersion(string Tool, string? Version, string Status);

/// <summary>A yes/no capability with the reason behind it.</summary>
public sealed record Capability(bool Available, string Detail);

/// <summary>What <c>kvmtune probe</c> found about this host.</summary>
public sealed record HostProbeResult(
    string HostName,
    string Kernel,
    IReadOnlyList<ToolVersion> Tools,
    string Accelerator,
    string AcceleratorReason,
    Capability IoUring,
    Capability DeviceMapper,
    string ScratchDirectory,
    Capability ScratchODirect,
    string? Device,
    Capability? DeviceODirect,
    long? DirtyRatio,
    long? DirtyBackgroundRatio,
    long? DirtyBytes,
    long? DirtyBackgroundBytes,
    long? MemTotalBytes,
    StorageInfo? Storage)
{
    /// <summary>io_uring with registered buffers and files (fio's <c>fixedbufs</c>, <c>registerfiles</c>) works here.</summary>
    public Capability IoUringRegistered { get; init; } = new(false, "not probed");

    /// <summary>The load average (1, 5 and 15 minutes) when probed; empty when unknown.</summary>
    public IReadOnlyList<double> LoadAverage { get; init; } = [];

    /// <summary>Processors this process may run on.</summary>
    public int Cores { get; init; } = 1;

    /// <summary>
    /// The io probe (<see cref="IoModeProbe"/>): io_uring and native per backend and cache mode, write/flush/read back
    /// under a watchdog. Empty unless the probe ran it.
    /// </summary>
    public IReadOnlyList<IoModeCheck> IoModes { get; init; } = [];

    public string? QemuVersion => Tools.FirstOrDefault(t => t.Tool == "qemu-system-x86_64")?.Version
        ?? Tools.FirstOrDefault(t => t.Tool == "qemu-img")?.Version;

    public string? LibvirtVersion => Tools.FirstOrDefault(t => t.Tool == "libvirt")?.Version;

    public string? FioVersion => Tools.FirstOrDefault(t => t.Tool == "fio")?.Version;

    /// <summary>The facts the rules use; per-path lookups read the live host.</summary>
    public HostFacts ToHostFacts() => new()
    {
        QemuVersion = ParseVersion(QemuVersion),
        LibvirtVersion = ParseVersion(LibvirtVersion),
        IsSparseFile = HostPaths.IsSparseFile,
        IsLvmVolume = HostPaths.IsLvmVolume,
        IsThinVolume = HostPaths.IsThinVolume,
    };

    /// <summary>Key/value pairs (<see cref="HostFactKeys"/> and <see cref="ProbeFactKeys"/>) for the store and reports.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToFactList()
    {
        var facts = new List<KeyValuePair<string, string>>();
        void Add(string key, string? value)
        {
            if (value is not null)
            {
                facts.Add(new(key, value));
            }
        }
        static string? Text(long? value) => value?.ToString(CultureInfo.InvariantCulture);
        static string YesNo(bool value) => value ? "yes" : "no";

        Add(HostFactKeys.Hostname, HostName);
        Add(HostFactKeys.Kernel, Kernel);
        Add(HostFactKeys.QemuVersion, QemuVersion);
        Add(HostFactKeys.LibvirtVersion, LibvirtVersion);
        Add(HostFactKeys.FioVersion, FioVersion);
        foreach (var tool in Tools)
        {
            Add($"{ProbeFactKeys.ToolPrefix}{tool.Tool}", tool.Status);
        }
        Add(HostFactKeys.Accelerator, Accelerator);
        Add(ProbeFactKeys.AcceleratorReason, AcceleratorReason);
        Add(HostFactKeys.IoUring, YesNo(IoUring.Available));
        Add(ProbeFactKeys.IoUringDetail, IoUring.Detail);
        Add(HostFactKeys.IoUringRegistered, YesNo(IoUringRegistered.Available));
        Add(HostFactKeys.Cores, Cores.ToString(CultureInfo.InvariantCulture));
        if (LoadAverage.Count > 0)
        {
            Add(HostFactKeys.LoadBefore, HostLoad.Format(LoadAverage));
        }
        foreach (var check in IoModes)
        {
            facts.Add(check.ToFact());
        }
        Add(HostFactKeys.DeviceMapper, YesNo(DeviceMapper.Available));
        Add(HostFactKeys.DataDirectory, ScratchDirectory);
        Add(HostFactKeys.ODirect, YesNo(ScratchODirect.Available));
        Add(ProbeFactKeys.ODirectDetail, ScratchODirect.Detail);
        Add(ProbeFactKeys.Device, Device);
        Add(ProbeFactKeys.DeviceODirect, DeviceODirect is null ? null : YesNo(DeviceODirect.Available));
        Add(HostFactKeys.DirtyRatio, Text(DirtyRatio));
        Add(HostFactKeys.DirtyBackgroundRatio, Text(DirtyBackgroundRatio));
        Add(ProbeFactKeys.DirtyBytes, Text(DirtyBytes));
        Add(ProbeFactKeys.DirtyBackgroundBytes, Text(DirtyBackgroundBytes));
        Add(ProbeFactKeys.MemTotal, Text(MemTotalBytes));
        Add(HostFactKeys.StorageDevice, Storage?.Device);
        Add(HostFactKeys.StorageRotational, Storage?.Rotational is { } rotational ? YesNo(rotational) : null);
        Add(HostFactKeys.StorageModel, Storage?.Model);
        Add(ProbeFactKeys.StorageScheduler, Storage?.Scheduler);
        return facts;
    }

    private static Version? ParseVersion(string? text) => Version.TryParse(text, out var version) ? version : null;
}

/// <summary>Host fact keys probe adds beyond <see cref="HostFactKeys"/>.</summary>
public static class ProbeFactKeys
{
    /// <summary>Prefixes each tool's status: <c>tool.fio</c> = "3.33" or "missing (Debian package fio)".</summary>
    public const string ToolPrefix = "tool.";
    public const string AcceleratorReason = "accelerator.reason";
    public const string IoUringDetail = "io_uring.detail";
    public const string ODirectDetail = "data.odirect.detail";
    public const string Device = "device";
    public const string DeviceODirect = "device.odirect";
    public const string DirtyBytes = "vm.dirty_bytes";
    public const string DirtyBackgroundBytes = "vm.dirty_background_bytes";
    public const string MemTotal = "mem.total";
    public const string StorageScheduler = "storage.scheduler";
}

/// <summary>Per-path host lookups behind <see cref="HostFacts"/>.</summary>
public static class HostPaths
{
    /// <summary>A regular file with fewer bytes allocated than its size; false for a block device; null when unknown.</summary>
    public static bool? IsSparseFile(string path) => LinuxFile.Stat(path) switch
    {
        { IsRegularFile: true } file => file.IsSparse,
        { IsBlockDevice: true } => false,
        _ => null,
    };

    /// <summary>True for a device-mapper device whose dm/uuid starts with "LVM-"; false for other files and devices.</summary>
    public static bool? IsLvmVolume(string path)
    {
        var status = LinuxFile.Stat(path);
        if (status is null)
        {
            return null;
        }
        if (!status.IsBlockDevice)
        {
            return false;
        }
        var name = BlockDevices.KernelName(status.Rdev);
        return name is not null && (BlockDevices.ReadSys(name, "dm/uuid")?.StartsWith("LVM-", StringComparison.Ordinal) ?? false);
    }

    /// <summary>True for a thin LV (lvs segtype thin); false for other files and devices; null when lvs cannot tell.</summary>
    public static bool? IsThinVolume(string path)
    {
        var lvm = IsLvmVolume(path);
        if (lvm is not true)
        {
            return lvm;
        }
        if (ToolRegistry.Default.Find("lvs") is null)
        {
            return null;
        }
        var lvs = ToolRunner.Run(ToolCommand.For("lvs").WithArguments(["--noheadings", "-o", "segtype", "--", path]));
        return lvs.Succeeded ? lvs.StandardOutput.Trim() == "thin" : null;
    }
}
