using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;
using KvmTune.Core.Libvirt;
using KvmTune.Core.Tuning;
using KvmTune.Host.Engines;
using KvmTune.Host.Processes;

namespace KvmTune.Host.Guest;

/// <summary>Everything one micro-VM boot needs.</summary>
/// <param name="Name">Unique name (<c>kvmtune-guest-…</c>): the libvirt domain and QEMU's <c>-name</c>.</param>
/// <param name="KernelPath">bzImage.</param>
/// <param name="InitrdPath">The boot's initramfs (base + job).</param>
/// <param name="CommandLine">Kernel command line.</param>
/// <param name="Disk">The candidate image or block device, seen as /dev/vda.</param>
/// <param name="Cache">The candidate's cache mode.</param>
/// <param name="Io">The candidate's aio mode.</param>
/// <param name="Accelerator">KVM or TCG.</param>
/// <param name="MemoryMiB">Guest RAM: the initramfs unpacks to ~90 MB (fio's libraries), 512 MiB leaves room.</param>
/// <param name="Vcpus">Virtual CPUs.</param>
/// <param name="ConsoleLog">File the serial console (ttyS0) is written to.</param>
public sealed record MicroVmSpec(
    string Name,
    string KernelPath,
    string InitrdPath,
    string CommandLine,
    MeasureTarget Disk,
    CacheMode Cache,
    IoMode Io,
    GuestAccelerator Accelerator,
    int MemoryMiB,
    int Vcpus,
    string ConsoleLog)
{
    /// <summary>Quiet boot on the serial console; a panic (init died) reboots at once, which ends the VM.</summary>
    // no_timer_check: under TCG on a busy host the kernel's IO-APIC timer check can miss its ticks and panic
    // ("IO-APIC + timer doesn't work!" in setup_IO_APIC); the check guards against broken hardware a VM does not have.
    public const string DefaultCommandLine = "console=ttyS0 quiet panic=-1 no_timer_check";
}

/// <summary>How a boot ended.</summary>
/// <param name="Console">What the guest printed.</param>
/// <param name="Elapsed">Wall-clock time from start to the VM's end.</param>
/// <param name="TimedOut">The watchdog destroyed the VM.</param>
/// <param name="Launcher"><c>libvirt</c> or <c>qemu</c>.</param>
public sealed record MicroVmRun(GuestConsole Console, TimeSpan Elapsed, bool TimedOut, string Launcher);

/// <summary>Starts a micro-VM and waits for it to power off, destroying it when the watchdog fires.</summary>
public interface IMicroVmLauncher
{
    /// <summary><c>libvirt</c> or <c>qemu</c>.</summary>
    string Name { get; }

    Task<MicroVmRun> RunAsync(MicroVmSpec spec, TimeSpan watchdog, CancellationToken cancellationToken);
}

/// <summary>Plain <c>qemu-system-x86_64</c> with the disk as libvirt would give it (-blockdev, cache and aio).</summary>
public sealed class QemuMicroVm(string binary = "qemu-system-x86_64") : IMicroVmLauncher
{
    public string Name => "qemu";

    /// <summary>The command line, with the cache mode spelled as libvirt spells it for QEMU (cache.direct, cache.no-flush, write-cache).</summary>
    public static IReadOnlyList<string> Arguments(MicroVmSpec spec)
    {
        var semantics = spec.Cache.Semantics();
        string OnOff(bool value) => value ? "on" : "off";
        var protocol = spec.Disk.IsBlock ? "host_device" : "file";
        var cache = $"cache.direct={OnOff(semantics.Direct)},cache.no-flush={OnOff(semantics.NoFlush)}";
        return
        [
            "-name", spec.Name,
            "-machine", spec.Accelerator == GuestAccelerator.Kvm ? "pc,accel=kvm" : "pc,accel=tcg",
            "-cpu", spec.Accelerator == GuestAccelerator.Kvm ? "host" : "max",
            "-m", spec.MemoryMiB.ToString(CultureInfo.InvariantCulture),
            "-smp", spec.Vcpus.ToString(CultureInfo.InvariantCulture),
            "-nodefaults", "-no-user-config", "-display", "none", "-no-reboot",
            "-kernel", spec.KernelPath,
            "-initrd", spec.InitrdPath,
            "-append", spec.CommandLine,
            "-blockdev", $"driver={protocol},filename={Escape(spec.Disk.Path)},node-name=kvmtune-storage,{cache},aio={spec.Io.ToLibvirt()}",
            "-blockdev", $"driver={spec.Disk.Format},file=kvmtune-storage,node-name=kvmtune-format,{cache}",
            "-device", $"virtio-blk-pci,drive=kvmtune-format,write-cache={OnOff(semantics.Writeback)}",
            "-serial", $"file:{spec.ConsoleLog}",
        ];
    }

    public async Task<MicroVmRun> RunAsync(MicroVmSpec spec, TimeSpan watchdog, CancellationToken cancellationToken)
    {
        // The watchdog is the runner's timeout: it kills QEMU (the watchdog's destroy).
        var command = ToolCommand.For(binary).WithArguments(Arguments(spec)).WithTimeout(watchdog);
        ToolResult result;
        try
        {
            result = await ToolRunner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (MissingToolException e)
        {
            throw new GuestException(e.Message, e);
        }
        if (result.TimedOut)
        {
            return new MicroVmRun(GuestConsole.Read(spec.ConsoleLog), result.RunTime, TimedOut: true, Name);
        }
        if (result.ExitCode != 0)
        {
            throw new GuestException($"qemu-system-x86_64 exited with {result.ExitCode}: {result.StandardError.Trim()}");
        }
        return new MicroVmRun(GuestConsole.Read(spec.ConsoleLog), result.RunTime, TimedOut: false, Name);
    }

    // QEMU's option syntax doubles a comma inside a value.
    private static string Escape(string value) => value.Replace(",", ",,", StringComparison.Ordinal);
}

/// <summary>
/// A transient libvirt domain (<c>virsh create</c>): the same XML path nova uses — direct kernel boot with
/// <c>&lt;os&gt;&lt;kernel/&gt;&lt;initrd/&gt;&lt;cmdline/&gt;</c>, the candidate disk with its
/// <c>&lt;driver cache io&gt;</c> and the serial console to a file. A transient domain disappears when it
/// powers off, so nothing is left defined.
/// </summary>
public sealed class LibvirtMicroVm(string uri = "qemu:///system") : IMicroVmLauncher
{
    public string Name => "libvirt";

