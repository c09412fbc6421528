using System.ComponentModel;
using KvmTune.Core.Decisions;
using Spectre.Console.Cli;

namespace KvmTune.Cli.Commands;

/// <summary>The advisor's options, shared by <c>tune</c> and <c>report</c>.</summary>
internal class AdvisorSettings : CommandSettings
{
    [CommandOption("--safety <LEVEL>")]
    [Description("flush (default): guest flushes must reach stable storage (excludes unsafe); sync: every write durable (writethrough, directsync); any.")]
    public string? Safety { get; init; }

    [CommandOption("--migration")]
    [Description("Only cache modes that live-migrate safely on this host (none, directsync; others with QEMU >= 4.0).")]
    public bool Migration { get; init; }

    [CommandOption("--snapshots")]
    [Description("Only backends with internal snapshots (qcow2).")]
    public bool Snapshots { get; init; }

    [CommandOption("--workload <PROFILES>")]
    [Description("Profiles that count and their weights: PROFILE[[=weight]],… (default: every measured profile, weight 1).")]
    public string? Workload { get; init; }

    [CommandOption("--vms-per-host <N>")]
    [Description("Share the measured sustained capacity among N VMs as flavor QoS extra specs.")]
    public int? VmsPerHost { get; init; }

    [CommandOption("--db <FILE>")]
    [Description("The results store (default: kvmtune.db in the data directory).")]
    public string? Db { get; init; }

    /// <summary>The constraints; throws InputException naming the bad option.</summary>
    public AdvisorConstraints ToConstraints() => new()
    {
        Safety = AdvisorConstraints.ParseSafety(Safety),
        Migration = Migration,
        Snapshots = Snapshots,
        Workload = AdvisorConstraints.ParseWorkload(Workload),
    };

    /// <summary>Checks the options that need no measurement, before anything is measured or written.</summary>
    public void CheckAdvisorOptions()
    {
        _ = ToConstraints();
        if (VmsPerHost is < 1)
        {
            throw new Core.InputException($"--vms-per-host: {VmsPerHost} is not a positive number of VMs");
        }
    }
}
