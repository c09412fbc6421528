using System.Globalization;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Host.Guest;

namespace KvmTune.Host.Engines;

/// <summary>Which way the guest engine boots its micro-VMs.</summary>
public enum GuestLauncherKind
{
    /// <summary>libvirt when libvirtd answers, else plain QEMU.</summary>
    Auto,
    Libvirt,
    Qemu,
}

/// <summary>Settings of the guest engine.</summary>
public sealed record GuestEngineOptions
{
    /// <summary><c>--kernel</c>: a bzImage to boot instead of the host's or Debian's kernel.</summary>
    public string? KernelFile { get; init; }

    /// <summary><c>--modules</c>: the modules tree of <see cref="KernelFile"/>; none when its virtio is built in.</summary>
    public string? ModulesDirectory { get; init; }

    public GuestLauncherKind Launcher { get; init; } = GuestLauncherKind.Auto;

    public string LibvirtUri { get; init; } = "qemu:///system";

    /// <summary>Wall-clock limit of one whole boot; null = 180 s under TCG, 60 s under KVM, plus the fio runtime.</summary>
    public TimeSpan? Watchdog { get; init; }

    /// <summary>
    /// Boots tried again after a watchdog timeout (default 1): under TCG on a busy host a boot now and then stalls
    /// past the watchdog and the next one goes through. A boot that fails otherwise is not retried.
    /// </summary>
    public int TimeoutRetries { get; init; } = 1;

    /// <summary>Forces the accelerator (tests); null = detect.</summary>
    public GuestAccelerator? Accelerator { get; init; }

    public int MemoryMiB { get; init; } = 512;

    /// <summary>Virtual CPUs; null = 1 under TCG (one emulator thread is enough for fio), 2 under KVM.</summary>
    public int? Vcpus { get; init; }

    /// <summary>Where the kernel and initramfs caches live; null = <c>DataDirectory/cache</c>.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Hears about slow preparation steps (download, initramfs build).</summary>
    public Action<string>? Progress { get; init; }
}

/// <summary>What the last boot did, for reports and the guest-check command.</summary>
/// <param name="Name">The VM's name (libvirt domain, QEMU <c>-name</c>).</param>
/// <param name="Launcher"><c>libvirt</c> or <c>qemu</c>.</param>
/// <param name="Accelerator">kvm or tcg.</param>
/// <param name="Kernel">The kernel booted and where it came from.</param>
/// <param name="Elapsed">Wall clock from start to power-off.</param>
/// <param name="ReadyUptime">Guest uptime (s) when /dev/vda was ready and fio started.</param>
public sealed record GuestBoot(string Name, string Launcher, GuestAccelerator Accelerator, GuestKernel Kernel, TimeSpan Elapsed, double? ReadyUptime);

/// <summary>
/// The <c>guest</c> engine: fio inside a throw-away micro-VM (distribution kernel and a generated initramfs)
/// whose /dev/vda is the candidate disk with its cache and aio modes. Under TCG its samples are
/// <see cref="Sample.FunctionalOnly"/>: they prove the configuration works, never how fast it is.
/// </summary>
public sealed class GuestEngine(GuestEngineOptions options) : IMeasurementEngine, IDisposable
{
    private readonly SemaphoreSlim _prepareLock = new(1, 1);
    private GuestKernel? _kernel;
    private string? _baseInitramfs;
    private IMicroVmLauncher? _launcher;

    public GuestEngine()
        : this(new GuestEngineOptions())
    {
    }

    public Engine Kind => Engine.Guest;

    public GuestEngineOptions Options { get; } = options;

    /// <summary>The accelerator micro-VMs run with.</summary>
    public GuestAccelerator Accelerator { get; } = options.Accelerator ?? GuestAccelerators.Detect();

    /// <summary>True under TCG: results are a functional check only and are never ranked.</summary>
    public bool FunctionalOnly => Accelerator == GuestAccelerator.Tcg;

    /// <summary>The last boot, or null before the first.</summary>
    public GuestBoot? LastBoot { get; private set; }

    /// <summary>The kernel, after <see cref="PrepareAsync"/>.</summary>
    public GuestKernel? Kernel => _kernel;

