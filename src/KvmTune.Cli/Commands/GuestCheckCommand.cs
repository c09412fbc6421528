using System.ComponentModel;
using System.Globalization;
using KvmTune.Core;
using KvmTune.Core.Measurement;
using KvmTune.Core.Serialization;
using KvmTune.Core.Tuning;
using KvmTune.Host;
using KvmTune.Host.Engines;
using KvmTune.Host.Guest;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary>
/// Boots one micro-VM of the guest engine on a small scratch image and prints what came back: for operators
/// checking that the guest path (kernel, initramfs, libvirt or QEMU, accelerator) works on this host.
/// </summary>
internal sealed class GuestCheckCommand(CliOutput output) : AsyncCommand<GuestCheckCommand.Settings>
{

    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--kernel <FILE>")]
        [Description("Kernel (bzImage) to boot instead of the host's or Debian's.")]
        public string? Kernel { get; init; }

        [CommandOption("--modules <DIR>")]
        [Description("Modules tree (lib/modules/RELEASE) of --kernel; omit when its virtio is built in.")]
        public string? Modules { get; init; }

        [CommandOption("--launcher <WAY>")]
        [Description("auto (libvirt when it runs, else QEMU), libvirt or qemu.")]
        [DefaultValue("auto")]
        public string Launcher { get; init; } = "auto";

        [CommandOption("--cache <MODE>")]
        [DefaultValue("none")]
        public string Cache { get; init; } = "none";

        [CommandOption("--aio <MODE>")]
        [DefaultValue("native")]
        public string Aio { get; init; } = "native";

        [CommandOption("--profile <NAME>")]
        [DefaultValue("randread-4k-qd32")]
        public string Profile { get; init; } = "randread-4k-qd32";

        [CommandOption("--seconds <N>")]
        [Description("fio runtime inside the guest.")]
        [DefaultValue(3)]
        public int Seconds { get; init; } = 3;

        [CommandOption("--watchdog <SECONDS>")]
        [Description("Destroy the VM after this many seconds (default 180 under TCG, 60 under KVM, plus the runtime).")]
        public int? Watchdog { get; init; }

        [CommandOption("--dir <DIR>")]
        [Description("Where the 64 MiB scratch image is created (default: the data directory).")]
        public string? Directory { get; init; }

        [CommandOption("--format <FORMAT>")]
        [DefaultValue("table")]
        public string Format { get; init; } = "table";

