using KvmTune.Host.Devices;
using KvmTune.Host.Native;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Probing;

/// <summary>
/// Finds out what this host can do: tool versions, KVM or only TCG, io_uring, O_DIRECT on the scratch directory
/// (one aligned 4 KiB block written to a file KvmTune creates and removes) and on a named device (a read-only
/// O_DIRECT read: probe never writes to a device), dirty page limits, device-mapper and the storage below.
/// </summary>
public static class HostProbe
{
    /// <summary>The tools probe reports, in display order.</summary>
    public static IReadOnlyList<string> ToolNames { get; } = ["qemu-system-x86_64", "qemu-img", "qemu-storage-daemon", "libvirt", "fio"];

    private static readonly string[] VmSysctlNames = ["dirty_ratio", "dirty_background_ratio", "dirty_bytes", "dirty_background_bytes"];

    /// <summary>Probes the live host.</summary>
    /// <param name="scratchDirectory">Where scratch images go (created when missing, as a benchmark would).</param>
    /// <param name="device">A device named with --device, or null.</param>
    /// <param name="cancellationToken">Stops the tool runs.</param>
    public static async Task<HostProbeResult> RunAsync(string scratchDirectory, string? device, CancellationToken cancellationToken = default) =>
        Interpret(await GatherAsync(scratchDirectory, device, cancellationToken).ConfigureAwait(false));

    /// <summary>Reads everything probe needs from the host, without interpreting it.</summary>
    public static async Task<ProbeInputs> GatherAsync(string scratchDirectory, string? device, CancellationToken cancellationToken = default)
    {
        var tools = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var tool in new[] { "qemu-system-x86_64", "qemu-img", "qemu-storage-daemon", "virsh", "libvirtd", "fio" })
        {
            if (ToolRegistry.Default.Find(tool) is null)
            {
                tools[tool] = null;
                continue;
            }
            var result = await ToolRunner.RunAsync(ToolCommand.For(tool).WithArguments(["--version"]).WithTimeout(TimeSpan.FromSeconds(30)), cancellationToken)
                .ConfigureAwait(false);
            tools[tool] = result.StandardOutput + result.StandardError;
        }

        scratchDirectory = Path.GetFullPath(scratchDirectory);
        Directory.CreateDirectory(scratchDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var probeFile = Path.Combine(scratchDirectory, $"kvmtune-odirect-{Environment.ProcessId}.probe");

        return new ProbeInputs
        {
            HostName = Environment.MachineName,
            KernelRelease = ReadOrNull("/proc/sys/kernel/osrelease")?.Trim() ?? "",
            ToolOutputs = tools,
            LibvirtLibrary = LibvirtLibraryFile(),
            CpuInfo = ReadOrNull("/proc/cpuinfo") ?? "",
            MemInfo = ReadOrNull("/proc/meminfo") ?? "",
            VmSysctls = VmSysctlNames.ToDictionary(name => name, name => ReadOrNull($"/proc/sys/vm/{name}")?.Trim()),
            KvmDevicePresent = File.Exists("/dev/kvm"),
            KvmDeviceAccessible = CanOpenReadWrite("/dev/kvm"),
            KvmPvmModule = Directory.Exists("/sys/module/kvm_pvm"),
            IoUringDisabled = ReadOrNull("/proc/sys/kernel/io_uring_disabled")?.Trim(),
            IoUringSetupError = LinuxFile.TryIoUringSetup(),
            IoUringRegisteredError = await TryRegisteredIoUringAsync(scratchDirectory, cancellationToken).ConfigureAwait(false),
            LoadAverage = ReadOrNull("/proc/loadavg")?.Trim(),
            Cores = Environment.ProcessorCount,
            DeviceMapper = BlockDevices.DeviceMapperPresent,
            ScratchDirectory = scratchDirectory,
            ScratchODirectError = LinuxFile.TryDirectWrite(probeFile),
            Device = device,
            DeviceODirectError = device is null ? null : LinuxFile.TryDirectRead(device),
            Storage = StorageUnder(scratchDirectory),
        };
    }