    /// <summary>Finds (or downloads) the kernel, builds the cached initramfs and picks the launcher. Idempotent.</summary>
    public async Task PrepareAsync(CancellationToken cancellationToken)
    {
        await _prepareLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_launcher is not null)
            {
                return;
            }
            var cache = Options.CacheDirectory ?? DataDirectory.Sub("cache");
            var kernel = await new GuestKernelLocator(Path.Combine(cache, "kernel"))
                .LocateAsync(Options.KernelFile, Options.ModulesDirectory, Options.Progress, cancellationToken).ConfigureAwait(false);
            var initramfs = await new InitramfsBuilder().BuildCachedAsync(kernel, Path.Combine(cache, "initramfs"), cancellationToken, Options.Progress).ConfigureAwait(false);
            var launcher = await ChooseLauncherAsync(cancellationToken).ConfigureAwait(false);
            (_kernel, _baseInitramfs, _launcher) = (kernel, initramfs, launcher);
        }
        finally
        {
            _prepareLock.Release();
        }
    }

    public async Task<Sample> RunAsync(MeasureTarget target, Subject subject, WorkloadProfile profile, MeasureOptions options, int repeat, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(subject);
        var candidate = subject.Candidate;
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(options);
        if (candidate is null)
        {
            throw new ArgumentException("the guest engine measures a candidate (cache and aio mode); none was given", nameof(subject));
        }
        await PrepareAsync(cancellationToken).ConfigureAwait(false);
        var name = $"kvmtune-guest-{Guid.NewGuid():N}"[..26];
        var work = Directory.CreateTempSubdirectory("kvmtune-guest-").FullName;
        try
        {
            var initrd = Path.Combine(work, "initrd.cpio.gz");
            await InitramfsBuilder.WriteBootInitrdAsync(_baseInitramfs!, GuestFioJob.Render(profile, options.Duration), initrd, cancellationToken).ConfigureAwait(false);
            var spec = new MicroVmSpec(name, _kernel!.KernelPath, initrd, MicroVmSpec.DefaultCommandLine, target, candidate.Cache, candidate.Io,
                Accelerator, Options.MemoryMiB, Options.Vcpus ?? (Accelerator == GuestAccelerator.Kvm ? 2 : 1), Path.Combine(work, "console.log"));
            var watchdog = Options.Watchdog ?? (TimeSpan.FromSeconds(Accelerator == GuestAccelerator.Tcg ? 180 : 60) + options.Duration);
            var started = DateTimeOffset.UtcNow;
            var run = await _launcher!.RunAsync(spec, watchdog, cancellationToken).ConfigureAwait(false);
            for (var retry = 0; run.TimedOut && retry < Options.TimeoutRetries; retry++)
            {
                Options.Progress?.Invoke($"{DescribeFailure(candidate, run, watchdog)}; booting again");
                started = DateTimeOffset.UtcNow;
                run = await _launcher.RunAsync(spec, watchdog, cancellationToken).ConfigureAwait(false);
            }
            LastBoot = new GuestBoot(name, run.Launcher, Accelerator, _kernel, run.Elapsed, run.Console.ReadyUptime);
            var json = run.Console.FioJson;
            if (run.TimedOut || json is null)
            {
                throw new GuestException(DescribeFailure(candidate, run, watchdog));
            }
            var result = GuestFioResult.Parse(json);
            return new Sample(Engine.Guest, subject, profile.Name, repeat, result.Iops, result.MBps, result.LatencyP50Us, result.LatencyP99Us,
                started, result.RuntimeSeconds, json)
            {
                FunctionalOnly = FunctionalOnly,
            };
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    public void Dispose() => _prepareLock.Dispose();

    /// <summary>The one-line failure of a boot that gave no fio result: why, and the console's last lines.</summary>
    public static string DescribeFailure(Candidate candidate, MicroVmRun run, TimeSpan watchdog)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(run);
        var what = run.TimedOut
            ? $"timed out after {watchdog.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s and was destroyed"
            : run.Console.Error is { } error ? $"failed: {error}" : "powered off without a fio result";
        var tail = run.Console.LastLines(8);
        var console = tail.Count == 0 ? "(console empty)" : string.Join(" | ", tail);
        return $"micro-VM ({run.Launcher}) for {candidate.Id} {what}; last console lines: {console}";
    }

    private async Task<IMicroVmLauncher> ChooseLauncherAsync(CancellationToken cancellationToken)
    {
        var libvirt = new LibvirtMicroVm(Options.LibvirtUri);
        switch (Options.Launcher)
        {
            case GuestLauncherKind.Libvirt:
                return await libvirt.AvailableAsync(cancellationToken).ConfigureAwait(false)
                    ? libvirt
                    : throw new GuestException($"libvirtd does not answer on {Options.LibvirtUri}");
            case GuestLauncherKind.Qemu:
                GuestTools.Require("qemu-system-x86_64");
                return new QemuMicroVm();
            default:
                if (await libvirt.AvailableAsync(cancellationToken).ConfigureAwait(false))
                {
                    return libvirt;
                }
                GuestTools.Require("qemu-system-x86_64");
                return new QemuMicroVm();
        }
    }
}
