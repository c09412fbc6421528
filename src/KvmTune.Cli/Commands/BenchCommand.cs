using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KvmTune.Core;
using KvmTune.Core.Measurement;
using KvmTune.Core.Tuning;
using KvmTune.Host.Backends;
using KvmTune.Host.Engines;
using KvmTune.Host.Measurement;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary><c>kvmtune bench</c>: measures candidates on scratch images with the host, qemu (and guest) engines.</summary>
internal sealed class BenchCommand(CliOutput output) : AsyncCommand<BenchCommand.Settings>
{
    internal sealed class Settings : CommandSettings
    {
        [CommandOption("--engine <ENGINES>")]
        [Description("Engines, comma separated: host, qemu, guest (default host,qemu).")]
        public string? Engines { get; init; }

        [CommandOption("--backend <BACKENDS>")]
        [Description("Backends, comma separated: qcow2-sparse, qcow2-metadata, qcow2-falloc, raw-sparse, raw-prealloc, loop (default: the quick matrix's four).")]
        public string? Backends { get; init; }

        [CommandOption("--cache <MODES>")]
        [Description("Cache modes, comma separated: none, writeback, writethrough, directsync, unsafe (default all).")]
        public string? Caches { get; init; }

        [CommandOption("--aio <MODES>")]
        [Description("aio modes, comma separated: threads, native, io_uring (default all).")]
        public string? Aios { get; init; }

        [CommandOption("--profile <PROFILES>")]
        [Description("Workload profiles, comma separated (default randread-4k-qd32,randwrite-4k-qd32).")]
        public string? Profiles { get; init; }

        [CommandOption("--fio-job <FILE>")]
        [Description("A fio job file to run instead of presets (host and guest engines).")]
        public string? FioJob { get; init; }

        [CommandOption("--size <SIZE>")]
        [Description("Scratch image size (1G, 512M; default 1G, 512M with --quick).")]
        public string? Size { get; init; }

        [CommandOption("--dir <DIR>")]
        [Description("Directory for scratch images (default: the data directory's scratch/).")]
        public string? Dir { get; init; }

        [CommandOption("--device <DEVICE>")]
        [Description("A block device to measure (destroys its content; safety checks apply).")]
        public string? Device { get; init; }

        [CommandOption("--confirm-device <DEVICE>")]
        [Description("Repeat the --device path to allow writing to a device that carries a partition table or signature.")]
        public string? ConfirmDevice { get; init; }

        [CommandOption("--db <FILE>")]
        [Description("The results store (default: kvmtune.db in the data directory).")]
        public string? Db { get; init; }

        [CommandOption("--vg <VG>")]
        [Description("A volume group to create kvmtune-* logical volumes in.")]
        public string? Vg { get; init; }

        [CommandOption("--quick")]
        [Description("Short repeats (0.3 s, 3 interleaved rounds): the quick matrix in a few minutes.")]
        public bool Quick { get; init; }

        [CommandOption("--repeats <N>")]
        [Description("Repeats per measurement (at least; more while the 95% interval is wider than ±5%).")]
        public int? Repeats { get; init; }

        [CommandOption("--duration <SECONDS>")]
        [Description("Seconds per repeat (default 2, 0.3 with --quick).")]
        public double? Duration { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        public string Format { get; init; } = "table";
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // Everything the user typed is checked before anything is created.
        var (request, options) = await ParseAsync(settings, cancellationToken).ConfigureAwait(false);
        var plan = BenchPlanner.Plan(request);
        var backendOptions = new BackendOptions
        {
            ScratchDirectory = settings.Dir,
            Device = settings.Device,
            ConfirmDevice = settings.ConfirmDevice,
            VolumeGroup = settings.Vg,
        };
        var result = await BenchSession.RunAsync(output, "bench", plan, options, backendOptions, settings.Db,
            (scratch, _) => Task.FromResult<IReadOnlyList<KeyValuePair<string, string>>>(HostFactsNow(scratch)), cancellationToken).ConfigureAwait(false);
        if (result.Outcome is not { } outcome)
        {
            return result.ExitCode;
        }

        if (settings.Format == "json")
        {
            await output.Out.WriteLineAsync(ToJson(outcome, plan)).ConfigureAwait(false);
        }
        else
        {
            Render(outcome);
        }
        return ExitCodes.Ok;
    }