    /// <summary>Turns gathered inputs into the probe result.</summary>
    public static HostProbeResult Interpret(ProbeInputs inputs)
    {
        var tools = new List<ToolVersion>();
        foreach (var tool in ToolNames)
        {
            if (tool == "libvirt")
            {
                var virsh = inputs.ToolOutputs.GetValueOrDefault("virsh");
                var daemon = inputs.ToolOutputs.GetValueOrDefault("libvirtd");
                var version = ProbeParsers.ToolVersion(daemon) ?? ProbeParsers.ToolVersion(virsh) ?? ProbeParsers.LibvirtLibraryVersion(inputs.LibvirtLibrary);
                tools.Add(new ToolVersion(tool, version, version ?? ToolRegistry.Missing("libvirtd")));
                continue;
            }
            var output = inputs.ToolOutputs.GetValueOrDefault(tool);
            var parsed = ProbeParsers.ToolVersion(output);
            tools.Add(new ToolVersion(tool, parsed, parsed ?? (output is null ? ToolRegistry.Missing(tool) : "unknown version")));
        }

        var (accelerator, reason) = DecideAccelerator(inputs.KvmDevicePresent, inputs.KvmDeviceAccessible, ProbeParsers.CpuFlags(inputs.CpuInfo), inputs.KvmPvmModule);
        var sysctl = (string name) => ProbeParsers.Number(inputs.VmSysctls.GetValueOrDefault(name));

        return new HostProbeResult(
            inputs.HostName,
            inputs.KernelRelease,
            tools,
            accelerator,
            reason,
            DecideIoUring(inputs.KernelRelease, inputs.IoUringDisabled, inputs.IoUringSetupError),
            new Capability(inputs.DeviceMapper, inputs.DeviceMapper ? "dm_mod loaded" : "no /sys/module/dm_mod, no /dev/mapper/control: LVM cannot run"),
            inputs.ScratchDirectory,
            inputs.ScratchODirectError is null ? new Capability(true, "4 KiB O_DIRECT write works") : new Capability(false, inputs.ScratchODirectError),
            inputs.Device,
            inputs.Device is null ? null
                : inputs.DeviceODirectError is null ? new Capability(true, "4 KiB O_DIRECT read works") : new Capability(false, inputs.DeviceODirectError),
            sysctl("dirty_ratio"),
            sysctl("dirty_background_ratio"),
            sysctl("dirty_bytes"),
            sysctl("dirty_background_bytes"),
            ProbeParsers.MemInfoBytes(inputs.MemInfo, "MemTotal"),
            inputs.Storage)
        {
            IoUringRegistered = inputs.IoUringRegisteredError is null
                ? new Capability(true, "fio ran io_uring with fixedbufs and registerfiles")
                : new Capability(false, inputs.IoUringRegisteredError),
            LoadAverage = ProbeParsers.LoadAverage(inputs.LoadAverage),
            Cores = inputs.Cores,
        };
    }

