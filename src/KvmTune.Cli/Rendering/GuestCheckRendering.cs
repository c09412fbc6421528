using System.Globalization;
using KvmTune.Host.Guest;
using KvmTune.Services.Measuring;
using Spectre.Console;

namespace KvmTune.Cli.Rendering;

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

/// <summary>How one micro-VM check is shown.</summary>
internal static class GuestCheckRendering
{
    public static GuestCheckJson Json(GuestCheckResult result)
    {
        var (boot, sample) = (result.Boot, result.Sample);
        return new GuestCheckJson(
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
            sample.Seconds);
    }

    public static void Table(IAnsiConsole console, GuestCheckResult result)
    {
        var (boot, sample) = (result.Boot, result.Sample);
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
        console.Write(table);
    }
}