        public override ValidationResult Validate()
        {
            if (CacheModes.Parse(Cache) is null)
            {
                throw new InputException($"--cache '{Cache}': not a libvirt cache mode (none, writeback, writethrough, directsync, unsafe)");
            }
            if (IoModes.Parse(Aio) is null)
            {
                throw new InputException($"--aio '{Aio}': not a libvirt io mode (threads, native, io_uring)");
            }
            var candidate = new Candidate(Backend.RawPrealloc, CacheModes.Parse(Cache)!.Value, IoModes.Parse(Aio)!.Value);
            if (candidate.CannotStartCode is { } code)
            {
                throw new InputException($"--cache {Cache} --aio {Aio} cannot start ({code}: io='native' needs cache='none' or 'directsync')");
            }
            if (WorkloadProfile.Find(Profile) is null)
            {
                throw new InputException($"--profile '{Profile}': unknown (one of {string.Join(", ", WorkloadProfile.Presets.Select(p => p.Name))})");
            }
            if (Launcher is not ("auto" or "libvirt" or "qemu"))
            {
                throw new InputException($"--launcher '{Launcher}': use auto, libvirt or qemu");
            }
            if (Format is not ("table" or "json"))
            {
                throw new InputException($"--format '{Format}': use table or json");
            }
            if (Seconds is < 1 or > 3600 || Watchdog is < 1)
            {
                throw new InputException("--seconds must be 1..3600 and --watchdog at least 1");
            }
            if (Kernel is not null && !File.Exists(Kernel))
            {
                throw new InputException($"--kernel '{Kernel}': no such file");
            }
            if (Modules is not null && (Kernel is null || !System.IO.Directory.Exists(Modules)))
            {
                throw new InputException(Kernel is null ? $"--modules '{Modules}' needs --kernel" : $"--modules '{Modules}': no such directory");
            }
            if (Directory is not null && !System.IO.Directory.Exists(Directory))
            {
                throw new InputException($"--dir '{Directory}': no such directory");
            }
            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var candidate = new Candidate(Backend.RawPrealloc, CacheModes.Parse(settings.Cache)!.Value, IoModes.Parse(settings.Aio)!.Value);
        var profile = WorkloadProfile.Find(settings.Profile)!;
        using var engine = new GuestEngine(new GuestEngineOptions
        {
            KernelFile = settings.Kernel,
            ModulesDirectory = settings.Modules,
            Launcher = settings.Launcher switch { "libvirt" => GuestLauncherKind.Libvirt, "qemu" => GuestLauncherKind.Qemu, _ => GuestLauncherKind.Auto },
            Watchdog = settings.Watchdog is { } w ? TimeSpan.FromSeconds(w) : null,
            Progress = message => output.Console.MarkupLineInterpolated($"[grey]{message}[/]"),
        });
        var scratch = System.IO.Directory.CreateDirectory(
            Path.Combine(settings.Directory ?? DataDirectory.Sub("scratch"), $"guest-check-{Guid.NewGuid():N}"));
        try
        {
            var image = Path.Combine(scratch.FullName, "disk.raw");
            // Preallocated (fallocate) so aio=native has no metadata updates to stall on.
            using (new FileStream(image, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, PreallocationSize = 64L << 20 }))
            {
            }
            using (var stream = new FileStream(image, FileMode.Open, FileAccess.Write))
            {
                stream.SetLength(64L << 20);
            }
            var target = new MeasureTarget(image, "raw", IsBlock: false, image);
            await engine.PrepareAsync(cancellationToken).ConfigureAwait(false);
            output.Console.MarkupLineInterpolated($"[grey]booting a micro-VM ({engine.Accelerator.ToName()}, kernel {engine.Kernel!.Origin}) for {candidate.Id} {profile.Name}[/]");
            Sample sample;
            try
            {
                sample = await engine.RunAsync(target, Subject.Of(candidate), profile, new MeasureOptions(TimeSpan.FromSeconds(settings.Seconds), 64L << 20), 1, cancellationToken).ConfigureAwait(false);
            }
            catch (GuestException e)
            {
                await output.Error.WriteLineAsync($"kvmtune: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Failure;
            }
            Render(settings, engine, sample);
            return ExitCodes.Ok;
        }
        catch (GuestException e)
        {
            await output.Error.WriteLineAsync($"kvmtune: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failure;
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private void Render(Settings settings, GuestEngine engine, Sample sample)
    {
        var boot = engine.LastBoot!;
        if (settings.Format == "json")
        {
            var json = JsonConvention.Serialize(new GuestCheckJson(
                boot.Launcher,
                boot.Accelerator.ToName(),
                sample.FunctionalOnly,
                boot.Kernel.KernelPath,
                boot.Kernel.Origin,
                Math.Round(boot.Elapsed.TotalSeconds, 2),
                boot.ReadyUptime,
                sample.Subject.ToString()!,
                sample.Profile,
                Math.Round(sample.Iops, 1),
                Math.Round(sample.MBps, 2),
                sample.LatencyP50Us,
                sample.LatencyP99Us,
                sample.Seconds));
            output.Out.WriteLine(json);
            return;
        }
        string F(double? value, string format) => value?.ToString(format, CultureInfo.InvariantCulture) ?? "-";
        var table = new Table().AddColumn("guest check").AddColumn("");
        table.AddRow("launcher", boot.Launcher);
        table.AddRow("accelerator", boot.Accelerator.ToName() + (sample.FunctionalOnly ? " (functional check only, never ranked)" : ""));
        table.AddRow("kernel", Markup.Escape($"{boot.Kernel.KernelPath} ({boot.Kernel.Origin})"));
        table.AddRow("boot + run", $"{F(boot.Elapsed.TotalSeconds, "0.0")} s wall; /dev/vda ready at guest uptime {F(boot.ReadyUptime, "0.00")} s");
        table.AddRow("candidate", Markup.Escape($"{sample.Subject} {sample.Profile}"));
        table.AddRow("IOPS", F(sample.Iops, "0"));
        table.AddRow("MB/s", F(sample.MBps, "0.0"));
        table.AddRow("latency p50 / p99", $"{F(sample.LatencyP50Us, "0")} / {F(sample.LatencyP99Us, "0")} µs");
        output.Console.Write(table);
    }

    /// <summary><c>guest-check --format json</c>.</summary>
    internal sealed record GuestCheckJson(
        string Launcher,
        string Accelerator,
        bool FunctionalOnly,
        string Kernel,
        string KernelOrigin,
        double BootSeconds,
        double? DiskReadyUptimeSeconds,
        string Candidate,
        string Profile,
        double Iops,
        double Mbps,
        double? LatencyP50Us,
        double? LatencyP99Us,
        double FioSeconds);
}