    public string Uri { get; } = uri;

    /// <summary>True when libvirtd answers on <see cref="Uri"/>.</summary>
    public async Task<bool> AvailableAsync(CancellationToken cancellationToken)
    {
        if (ToolRegistry.Default.Find("virsh") is null)
        {
            return false;
        }
        var result = await ToolRunner.RunAsync(Virsh("version"), cancellationToken).ConfigureAwait(false);
        return result.Succeeded;
    }

    /// <summary>The domain XML.</summary>
    public static string DomainXml(MicroVmSpec spec)
    {
        var disk = new XElement("disk",
            new XAttribute("type", spec.Disk.IsBlock ? "block" : "file"),
            new XAttribute("device", "disk"),
            new XElement("source", new XAttribute(spec.Disk.IsBlock ? "dev" : "file", spec.Disk.Path)),
            new XElement("target", new XAttribute("dev", "vda"), new XAttribute("bus", "virtio")));
        // The candidate's <driver/> as the recommendation and apply write it (one mapping, in Core).
        DiskDriver.Of(disk).Apply(new DriverSettings("qemu", spec.Disk.Format, spec.Cache, spec.Io));
        var domain = new XElement("domain",
            new XAttribute("type", spec.Accelerator == GuestAccelerator.Kvm ? "kvm" : "qemu"),
            new XElement("name", spec.Name),
            new XElement("memory", new XAttribute("unit", "MiB"), spec.MemoryMiB),
            new XElement("vcpu", spec.Vcpus),
            new XElement("os",
                new XElement("type", new XAttribute("arch", "x86_64"), new XAttribute("machine", "pc"), "hvm"),
                new XElement("kernel", spec.KernelPath),
                new XElement("initrd", spec.InitrdPath),
                new XElement("cmdline", spec.CommandLine)),
            new XElement("features", new XElement("acpi")),
            spec.Accelerator == GuestAccelerator.Kvm ? new XElement("cpu", new XAttribute("mode", "host-passthrough")) : null,
            new XElement("on_poweroff", "destroy"),
            new XElement("on_reboot", "destroy"),
            new XElement("on_crash", "destroy"),
            new XElement("devices",
                disk,
                new XElement("serial", new XAttribute("type", "file"),
                    new XElement("source", new XAttribute("path", spec.ConsoleLog)),
                    new XElement("target", new XAttribute("port", "0"))),
                new XElement("controller", new XAttribute("type", "usb"), new XAttribute("model", "none")),
                new XElement("memballoon", new XAttribute("model", "none"))),
            // QEMU of qemu:///system runs as libvirt-qemu and cannot reach files under root's 0700 home
            // (the data directory, the scratch images). A static DAC label runs this throw-away domain as
            // root without relabelling (chowning) the candidate's files.
            Environment.UserName == "root"
                ? new XElement("seclabel", new XAttribute("type", "static"), new XAttribute("model", "dac"), new XAttribute("relabel", "no"),
                    new XElement("label", "+0:+0"))
                : null);
        return domain.ToString() + "\n";
    }

    public async Task<MicroVmRun> RunAsync(MicroVmSpec spec, TimeSpan watchdog, CancellationToken cancellationToken)
    {
        var xmlPath = Path.Combine(Path.GetDirectoryName(spec.ConsoleLog)!, "domain.xml");
        await File.WriteAllTextAsync(xmlPath, DomainXml(spec), cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        await GuestTools.RunAsync(Virsh("create", xmlPath), cancellationToken).ConfigureAwait(false);
        var destroyed = false;
        try
        {
            while (true)
            {
                if (clock.Elapsed > watchdog)
                {
                    await DestroyAsync(spec.Name).ConfigureAwait(false);
                    destroyed = true;
                    return new MicroVmRun(GuestConsole.Read(spec.ConsoleLog), clock.Elapsed, TimedOut: true, Name);
                }
                if (!await RunningAsync(spec.Name, cancellationToken).ConfigureAwait(false))
                {
                    destroyed = true;
                    return new MicroVmRun(GuestConsole.Read(spec.ConsoleLog), clock.Elapsed, TimedOut: false, Name);
                }
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            if (!destroyed)
            {
                await DestroyAsync(spec.Name).ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> RunningAsync(string name, CancellationToken cancellationToken)
    {
        var result = await ToolRunner.RunAsync(Virsh("domstate", name), cancellationToken).ConfigureAwait(false);
        // A transient domain is gone once it shut off: domstate then fails with "failed to get domain".
        return result.ExitCode == 0 && !result.StandardOutput.Contains("shut off", StringComparison.Ordinal);
    }

    private async Task DestroyAsync(string name)
    {
        // Not cancellable: the VM must go even when the run was cancelled.
        await ToolRunner.RunAsync(Virsh("destroy", name), CancellationToken.None).ConfigureAwait(false);
    }

    private ToolCommand Virsh(params string[] arguments) => ToolCommand.For("virsh").WithArguments(["-c", Uri, .. arguments]);
}
