using System.ComponentModel;
using KvmTune.Cli.Rendering;
using KvmTune.Cli.Settings;
using KvmTune.Core;
using KvmTune.Core.Measurement;
using KvmTune.Core.Serialization;
using KvmTune.Core.Tuning;
using KvmTune.Host.Engines;
using KvmTune.Services.Measuring;
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
        [Description("table (default) or json.")]
        [TypeConverter(typeof(OutputFormatConverter))]
        public OutputFormat Format { get; init; } = OutputFormat.Table;

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
        ArgumentNullException.ThrowIfNull(settings);
        var request = new GuestCheckRequest(
            new Candidate(Backend.RawPrealloc, CacheModes.Parse(settings.Cache)!.Value, IoModes.Parse(settings.Aio)!.Value),
            WorkloadProfile.Find(settings.Profile)!,
            TimeSpan.FromSeconds(settings.Seconds),
            new GuestEngineOptions
            {
                KernelFile = settings.Kernel,
                ModulesDirectory = settings.Modules,
                Launcher = settings.Launcher switch { "libvirt" => GuestLauncherKind.Libvirt, "qemu" => GuestLauncherKind.Qemu, _ => GuestLauncherKind.Auto },
                Watchdog = settings.Watchdog is { } w ? TimeSpan.FromSeconds(w) : null,
                Progress = message => output.Console.MarkupLineInterpolated($"[grey]{message}[/]"),
            },
            settings.Directory);
        var result = await GuestCheck.RunAsync(request, message => output.Console.MarkupLineInterpolated($"[grey]{message}[/]"), cancellationToken).ConfigureAwait(false);
        if (settings.Format == OutputFormat.Json)
        {
            output.Out.WriteLine(JsonConvention.Serialize(GuestCheckRendering.Json(result)));
        }
        else
        {
            GuestCheckRendering.Table(output.Console, result);
        }
        return ExitCodes.Ok;
    }
}