    /// <summary>
    /// Whether io_uring may register buffers and files here (the host engine's fastest strategies use them): fio reads a
    /// 1 MiB scratch file it creates with <c>fixedbufs=1 registerfiles=1</c>. Null when it worked, else why not.
    /// </summary>
    private static async Task<string?> TryRegisteredIoUringAsync(string scratchDirectory, CancellationToken cancellationToken)
    {
        if (ToolRegistry.Default.Find("fio") is null)
        {
            return "fio is not installed";
        }
        var file = Path.Combine(scratchDirectory, $"kvmtune-uring-{Environment.ProcessId}.probe");
        try
        {
            var result = await ToolRunner.RunAsync(ToolCommand.For("fio").WithTimeout(TimeSpan.FromSeconds(60)).WithArguments(
                ["--name=probe", $"--filename={file}", "--size=1M", "--io_size=256k", "--bs=4k", "--rw=randread", "--direct=1",
                 "--ioengine=io_uring", "--fixedbufs=1", "--registerfiles=1", "--iodepth=4", "--output-format=json"]), cancellationToken).ConfigureAwait(false);
            return result.Succeeded ? null : $"fio io_uring with registered buffers failed: {result.Message}";
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// KVM only when /dev/kvm is usable, the CPU has vmx or svm, and this is not a nested PVM host
    /// (/sys/module/kvm_pvm: /dev/kvm exists there but guests die); otherwise TCG, with the reason.
    /// </summary>
    public static (string Accelerator, string Reason) DecideAccelerator(bool kvmPresent, bool kvmAccessible, IReadOnlySet<string> cpuFlags, bool pvmModule)
    {
        var reasons = new List<string>();
        if (!kvmPresent)
        {
            reasons.Add("no /dev/kvm");
        }
        else if (!kvmAccessible)
        {
            reasons.Add("/dev/kvm is not accessible to this user (group kvm)");
        }
        if (pvmModule)
        {
            reasons.Add("nested PVM host (/sys/module/kvm_pvm): guests die under KVM");
        }
        if (!cpuFlags.Contains("vmx") && !cpuFlags.Contains("svm"))
        {
            reasons.Add("CPU has neither vmx nor svm");
        }
        if (reasons.Count > 0)
        {
            return ("tcg", string.Join("; ", reasons));
        }
        return ("kvm", cpuFlags.Contains("vmx") ? "/dev/kvm usable, CPU has vmx" : "/dev/kvm usable, CPU has svm");
    }

    /// <summary>io_uring: kernel >= 5.1, not disabled by sysctl (2), and io_uring_setup(2) works.</summary>
    public static Capability DecideIoUring(string kernelRelease, string? disabled, string? setupError)
    {
        if (ProbeParsers.KernelVersion(kernelRelease) is { } kernel && kernel < new Version(5, 1))
        {
            return new Capability(false, $"kernel {kernel} is older than 5.1");
        }
        if (disabled == "2")
        {
            return new Capability(false, "disabled (kernel.io_uring_disabled = 2)");
        }
        if (setupError is not null)
        {
            return new Capability(false, $"io_uring_setup failed: {setupError}");
        }
        return new Capability(true, disabled == "1" ? "io_uring_setup works (restricted to group io_uring_group)" : "io_uring_setup works");
    }

    /// <summary>The block device under a directory: statx st_dev, /sys/dev/block, then the whole disk for a partition.</summary>
    public static StorageInfo? StorageUnder(string directory)
    {
        var status = LinuxFile.Stat(directory);
        if (status is null)
        {
            return null;
        }
        var name = BlockDevices.KernelName(status.Device);
        if (name is null)
        {
            return null;
        }
        // queue/ and device/ belong to the whole disk, one level above a partition in sysfs.
        var disk = File.Exists(Path.Combine(BlockDevices.SysDirectory(name), "partition"))
            ? Path.GetFileName(Path.GetDirectoryName(new DirectoryInfo(BlockDevices.SysDirectory(name)).ResolveLinkTarget(true)?.FullName)) ?? name
            : name;
        var rotational = BlockDevices.ReadSys(disk, "queue/rotational");
        var model = BlockDevices.ReadSys(disk, "device/model") is { Length: > 0 } m ? m : DriverOf(disk);
        return new StorageInfo(
            disk,
            status.Device,
            rotational is null ? null : rotational == "1",
            model,
            ProbeParsers.SelectedScheduler(BlockDevices.ReadSys(disk, "queue/scheduler")));
    }

    private static string? DriverOf(string disk)
    {
        var uevent = BlockDevices.ReadSys(disk, "device/uevent");
        var line = uevent?.Split('\n').FirstOrDefault(l => l.StartsWith("DRIVER=", StringComparison.Ordinal));
        return line?[7..];
    }

    private static string? LibvirtLibraryFile()
    {
        foreach (var dir in new[] { "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib" })
        {
            var link = Path.Combine(dir, "libvirt.so.0");
            if (File.Exists(link))
            {
                return new FileInfo(link).ResolveLinkTarget(true)?.Name ?? "libvirt.so.0";
            }
        }
        return null;
    }

    private static bool CanOpenReadWrite(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string? ReadOrNull(string path)
    {
        try
        {
            return File.Exists(path) ? File.ReadAllText(path) : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