    private static async Task<(BenchRequest Request, BenchOptions Options)> ParseAsync(Settings settings, CancellationToken cancellationToken)
    {
        if (settings.Format is not ("table" or "json"))
        {
            throw new InputException($"--format {settings.Format}: unknown format (table, json)");
        }
        if (settings.Dir is not null && File.Exists(settings.Dir))
        {
            throw new InputException($"--dir {settings.Dir}: is a file, not a directory");
        }
        var engines = ParseList(settings.Engines, "--engine", Core.Measurement.Engines.Parse, "host, qemu, guest") ?? [Engine.Host, Engine.Qemu];
        var backends = ParseList(settings.Backends, "--backend", Core.Tuning.Backends.Parse, string.Join(", ", Core.Tuning.Backends.All.Select(b => b.ToName())))
            ?? (settings.Device is not null ? [Backend.Device] : settings.Vg is not null ? [Backend.Lvm] : BenchRequest.Quick.Backends);
        var caches = ParseList(settings.Caches, "--cache", CacheModes.Parse, "none, writeback, writethrough, directsync, unsafe");
        var ios = ParseList(settings.Aios, "--aio", IoModes.Parse, "threads, native, io_uring");
        IReadOnlyList<WorkloadProfile> profiles;
        if (settings.FioJob is not null)
        {
            if (settings.Profiles is not null)
            {
                throw new InputException("--fio-job and --profile: give one or the other");
            }
            await FioJobBuilder.ValidateJobFileAsync(settings.FioJob, cancellationToken).ConfigureAwait(false);
            var job = WorkloadProfile.RandRead4kQd32 with { Name = "job:" + Path.GetFileName(settings.FioJob), FioJobFile = Path.GetFullPath(settings.FioJob) };
            profiles = [job];
            if (engines.All(e => e == Engine.Qemu))
            {
                throw new InputException("--fio-job: the qemu engine cannot run a fio job file (use --engine host or guest)");
            }
        }
        else
        {
            profiles = ParseList(settings.Profiles, "--profile", name => WorkloadProfile.Find(name!), string.Join(", ", WorkloadProfile.Presets.Select(p => p.Name)))
                ?? BenchRequest.Quick.Profiles;
        }
        var size = settings.Size is null ? 1L << 30 : ParseSize(settings.Size);
        var preset = settings.Quick ? BenchOptions.Quick : BenchOptions.Default;
        if (settings.Repeats is { } repeats)
        {
            if (repeats < 1 || repeats > 100)
            {
                throw new InputException($"--repeats {repeats}: must be between 1 and 100");
            }
            preset = preset with { MinimumRepeats = repeats, MaximumRepeats = Math.Max(repeats, preset.MaximumRepeats) };
        }
        var duration = preset.Measure.Duration;
        if (settings.Duration is { } seconds)
        {
            if (seconds is < 0.1 or > 3600)
            {
                throw new InputException($"--duration {seconds.ToString(CultureInfo.InvariantCulture)}: must be between 0.1 and 3600 seconds");
            }
            duration = TimeSpan.FromSeconds(seconds);
        }
        var options = preset with { Measure = new MeasureOptions(duration, size) };
        return (new BenchRequest(engines, backends, caches, ios, profiles), options);
    }

    /// <summary>A comma-separated option value; null when the option was not given (tune shares it).</summary>
    internal static List<T>? ParseList<T>(string? text, string option, Func<string?, T?> parse, string known) where T : struct
    {
        if (text is null)
        {
            return null;
        }
        var list = new List<T>();
        foreach (var name in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            list.Add(parse(name) ?? throw new InputException($"{option} {name}: unknown (known: {known})"));
        }
        return list.Count == 0 ? throw new InputException($"{option}: empty list") : list;
    }

    private static List<WorkloadProfile>? ParseList(string? text, string option, Func<string?, WorkloadProfile?> parse, string known)
    {
        if (text is null)
        {
            return null;
        }
        var list = new List<WorkloadProfile>();
        foreach (var name in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            list.Add(parse(name) ?? throw new InputException($"{option} {name}: unknown profile (known: {known})"));
        }
        return list.Count == 0 ? throw new InputException($"{option}: empty list") : list;
    }

