using System.ComponentModel;
using KvmTune.Cli.Rendering;
using KvmTune.Cli.Settings;
using KvmTune.Core.Measurement;
using KvmTune.Core.Serialization;
using KvmTune.Core.Tuning;
using KvmTune.Host.Backends;
using KvmTune.Host.Engines;
using KvmTune.Host.Measurement;
using KvmTune.Services.Measuring;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary><c>kvmtune bench</c>: measures candidates on scratch images with the host, qemu (and guest) engines.</summary>
internal sealed class BenchCommand(CliOutput output) : AsyncCommand<BenchCommand.Settings>
{
    internal sealed class Settings : MeasureSettings
    {
        [CommandOption("--engine <ENGINES>")]
        [Description("Engines, comma separated: host, qemu, guest (default host,qemu).")]
        [TypeConverter(typeof(EngineListConverter))]
        public Engine[]? Engines { get; init; }

        [CommandOption("--fio-job <FILE>")]
        [Description("A fio job file to run instead of presets (host and guest engines).")]
        public string? FioJob { get; init; }

        [CommandOption("--device <DEVICE>")]
        [Description("A block device to measure (destroys its content; safety checks apply).")]
        public string? Device { get; init; }

        [CommandOption("--confirm-device <DEVICE>")]
        [Description("Repeat the --device path to allow writing to a device that carries a partition table or signature.")]
        public string? ConfirmDevice { get; init; }

        [CommandOption("--vg <VG>")]
        [Description("A volume group to create kvmtune-* logical volumes in.")]
        public string? Vg { get; init; }

        [CommandOption("--quick")]
        [Description("Short repeats (0.3 s, 3 interleaved rounds, 512M images): the quick matrix in a few minutes.")]
        public bool Quick { get; init; }

        [CommandOption("--qcow2")]
        [Description("The qcow2 preset: cluster size 64k/2M x L2 cache default/whole image x extended_l2 off/on on 512G metadata-preallocated qcow2, cache none, aio native, qemu engine.")]
        public bool Qcow2 { get; init; }

        [CommandOption("--discard <MODES>")]
        [Description("Also measure each candidate with libvirt's discard: unmap, ignore (a dimension; with --detect-zeroes, every pair).")]
        [TypeConverter(typeof(DiscardListConverter))]
        public DiscardSetting[]? Discard { get; init; }

        [CommandOption("--detect-zeroes <MODES>")]
        [Description("Also measure each candidate with libvirt's detect_zeroes: off, on, unmap (a dimension, for write profiles).")]
        [TypeConverter(typeof(DetectZeroesListConverter))]
        public DetectZeroesSetting[]? DetectZeroes { get; init; }

        public override ValidationResult Validate()
        {
            if (FioJob is not null && Profiles is not null)
            {
                return ValidationResult.Error("--fio-job and --profile: give one or the other");
            }
            if (FioJob is not null && Engines is { } engines && engines.All(e => e == Engine.Qemu))
            {
                return ValidationResult.Error("--fio-job: the qemu engine cannot run a fio job file (use --engine host or guest)");
            }
            if (Qcow2 && Quick)
            {
                return ValidationResult.Error("--qcow2 and --quick: give one preset");
            }
            if (Qcow2 && (Discard is not null || DetectZeroes is not null))
            {
                return ValidationResult.Error("--qcow2 with --discard or --detect-zeroes: measure them in separate runs");
            }
            return base.Validate();
        }

        /// <summary>The request and options the command line asks for.</summary>
        public async Task<(BenchRequest Request, BenchOptions Options)> ToRequestAsync(CancellationToken cancellationToken)
        {
            var preset = Qcow2 ? BenchRequest.Qcow2 : BenchRequest.Quick;
            var engines = Engines ?? (Qcow2 ? preset.Engines : [Engine.Host, Engine.Qemu]);
            var backends = Backends ?? (Device is not null ? [Backend.Device] : Vg is not null ? [Backend.Lvm] : preset.Backends);
            IReadOnlyList<WorkloadProfile> profiles;
            if (FioJob is not null)
            {
                await FioJobBuilder.ValidateJobFileAsync(FioJob, cancellationToken).ConfigureAwait(false);
                profiles = [WorkloadProfile.RandRead4kQd32 with { Name = "job:" + Path.GetFileName(FioJob), FioJobFile = Path.GetFullPath(FioJob) }];
            }
            else
            {
                profiles = ProfilesOrWorkload();
            }
            var options = Options(Qcow2 ? BenchOptions.Qcow2 : Quick ? BenchOptions.Quick : BenchOptions.Default);
            var request = new BenchRequest(engines, backends, Caches ?? (Qcow2 ? preset.Caches : null), Ios ?? (Qcow2 ? preset.Ios : null), profiles)
            {
                Options = Qcow2 ? preset.Options
                    : Discard is not null || DetectZeroes is not null ? BenchRequest.DiscardGrid(Discard ?? [], DetectZeroes ?? [])
                    : [ImageOptions.Default],
            };
            return (request, options);
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // Everything the user typed is checked before anything is created.
        var (request, options) = await settings.ToRequestAsync(cancellationToken).ConfigureAwait(false);
        var plan = BenchPlanner.Plan(request);
        var storage = new BackendOptions
        {
            ScratchDirectory = settings.Dir,
            Device = settings.Device,
            ConfirmDevice = settings.ConfirmDevice,
            VolumeGroup = settings.Vg,
        };
        var measurement = new MeasurementRequest(plan, options, storage, settings.Db, CliOutput.CommandLine, settings.ToConstraints());
        var result = await MeasurementProgress.ShowAsync(output.Status, "bench", plan.MeasurementsPerRound * options.MinimumRepeats,
            progress => MeasurementSession.RunAsync(measurement, progress, cancellationToken)).ConfigureAwait(false);

        if (settings.Format == OutputFormat.Json)
        {
            await output.Out.WriteLineAsync(JsonConvention.Serialize(BenchRendering.Json(result.Outcome, plan))).ConfigureAwait(false);
        }
        else
        {
            BenchRendering.Table(output.Console, result.Outcome);
        }
        return ExitCodes.Ok;
    }
}
