using System.ComponentModel;
using System.Globalization;
using KvmTune.Cli.Settings;
using KvmTune.Core.Measurement;
using KvmTune.Core.Serialization;
using KvmTune.Core.Tuning;
using KvmTune.Host;
using KvmTune.Host.Probing;
using KvmTune.Host.Processes;
using Spectre.Console;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary><c>kvmtune probe</c>: what this host can do, as a table or JSON.</summary>
internal sealed class ProbeCommand(CliOutput output) : AsyncCommand<ProbeCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--dir <DIR>")]
        [Description("Scratch directory to probe for O_DIRECT and storage (default: the data directory's scratch).")]
        public string? Dir { get; init; }

        [CommandOption("--device <DEVICE>")]
        [Description("A block device to probe for O_DIRECT with a read-only read (never written).")]
        public string? Device { get; init; }

        [CommandOption("--format <FORMAT>")]
        [Description("table (default) or json.")]
        [TypeConverter(typeof(OutputFormatConverter))]
        public OutputFormat Format { get; init; } = OutputFormat.Table;

        public override ValidationResult Validate()
        {
            if (Dir is not null && !Directory.Exists(Dir))
            {
                return ValidationResult.Error($"--dir {Dir}: no such directory");
            }
            if (Device is not null && !File.Exists(Device))
            {
                return ValidationResult.Error($"--device {Device}: does not exist");
            }
            return ValidationResult.Success();
        }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var dir = settings.Dir ?? Path.Combine(DataDirectory.Path, "scratch");
        var result = await HostProbe.RunAsync(dir, settings.Device, cancellationToken).ConfigureAwait(false);
        if (ToolRegistry.Default.Find("qemu-io") is not null)
        {
            // io_uring and native on small scratch images of each kind, every cache mode: measured here, not assumed.
            result = result with { IoModes = await IoModeProbe.RunOnScratchAsync(dir, cancellationToken).ConfigureAwait(false) };
        }
        if (settings.Format == OutputFormat.Json)
        {
            await output.Out.WriteLineAsync(JsonConvention.Serialize(result)).ConfigureAwait(false);
            return ExitCodes.Ok;
        }
        output.Console.Write(Render(result));
        return ExitCodes.Ok;
    }

    internal static Table Render(HostProbeResult result)
    {
        var table = new Table().Title("Host probe").AddColumn("Fact").AddColumn("Value");
        void Row(string fact, string value) => table.AddRow(Markup.Escape(fact), Markup.Escape(value));
        static string YesNo(Capability c) => (c.Available ? "yes" : "no") + $" ({c.Detail})";

        Row("host", result.HostName);
        Row("kernel", result.Kernel);
        foreach (var tool in result.Tools)
        {
            Row(tool.Tool, tool.Status);
        }
        Row("accelerator", $"{result.Accelerator} ({result.AcceleratorReason})");
        Row("io_uring", YesNo(result.IoUring));
        Row("io_uring registered buffers", YesNo(result.IoUringRegistered));
        foreach (var check in result.IoModes)
        {
            Row($"io probe {check.Combination}", $"{IoModeCheck.Name(check.Outcome)} ({check.Sentence})");
        }
        Row("device-mapper", YesNo(result.DeviceMapper));
        Row("scratch directory", result.ScratchDirectory);
        Row("O_DIRECT (scratch)", YesNo(result.ScratchODirect));
        if (result.Device is not null && result.DeviceODirect is not null)
        {
            Row($"O_DIRECT ({result.Device})", YesNo(result.DeviceODirect));
        }
        if (result.Storage is { } storage)
        {
            var rotational = storage.Rotational switch { true => "rotational", false => "non-rotational", null => "rotational unknown" };
            Row("storage", $"{storage.Device} ({storage.MajorMinor}), {storage.Model ?? "model unknown"}, {rotational}, scheduler {storage.Scheduler ?? "unknown"}");
        }
        else
        {
            Row("storage", "unknown (no block device under the scratch directory)");
        }
        Row("vm.dirty_ratio / dirty_background_ratio", $"{Text(result.DirtyRatio)} / {Text(result.DirtyBackgroundRatio)}");
        Row("vm.dirty_bytes / dirty_background_bytes", $"{Text(result.DirtyBytes)} / {Text(result.DirtyBackgroundBytes)}");
        Row("memory", result.MemTotalBytes is { } mem ? $"{mem / (double)(1L << 30):0.0} GiB" : "unknown");
        Row("cores / load average", $"{result.Cores} / {(result.LoadAverage.Count == 0 ? "unknown" : HostLoad.Format(result.LoadAverage))}");
        return table;
    }

    private static string Text(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "unknown";
}