    /// <summary>1G, 512M, 65536K or bytes; at least 64 MiB and a whole number of MiB.</summary>
    internal static long ParseSize(string text)
    {
        var t = text.Trim();
        long unit = 1;
        if (t.Length > 0 && char.IsLetter(t[^1]))
        {
            unit = char.ToUpperInvariant(t[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 0 };
            t = t[..^1];
        }
        if (unit == 0 || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number <= 0)
        {
            throw new InputException($"--size {text}: not a size (examples: 1G, 512M)");
        }
        var bytes = number * unit;
        if (bytes < 64L << 20 || bytes % (1L << 20) != 0)
        {
            throw new InputException($"--size {text}: must be at least 64M and a whole number of MiB");
        }
        return bytes;
    }

    private static List<KeyValuePair<string, string>> HostFactsNow(string scratch)
    {
        var facts = new List<KeyValuePair<string, string>>
        {
            new(HostFactKeys.Hostname, Environment.MachineName),
            new(HostFactKeys.DataDirectory, scratch),
        };
        if (File.Exists("/proc/sys/kernel/osrelease"))
        {
            facts.Add(new(HostFactKeys.Kernel, File.ReadAllText("/proc/sys/kernel/osrelease").Trim()));
        }
        return facts;
    }

    internal static string ToJson(BenchOutcome outcome, BenchPlan plan)
    {
        var results = new JsonArray();
        foreach (var r in outcome.Results)
        {
            var candidate = Candidate.Parse(r.CandidateId);
            results.Add(new JsonObject
            {
                ["engine"] = r.Engine.ToName(),
                ["candidate"] = r.CandidateId,
                ["backend"] = candidate?.Backend.ToName() ?? (r.CandidateId == QemuImgBenchEngine.NullCoId ? null : r.CandidateId),
                ["cache"] = candidate?.Cache.ToLibvirt(),
                ["aio"] = candidate?.Io.ToLibvirt(),
                ["profile"] = r.Profile,
                ["repeats"] = r.Iops.N,
                ["iops_median"] = Round(r.Iops.Median),
                ["iops_ci95_low"] = Round(r.Iops.CiLow),
                ["iops_ci95_high"] = Round(r.Iops.CiHigh),
                ["iops_cv"] = Math.Round(r.Iops.CoefficientOfVariation, 4),
                ["mbps_median"] = Math.Round(r.MBps.Median, 2),
                ["mbps_ci95_low"] = Math.Round(r.MBps.CiLow, 2),
                ["mbps_ci95_high"] = Math.Round(r.MBps.CiHigh, 2),
                ["latency_p50_us"] = r.LatencyP50Us is { } p50 ? Math.Round(p50, 1) : null,
                ["latency_p99_us"] = r.LatencyP99Us is { } p99 ? Math.Round(p99, 1) : null,
                ["ratio_to_host"] = r.RatioToHost is { } ratio ? Math.Round(ratio, 4) : null,
                ["harness_bound"] = r.HarnessBound,
                ["functional_only"] = r.FunctionalOnly,
                ["burst_iops"] = r.BurstIops is { } burst ? Round(burst) : null,
                ["sustained_iops"] = r.SustainedIops is { } sustained ? Round(sustained) : null,
                ["skipped"] = r.SkippedCode,
            });
        }
        var root = new JsonObject
        {
            ["run_id"] = outcome.RunId,
            ["candidates"] = plan.Candidates.Count,
            ["skipped_candidates"] = plan.Skipped.Count,
            ["sustained_measured"] = outcome.SustainedAvailable,
            ["results"] = results,
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static double Round(double value) => Math.Round(value, 0);

    private void Render(BenchOutcome outcome)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("engine", "candidate", "profile", "IOPS (median)", "95% CI", "CV", "MB/s", "p50 µs", "p99 µs", "÷ host", "notes");
        foreach (var r in outcome.Results.OrderBy(r => r.Profile, StringComparer.Ordinal).ThenBy(r => r.Engine).ThenByDescending(r => r.Iops.Median))
        {
            var notes = new List<string>();
            if (r.SkippedCode is { } code)
            {
                notes.Add($"skipped {code}");
            }
            if (r.HarnessBound)
            {
                notes.Add(r.CandidateId == QemuImgBenchEngine.NullCoId ? "harness ceiling" : "harness-bound");
            }
            if (r.SustainedIops is { } sustained)
            {
                notes.Add($"sustained {sustained.ToString("N0", CultureInfo.InvariantCulture)}");
            }
            var skipped = r.SkippedCode is not null;
            table.AddRow(
                r.Engine.ToName(),
                Markup.Escape(r.CandidateId),
                Markup.Escape(r.Profile),
                skipped ? "-" : r.Iops.Median.ToString("N0", CultureInfo.InvariantCulture),
                skipped ? "-" : $"{r.Iops.CiLow.ToString("N0", CultureInfo.InvariantCulture)}–{r.Iops.CiHigh.ToString("N0", CultureInfo.InvariantCulture)}",
                skipped ? "-" : r.Iops.CoefficientOfVariation.ToString("P1", CultureInfo.InvariantCulture),
                skipped ? "-" : r.MBps.Median.ToString("N1", CultureInfo.InvariantCulture),
                r.LatencyP50Us?.ToString("N0", CultureInfo.InvariantCulture) ?? "-",
                r.LatencyP99Us?.ToString("N0", CultureInfo.InvariantCulture) ?? "-",
                r.RatioToHost?.ToString("P0", CultureInfo.InvariantCulture) ?? "-",
                Markup.Escape(string.Join(", ", notes)));
        }
        output.Console.Write(table);
        if (!outcome.SustainedAvailable)
        {
            output.Console.MarkupLine("[yellow]no memory cgroup available: sustained figures not measured[/]");
        }
    }

}
