using System.ComponentModel;
using System.Globalization;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Host.Engines;
using KvmTune.Host.Measurement;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Settings;

/// <summary>
/// What <c>bench</c> and <c>tune</c> both measure with: backends, cache and aio modes, profiles, image size, repeat
/// length and count, the scratch directory, and the output format. Lists are typed by their converters; ranges are
/// checked by <see cref="Validate"/>; nothing is created before both passed.
/// </summary>
internal class MeasureSettings : AdvisorSettings
{
    [CommandOption("--backend <BACKENDS>")]
    [Description("Backends, comma separated: qcow2-sparse, qcow2-metadata, qcow2-falloc, raw-sparse, raw-prealloc, loop (default: qcow2-sparse, qcow2-metadata, raw-prealloc, loop).")]
    [TypeConverter(typeof(BackendListConverter))]
    public Backend[]? Backends { get; init; }

    [CommandOption("--cache <MODES>")]
    [Description("Cache modes, comma separated: none, writeback, writethrough, directsync, unsafe (default all).")]
    [TypeConverter(typeof(CacheListConverter))]
    public CacheMode[]? Caches { get; init; }

    [CommandOption("--aio <MODES>")]
    [Description("aio modes, comma separated: threads, native, io_uring (default all).")]
    [TypeConverter(typeof(IoListConverter))]
    public IoMode[]? Ios { get; init; }

    [CommandOption("--profile <PROFILES>")]
    [Description("Workload profiles, comma separated (default: the --workload profiles, else randread-4k-qd32,randwrite-4k-qd32).")]
    [TypeConverter(typeof(ProfileListConverter))]
    public WorkloadProfile[]? Profiles { get; init; }

    [CommandOption("--size <SIZE>")]
    [Description("Scratch image size: 1G, 512M (default 512M; 1G for the longer presets).")]
    [TypeConverter(typeof(SizeConverter))]
    public long? Size { get; init; }

    [CommandOption("--duration <SECONDS>")]
    [Description("Seconds per repeat (default 0.3 for the quick preset, 2 for the longer one).")]
    public double? Duration { get; init; }

    [CommandOption("--repeats <N>")]
    [Description("Repeats per measurement, at least (more while the 95% interval is wider than ±5%).")]
    public int? Repeats { get; init; }

    [CommandOption("--dir <DIR>")]
    [Description("Directory for scratch images (default: the data directory's scratch/).")]
    public string? Dir { get; init; }

    [CommandOption("--format <FORMAT>")]
    [Description("table (default) or json.")]
    [TypeConverter(typeof(OutputFormatConverter))]
    public OutputFormat Format { get; init; } = OutputFormat.Table;

    public override ValidationResult Validate()
    {
        if (Repeats is < 1 or > 100)
        {
            return ValidationResult.Error($"--repeats {Repeats}: must be between 1 and 100");
        }
        if (Duration is { } seconds && (seconds is < 0.1 or > 3600 || !double.IsFinite(seconds)))
        {
            return ValidationResult.Error($"--duration {seconds.ToString(CultureInfo.InvariantCulture)}: must be between 0.1 and 3600 seconds");
        }
        if (Dir is not null && File.Exists(Dir))
        {
            return ValidationResult.Error($"--dir {Dir}: is a file, not a directory");
        }
        return base.Validate();
    }

    /// <summary>The profiles asked for: <c>--profile</c>, else the <c>--workload</c> profiles, else the quick matrix's.</summary>
    protected IReadOnlyList<WorkloadProfile> ProfilesOrWorkload()
    {
        if (Profiles is not null)
        {
            foreach (var w in Workload ?? [])
            {
                if (Profiles.All(p => p.Name != w.Profile))
                {
                    throw new Core.InputException($"--workload: profile '{w.Profile}' is not among --profile {string.Join(",", Profiles.Select(p => p.Name))}");
                }
            }
            return Profiles;
        }
        if (Workload is { Length: > 0 } workload)
        {
            return [.. workload.Select(w => WorkloadProfile.Find(w.Profile) ?? throw new Core.InputException(
                $"--workload {w.Profile}: unknown profile (known: {string.Join(", ", WorkloadProfile.Presets.Select(p => p.Name))})"))];
        }
        return BenchRequest.Quick.Profiles;
    }

    /// <summary>The preset with the repeats, duration and size given on the command line.</summary>
    protected BenchOptions Options(BenchOptions preset)
    {
        if (Repeats is { } repeats)
        {
            preset = preset with { MinimumRepeats = repeats, MaximumRepeats = Math.Max(repeats, preset.MaximumRepeats) };
        }
        var duration = Duration is { } seconds ? TimeSpan.FromSeconds(seconds) : preset.Measure.Duration;
        return preset with { Measure = new MeasureOptions(duration, Size ?? preset.Measure.SizeBytes) };
    }
}
